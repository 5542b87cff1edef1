//! The localStorage edge. `localStorage` may be missing (Android WebViews ship with
//! DOM storage off), throw (disabled, private mode) or refuse writes (quota). In each
//! case Assent keeps the record in memory for this page view, says so once in the
//! console, and carries on gating.

use std::cell::{Cell, RefCell};

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

/// The stored record text, exactly as stored (decoding is the core's job).
pub fn read_record() -> Option<String> {
    let memory = MEMORY.with(|m| m.borrow().clone());
    if memory.is_some() || !available() {
        return memory;
    }
    LocalStorage::raw().get_item(STORAGE_KEY).ok().flatten()
}

/// Writes the record; falls back to memory when storage refuses.
pub fn write_record(text: &str) {
    if available() && LocalStorage::raw().set_item(STORAGE_KEY, text).is_ok() {
        MEMORY.with(|m| m.borrow_mut().take());
        return;
    }
    warn_once(
        "could not write to localStorage; the decision is kept in memory for this page view only",
    );
    MEMORY.with(|m| *m.borrow_mut() = Some(text.to_string()));
}

/// The stored consent history text (`assent::history`), or this page view's copy when
/// storage refuses it.
pub fn read_history() -> Option<String> {
    let memory = HISTORY_MEMORY.with(|m| m.borrow().clone());
    if memory.is_some() || !available() {
        return memory;
    }
    LocalStorage::raw().get_item(HISTORY_KEY).ok().flatten()
}

pub fn write_history(text: &str) {
    if available() && LocalStorage::raw().set_item(HISTORY_KEY, text).is_ok() {
        HISTORY_MEMORY.with(|m| m.borrow_mut().take());
        return;
    }
    HISTORY_MEMORY.with(|m| *m.borrow_mut() = Some(text.to_string()));
}

/// Queues a consent event for `receiptEndpoint` (`assent::history::enqueue`), in the
/// same step that stores the record, so a reload cannot lose it.
pub fn enqueue_receipt(id: &str, event: &assent::history::Event) {
    if !available() {
        return;
    }
    let stored = LocalStorage::raw().get_item(OUTBOX_KEY).ok().flatten();
    let _ = LocalStorage::raw().set_item(
        OUTBOX_KEY,
        &assent::history::enqueue(stored.as_deref(), id, event),
    );
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
