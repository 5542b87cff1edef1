//! What the integration tests share: the fixtures in `tests/fixtures/`.

use serde_json::Value;

/// The text of `tests/fixtures/{name}`.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The small configuration shared with the unit and end-to-end tests, as JSON to edit.
#[allow(dead_code)] // not every test file edits it
pub fn small_config() -> Value {
    serde_json::from_str(&fixture("small-config.json")).unwrap()
}
