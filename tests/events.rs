//! The consent events fixture (`tests/fixtures/events.json`): the bodies the page's
//! outbox POSTs (`{eventId, ...event}`) for two visitors' decisions, made here by the
//! core itself, so the fixture the consent-log server's tests send is exactly what a
//! page sends. It also proves the core's `Event` reads back what it writes (the server
//! deserializes with this type). `ASSENT_BLESS=1 cargo test --test events` rewrites
//! the fixture after a deliberate change of the event's shape.

mod common;

use std::collections::BTreeMap;

use assent::decision::{apply_choice, DecisionContext};
use assent::history::{sha256, Event};
use assent::{Choice, Lang, Method, Record};
use serde_json::{Map, Value};

/// Each decision: the visitor's random bytes, the time, the choice, how it was made,
/// and Global Privacy Control.
fn decisions() -> Vec<(u8, u64, Choice, Method, bool)> {
    let set = |pairs: &[(&str, bool)]| {
        Choice::Set(
            pairs
                .iter()
                .map(|(id, granted)| (id.to_string(), *granted))
                .collect::<BTreeMap<_, _>>(),
        )
    };
    vec![
        (
            1,
            1_764_000_000_000,
            Choice::AcceptAll,
            Method::Banner,
            false,
        ),
        (
            1,
            1_764_000_060_000,
            set(&[("analytics", false)]),
            Method::Preferences,
            false,
        ),
        (
            2,
            1_764_000_100_000,
            Choice::RejectAll,
            Method::Banner,
            true,
        ),
        (1, 1_764_000_120_000, Choice::RejectAll, Method::Api, false),
        (
            2,
            1_764_000_200_000,
            set(&[("marketing", true)]),
            Method::Api,
            true,
        ),
    ]
}

/// The bodies the outbox sends for [`decisions`], with the runtime's event ids
/// (`consentId-updatedAt-suffix`).
fn made_by_the_core() -> Vec<Value> {
    let text = common::fixture("small-config.json");
    let rules = common::rules_of(&text);
    let disclosure_hash = sha256(text.as_bytes());
    let mut records: BTreeMap<u8, Record> = BTreeMap::new();
    decisions()
        .into_iter()
        .map(|(visitor, now, choice, method, gpc)| {
            let context = DecisionContext {
                now,
                gpc,
                random: [visitor; 16],
                language: Lang::En,
                method,
            };
            let record = apply_choice(&rules, records.get(&visitor), &choice, context).unwrap();
            let event = Event::new(&disclosure_hash, &choice, &record);
            let event_id = format!("{}-{}-{visitor:02x}{visitor:02x}", record.consent_id, now);
            records.insert(visitor, record);
            let mut body = Map::new();
            body.insert("eventId".into(), Value::String(event_id));
            let Value::Object(fields) = serde_json::to_value(&event).unwrap() else {
                unreachable!("an event serializes to an object")
            };
            body.extend(fields);
            Value::Object(body)
        })
        .collect()
}

#[test]
fn the_fixture_is_what_the_core_makes() {
    let made = made_by_the_core();
    if std::env::var_os("ASSENT_BLESS").is_some() {
        let path = format!("{}/tests/fixtures/events.json", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, serde_json::to_string_pretty(&made).unwrap() + "\n").unwrap();
    }
    let fixture: Vec<Value> = serde_json::from_str(&common::fixture("events.json")).unwrap();
    assert_eq!(
        fixture, made,
        "rerun with ASSENT_BLESS=1 after a deliberate change"
    );
    let consent_ids: std::collections::BTreeSet<&str> = fixture
        .iter()
        .map(|body| body["consentId"].as_str().unwrap())
        .collect();
    assert_eq!(consent_ids.len(), 2, "two visitors");
}

#[test]
fn each_event_reads_back_as_it_was_written() {
    let fixture: Vec<Value> = serde_json::from_str(&common::fixture("events.json")).unwrap();
    for mut body in fixture {
        body.as_object_mut().unwrap().remove("eventId");
        let event: Event = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), body);
    }
}
