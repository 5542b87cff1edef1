//! `assent-ui`: the preferences dialog, in Yew. The loader renders the first layer
//! (the banner) itself from the runtime's texts and fetches this module only when the
//! dialog is opened, so neither a first nor a returning visit waits for it.
//!
//! The UI never writes storage and never decides what is granted: it renders the
//! configuration and the snapshot it is given and reports the user's choices through
//! callbacks to the loader, which records them with the runtime module.
//!
//! Layout: [`api`] is the `#[wasm_bindgen]` surface; [`app`] owns the screen state;
//! one component per file for each region; [`labels`] maps model enums to words.

pub mod api;
mod app;
mod data_items;
mod disclosures;
mod download;
mod labels;
mod preferences;
mod purpose;
mod third_party;
