//! The localStorage edge. `localStorage` may be missing (Android WebViews ship with
//! DOM storage off), throw on access (disabled, private mode), have methods that
//! throw (Firefox's corrupted-storage error, hardened WebViews, privacy extensions)
//! or refuse writes (quota). In each case Assent keeps the record in memory for this
//! page view, says so once in the console, and carries on gating.
//!
//! Every access goes through `area()` and web-sys's `Result`s: gloo-storage's typed
//! `LocalStorage::get`/`set` unwrap a throwing `getItem` into a trap (`unreachable`),
//! so only its `raw()` handle is used, and only after `area()` has checked that the
//! getter answers.

use std::cell::{Cell, RefCell};
use std::thread::LocalKey;

use assent::changes::BASELINE_KEY;
use assent::history::{HISTORY_KEY, OUTBOX_KEY};
use assent::record::STORAGE_KEY;
use gloo_storage::{LocalStorage, Storage};

/// The user's language switch, remembered apart from the record so it holds before
/// any decision. Stored as a JSON string (what gloo-storage's `set` wrote before).
const LANGUAGE_KEY: &str = "assent.lang";

/// This page view's copy of one text it wrote.
struct Kept {
    text: String,
    /// Whether storage took it. If it did, storage is as new or newer (another tab
    /// may have written since) and is read first; the copy stands in only when a
    /// later read throws. If it refused, the copy is the newest there is.
    stored: bool,
}

thread_local! {
    static RECORD_MEMORY: RefCell<Option<Kept>> = const { RefCell::new(None) };
    static HISTORY_MEMORY: RefCell<Option<Kept>> = const { RefCell::new(None) };
    static WARNED: Cell<bool> = const { Cell::new(false) };
}

const UNAVAILABLE: &str =
    "localStorage is unavailable; the decision is kept in memory for this page view only";

fn warn_once(message: &str) {
    if !WARNED.with(|w| w.replace(true)) {
        web_sys::console::warn_1(&format!("assent: {message}").into());
    }
}

/// localStorage, when the getter answers with a Storage (gloo-storage's `raw()`
/// traps when it is null or throws, so web-sys asks first).
fn area() -> Option<web_sys::Storage> {
    let usable = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .is_some();
    if !usable {
        warn_once(UNAVAILABLE);
        return None;
    }
    Some(LocalStorage::raw())
}

/// What storage holds under `key`: `Err` when it is missing or the read throws.
fn get(key: &str) -> Result<Option<String>, ()> {
    let area = area().ok_or(())?;
    area.get_item(key).map_err(|_| warn_once(UNAVAILABLE))
}

/// Stores `text` under `key`; whether storage took it.
fn set(key: &str, text: &str) -> bool {
    area().is_some_and(|area| area.set_item(key, text).is_ok())
}

/// One stored text with its in-memory copy for this page view.
type Memory = LocalKey<RefCell<Option<Kept>>>;

/// The text under `key`: this page view's copy when storage refused it, else what
/// storage holds, else (storage unreadable) this page view's copy.
fn read(key: &str, memory: &'static Memory) -> Option<String> {
    let refused = memory.with(|m| {
        m.borrow()
            .as_ref()
            .filter(|kept| !kept.stored)
            .map(|kept| kept.text.clone())
    });
    refused.or_else(|| {
        get(key).unwrap_or_else(|()| memory.with(|m| m.borrow().as_ref().map(|k| k.text.clone())))
    })
}

/// Stores `text` under `key` and keeps a copy; returns whether storage took it.
fn write(key: &str, memory: &'static Memory, text: &str) -> bool {
    let stored = set(key, text);
    memory.with(|m| {
        *m.borrow_mut() = Some(Kept {
            text: text.to_string(),
            stored,
        })
    });
    stored
}

/// The stored record text, exactly as stored (decoding is the core's job).
pub fn read_record() -> Option<String> {
    read(STORAGE_KEY, &RECORD_MEMORY)
}

/// Writes the record; falls back to memory when storage refuses.
pub fn write_record(text: &str) {
    if !write(STORAGE_KEY, &RECORD_MEMORY, text) {
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
/// copy): none when storage is missing or refuses.
fn stored(key: &str) -> Option<String> {
    get(key).ok().flatten()
}

/// Queues a consent event for `receiptEndpoint` (`assent::history::enqueue`), in the
/// same step that stores the record, so a reload cannot lose it.
pub fn enqueue_receipt(id: &str, event: &assent::history::Event) {
    let queued = assent::history::enqueue(stored(OUTBOX_KEY).as_deref(), id, event);
    set(OUTBOX_KEY, &queued);
}

/// The events waiting for `receiptEndpoint`, oldest first (`assent::history::pending`).
pub fn pending_receipts() -> Vec<serde_json::Value> {
    assent::history::pending(stored(OUTBOX_KEY).as_deref())
}

/// Removes the event queued under `id` once the endpoint answered for good (took it,
/// or refused it); storage is read again first, so what another tab queued meanwhile
/// stays.
pub fn acknowledge_receipt(id: &str) {
    let stored = stored(OUTBOX_KEY);
    if stored.is_some() {
        set(
            OUTBOX_KEY,
            &assent::history::acknowledge(stored.as_deref(), id),
        );
    }
}

/// The baseline of what the last choice was made on (`assent::changes`), read only
/// when something changed since. Kept in storage only: a page view that cannot store
/// it shows changed items whole.
pub fn read_baseline() -> Option<String> {
    stored(BASELINE_KEY)
}

pub fn write_baseline(text: &str) {
    set(BASELINE_KEY, text);
}

/// Remembers the user's language switch, as a JSON string (the loader reads it,
/// www/loader/language.js).
pub fn write_language(tag: &str) {
    if let Ok(text) = serde_json::to_string(tag) {
        set(LANGUAGE_KEY, &text);
    }
}
