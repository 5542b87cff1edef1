//! The localStorage edge. `localStorage` may be missing (Android WebViews ship with
//! DOM storage off), throw (disabled, private mode) or refuse writes (quota). In each
//! case Assent keeps the record in memory for this page view, says so once in the
//! console, and carries on gating.

use std::cell::{Cell, RefCell};
use std::thread::LocalKey;

use assent::changes::BASELINE_KEY;
use assent::history::{HISTORY_KEY, OUTBOX_KEY};
use assent::record::STORAGE_KEY;
use gloo_storage::{LocalStorage, Storage};

/// The user's language switch, remembered apart from the record so it holds before
/// any decision.
const LANGUAGE_KEY: &str = "assent.lang";

thread_local! {
    static MEMORY: RefCell<Option<String>> = const { RefCell::new(None) };
    static HISTORY_MEMORY: RefCell<Option<String>> = const { RefCell::new(None) };
    static WARNED: Cell<bool> = const { Cell::new(false) };
}

/// Whether localStorage can be used. gloo-storage throws when it is null, so ask
/// web-sys first.
fn available() -> bool {
    let ok = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .is_some();
    if !ok {
        warn_once(
            "localStorage is unavailable; the decision is kept in memory for this page view only",
        );
    }
    ok
}

fn warn_once(message: &str) {
    if !WARNED.with(|w| w.replace(true)) {
        web_sys::console::warn_1(&format!("assent: {message}").into());
    }
}

/// One stored text with its in-memory stand-in for this page view.
type Memory = LocalKey<RefCell<Option<String>>>;

/// The text under `key`: this page view's copy once storage has refused a write,
/// else what localStorage holds.
fn read(key: &str, memory: &'static Memory) -> Option<String> {
    let kept = memory.with(|m| m.borrow().clone());
    if kept.is_some() || !available() {
        return kept;
    }
    LocalStorage::raw().get_item(key).ok().flatten()
}

/// Stores `text` under `key`, or keeps it in memory when storage refuses; returns
/// whether storage took it.
fn write(key: &str, memory: &'static Memory, text: &str) -> bool {
    if available() && LocalStorage::raw().set_item(key, text).is_ok() {
        memory.with(|m| m.borrow_mut().take());
        return true;
    }
    memory.with(|m| *m.borrow_mut() = Some(text.to_string()));
    false
}

/// The stored record text, exactly as stored (decoding is the core's job).
pub fn read_record() -> Option<String> {
    read(STORAGE_KEY, &MEMORY)
}

/// Writes the record; falls back to memory when storage refuses.
pub fn write_record(text: &str) {
    if !write(STORAGE_KEY, &MEMORY, text) {
        warn_once(
            "could not write to localStorage; the decision is kept in memory for this page view only",
        );
    }
}

/// The stored consent history text (`assent::history`), or this page view's copy when
/// storage refuses it.
pub fn read_history() -> Option<String> {
    read(HISTORY_KEY, &HISTORY_MEMORY)
}

pub fn write_history(text: &str) {
    write(HISTORY_KEY, &HISTORY_MEMORY, text);
}

/// The text under `key` in localStorage, for what is kept there only (no in-memory
/// stand-in): none when storage is missing or refuses.
fn stored(key: &str) -> Option<String> {
    available()
        .then(|| LocalStorage::raw().get_item(key).ok().flatten())
        .flatten()
}

/// Stores `text` under `key` when storage takes it; otherwise it is not kept.
fn store(key: &str, text: &str) {
    if available() {
        let _ = LocalStorage::raw().set_item(key, text);
    }
}

/// Queues a consent event for `receiptEndpoint` (`assent::history::enqueue`), in the
/// same step that stores the record, so a reload cannot lose it.
pub fn enqueue_receipt(id: &str, event: &assent::history::Event) {
    let queued = assent::history::enqueue(stored(OUTBOX_KEY).as_deref(), id, event);
    store(OUTBOX_KEY, &queued);
}

/// The baseline of what the last choice was made on (`assent::changes`), read only
/// when something changed since. Kept in storage only: a page view that cannot store
/// it shows changed items whole.
pub fn read_baseline() -> Option<String> {
    stored(BASELINE_KEY)
}

pub fn write_baseline(text: &str) {
    store(BASELINE_KEY, text);
}

/// The remembered language switch, if any.
pub fn read_language() -> Option<String> {
    if !available() {
        return None;
    }
    LocalStorage::get::<String>(LANGUAGE_KEY).ok()
}

pub fn write_language(tag: &str) {
    if available() {
        let _ = LocalStorage::set(LANGUAGE_KEY, tag);
    }
}
