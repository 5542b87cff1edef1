//! What the integration tests share: the fixtures in `tests/fixtures/`.

use assent::{Config, Rules};
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

/// Applies `[pointer, value]` edits (`null` removes the field or element), then sets
/// each pointer of `nulls` to JSON `null`.
#[allow(dead_code)] // not every test file edits configurations
pub fn patched(base: &Value, patch: &[Value], nulls: &[Value]) -> String {
    let mut doc = base.clone();
    for edit in patch {
        let value = Some(edit[1].clone()).filter(|v| !v.is_null());
        edited(&mut doc, edit[0].as_str().unwrap(), value);
    }
    for pointer in nulls {
        edited(&mut doc, pointer.as_str().unwrap(), Some(Value::Null));
    }
    doc.to_string()
}

/// Sets the value at a JSON pointer, or removes it with `None`.
fn edited(doc: &mut Value, pointer: &str, value: Option<Value>) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match (target, value) {
        (Value::Object(map), None) => {
            map.remove(key);
        }
        (Value::Object(map), Some(value)) => {
            map.insert(key.to_string(), value);
        }
        (Value::Array(list), Some(value)) => list[key.parse::<usize>().unwrap()] = value,
        (other, _) => panic!("cannot edit {other}"),
    }
}

/// The rules the runtime runs on for a valid configuration text: parsed, compiled and
/// checked, as `start` builds them.
#[allow(dead_code)] // not every test file decides
pub fn rules_of(text: &str) -> Rules {
    let config = Config::parse(text).expect("a valid configuration");
    assent::compile::rules(&config, text).expect("a compiled configuration runs")
}
