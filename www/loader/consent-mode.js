// Assent loader: Google Consent Mode v2. After the start and every decision it pushes
// `gtag('consent', 'update', ...)` through `dataLayer` with the signals the runtime
// computed (the stub pushed the `default`). It only reports: the signals come from
// the snapshot, and nothing here reads or changes a decision.

/** Google Consent Mode v2: `gtag('consent', 'update', ...)` through dataLayer. */
export function sendConsentMode(session, command) {
  const consentMode = session.snapshot?.consentMode;
  if (!consentMode) return;
  const layer = (window.dataLayer = window.dataLayer || []);
  (function () { layer.push(arguments); })('consent', command, { ...consentMode });
}
