//! `assent-default-config`: the seed configuration compiled in (`include_str!` of
//! `config/default.json`, through `assent::DEFAULT_CONFIG_JSON`), served to the loader
//! when the loader tag names no configuration URL. Kept out of the runtime so the
//! module every page view loads does not carry a quarter megabyte of text it rarely
//! needs. Holds no logic: the runtime validates this text like any other.

use wasm_bindgen::prelude::*;

/// The compiled-in configuration text.
#[wasm_bindgen(js_name = defaultConfig)]
pub fn default_config() -> String {
    assent::DEFAULT_CONFIG_JSON.to_string()
}
