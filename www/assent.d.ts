// TypeScript declarations for window.assent, the API the inline stub defines at once
// and the loader completes. Ids are purpose or third-party ids of the configuration.

export type AssentMethod = 'banner' | 'preferences' | 'api' | 'placeholder' | 'native';

export interface AssentState {
  /** Every purpose and third-party id: true granted, false refused, null undecided. */
  decisions: Record<string, boolean | null>;
  policyVersion: string;
  /** Random, UUID v4 layout; null before the first decision. */
  consentId: string | null;
  /** Milliseconds since the epoch; null before the first decision. */
  createdAt: number | null;
  updatedAt: number | null;
  expiresAt: number | null;
  method: AssentMethod | null;
  /** The interface language: 'zh-CN' or 'en'. */
  language: string;
}

export interface AssentChange {
  /** Ids whose answer changed (empty when replayed to a late subscriber). */
  changed: string[];
  /** Ids that were granted and no longer are: tags serving them should stop. */
  revoked: string[];
  state: AssentState;
}

export interface AssentEvents {
  ready: AssentState;
  change: AssentChange;
  show: { view: 'banner' | 'preferences'; state: AssentState };
  hide: { state: AssentState };
  /** The user's answer to a permission notice (`explain`); nothing was recorded. */
  explain: { permission: string; granted: boolean };
}

export interface Assent {
  /** true / false; undefined when undecided, unknown, not loaded (and no stored
   * record answers) or after a failure. Synchronous, from the first byte. */
  get(id: string): boolean | undefined;
  /** undefined before any decision is known. */
  state(): AssentState | undefined;
  /** Resolves once the runtime has started; rejects with the reason when it cannot. */
  readonly ready: Promise<AssentState>;
  /** Resolves when `id` is granted, at once if it already is. */
  whenGranted(id: string): Promise<AssentState>;
  /** Late subscribers to `ready` and `change` are called at once with the current state.
   * The same events are dispatched on window as `assent:<event>` CustomEvents. */
  on<E extends keyof AssentEvents>(event: E, callback: (detail: AssentEvents[E]) => void): void;
  off<E extends keyof AssentEvents>(event: E, callback: (detail: AssentEvents[E]) => void): void;
  acceptAll(): Promise<AssentState>;
  rejectAll(): Promise<AssentState>;
  /** Purpose and third-party ids (a third party's own switch); an unknown id, or refusing an
   * always-granted purpose or a third party that serves one, refuses the whole call. */
  set(choices: Record<string, boolean>): Promise<AssentState>;
  /** Withdraws every consent (as rejectAll, method 'api'): `change` lists the revoked ids,
   * and the storage keys the configuration lists for them are cleared. */
  withdraw(): Promise<AssentState>;
  /** A self-contained JSON receipt of the current consent (ISO/IEC TS 27560 /
   * Kantara fields: controller, policy link and version, purposes with their data and
   * recipients, timestamps, consent id, method); undefined before any decision. */
  receipt(): Promise<Record<string, unknown> | undefined>;
  /** The local consent history: one event per decision on this device (time, consent
   * id, policy version, hash of the configuration shown, each purpose's and third
   * party's fingerprint, the choice, method, language), newest last, at most 50.
   * Defined once `ready` has resolved. */
  history?(): Array<Record<string, unknown>>;
  /** Records a decision the host app already has (docs/native-bridge.md; method
   * 'native'). Defined once `ready` has resolved on a page with a native bridge; the
   * message must answer every consent purpose for this policy version, or it is
   * refused whole. */
  fromNative?(message: AssentNativeMessage | string): Promise<AssentState>;
  /** A just-in-time notice for a configured device permission (`camera`, `location`,
   * ...) before the page calls the browser's or the app's permission prompt: its
   * purpose, who asks and what refusing costs. Resolves true (allow) or false (not
   * now, Escape); one notice at a time; rejects for an id the configuration does not
   * list. Grants and records nothing. */
  explain(permission: string): Promise<boolean>;
  /** Consent at the moment of use (`askedAtUse` purposes); rejects for any other id:
   * today, every id. */
  ask(purpose: string): Promise<boolean>;
  show(): Promise<void>;
  showPreferences(): Promise<void>;
  hide(): void;
}

/** The native bridge's message, both ways (docs/native-bridge.md). */
export interface AssentNativeMessage {
  type: 'assent:decision';
  version: 1;
  policyVersion: string;
  decisions: Record<string, boolean | null>;
  consentId?: string;
  updatedAt?: number;
  method?: string;
  language?: string;
  changed?: string[];
  revoked?: string[];
}

declare global {
  interface Window {
    assent: Assent;
    /** Set by the host app at document start: a decision it already has. */
    assentNativeDecision?: AssentNativeMessage | string;
  }
  interface WindowEventMap {
    'assent:ready': CustomEvent<AssentState>;
    'assent:change': CustomEvent<AssentChange>;
    'assent:show': CustomEvent<AssentEvents['show']>;
    'assent:hide': CustomEvent<AssentEvents['hide']>;
    'assent:explain': CustomEvent<AssentEvents['explain']>;
  }
}
