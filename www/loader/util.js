// Assent loader: what every module shares. The console prefix, the copies page code
// is handed, the own-property test and the folder the loader was loaded from (the
// bundle, dist/assent.js, so the sibling files resolve against it). Pure functions
// and constants only: nothing here touches the page or holds state.

/** dist/, where the bundle and the files it imports live. */
export const base = new URL('.', import.meta.url);

// Object.hasOwn is newer than the supported floor (Chrome 93, Safari 15.4).
export const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

export function log(level, message, ...rest) {
  console[level](`assent: ${message}`, ...rest);
}

/** Resolves after `ms` milliseconds. */
export const wait = (ms) => new Promise((done) => setTimeout(done, ms));

/** Rejects after `ms` milliseconds, saying that `what` did not arrive in time. */
export const deadline = (ms, what) => wait(ms).then(() => {
  throw new Error(`${what} did not arrive within ${ms} ms (data-timeout)`);
});

export function copy(value) {
  return value == null ? value : JSON.parse(JSON.stringify(value));
}
