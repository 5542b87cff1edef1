//! Assent's pure core: the disclosure model, its validation, the consent record and
//! the decisions derived from both.
//!
//! Nothing here touches a browser: no `web_sys`, `js_sys`, `wasm_bindgen`, `gloo` or
//! `yew`. The clock, the stored text, randomness and the page's facts come in as
//! values; decisions come out as values that the shells (`crates/runtime`,
//! `crates/ui`) apply. Everything is tested natively with `cargo test`.

#[cfg(feature = "build")]
pub mod build;
pub mod changes;
#[cfg(feature = "validate")]
pub mod compile;
pub mod compiled;
pub mod config;
pub mod consent_mode;
pub mod decision;
pub mod explain;
pub mod gate;
pub mod history;
pub mod language;
pub mod receipt;
pub mod record;
pub mod rules;
pub mod ui_text;

#[cfg(feature = "validate")]
pub use config::{Config, ConfigError};
pub use decision::{Choice, ConsentState};
pub use language::Lang;
pub use record::{Method, Record, RecordRejection};
pub use rules::Rules;

/// The seed configuration's source, compiled in for the native tests, fuzzing and
/// `Config::default_config`: the same file `scripts/build.sh` builds the demo from
/// (`site/`), so the two cannot drift. No WebAssembly module holds it.
pub const DEFAULT_CONFIG_JSON: &str = include_str!("../config/default.json");

#[cfg(test)]
pub(crate) mod test_support {
    use crate::decision::DecisionContext;
    use crate::{Config, Lang, Method, Rules};

    /// A decision's context for unit tests: English, no GPC, fixed randomness.
    pub fn context(now: u64, method: Method) -> DecisionContext {
        DecisionContext {
            now,
            gpc: false,
            random: [7; 16],
            language: Lang::En,
            method,
        }
    }

    /// The small configuration shared with the end-to-end tests.
    pub fn small_config() -> Config {
        Config::parse(include_str!("../tests/fixtures/small-config.json"))
            .expect("small config is valid")
    }

    /// The rules the runtime runs on for a configuration: compiled, then checked, as
    /// `start` builds them.
    pub fn rules_of(config: &Config) -> Rules {
        crate::compile::rules(config, "").expect("a compiled configuration runs")
    }

    /// The receipt and permission texts of a configuration, as `assent build` writes
    /// them (`texts.<digest>.json`).
    pub fn texts_of(config: &Config) -> crate::compiled::Texts {
        crate::build::texts(config, rules_of(config).digest())
    }

    /// The rules of the small configuration.
    pub fn small_rules() -> Rules {
        rules_of(&small_config())
    }
}
