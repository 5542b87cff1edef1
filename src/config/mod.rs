//! The site's configuration: parsed and validated in two stages, every problem
//! reported with its JSON path (the first [`MAX_LISTED_PROBLEMS`], then a count).
//!
//! Stage one ([`model`]) lets serde check shapes, one element at a time, so a wrong
//! type in `purposes[2]` does not hide a missing field in `thirdParties[5]`. Stage two
//! ([`validate`]) checks what serde cannot: id syntax and uniqueness, references
//! between entities, link schemes, empty texts. A [`Config`] exists only when both
//! stages found nothing; it never half-loads. This module never touches a browser.
//!
//! The model's types are always built: the compiled files of a build
//! (`crate::compiled`) reuse them. The parser and validator ([`source`]: [`Config`],
//! its errors and limits) are behind the `validate` feature, on for the CLI and off
//! for every WebAssembly module, which read only what `assent build` compiled.

pub mod model;
#[cfg(feature = "validate")]
mod source;

#[cfg(feature = "schema")]
use serde_json::Value;

pub use model::*;
#[cfg(feature = "validate")]
pub use source::*;

/// The JSON Schema of the configuration file, pretty-printed, for editors.
///
/// An optional field is one that may be left out, never one that may be `null`:
/// schemars writes `Option<T>` as "T or null", and the parser refuses `null`
/// everywhere (`report_nulls` says why), so the nulls are taken out here.
#[cfg(feature = "schema")]
pub fn json_schema() -> String {
    use schemars::generate::SchemaSettings;
    use schemars::transform::RecursiveTransform;
    let generator = SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(not_nullable))
        .into_generator();
    let schema = generator.into_root_schema_for::<model::ConfigFile>();
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// Removes `null` from one schema: from `"type": [T, "null"]`, and `{"type": "null"}`
/// from an `anyOf` (what schemars writes for an optional struct or enum).
#[cfg(feature = "schema")]
fn not_nullable(schema: &mut schemars::Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            object.insert("type".into(), only);
        }
    }
    let null = serde_json::json!({"type": "null"});
    if let Some(Value::Array(any_of)) = object.get_mut("anyOf") {
        any_of.retain(|s| *s != null);
        if let [Value::Object(only)] = any_of.as_slice() {
            let only = only.clone();
            object.remove("anyOf");
            object.extend(only);
        }
    }
}
