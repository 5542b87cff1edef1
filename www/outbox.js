// Assent's receipt outbox (imported by the loader only when the configuration has a
// `receiptEndpoint`). The runtime queues each consent event in localStorage
// `assent.outbox` in the same step that stores the record; this module POSTs them as
// JSON, oldest first, and has the runtime forget each once the endpoint acknowledges
// it (any 2xx). The runtime is the one owner of that key: this module reads and
// removes entries only through it (`pendingReceipts`, `acknowledgeReceipt`).
// A refusal (a 4xx other than 408 and 429: this endpoint will never take that event)
// drops it with a console error naming the event and the server's answer, and the
// next one goes on. Any other failure (5xx, 408, 429, the network) keeps it queued and
// retries with back-off (1 s doubling to 5 min), and on every later page load, so no
// event is lost across reloads; the body carries
// `eventId` so the endpoint can drop a repeat whose acknowledgement was lost. One
// sender at a time, across tabs (Web Locks where the browser has them).

let endpoint = null;
let runtime = null;
let timer = null;
let delay = 1000;
let sending = Promise.resolve();

/** Whether an HTTP status means the endpoint will never take this event. */
const refused = (status) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/** POSTs one event: `sent`, `refused` (with the server's words logged) or `retry`. */
async function post(item) {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      keepalive: true,
      credentials: 'omit',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId: item.id, ...item.event }),
    });
    if (response.ok) return 'sent';
    if (!refused(response.status)) return 'retry';
    const answer = (await response.text().catch(() => '')).slice(0, 500);
    console.error(`assent: ${endpoint} refused consent event ${item.id} (HTTP ${response.status}${answer ? `: ${answer}` : ''}); it is dropped, the next one goes on`);
    return 'refused';
  } catch {
    return 'retry';
  }
}

async function drain() {
  for (const item of runtime.pendingReceipts()) {
    if ((await post(item)) === 'retry') {
      clearTimeout(timer);
      timer = setTimeout(flush, delay);
      delay = Math.min(delay * 2, 300000);
      return;
    }
    delay = 1000;
    runtime.acknowledgeReceipt(item.id);
  }
}

/** Sends what is queued now; safe to call at any time. */
export function flush() {
  // eslint-disable-next-line compat/compat -- feature-detected: without Web Locks, one tab sends alone
  const locks = navigator.locks;
  sending = sending.then(() => (locks ? locks.request('assent.outbox', drain) : drain())).catch(() => {});
  return sending;
}

/** Starts sending to `url`, with the runtime (its guarded calls) that owns the queue. */
export function start(url, owner) {
  endpoint = url;
  runtime = owner;
  return flush();
}
