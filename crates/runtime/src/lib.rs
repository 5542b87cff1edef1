//! `assent-runtime`: the small WebAssembly module every page view loads. It reads the
//! stored record, answers queries, records decisions and gates tags. It holds no UI:
//! the Yew interface is a separate module (`crates/ui`) that the loader fetches only
//! when something must be shown, so a returning visitor never downloads it.
//!
//! Layout: [`api`] is the whole `#[wasm_bindgen]` surface (plain data in and out);
//! [`session`] holds the page view's state; [`storage`] and [`dom`] are the browser
//! edges. Callbacks, Promises and events live in the JS loader (`www/loader/`).

pub mod api;
mod dom;
mod session;
mod storage;
