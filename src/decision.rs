//! Decisions: what is granted, given the rules of a configuration ([`Rules`], built
//! from the compiled runtime configuration) and a record, and the record a user's
//! choice produces.
//!
//! The rules, in one place:
//! - necessary and legal-obligation purposes are always granted;
//! - a consent purpose is granted or refused only by a record that counts; with no
//!   record it is undecided (`None`), which every caller treats as not granted;
//! - a third party is granted when every purpose it serves is granted, refused when
//!   any is refused, undecided otherwise (a tag that serves two purposes must not run
//!   on the strength of one); one that serves only consent purposes also has its own
//!   switch, and refusing it refuses it alone, whatever its purposes say;
//! - a decision holds for what the user was shown: a purpose or third party that is
//!   new, or whose disclosure changed (its fingerprint), is undecided and asked again,
//!   alone, while the rest of the record keeps counting, across policy versions too;
//! - an unknown id is undecided, never granted;
//! - with Global Privacy Control on, a purpose marked `refusedByGpc` is refused unless
//!   the user explicitly granted it (by its own switch or `set`; "accept all" does not
//!   override the browser's signal);
//! - a purpose marked `separateConsent` is never granted by "accept all": only its own
//!   explicit action (its switch after the separate notice, or `set`) grants it, and
//!   "accept all" keeps what that action decided.

use std::collections::{BTreeMap, BTreeSet};

use crate::language::Lang;
use crate::record::{consent_id_from_random, Method, Record, DAY_MS, MAX_KEPT_CONSENT_ID_BYTES};
use crate::rules::{Rules, Subject, ThirdParty};

/// What the user (or a page script on their behalf) chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Every consent purpose granted.
    AcceptAll,
    /// Every consent purpose refused.
    RejectAll,
    /// Some purposes set; the others keep their current decision (refused when there
    /// is none).
    Set(BTreeMap<String, bool>),
}

/// Why a choice cannot be applied. Nothing is written when any id is bad.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChoiceError {
    /// The id names neither a purpose nor a third party.
    UnknownId(String),
    /// Necessary and legal-obligation purposes, and third parties that serve one,
    /// cannot be refused.
    AlwaysGranted(String),
}

impl std::fmt::Display for ChoiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChoiceError::UnknownId(id) => write!(f, "unknown purpose or third party {id:?}"),
            ChoiceError::AlwaysGranted(id) => {
                write!(f, "{id:?} is always granted and cannot be refused")
            }
        }
    }
}

/// Something asked again because the configuration changed since the record was
/// made: a consent purpose or a third party with its own switch.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub id: String,
    /// Not in the record at all (added since), rather than changed.
    pub new: bool,
}

/// The answers for one configuration and one record (or none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentState {
    /// Every purpose and third party id, with its answer.
    pub answers: BTreeMap<String, Option<bool>>,
    /// True when the user must be asked: no record counts, or the record does not
    /// cover a consent purpose or third party of this configuration as it is now.
    pub needs_decision: bool,
    /// Third parties refused by their own switch.
    pub refused: BTreeSet<String>,
    /// What the record answered once but must be asked again, because it is new or
    /// its disclosure changed; in configuration order, purposes first.
    pub changes: Vec<Change>,
}

/// What `record` still says about `id`: its decision, unless what the user was shown
/// about `id` has changed since (its fingerprint differs, or it was not shown). A
/// record without fingerprints holds for its own policy version only.
pub fn still_holds(rules: &Rules, record: &Record, id: &str) -> Option<bool> {
    let decided = record.decisions.get(id).copied()?;
    let same = if record.shown.is_empty() {
        record.policy_version == rules.policy_version()
    } else {
        record.shown.get(id).map(String::as_str) == rules.fingerprint(id)
    };
    same.then_some(decided)
}

/// Whether the user refused this third party by its own switch: the record lists it,
/// or refused it while granting every purpose it serves. A refusal outlives changes
/// to the disclosure: it is never asked again as a change.
fn refused_by_own_switch(record: &Record, third_party: &ThirdParty) -> bool {
    record.refused.contains(&third_party.id)
        || (record.decisions.get(&third_party.id) == Some(&false)
            && third_party
                .purposes
                .iter()
                .all(|p| record.decisions.get(p) == Some(&true)))
}

impl ConsentState {
    /// The answers for `record` (or none); `gpc` is the browser's Global Privacy
    /// Control signal.
    pub fn new(rules: &Rules, record: Option<&Record>, gpc: bool) -> ConsentState {
        let purpose_answer = |id: &str| -> Option<bool> {
            let purpose = rules.purpose(id)?;
            if purpose.legal_basis.is_always_granted() {
                return Some(true);
            }
            match record.and_then(|r| still_holds(rules, r, id)) {
                None if gpc && purpose.refused_by_gpc => Some(false),
                answer => answer,
            }
        };
        let mut answers = BTreeMap::new();
        let mut changes = Vec::new();
        for purpose in rules.purposes() {
            let answer = purpose_answer(&purpose.id);
            if let (Some(r), None) = (record, answer) {
                changes.push(Change {
                    id: purpose.id.clone(),
                    new: !r.decisions.contains_key(&purpose.id),
                });
            }
            answers.insert(purpose.id.clone(), answer);
        }
        let mut refused = BTreeSet::new();
        for third_party in rules.third_parties() {
            let each: Vec<Option<bool>> = third_party
                .purposes
                .iter()
                .map(|p| purpose_answer(p))
                .collect();
            let by_purposes = if each.contains(&Some(false)) {
                Some(false)
            } else if each.iter().all(|a| *a == Some(true)) {
                Some(true)
            } else {
                None
            };
            let own = match record {
                Some(r) if rules.third_party_refusable(third_party) => {
                    if refused_by_own_switch(r, third_party) {
                        refused.insert(third_party.id.clone());
                        Some(false)
                    } else {
                        still_holds(rules, r, &third_party.id).map(|_| true)
                    }
                }
                _ => Some(true),
            };
            let answer = match (by_purposes, own) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), None) => {
                    // Its purposes are granted, but it is new or changed: ask.
                    changes.push(Change {
                        id: third_party.id.clone(),
                        new: record.is_some_and(|r| !r.decisions.contains_key(&third_party.id)),
                    });
                    None
                }
                (by_purposes, _) => by_purposes,
            };
            answers.insert(third_party.id.clone(), answer);
        }
        let needs_decision = record.is_none() || !changes.is_empty();
        ConsentState {
            answers,
            needs_decision,
            refused,
            changes,
        }
    }

    /// `true`, `false`, or `None` for undecided and unknown ids.
    pub fn get(&self, id: &str) -> Option<bool> {
        self.answers.get(id).copied().flatten()
    }

    /// Ids whose answer differs between two states, sorted.
    pub fn changed_since(&self, before: &ConsentState) -> Vec<String> {
        self.answers
            .iter()
            .filter(|(id, answer)| before.answers.get(*id) != Some(answer))
            .map(|(id, _)| id.clone())
            .collect()
    }
}

/// What the shell supplies for a new record: the clock, randomness, the language.
#[derive(Clone, Copy, Debug)]
pub struct DecisionContext {
    pub now: u64,
    /// Global Privacy Control is on: "accept all" leaves `refusedByGpc` purposes off.
    pub gpc: bool,
    pub random: [u8; 16],
    pub language: Lang,
    pub method: Method,
}

/// The record a choice produces. The consent id and creation time of a previous
/// record are kept, so one visitor's decisions stay linked, unless its consent id is
/// longer than [`MAX_KEPT_CONSENT_ID_BYTES`]: then this is a new consent. What the
/// previous record decided carries over only where it still holds ([`still_holds`]).
/// The new record lists the fingerprint of everything, as the user has now been
/// shown it. Together with the configuration's own check (`assent build`, `assent
/// check`), the record always fits the stored-record limit.
pub fn apply_choice(
    rules: &Rules,
    previous: Option<&Record>,
    choice: &Choice,
    context: DecisionContext,
) -> Result<Record, Vec<ChoiceError>> {
    if let Choice::Set(set) = choice {
        let errors: Vec<ChoiceError> = set
            .iter()
            .filter_map(|(id, granted)| {
                let locked = match rules.subject(id) {
                    None => return Some(ChoiceError::UnknownId(id.clone())),
                    Some(Subject::ThirdParty(third_party)) => {
                        !rules.third_party_refusable(third_party)
                    }
                    Some(Subject::Purpose(purpose)) => purpose.legal_basis.is_always_granted(),
                };
                (!granted && locked).then(|| ChoiceError::AlwaysGranted(id.clone()))
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    let kept = |id: &str| previous.and_then(|r| still_holds(rules, r, id));
    let mut decisions = BTreeMap::new();
    for purpose in rules.purposes() {
        let granted = if purpose.legal_basis.is_always_granted() {
            true
        } else {
            match choice {
                // Separate consent is never part of "accept all": it keeps what its
                // own action decided (refused until then).
                Choice::AcceptAll if purpose.separate_consent => kept(&purpose.id).unwrap_or(false),
                Choice::AcceptAll => !(context.gpc && purpose.refused_by_gpc),
                Choice::RejectAll => false,
                Choice::Set(set) => set
                    .get(&purpose.id)
                    .copied()
                    .or_else(|| kept(&purpose.id))
                    .unwrap_or(false),
            }
        };
        decisions.insert(purpose.id.clone(), granted);
    }
    let mut refused = BTreeSet::new();
    for third_party in rules.third_parties() {
        let id = &third_party.id;
        let own = if rules.third_party_refusable(third_party) {
            let before = previous.is_some_and(|r| refused_by_own_switch(r, third_party));
            let refuse = match choice {
                // "Accept all" lifts a third party's own refusal, except where a
                // separate-consent purpose needs its own action anyway.
                Choice::AcceptAll => {
                    before && rules.third_party_needs_separate_consent(third_party)
                }
                Choice::RejectAll => before,
                Choice::Set(set) => set.get(id).map(|granted| !granted).unwrap_or(before),
            };
            if refuse {
                refused.insert(id.clone());
            }
            !refuse
        } else {
            true
        };
        let granted = own
            && third_party
                .purposes
                .iter()
                .all(|p| decisions.get(p) == Some(&true));
        decisions.insert(id.clone(), granted);
    }
    let expiry = u64::from(rules.record_expiry_days()) * DAY_MS;
    let linked = previous.filter(|r| r.consent_id.len() <= MAX_KEPT_CONSENT_ID_BYTES);
    Ok(Record {
        policy_version: rules.policy_version().to_string(),
        consent_id: linked
            .map(|r| r.consent_id.clone())
            .unwrap_or_else(|| consent_id_from_random(context.random)),
        created_at: linked.map(|r| r.created_at).unwrap_or(context.now),
        updated_at: context.now,
        expires_at: context.now.saturating_add(expiry),
        language: context.language,
        method: context.method.as_str().to_string(),
        gpc: context.gpc,
        decisions,
        shown: rules.fingerprints().clone(),
        refused,
        age: previous.and_then(|r| r.age),
        config_digest: Some(rules.digest().to_string()),
    })
}

/// A record of an earlier configuration (another policy version, or another build: its
/// configuration digest differs) on which nothing the user decided has changed
/// (`state.changes` is empty), restated for this one: the same answers, the current
/// policy version, fingerprints and digest, its own time of decision. The stub then
/// counts it again on the next page view. `None` while something is asked.
pub fn carry_over(rules: &Rules, record: &Record, state: &ConsentState) -> Option<Record> {
    if !state.changes.is_empty() {
        return None;
    }
    let mut decisions = BTreeMap::new();
    for (id, answer) in &state.answers {
        decisions.insert(id.clone(), (*answer)?);
    }
    Some(Record {
        policy_version: rules.policy_version().to_string(),
        decisions,
        shown: rules.fingerprints().clone(),
        refused: state.refused.clone(),
        config_digest: Some(rules.digest().to_string()),
        ..record.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{rules_of, small_config, small_rules};

    fn context(now: u64) -> DecisionContext {
        DecisionContext {
            now,
            random: [1; 16],
            gpc: false,
            language: Lang::En,
            method: Method::Api,
        }
    }

    #[test]
    fn nothing_is_granted_without_a_record_except_necessary() {
        let rules = small_rules();
        let state = ConsentState::new(&rules, None, false);
        assert!(state.needs_decision);
        assert_eq!(state.get("necessary"), Some(true));
        assert_eq!(state.get("analytics"), None);
        assert_eq!(
            state.get("stats-sdk"),
            None,
            "a third party follows its purposes"
        );
        assert_eq!(state.get("nonexistent"), None);
    }

    #[test]
    fn accept_all_and_reject_all() {
        let rules = small_rules();
        let accepted = apply_choice(&rules, None, &Choice::AcceptAll, context(10)).unwrap();
        let state = ConsentState::new(&rules, Some(&accepted), false);
        assert!(!state.needs_decision);
        assert_eq!(state.get("analytics"), Some(true));
        assert_eq!(state.get("stats-sdk"), Some(true));
        let rejected =
            apply_choice(&rules, Some(&accepted), &Choice::RejectAll, context(20)).unwrap();
        let state = ConsentState::new(&rules, Some(&rejected), false);
        assert_eq!(state.get("analytics"), Some(false));
        assert_eq!(state.get("marketing"), Some(false));
        assert_eq!(
            state.get("necessary"),
            Some(true),
            "necessary stays granted after reject all"
        );
        assert_eq!(
            rejected.consent_id, accepted.consent_id,
            "the same visitor keeps one consent id"
        );
        assert_eq!(rejected.created_at, 10);
        assert_eq!(rejected.updated_at, 20);
        assert_eq!(rejected.expires_at, 20 + 182 * DAY_MS);
    }

    #[test]
    fn a_third_party_needs_every_purpose_it_serves() {
        let rules = small_rules();
        let set = Choice::Set([("analytics".to_string(), true)].into());
        let record = apply_choice(&rules, None, &set, context(1)).unwrap();
        let state = ConsentState::new(&rules, Some(&record), false);
        assert_eq!(state.get("stats-sdk"), Some(true), "serves analytics only");
        assert_eq!(
            state.get("ad-sdk"),
            Some(false),
            "serves analytics and marketing; marketing refused"
        );
    }

    #[test]
    fn set_keeps_unmentioned_decisions_and_rejects_bad_ids_whole() {
        let rules = small_rules();
        let first = apply_choice(&rules, None, &Choice::AcceptAll, context(1)).unwrap();
        let set = Choice::Set([("marketing".to_string(), false)].into());
        let second = apply_choice(&rules, Some(&first), &set, context(2)).unwrap();
        assert_eq!(second.decisions["analytics"], true);
        assert_eq!(second.decisions["marketing"], false);

        let bad = Choice::Set(
            [
                ("nope".to_string(), true),
                ("necessary".to_string(), false),
                ("stats-sdk".to_string(), false),
            ]
            .into(),
        );
        let errors = apply_choice(&rules, Some(&first), &bad, context(3)).unwrap_err();
        assert_eq!(errors.len(), 2, "the good id does not save the bad ones");
        assert!(errors.contains(&ChoiceError::UnknownId("nope".into())));
        assert!(errors.contains(&ChoiceError::AlwaysGranted("necessary".into())));

        let mut config = small_config();
        config.third_parties[0].purposes = vec!["necessary".into(), "analytics".into()];
        let rules = rules_of(&config);
        let serves_necessary = Choice::Set([("stats-sdk".to_string(), false)].into());
        assert_eq!(
            apply_choice(&rules, Some(&first), &serves_necessary, context(4)).unwrap_err(),
            [ChoiceError::AlwaysGranted("stats-sdk".into())],
            "a third party that serves a necessary purpose has no switch of its own"
        );
    }

    #[test]
    fn a_record_missing_a_new_consent_purpose_asks_again() {
        let rules = small_rules();
        let mut record = apply_choice(&rules, None, &Choice::AcceptAll, context(1)).unwrap();
        record.decisions.remove("marketing");
        let state = ConsentState::new(&rules, Some(&record), false);
        assert!(state.needs_decision);
        assert_eq!(
            state.get("analytics"),
            Some(true),
            "what was decided still answers"
        );
    }

    #[test]
    fn a_third_party_refused_by_its_own_switch_stays_refused() {
        let rules = small_rules();
        let accepted = apply_choice(&rules, None, &Choice::AcceptAll, context(1)).unwrap();
        let set = |pairs: &[(&str, bool)]| {
            Choice::Set(pairs.iter().map(|(id, on)| (id.to_string(), *on)).collect())
        };
        let refused = apply_choice(
            &rules,
            Some(&accepted),
            &set(&[("stats-sdk", false)]),
            context(2),
        )
        .unwrap();
        let state = ConsentState::new(&rules, Some(&refused), false);
        assert_eq!(
            state.get("analytics"),
            Some(true),
            "its purpose stays granted"
        );
        assert_eq!(state.get("stats-sdk"), Some(false));
        assert_eq!(
            state.get("ad-sdk"),
            Some(true),
            "the other third party is untouched"
        );
        assert!(!state.needs_decision);

        // The purpose off and on again: the third party's own refusal survives.
        let off = apply_choice(
            &rules,
            Some(&refused),
            &set(&[("analytics", false)]),
            context(3),
        )
        .unwrap();
        let on =
            apply_choice(&rules, Some(&off), &set(&[("analytics", true)]), context(4)).unwrap();
        assert_eq!(
            ConsentState::new(&rules, Some(&on), false).get("stats-sdk"),
            Some(false)
        );
        assert!(ConsentState::new(&rules, Some(&on), false)
            .refused
            .contains("stats-sdk"));

        // Granting it back lifts only its own refusal; it still needs its purposes.
        let back =
            apply_choice(&rules, Some(&off), &set(&[("stats-sdk", true)]), context(5)).unwrap();
        assert_eq!(
            ConsentState::new(&rules, Some(&back), false).get("stats-sdk"),
            Some(false)
        );
        let both = apply_choice(
            &rules,
            Some(&back),
            &set(&[("analytics", true)]),
            context(6),
        )
        .unwrap();
        assert_eq!(
            ConsentState::new(&rules, Some(&both), false).get("stats-sdk"),
            Some(true)
        );

        // Reject all keeps it; accept all lifts it.
        let rejected = apply_choice(&rules, Some(&on), &Choice::RejectAll, context(7)).unwrap();
        assert!(rejected.refused.contains("stats-sdk"));
        let all = apply_choice(&rules, Some(&rejected), &Choice::AcceptAll, context(8)).unwrap();
        assert_eq!(
            ConsentState::new(&rules, Some(&all), false).get("stats-sdk"),
            Some(true)
        );
    }

    #[test]
    fn accept_all_keeps_a_refused_third_party_of_a_separate_consent_purpose() {
        let mut config = small_config();
        config.purposes[2].separate_consent = true; // marketing; ad-sdk serves it
        let rules = rules_of(&config);
        let granted = Choice::Set(
            [
                ("marketing".to_string(), true),
                ("ad-sdk".to_string(), false),
            ]
            .into(),
        );
        let record = apply_choice(&rules, None, &granted, context(1)).unwrap();
        let all = apply_choice(&rules, Some(&record), &Choice::AcceptAll, context(2)).unwrap();
        assert_eq!(all.decisions["marketing"], true);
        assert_eq!(
            all.decisions["ad-sdk"], false,
            "only its own action grants it"
        );
    }

    /// The small configuration with one purpose's or third party's text changed.
    fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> Rules {
        let mut json: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/small-config.json")).unwrap();
        edit(&mut json);
        rules_of(&crate::Config::parse(&json.to_string()).unwrap())
    }

    #[test]
    fn only_what_changed_is_asked_again() {
        let rules = small_rules();
        let record = apply_choice(&rules, None, &Choice::AcceptAll, context(1)).unwrap();
        assert_eq!(record.shown.len(), 5, "every purpose and third party");
        assert!(ConsentState::new(&rules, Some(&record), false)
            .changes
            .is_empty());

        // A third party's data changed: only it is asked; its purposes still hold.
        let changed = edited(|c| {
            c["thirdParties"][0]["dataShared"]
                .as_array_mut()
                .unwrap()
                .pop();
        });
        let state = ConsentState::new(&changed, Some(&record), false);
        assert!(state.needs_decision);
        assert_eq!(
            state.changes,
            [Change {
                id: "stats-sdk".into(),
                new: false
            }]
        );
        assert_eq!(state.get("stats-sdk"), None, "not granted until asked");
        assert_eq!(state.get("analytics"), Some(true));
        assert_eq!(state.get("ad-sdk"), Some(true));

        // A changed purpose is asked again, with it every third party that needs it.
        let changed = edited(|c| c["purposes"][2]["description"]["en"] = "Now more".into());
        let state = ConsentState::new(&changed, Some(&record), false);
        assert_eq!(
            state.changes,
            [Change {
                id: "marketing".into(),
                new: false
            }]
        );
        assert_eq!(state.get("ad-sdk"), None);
        assert_eq!(state.get("stats-sdk"), Some(true));

        // Answering what changed settles it; the rest was kept.
        let set = Choice::Set([("marketing".to_string(), false)].into());
        let answered = apply_choice(&changed, Some(&record), &set, context(2)).unwrap();
        let state = ConsentState::new(&changed, Some(&answered), false);
        assert!(!state.needs_decision);
        assert_eq!(state.get("analytics"), Some(true));
    }

    #[test]
    fn a_new_third_party_is_asked_alone_across_a_policy_version() {
        let rules = small_rules();
        let set = Choice::Set([("analytics".to_string(), true)].into());
        let record = apply_choice(&rules, None, &set, context(1)).unwrap();
        let changed = edited(|c| {
            c["policy"]["version"] = "test-2".into();
            let mut added = c["thirdParties"][0].clone();
            added["id"] = "new-sdk".into();
            c["thirdParties"].as_array_mut().unwrap().push(added);
        });
        let state = ConsentState::new(&changed, Some(&record), false);
        assert_eq!(
            state.changes,
            [Change {
                id: "new-sdk".into(),
                new: true
            }]
        );
        assert_eq!(
            state.get("analytics"),
            Some(true),
            "kept across the version"
        );
        assert_eq!(state.get("marketing"), Some(false));
        assert_eq!(state.get("stats-sdk"), Some(true));

        // The choice made for the new version keeps the consent id.
        let set = Choice::Set([("new-sdk".to_string(), false)].into());
        let answered = apply_choice(&changed, Some(&record), &set, context(2)).unwrap();
        assert_eq!(answered.consent_id, record.consent_id);
        assert_eq!(answered.policy_version, "test-2");
        let state = ConsentState::new(&changed, Some(&answered), false);
        assert!(!state.needs_decision);
        assert_eq!(state.get("new-sdk"), Some(false));
        assert_eq!(state.get("stats-sdk"), Some(true));
    }

    #[test]
    fn a_record_carries_over_only_when_nothing_it_decided_changed() {
        let rules = small_rules();
        let set = Choice::Set(
            [
                ("analytics".to_string(), true),
                ("stats-sdk".to_string(), false),
            ]
            .into(),
        );
        let record = apply_choice(&rules, None, &set, context(1)).unwrap();
        // A new version whose only change is the necessary purpose's text.
        let next = edited(|c| {
            c["policy"]["version"] = "test-2".into();
            c["purposes"][0]["description"]["en"] = "Reworded".into();
        });
        let state = ConsentState::new(&next, Some(&record), false);
        let carried = carry_over(&next, &record, &state).expect("nothing to ask");
        assert_eq!(carried.policy_version, "test-2");
        assert_eq!(carried.updated_at, record.updated_at, "not a new decision");
        assert_eq!(carried.consent_id, record.consent_id);
        assert_eq!(carried.decisions, record.decisions);
        assert_ne!(carried.shown["necessary"], record.shown["necessary"]);
        assert!(carried.refused.contains("stats-sdk"));
        assert_eq!(ConsentState::new(&next, Some(&carried), false), state);

        let changed = edited(|c| {
            c["policy"]["version"] = "test-2".into();
            c["purposes"][1]["description"]["en"] = "Reworded".into();
        });
        let state = ConsentState::new(&changed, Some(&record), false);
        assert_eq!(
            carry_over(&changed, &record, &state),
            None,
            "analytics is asked"
        );
    }

    #[test]
    fn a_set_does_not_keep_what_changed_unseen() {
        let rules = small_rules();
        let record = apply_choice(&rules, None, &Choice::AcceptAll, context(1)).unwrap();
        let changed = edited(|c| c["purposes"][1]["description"]["en"] = "Now more".into());
        let set = Choice::Set([("marketing".to_string(), true)].into());
        let next = apply_choice(&changed, Some(&record), &set, context(2)).unwrap();
        assert_eq!(
            next.decisions["analytics"], false,
            "changed and not answered: refused"
        );
    }

    #[test]
    fn a_record_without_fingerprints_holds_for_its_own_version_only() {
        let rules = small_rules();
        let mut record = apply_choice(&rules, None, &Choice::AcceptAll, context(1)).unwrap();
        record.shown.clear();
        assert!(!ConsentState::new(&rules, Some(&record), false).needs_decision);
        let changed = edited(|c| c["policy"]["version"] = "test-2".into());
        let state = ConsentState::new(&changed, Some(&record), false);
        assert_eq!(state.get("analytics"), None);
        assert!(state.needs_decision);
    }

    #[test]
    fn changed_ids() {
        let rules = small_rules();
        let before = ConsentState::new(&rules, None, false);
        let record = apply_choice(&rules, None, &Choice::RejectAll, context(1)).unwrap();
        let after = ConsentState::new(&rules, Some(&record), false);
        assert_eq!(
            after.changed_since(&before),
            vec!["ad-sdk", "analytics", "marketing", "stats-sdk"]
        );
        assert!(after.changed_since(&after).is_empty());
    }

    #[test]
    fn accept_all_never_grants_separate_consent_purposes() {
        let mut config = small_config();
        config.purposes[2].separate_consent = true; // marketing
        let rules = rules_of(&config);
        let accepted = apply_choice(&rules, None, &Choice::AcceptAll, context(1)).unwrap();
        assert_eq!(accepted.decisions["analytics"], true);
        assert_eq!(accepted.decisions["marketing"], false, "not by accept all");
        assert_eq!(accepted.decisions["ad-sdk"], false, "nor its third parties");
        let state = ConsentState::new(&rules, Some(&accepted), false);
        assert!(!state.needs_decision, "refused counts as decided");

        let set = BTreeMap::from([("marketing".to_string(), true)]);
        let granted = apply_choice(&rules, Some(&accepted), &Choice::Set(set), context(2)).unwrap();
        assert_eq!(
            granted.decisions["marketing"], true,
            "its own action grants it"
        );
        let again = apply_choice(&rules, Some(&granted), &Choice::AcceptAll, context(3)).unwrap();
        assert_eq!(
            again.decisions["marketing"], true,
            "accept all keeps the separate decision"
        );
        let rejected = apply_choice(&rules, Some(&again), &Choice::RejectAll, context(4)).unwrap();
        assert_eq!(
            rejected.decisions["marketing"], false,
            "reject all withdraws it"
        );
    }

    #[test]
    fn gpc_refuses_marked_purposes_until_the_user_explicitly_grants_them() {
        let mut config = small_config();
        config.purposes[2].refused_by_gpc = true; // marketing
        let rules = rules_of(&config);
        let fresh = ConsentState::new(&rules, None, true);
        assert_eq!(
            fresh.get("marketing"),
            Some(false),
            "refused without asking"
        );
        assert_eq!(fresh.get("analytics"), None, "others still asked");
        assert_eq!(
            ConsentState::new(&rules, None, false).get("marketing"),
            None,
            "no signal"
        );

        let gpc = DecisionContext {
            gpc: true,
            ..context(5)
        };
        let accepted = apply_choice(&rules, None, &Choice::AcceptAll, gpc).unwrap();
        assert!(accepted.gpc, "the record notes the signal");
        assert_eq!(
            accepted.decisions["marketing"], false,
            "accept all does not override it"
        );
        assert_eq!(accepted.decisions["analytics"], true);
        let explicit = Choice::Set([("marketing".to_string(), true)].into());
        let granted = apply_choice(&rules, Some(&accepted), &explicit, gpc).unwrap();
        assert_eq!(
            ConsentState::new(&rules, Some(&granted), true).get("marketing"),
            Some(true),
            "an explicit grant overrides the signal"
        );
    }

    #[test]
    fn withdrawal_clears_the_keys_listed_for_what_was_revoked() {
        let mut config = small_config();
        let item = |id: &str, purposes: &[&str], keys: &[&str]| crate::config::StorageItem {
            id: id.into(),
            kind: crate::config::StorageKind::Cookie,
            name: crate::config::Text {
                zh_cn: "x".into(),
                en: "x".into(),
            },
            description: crate::config::Text {
                zh_cn: "x".into(),
                en: "x".into(),
            },
            purposes: purposes.iter().map(|s| s.to_string()).collect(),
            third_parties: Vec::new(),
            link: None,
            keys: keys.iter().map(|s| s.to_string()).collect(),
        };
        config.storage = vec![
            item("stats", &["analytics"], &["_stats*", "_sid"]),
            item("ads", &["marketing"], &["_ad"]),
            item("own", &["analytics"], &["assent"]),
        ];
        let rules = rules_of(&config);
        assert_eq!(
            rules.storage_keys_to_clear(&["analytics".into()]),
            ["_sid", "_stats*"]
        );
        assert_eq!(
            rules.storage_keys_to_clear(&["marketing".into(), "analytics".into()]),
            ["_ad", "_sid", "_stats*"]
        );
        assert!(rules.storage_keys_to_clear(&[]).is_empty());
    }
}
