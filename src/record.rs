//! The consent record: the one localStorage value that holds a visitor's decision.
//!
//! The format is written down in `docs/record-format.md`, with test vectors in
//! `tests/fixtures/record-vectors.json` that this decoder and the inline stub
//! (`www/stub.js`) are both tested against, so the two never disagree about whether a
//! stored record counts. A record that does not count is *no decision*: the banner is
//! shown and nothing is granted; it is replaced only when the user decides.
//!
//! The decoder works on the stored text and the caller's clock; it never reads storage.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::language::Lang;

/// The localStorage key, one per origin.
pub const STORAGE_KEY: &str = "assent";
/// The schema this build writes and reads. A higher number is a future schema and
/// counts as no decision (a newer Assent on another page wrote it).
pub const SCHEMA_VERSION: u64 = 1;
/// Stored values longer than this many UTF-16 code units (JavaScript's
/// `String.length`, so the stub measures the same) are not parsed.
pub const MAX_RECORD_LENGTH: usize = 64 * 1024;
/// The largest integer a JavaScript number holds exactly; timestamps above it are
/// rejected so that Rust and the stub read the same value.
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
/// A previous record's consent id is carried into the next one only up to this many
/// bytes (Assent writes 36). A longer one was not written by Assent, and carrying it
/// could push the new record past [`MAX_RECORD_LENGTH`], so that it never counts.
pub const MAX_KEPT_CONSENT_ID_BYTES: usize = 64;
pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// How a decision was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// A button on the first layer.
    Banner,
    /// The preferences dialog.
    Preferences,
    /// A page script through `window.assent`.
    Api,
    /// The "allow" button of a blocked element's placeholder.
    Placeholder,
    /// The host app, through the WebView bridge.
    Native,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Banner => "banner",
            Method::Preferences => "preferences",
            Method::Api => "api",
            Method::Placeholder => "placeholder",
            Method::Native => "native",
        }
    }
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "banner" => Some(Method::Banner),
            "preferences" => Some(Method::Preferences),
            "api" => Some(Method::Api),
            "placeholder" => Some(Method::Placeholder),
            "native" => Some(Method::Native),
            _ => None,
        }
    }
}

/// The answer to the age question (`minimumAge` in the configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Age {
    /// At or above the minimum age.
    Adult,
    /// Below it, and a parent or guardian confirmed the separate consent given.
    Guardian,
}

impl Age {
    pub fn as_str(self) -> &'static str {
        match self {
            Age::Adult => "adult",
            Age::Guardian => "guardian",
        }
    }
    pub fn parse(s: &str) -> Option<Age> {
        match s {
            "adult" => Some(Age::Adult),
            "guardian" => Some(Age::Guardian),
            _ => None,
        }
    }
}

/// A stored decision that counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub policy_version: String,
    /// Random, from `crypto.getRandomValues`; kept across later decisions of the same
    /// visitor so the history of one consent can be followed.
    pub consent_id: String,
    /// Milliseconds since the Unix epoch (`Date.now()`).
    pub created_at: u64,
    pub updated_at: u64,
    pub expires_at: u64,
    pub language: Lang,
    /// How the decision was made: a [`Method`]'s name when this build wrote it; any
    /// other non-empty name, written by a newer Assent, is kept as it is (the stub
    /// reads it the same way, and nothing is granted from it).
    pub method: String,
    /// Global Privacy Control was on when this decision was made, and was honoured.
    pub gpc: bool,
    /// Purposes and third parties (one namespace), resolved to granted or refused.
    pub decisions: BTreeMap<String, bool>,
    /// Each purpose and third party shown when this decision was made, with its
    /// fingerprint (`Config::fingerprint`): what changed since is asked again, and
    /// only that. Empty in records written before fingerprints (then the policy
    /// version alone decides).
    pub shown: BTreeMap<String, String>,
    /// Third parties refused by their own switch. Kept while their purposes are
    /// refused too, so turning a purpose back on does not undo the refusal.
    pub refused: BTreeSet<String>,
    /// The answer to the age question, once given; kept by later decisions.
    pub age: Option<Age>,
    /// The configuration digest (`rules::digest`) of the build the decision was made
    /// on. The stub answers early only when it equals the snippet's
    /// `data-config-digest` ([`decode_early`]); `None` in records written before it.
    pub config_digest: Option<String>,
}

/// Why a stored value does not count as a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordRejection {
    /// Nothing stored under the key.
    Missing,
    /// Longer than [`MAX_RECORD_LENGTH`].
    TooLarge,
    /// Not JSON, or not an object.
    Unreadable,
    /// Written by a newer Assent whose schema this build does not know.
    FutureSchema,
    /// A field is missing or has the wrong type; names the field.
    WrongShape(&'static str),
    /// Recorded for another policy version: the user must be asked again.
    OtherPolicy,
    /// Older than its expiry.
    Expired,
    /// Made on another build of the configuration (its digest is not the snippet's, or
    /// it has none): only the runtime, which knows what changed, may answer.
    OtherConfiguration,
    /// The snippet has no `data-config-digest`: nothing is answered early.
    NoSnippetDigest,
}

impl RecordRejection {
    /// The name used in the shared test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordRejection::Missing => "missing",
            RecordRejection::TooLarge => "too-large",
            RecordRejection::Unreadable => "unreadable",
            RecordRejection::FutureSchema => "future-schema",
            RecordRejection::WrongShape(_) => "wrong-shape",
            RecordRejection::OtherPolicy => "other-policy",
            RecordRejection::Expired => "expired",
            RecordRejection::OtherConfiguration => "other-configuration",
            RecordRejection::NoSnippetDigest => "no-snippet-digest",
        }
    }
}

impl std::fmt::Display for RecordRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordRejection::Missing => write!(f, "no stored decision"),
            RecordRejection::TooLarge => write!(
                f,
                "stored decision is longer than {MAX_RECORD_LENGTH} characters"
            ),
            RecordRejection::Unreadable => write!(f, "stored decision is not a JSON object"),
            RecordRejection::FutureSchema => write!(
                f,
                "stored decision has a newer schema than this build reads"
            ),
            RecordRejection::WrongShape(field) => {
                write!(f, "stored decision has a missing or invalid `{field}`")
            }
            RecordRejection::OtherConfiguration => write!(
                f,
                "stored decision was made on another build of the configuration"
            ),
            RecordRejection::NoSnippetDigest => write!(
                f,
                "the snippet has no data-config-digest, so nothing is answered before the runtime starts"
            ),
            RecordRejection::OtherPolicy => {
                write!(f, "stored decision was made for another policy version")
            }
            RecordRejection::Expired => write!(f, "stored decision has expired"),
        }
    }
}

/// Decodes a stored value. The order of the checks is part of the format: the stub
/// makes them in the same order, so both report the same rejection.
pub fn decode(
    stored: Option<&str>,
    policy_version: &str,
    now: u64,
) -> Result<Record, RecordRejection> {
    decode_with(stored, Some(policy_version), now)
}

/// What the stub answers a returning visitor with before anything loads: [`decode`]'s
/// record, and only when the snippet names the configuration digest
/// (`data-config-digest`) and the record was made on that same build. A tag that runs
/// early then runs on consent given for exactly the disclosures it is gated on
/// (`www/stub.js` checks the same, against the same vectors).
pub fn decode_early(
    stored: Option<&str>,
    policy_version: &str,
    config_digest: Option<&str>,
    now: u64,
) -> Result<Record, RecordRejection> {
    let config_digest = config_digest.ok_or(RecordRejection::NoSnippetDigest)?;
    let record = decode(stored, policy_version, now)?;
    if record.config_digest.as_deref() != Some(config_digest) {
        return Err(RecordRejection::OtherConfiguration);
    }
    Ok(record)
}

/// A record made for another policy version that can carry over: it lists the
/// fingerprints of what was shown, so the decisions on everything unchanged still
/// hold (`ConsentState` asks again for the rest). Every other check is `decode`'s.
pub fn decode_carried_over(stored: Option<&str>, now: u64) -> Result<Record, RecordRejection> {
    decode_with(stored, None, now).and_then(|record| {
        if record.shown.is_empty() {
            Err(RecordRejection::OtherPolicy)
        } else {
            Ok(record)
        }
    })
}

fn decode_with(
    stored: Option<&str>,
    policy_version: Option<&str>,
    now: u64,
) -> Result<Record, RecordRejection> {
    let stored = stored.ok_or(RecordRejection::Missing)?;
    if stored.len() > MAX_RECORD_LENGTH && stored.encode_utf16().count() > MAX_RECORD_LENGTH {
        return Err(RecordRejection::TooLarge);
    }
    let value: Value = serde_json::from_str(stored).map_err(|_| RecordRejection::Unreadable)?;
    let Value::Object(map) = value else {
        return Err(RecordRejection::Unreadable);
    };
    let schema = map
        .get("schema")
        .and_then(safe_integer)
        .ok_or(RecordRejection::WrongShape("schema"))?;
    if schema > SCHEMA_VERSION as f64 {
        return Err(RecordRejection::FutureSchema);
    }
    if schema != SCHEMA_VERSION as f64 {
        return Err(RecordRejection::WrongShape("schema"));
    }
    let stored_policy = map
        .get("policyVersion")
        .and_then(Value::as_str)
        .ok_or(RecordRejection::WrongShape("policyVersion"))?;
    if policy_version.is_some_and(|version| stored_policy != version) {
        return Err(RecordRejection::OtherPolicy);
    }
    let consent_id = map
        .get("consentId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or(RecordRejection::WrongShape("consentId"))?;
    let timestamp = |field: &'static str| {
        map.get(field)
            .and_then(safe_integer)
            .map(|v| v as u64)
            .ok_or(RecordRejection::WrongShape(field))
    };
    let created_at = timestamp("createdAt")?;
    let updated_at = timestamp("updatedAt")?;
    let expires_at = timestamp("expiresAt")?;
    let language = map
        .get("language")
        .and_then(Value::as_str)
        .and_then(Lang::from_tag)
        .ok_or(RecordRejection::WrongShape("language"))?;
    let method = map
        .get("method")
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty())
        .ok_or(RecordRejection::WrongShape("method"))?;
    let Some(Value::Object(stored_decisions)) = map.get("decisions") else {
        return Err(RecordRejection::WrongShape("decisions"));
    };
    let mut decisions = BTreeMap::new();
    for (id, granted) in stored_decisions {
        let granted = granted
            .as_bool()
            .ok_or(RecordRejection::WrongShape("decisions"))?;
        decisions.insert(id.clone(), granted);
    }
    if now >= expires_at {
        return Err(RecordRejection::Expired);
    }
    // Optional, and read leniently as the stub ignores them: a malformed value reads
    // as absent (`decisions` still holds every resolved answer). Inserted one by one:
    // collecting into a B-tree sorts, and each sort costs the runtime kilobytes.
    let mut shown = BTreeMap::new();
    if let Some(Value::Object(stored)) = map.get("shown") {
        for (id, fingerprint) in stored {
            if let Some(fingerprint) = fingerprint.as_str() {
                shown.insert(id.clone(), fingerprint.to_string());
            }
        }
    }
    let mut refused = BTreeSet::new();
    if let Some(Value::Array(ids)) = map.get("refused") {
        for id in ids.iter().filter_map(Value::as_str) {
            refused.insert(id.to_string());
        }
    }
    Ok(Record {
        policy_version: stored_policy.to_string(),
        consent_id: consent_id.to_string(),
        created_at,
        updated_at,
        expires_at,
        language,
        method: method.to_string(),
        // Optional: only `true` counts; anything else reads as no signal.
        gpc: map.get("gpc") == Some(&Value::Bool(true)),
        decisions,
        shown,
        refused,
        age: map.get("age").and_then(Value::as_str).and_then(Age::parse),
        config_digest: map
            .get("configDigest")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

/// A non-negative integer that a JavaScript number holds exactly (`Number.isSafeInteger`).
fn safe_integer(value: &Value) -> Option<f64> {
    let n = value.as_f64()?;
    (n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE_INTEGER).then_some(n)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireRecord<'a> {
    schema: u64,
    policy_version: &'a str,
    consent_id: &'a str,
    created_at: u64,
    updated_at: u64,
    expires_at: u64,
    language: &'static str,
    method: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    gpc: bool,
    decisions: &'a BTreeMap<String, bool>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    shown: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    refused: &'a BTreeSet<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    age: Option<Age>,
    #[serde(skip_serializing_if = "Option::is_none")]
    config_digest: Option<&'a str>,
}

impl Record {
    /// The stored text. Always decodes back to the same record.
    pub fn encode(&self) -> String {
        let wire = WireRecord {
            schema: SCHEMA_VERSION,
            policy_version: &self.policy_version,
            consent_id: &self.consent_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            expires_at: self.expires_at,
            language: self.language.tag(),
            method: &self.method,
            gpc: self.gpc,
            decisions: &self.decisions,
            shown: &self.shown,
            refused: &self.refused,
            age: self.age,
            config_digest: self.config_digest.as_deref(),
        };
        // Serialising plain strings, integers and a map of booleans cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }
}

/// A consent id from 16 random bytes: 32 lowercase hex digits in UUID layout
/// (version 4, RFC 4122 variant), so back ends that expect a UUID accept it.
pub fn consent_id_from_random(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = crate::history::hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Vector {
        name: String,
        stored: Option<String>,
        policy_version: String,
        /// The snippet's `data-config-digest`; `null` when it has none.
        config_digest: Option<String>,
        now: u64,
        expect: String,
        #[serde(default)]
        decisions: Option<BTreeMap<String, bool>>,
    }

    /// The same vectors run against the stub in the end-to-end tests.
    #[test]
    fn shared_record_vectors() {
        let text = include_str!("../tests/fixtures/record-vectors.json");
        let vectors: Vec<Vector> = serde_json::from_str(text).expect("vectors parse");
        assert!(vectors.len() >= 10);
        for v in vectors {
            let got = decode_early(
                v.stored.as_deref(),
                &v.policy_version,
                v.config_digest.as_deref(),
                v.now,
            );
            match (&got, v.expect.as_str()) {
                (Ok(record), "valid") => {
                    if let Some(expected) = &v.decisions {
                        assert_eq!(&record.decisions, expected, "{}", v.name);
                    }
                }
                (Err(rejection), kind) => assert_eq!(rejection.kind(), kind, "{}", v.name),
                (Ok(_), kind) => panic!("{}: expected {kind}, decoded a valid record", v.name),
            }
        }
    }

    #[test]
    fn encode_then_decode_round_trips() {
        let record = Record {
            policy_version: "2021-04-30".into(),
            consent_id: consent_id_from_random([7; 16]),
            created_at: 1_700_000_000_000,
            updated_at: 1_700_000_000_001,
            expires_at: 1_700_000_000_000 + 182 * DAY_MS,
            language: Lang::ZhCn,
            method: Method::Preferences.as_str().into(),
            gpc: true,
            decisions: [
                ("analytics".to_string(), true),
                ("marketing".to_string(), false),
            ]
            .into(),
            shown: [("analytics".to_string(), "0123456789abcdef".to_string())].into(),
            refused: ["ad-sdk".to_string()].into(),
            age: Some(Age::Guardian),
            config_digest: Some("4865aec766a8f95a".into()),
        };
        let decoded = decode(Some(&record.encode()), "2021-04-30", 1_700_000_000_002).unwrap();
        assert_eq!(decoded, record);
        // Another policy version: not a decision, but it carries over.
        assert_eq!(
            decode(Some(&record.encode()), "2022-01-01", 1_700_000_000_002),
            Err(RecordRejection::OtherPolicy)
        );
        assert_eq!(
            decode_carried_over(Some(&record.encode()), 1_700_000_000_002),
            Ok(record.clone())
        );
        let without_fingerprints = Record {
            shown: BTreeMap::new(),
            ..record
        };
        assert_eq!(
            decode_carried_over(Some(&without_fingerprints.encode()), 1_700_000_000_002),
            Err(RecordRejection::OtherPolicy)
        );
    }

    #[test]
    fn malformed_optional_fields_read_as_absent() {
        let stored = r#"{"schema":1,"policyVersion":"v","consentId":"c","createdAt":1,"updatedAt":1,
            "expiresAt":9,"language":"en","method":"api","decisions":{"a":true},
            "shown":[1],"refused":{"x":1}}"#;
        let record = decode(Some(stored), "v", 2).unwrap();
        assert!(record.shown.is_empty() && record.refused.is_empty());
        let stored = stored.replace(r#""shown":[1]"#, r#""shown":{"a":"f","b":2}"#);
        let record = decode(Some(&stored), "v", 2).unwrap();
        assert_eq!(record.shown, [("a".to_string(), "f".to_string())].into());
    }

    #[test]
    fn a_huge_value_is_not_parsed() {
        let huge = format!(
            "{{\"schema\":1,\"pad\":\"{}\"}}",
            "x".repeat(MAX_RECORD_LENGTH)
        );
        assert_eq!(decode(Some(&huge), "v", 0), Err(RecordRejection::TooLarge));
        // Chinese text is 3 bytes a character in UTF-8 but 1 code unit in JavaScript:
        // the limit counts what the stub counts.
        let chinese = "中".repeat(MAX_RECORD_LENGTH / 2);
        assert_ne!(
            decode(Some(&chinese), "v", 0),
            Err(RecordRejection::TooLarge)
        );
    }

    #[test]
    fn consent_id_is_a_version_4_uuid() {
        let id = consent_id_from_random([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(
            consent_id_from_random([0; 16]),
            "00000000-0000-4000-8000-000000000000"
        );
    }
}
