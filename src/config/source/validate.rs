//! Stage two of configuration validation: what serde cannot check. Every problem is
//! pushed with its JSON path; nothing stops at the first.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::{report, Config, ConfigError, Problem};
use crate::language::Lang;
use crate::record::{
    Method, Record, MAX_KEPT_CONSENT_ID_BYTES, MAX_RECORD_LENGTH, MAX_SAFE_INTEGER,
};

pub(super) fn validate(config: &Config, errors: &mut Vec<ConfigError>) {
    let mut v = Validator { errors };
    v.policy(config);
    v.texts("$.policy", &config.policy);
    let mut section_ids = Namespace::default();
    for (i, section) in config.policy.sections.iter().enumerate() {
        v.id(
            &mut section_ids,
            &format!("$.policy.sections[{i}]"),
            &section.id,
        );
    }

    if config.purposes.is_empty() {
        v.push(
            "$.purposes",
            Problem::Invalid("at least one purpose is required".into()),
        );
    }

    // Purposes and third parties share one namespace: a gated tag names either.
    let mut consent_ids = Namespace::default();
    let mut data_ids = Namespace::default();
    for (i, d) in config.data_items.iter().enumerate() {
        let path = format!("$.dataItems[{i}]");
        v.id(&mut data_ids, &path, &d.id);
        v.texts(&path, d);
    }
    for (i, p) in config.purposes.iter().enumerate() {
        let path = format!("$.purposes[{i}]");
        v.id(&mut consent_ids, &path, &p.id);
        v.texts(&path, p);
        if p.separate_consent && p.legal_basis.is_always_granted() {
            v.push(
                format!("{path}.separateConsent"),
                Problem::Invalid(
                    "separate consent applies only to a purpose whose legalBasis is consent".into(),
                ),
            );
        }
    }
    for (i, t) in config.third_parties.iter().enumerate() {
        let path = format!("$.thirdParties[{i}]");
        v.id(&mut consent_ids, &path, &t.id);
        v.texts(&path, t);
    }
    // Maps, not lists: a configuration may hold thousands of ids and many times more
    // references, and a scan per reference would make validation quadratic. (The
    // same map type as `Config`'s own index, so the WebAssembly gains no new code.)
    let purpose_ids = index(config.purposes.iter().map(|p| &p.id));
    let third_party_ids = index(config.third_parties.iter().map(|t| &t.id));
    let data_item_ids = index(config.data_items.iter().map(|d| &d.id));
    let purposes = Known {
        kind: "purpose",
        ids: &purpose_ids,
    };
    let third_parties = Known {
        kind: "third party",
        ids: &third_party_ids,
    };
    let data_items = Known {
        kind: "data item",
        ids: &data_item_ids,
    };

    for (i, p) in config.purposes.iter().enumerate() {
        v.refs(
            &format!("$.purposes[{i}].dataItems"),
            &p.data_items,
            &data_items,
        );
    }
    if let Some(mode) = &config.consent_mode {
        for (name, needs) in mode.types() {
            if let Some(needs) = needs {
                v.refs(&format!("$.consentMode.{name}"), needs, &purposes);
            }
        }
    }
    for (i, t) in config.third_parties.iter().enumerate() {
        let path = format!("$.thirdParties[{i}]");
        v.refs(&format!("{path}.dataShared"), &t.data_shared, &data_items);
        if t.purposes.is_empty() {
            v.push(
                format!("{path}.purposes"),
                Problem::Invalid("a third party must belong to at least one purpose".into()),
            );
        }
        v.refs(&format!("{path}.purposes"), &t.purposes, &purposes);
        if let Some(url) = &t.processing_rules_url {
            v.link(&format!("{path}.processingRulesUrl"), url);
        }
        if t.disclosed_in.section.trim().is_empty() {
            v.push(format!("{path}.disclosedIn.section"), Problem::Empty);
        }
        v.citation(config, &path, &t.disclosed_in);
    }

    v.record_fits(config);

    let mut feature_ids = Namespace::default();
    for (i, f) in config.features.iter().enumerate() {
        let path = format!("$.features[{i}]");
        v.id(&mut feature_ids, &path, &f.id);
        v.texts(&path, f);
        v.refs(
            &format!("{path}.dataCollected"),
            &f.data_collected,
            &data_items,
        );
        v.refs(&format!("{path}.purposes"), &f.purposes, &purposes);
        v.citation(config, &path, &f.disclosed_in);
    }
    let mut permission_ids = Namespace::default();
    for (i, p) in config.permissions.iter().enumerate() {
        let path = format!("$.permissions[{i}]");
        v.id(&mut permission_ids, &path, &p.id);
        v.texts(&path, p);
        if p.platforms.is_empty() {
            v.push(
                format!("{path}.platforms"),
                Problem::Invalid("name at least one platform".into()),
            );
        }
    }
    let mut source_ids = Namespace::default();
    for (i, s) in config.data_sources.iter().enumerate() {
        let path = format!("$.dataSources[{i}]");
        v.id(&mut source_ids, &path, &s.id);
        v.texts(&path, s);
        v.refs(&format!("{path}.dataItems"), &s.data_items, &data_items);
        v.refs(&format!("{path}.purposes"), &s.purposes, &purposes);
    }
    let mut storage_ids = Namespace::default();
    for (i, s) in config.storage.iter().enumerate() {
        let path = format!("$.storage[{i}]");
        v.id(&mut storage_ids, &path, &s.id);
        v.texts(&path, s);
        v.refs(&format!("{path}.purposes"), &s.purposes, &purposes);
        v.refs(
            &format!("{path}.thirdParties"),
            &s.third_parties,
            &third_parties,
        );
        if let Some(link) = &s.link {
            v.link(&format!("{path}.link"), link);
        }
        for (k, key) in s.keys.iter().enumerate() {
            if key.trim().is_empty() {
                v.push(format!("{path}.keys[{k}]"), Problem::Empty);
            }
        }
    }
}

struct Validator<'a> {
    errors: &'a mut Vec<ConfigError>,
}

/// Ids seen so far in one namespace, with the path of their first use.
#[derive(Default)]
struct Namespace(BTreeMap<String, String>);

struct Known<'a> {
    kind: &'static str,
    ids: &'a BTreeMap<String, usize>,
}

fn index<'a>(ids: impl Iterator<Item = &'a String>) -> BTreeMap<String, usize> {
    ids.enumerate().map(|(i, id)| (id.clone(), i)).collect()
}

impl Validator<'_> {
    fn push(&mut self, path: impl Into<String>, problem: Problem) {
        report(self.errors, path, problem);
    }

    fn policy(&mut self, config: &Config) {
        let policy = &config.policy;
        if !is_id(&policy.id) {
            self.push("$.policy.id", Problem::BadId(policy.id.clone()));
        }
        if policy.version.trim().is_empty() {
            self.push("$.policy.version", Problem::Empty);
        }
        if !is_date(&policy.effective_date) {
            self.push(
                "$.policy.effectiveDate",
                Problem::Invalid(format!(
                    "{:?} must be a date that exists, as YYYY-MM-DD",
                    policy.effective_date
                )),
            );
        }
        for (name, url) in policy.links.all() {
            self.link(&format!("$.policy.links.{name}"), url);
        }
        for (i, right) in policy.rights.iter().enumerate() {
            if let Some(url) = &right.url {
                self.link(&format!("$.policy.rights[{i}].url"), url);
            }
        }
    }

    /// The longest record a decision on this configuration can write must fit the
    /// stored-record limit, or no decision would ever count and the banner would come
    /// back on every page: every purpose and third party refused, the longest method,
    /// the largest timestamps, a kept consent id of characters JSON escapes.
    fn record_fits(&mut self, config: &Config) {
        let mut decisions = BTreeMap::new();
        for id in config.purposes.iter().map(|p| &p.id) {
            decisions.insert(id.clone(), false);
        }
        for id in config.third_parties.iter().map(|t| &t.id) {
            decisions.insert(id.clone(), false);
        }
        let longest = Record {
            policy_version: config.policy.version.clone(),
            consent_id: "\u{1}".repeat(MAX_KEPT_CONSENT_ID_BYTES),
            created_at: MAX_SAFE_INTEGER as u64,
            updated_at: MAX_SAFE_INTEGER as u64,
            expires_at: MAX_SAFE_INTEGER as u64,
            language: Lang::ZhCn,
            method: Method::Preferences.as_str().into(),
            gpc: true,
            shown: config.fingerprints.clone(),
            refused: config.third_parties.iter().map(|t| t.id.clone()).collect(),
            age: Some(crate::record::Age::Guardian),
            // A digest is always 16 hex digits.
            config_digest: Some("0".repeat(16)),
            decisions,
        };
        let length = longest.encode().encode_utf16().count();
        if length > MAX_RECORD_LENGTH {
            self.push(
                "$",
                Problem::Invalid(format!(
                    "a consent record for this configuration can be {length} characters, \
                     more than the {MAX_RECORD_LENGTH} a stored record may hold: use fewer \
                     or shorter purpose and third-party ids, or a shorter policy version"
                )),
            );
        }
    }

    fn id(&mut self, namespace: &mut Namespace, path: &str, id: &str) {
        let id_path = format!("{path}.id");
        if !is_id(id) {
            self.push(id_path, Problem::BadId(id.to_string()));
        } else if let Some(first) = namespace.0.get(id) {
            let first = first.clone();
            self.push(
                id_path,
                Problem::DuplicateId {
                    id: id.to_string(),
                    first,
                },
            );
        } else {
            namespace.0.insert(id.to_string(), id_path);
        }
    }

    fn refs(&mut self, path: &str, refs: &[String], known: &Known<'_>) {
        for (i, r) in refs.iter().enumerate() {
            if !known.ids.contains_key(r.as_str()) {
                self.push(
                    format!("{path}[{i}]"),
                    Problem::UnknownReference {
                        kind: known.kind,
                        id: r.clone(),
                    },
                );
            }
        }
    }

    /// An element cited in the sharing statement is shown under that document's title,
    /// so the configuration must describe it (`policy.sharingStatement`).
    fn citation(&mut self, config: &Config, path: &str, citation: &crate::config::Citation) {
        if citation.document == crate::config::Document::SharingStatement
            && config.policy.sharing_statement.is_none()
        {
            self.push(
                format!("{path}.disclosedIn.document"),
                Problem::Invalid(
                    "cites the sharing statement, which $.policy.sharingStatement does not describe (its title)"
                        .into(),
                ),
            );
        }
    }

    fn link(&mut self, path: &str, url: &str) {
        if !is_safe_link(url) {
            self.push(path, Problem::BadLink(url.to_string()));
        }
    }

    /// Finds every localised text (an object with exactly `zh-CN` and `en`) inside an
    /// entity and reports the empty ones, so no text field can be forgotten here.
    fn texts<T: Serialize>(&mut self, path: &str, entity: &T) {
        if let Ok(value) = serde_json::to_value(entity) {
            self.walk_texts(path, &value);
        }
    }

    fn walk_texts(&mut self, path: &str, value: &Value) {
        match value {
            Value::Object(map)
                if map.len() == 2 && map.contains_key("zh-CN") && map.contains_key("en") =>
            {
                for lang in ["zh-CN", "en"] {
                    if map[lang].as_str().is_none_or(|s| s.trim().is_empty()) {
                        self.push(format!("{path}.{lang}"), Problem::Empty);
                    }
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.walk_texts(&format!("{path}.{k}"), v);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.walk_texts(&format!("{path}[{i}]"), v);
                }
            }
            _ => {}
        }
    }
}

/// `^[a-z][a-z0-9-]*$`
pub fn is_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Absolute https, http or mailto URLs with something after the scheme, and no
/// whitespace or control characters (which browsers strip, turning `java\tscript:` into
/// `javascript:`).
pub fn is_safe_link(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    let rest = ["https://", "http://", "mailto:"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

/// A calendar date as `YYYY-MM-DD` that exists in the (proleptic) Gregorian calendar:
/// `2021-02-31` and `2023-02-29` are refused, `2024-02-29` and `2000-02-29` are not.
fn is_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return false;
    }
    // Only ASCII digits remain between the dashes, so these parse.
    let number = |range: std::ops::Range<usize>| date[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["a", "analytics", "tianqin-sdk", "x1-2"] {
            assert!(is_id(ok), "{ok}");
        }
        for bad in ["", "A", "1a", "-a", "a_b", "a b", "ａ", "analytics!"] {
            assert!(!is_id(bad), "{bad}");
        }
    }

    #[test]
    fn links_allow_only_http_https_mailto() {
        for ok in [
            "https://privacy.mi.com/support",
            "http://weixin.qq.com/x",
            "mailto:privacy@example.com",
            "HTTPS://A.B",
        ] {
            assert!(is_safe_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "//evil.example",
            "/relative",
            "https://",
            "https:///x",
            "ftp://x",
            " https://x",
        ] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        for ok in [
            "2021-04-30",
            "2021-01-31",
            "2021-12-31",
            "2021-02-28",
            "2024-02-29",
            "2000-02-29",
        ] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in ["2021-4-30", "2021-13-01", "2021-04-00", "30/04/2021", ""] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    /// Regression: `2021-02-31` passed when every month had 31 days.
    #[test]
    fn dates_that_do_not_exist_are_refused() {
        for bad in [
            "2021-02-31",
            "2021-02-29",
            "2023-02-29",
            "2100-02-29",
            "1900-02-29",
            "2024-02-30",
            "2021-04-31",
            "2021-06-31",
            "2021-09-31",
            "2021-11-31",
            "2021-01-32",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
