//! The local consent history: proof of what was shown and chosen. Every decision
//! appends one event (time, consent id, policy version, a hash of the configuration
//! text shown, the fingerprint of each purpose and third party shown, the choice, how
//! it was made, the language) to a list kept beside the record, bounded to the
//! newest [`MAX_EVENTS`]. The record says what holds now; the history says how it
//! came to be.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::decision::Choice;
use crate::record::Record;

/// localStorage key of the history, beside the record's.
pub const HISTORY_KEY: &str = "assent.history";
/// How many events are kept: the oldest go first.
pub const MAX_EVENTS: usize = 50;
/// localStorage key of the events waiting to be POSTed to `receiptEndpoint`.
pub const OUTBOX_KEY: &str = "assent.outbox";
/// How many unsent events are kept (the endpoint may be down for days).
pub const MAX_OUTBOX: usize = 200;

/// `bytes` as lowercase hex, two digits a byte: the one spelling of every hash and
/// random id Assent writes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `sha256:` and the hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

/// A short fingerprint of one disclosed item (a purpose, a third party): the first 16
/// hex digits of the SHA-256 of its JSON as configured (keys sorted, so formatting
/// does not count). Any change to what it says changes it.
pub fn fingerprint(json: &[u8]) -> String {
    sha256(json)["sha256:".len().."sha256:".len() + 16].to_string()
}

/// One decision, as the history keeps it and the outbox sends it (the consent-log
/// server reads it with this type too). Every event Assent writes has every field; a
/// reader requires only what identifies a decision (`at`, `consentId`,
/// `policyVersion`, `choice`): the rest, absent, reads as empty, so an event of an
/// older or a trimmed page is still taken, and a field of the wrong type is still
/// refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub at: u64,
    pub consent_id: String,
    pub policy_version: String,
    /// The hash of the configuration text the user was shown ([`sha256`]).
    #[serde(default)]
    pub disclosure_hash: String,
    /// Each purpose and third party shown, with its fingerprint.
    #[serde(default)]
    pub shown: BTreeMap<String, String>,
    /// `accept-all`, `reject-all` or `set`.
    pub choice: String,
    /// For `set`: the ids set and their values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<BTreeMap<String, bool>>,
    /// What the record holds after the decision.
    #[serde(default)]
    pub decisions: BTreeMap<String, bool>,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub language: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gpc: bool,
    /// The answer to the age question, once given (`adult`, or `guardian` when a
    /// parent or guardian confirmed for a user under the minimum age).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<String>,
}

impl Event {
    pub fn new(disclosure_hash: &str, choice: &Choice, record: &Record) -> Event {
        let (kind, set) = match choice {
            Choice::AcceptAll => ("accept-all", None),
            Choice::RejectAll => ("reject-all", None),
            Choice::Set(set) => ("set", Some(set.clone())),
        };
        Event {
            at: record.updated_at,
            consent_id: record.consent_id.clone(),
            policy_version: record.policy_version.clone(),
            disclosure_hash: disclosure_hash.to_string(),
            shown: record.shown.clone(),
            choice: kind.to_string(),
            set,
            decisions: record.decisions.clone(),
            method: record.method.clone(),
            language: record.language.tag().to_string(),
            gpc: record.gpc,
            age: record.age.map(|a| a.as_str().to_string()),
        }
    }
}

/// The stored events, oldest first; none when nothing is stored or the text is not a
/// JSON list.
pub fn events(stored: Option<&str>) -> Vec<Value> {
    stored
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|value| match value {
            Value::Array(items) => Some(items),
            _ => None,
        })
        .unwrap_or_default()
}

/// The stored history with `event` appended, newest last, at most [`MAX_EVENTS`].
/// Stored text that is not a list (or is unreadable) starts a new history; entries
/// are kept as they are, so an event from a newer build is not lost.
pub fn append(stored: Option<&str>, event: &Event) -> String {
    bounded_push(
        stored,
        serde_json::to_value(event).unwrap_or(Value::Null),
        MAX_EVENTS,
    )
}

/// The stored outbox with `event` queued under `id` (`{"id", "event"}`), newest last,
/// at most [`MAX_OUTBOX`]. The outbox module POSTs each entry ([`pending`]) and the
/// runtime removes it once the endpoint answers for good ([`acknowledge`]); the id lets the endpoint drop a repeat whose
/// acknowledgement was lost.
pub fn enqueue(stored: Option<&str>, id: &str, event: &Event) -> String {
    let entry = serde_json::json!({ "id": id, "event": event });
    bounded_push(stored, entry, MAX_OUTBOX)
}

/// The outbox's entries waiting to be sent, oldest first: those with a string `id`
/// (anything else in the stored list is left for [`acknowledge`] to keep).
pub fn pending(stored: Option<&str>) -> Vec<Value> {
    events(stored)
        .into_iter()
        .filter(|entry| entry.get("id").is_some_and(Value::is_string))
        .collect()
}

/// The stored outbox without the entries queued under `id`: the endpoint took that
/// event, or refused it for good. Everything else is kept as it is.
pub fn acknowledge(stored: Option<&str>, id: &str) -> String {
    let items: Vec<Value> = events(stored)
        .into_iter()
        .filter(|entry| entry.get("id").and_then(Value::as_str) != Some(id))
        .collect();
    Value::Array(items).to_string()
}

fn bounded_push(stored: Option<&str>, value: Value, max: usize) -> String {
    let mut items = events(stored);
    items.push(value);
    let excess = items.len().saturating_sub(max);
    items.drain(..excess);
    Value::Array(items).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::decision::apply_choice;
    use crate::record::Method;
    use crate::test_support::{rules_of, small_config};

    fn record(choice: &Choice) -> Record {
        record_for(&small_config(), choice)
    }

    fn record_for(config: &Config, choice: &Choice) -> Record {
        let context = crate::test_support::context(1_700_000_000_000, Method::Preferences);
        apply_choice(&rules_of(config), None, choice, context).unwrap()
    }

    #[test]
    fn an_event_says_what_was_shown_chosen_and_how() {
        let choice = Choice::Set(BTreeMap::from([("analytics".to_string(), true)]));
        let record = record(&choice);
        let event = Event::new(&sha256(b"text"), &choice, &record);
        assert_eq!(event.consent_id, record.consent_id);
        assert_eq!(event.policy_version, "test-1");
        assert_eq!(
            event.disclosure_hash,
            "sha256:982d9e3eb996f559e633f4d194def3761d909f5a3b647d1a851fead67c32c9d1"
        );
        assert_eq!(
            event.shown.keys().collect::<Vec<_>>(),
            ["ad-sdk", "analytics", "marketing", "necessary", "stats-sdk"]
        );
        assert!(event.shown.values().all(|f| f.len() == 16));
        assert_eq!(event.choice, "set");
        assert_eq!(event.set.as_ref().unwrap()["analytics"], true);
        assert_eq!(event.decisions["marketing"], false);
        assert_eq!(
            (event.method.as_str(), event.language.as_str()),
            ("preferences", "en")
        );
    }

    #[test]
    fn a_changed_purpose_changes_only_its_fingerprint() {
        let text = include_str!("../tests/fixtures/small-config.json");
        let config = Config::parse(text).unwrap();
        let changed =
            Config::parse(&text.replace("\"Counting visits\"", "\"Counting visits and clicks\""))
                .unwrap();
        let before = Event::new(
            "h",
            &Choice::AcceptAll,
            &record_for(&config, &Choice::AcceptAll),
        );
        let after = Event::new(
            "h",
            &Choice::AcceptAll,
            &record_for(&changed, &Choice::AcceptAll),
        );
        let differing: Vec<&String> = before
            .shown
            .iter()
            .filter(|(id, f)| after.shown[*id] != **f)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(differing, ["analytics"]);
    }

    #[test]
    fn the_history_keeps_the_newest_events_only() {
        let event = Event::new("h", &Choice::RejectAll, &record(&Choice::RejectAll));
        let mut stored: Option<String> = Some("not json".into());
        for _ in 0..MAX_EVENTS + 5 {
            stored = Some(append(stored.as_deref(), &event));
        }
        let events: Vec<Event> = serde_json::from_str(stored.as_deref().unwrap()).unwrap();
        assert_eq!(events.len(), MAX_EVENTS);
        let foreign = r#"[{"from":"a newer build"}]"#;
        let kept: Vec<Value> = serde_json::from_str(&append(Some(foreign), &event)).unwrap();
        assert_eq!(kept.len(), 2, "an entry it does not know is kept");
    }

    #[test]
    fn the_outbox_sends_what_has_an_id_and_forgets_only_what_was_acknowledged() {
        let event = Event::new("h", &Choice::AcceptAll, &record(&Choice::AcceptAll));
        let mut stored = enqueue(None, "a", &event);
        stored = enqueue(Some(&stored), "b", &event);
        // An entry of another shape (a newer build's, or damaged) is not sent and not lost.
        let mut items: Vec<Value> = serde_json::from_str(&stored).unwrap();
        items.insert(1, serde_json::json!({ "id": 7 }));
        let stored = Value::Array(items).to_string();
        let ids =
            |entries: &[Value]| -> Vec<Value> { entries.iter().map(|e| e["id"].clone()).collect() };
        assert_eq!(ids(&pending(Some(&stored))), ["a", "b"]);
        let left = acknowledge(Some(&stored), "a");
        assert_eq!(ids(&pending(Some(&left))), ["b"]);
        assert_eq!(
            ids(&events(Some(&left))),
            [serde_json::json!(7), "b".into()]
        );
        assert_eq!(
            acknowledge(Some(&left), "unknown"),
            left,
            "an unknown id changes nothing"
        );
        assert_eq!(pending(Some("not json")), Vec::<Value>::new());
        assert_eq!(acknowledge(None, "a"), "[]");
    }

    #[test]
    fn the_outbox_queues_events_under_their_id_and_is_bounded() {
        let event = Event::new("h", &Choice::RejectAll, &record(&Choice::RejectAll));
        let mut stored: Option<String> = None;
        for i in 0..MAX_OUTBOX + 3 {
            stored = Some(enqueue(stored.as_deref(), &format!("e{i}"), &event));
        }
        let items = events(stored.as_deref());
        assert_eq!(items.len(), MAX_OUTBOX);
        assert_eq!(items[0]["id"], "e3", "the oldest went first");
        assert_eq!(items[MAX_OUTBOX - 1]["event"]["choice"], "reject-all");
    }
}
