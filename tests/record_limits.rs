//! The record a decision writes always counts when it is read back: it fits the
//! stored-record limit (65 536 UTF-16 code units), whatever the configuration and
//! whatever was stored before. Found by the decision fuzz target's invariant "the
//! record just written counts" (docs/fuzzing.md), on inputs built near the limit.

use assent::config::Problem;
use assent::decision::{apply_choice, Choice, DecisionContext};
use assent::record::{decode, MAX_RECORD_LENGTH};
use assent::{Config, Lang, Method};
use serde_json::{json, Value};

mod common;
use common::{rules_of, small_config};

const NOW: u64 = 1_700_000_000_000;

fn context() -> DecisionContext {
    DecisionContext {
        now: NOW,
        gpc: false,
        random: [9; 16],
        language: Lang::En,
        method: Method::Preferences,
    }
}

/// A stored record that counts, 65 000 characters long because of its consent id,
/// used to give that id to the next record, which then no longer fit and was refused
/// as too large on the next page: the visitor's decision was lost.
#[test]
fn a_consent_id_assent_did_not_write_is_not_carried_into_the_next_record() {
    let config = Config::default_config().unwrap();
    let policy = &config.policy().version;
    let stored = json!({
        "schema": 1, "policyVersion": policy, "consentId": "x".repeat(65_000),
        "createdAt": 1, "updatedAt": 1, "expiresAt": NOW + 1, "language": "en",
        "method": "banner", "decisions": {}
    })
    .to_string();
    assert!(stored.len() <= MAX_RECORD_LENGTH);
    let previous = decode(Some(&stored), policy, NOW).expect("the stored record counts");

    let rules = rules_of(assent::DEFAULT_CONFIG_JSON);
    let made = apply_choice(&rules, Some(&previous), &Choice::AcceptAll, context()).unwrap();
    assert_eq!(made.consent_id.len(), 36, "a new consent id");
    assert_eq!(made.created_at, NOW, "a new consent");
    assert_eq!(decode(Some(&made.encode()), policy, NOW), Ok(made));

    // An id of Assent's own is kept, as before.
    let mine = apply_choice(&rules, None, &Choice::RejectAll, context()).unwrap();
    let again = apply_choice(&rules, Some(&mine), &Choice::AcceptAll, context()).unwrap();
    assert_eq!(again.consent_id, mine.consent_id);
}

fn refusal(config: &Value) -> Vec<String> {
    match Config::parse(&config.to_string()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .iter()
            .filter(|e| matches!(e.problem, Problem::Invalid(_)) && e.path == "$")
            .map(ToString::to_string)
            .collect(),
    }
}

/// A configuration whose record cannot fit used to be accepted, and then no decision
/// on it ever counted: the banner came back on every page.
#[test]
fn a_configuration_whose_record_cannot_fit_is_refused() {
    let mut long_version = small_config();
    long_version["policy"]["version"] = json!("v".repeat(MAX_RECORD_LENGTH));
    let problems = refusal(&long_version);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("a consent record for this configuration can be"));

    // Many third parties with long ids: each is in the record three times (its
    // decision, its fingerprint, and the list of third parties refused by their own
    // switch), so 380 of 40 characters fit and 450 do not.
    let with_third_parties = |n: usize| {
        let mut config = small_config();
        let template = config["thirdParties"][0].clone();
        let list = config["thirdParties"].as_array_mut().unwrap();
        for i in 0..n {
            let mut t = template.clone();
            t["id"] = json!(format!("third-party-with-a-long-descriptive-{i:04}"));
            list.push(t);
        }
        config
    };
    assert_eq!(refusal(&with_third_parties(380)), Vec::<String>::new());
    let fits = rules_of(&with_third_parties(380).to_string());
    let made = apply_choice(&fits, None, &Choice::RejectAll, context()).unwrap();
    assert_eq!(
        decode(Some(&made.encode()), fits.policy_version(), NOW),
        Ok(made)
    );
    assert_eq!(refusal(&with_third_parties(450)).len(), 1);
}
