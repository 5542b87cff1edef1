//! Decisions: what is granted, given a configuration and a record, and the record a
//! user's choice produces.
//!
//! The rules, in one place:
//! - necessary and legal-obligation purposes are always granted;
//! - a consent purpose is granted or refused only by a record that counts; with no
//!   record it is undecided (`None`), which every caller treats as not granted;
//! - a third party is granted when every purpose it serves is granted, refused when
//!   any is refused, undecided otherwise (a tag that serves two purposes must not run
//!   on the strength of one);
//! - an unknown id is undecided, never granted;
//! - with Global Privacy Control on, a purpose marked `refusedByGpc` is refused unless
//!   the user explicitly granted it (by its own switch or `set`; "accept all" does not
//!   override the browser's signal);
//! - a purpose marked `separateConsent` is never granted by "accept all": only its own
//!   explicit action (its switch after the separate notice, or `set`) grants it, and
//!   "accept all" keeps what that action decided.

use std::collections::BTreeMap;

use crate::config::{Config, ConsentSubject};
use crate::language::Lang;
use crate::record::{consent_id_from_random, Method, Record, DAY_MS, MAX_KEPT_CONSENT_ID_BYTES};

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
    /// The id names a third party; choices are made per purpose.
    NotAPurpose(String),
    /// Necessary and legal-obligation purposes cannot be refused.
    AlwaysGranted(String),
}

impl std::fmt::Display for ChoiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChoiceError::UnknownId(id) => write!(f, "unknown purpose {id:?}"),
            ChoiceError::NotAPurpose(id) => {
                write!(
                    f,
                    "{id:?} is a third party; set the purposes it serves instead"
                )
            }
            ChoiceError::AlwaysGranted(id) => {
                write!(f, "purpose {id:?} is always granted and cannot be refused")
            }
        }
    }
}

/// The answers for one configuration and one record (or none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentState {
    /// Every purpose and third party id, with its answer.
    pub answers: BTreeMap<String, Option<bool>>,
    /// True when the user must be asked: no record counts, or the record does not
    /// cover a consent purpose of this configuration.
    pub needs_decision: bool,
}

impl ConsentState {
    /// The answers for `record` (or none); `gpc` is the browser's Global Privacy
    /// Control signal.
    pub fn new(config: &Config, record: Option<&Record>, gpc: bool) -> ConsentState {
        let purpose_answer = |id: &str| -> Option<bool> {
            let purpose = config.purpose(id)?;
            if purpose.legal_basis.is_always_granted() {
                return Some(true);
            }
            let recorded = record.and_then(|r| r.decisions.get(id).copied());
            match recorded {
                None if gpc && purpose.refused_by_gpc => Some(false),
                answer => answer,
            }
        };
        let mut answers = BTreeMap::new();
        for purpose in config.purposes() {
            answers.insert(purpose.id.clone(), purpose_answer(&purpose.id));
        }
        for third_party in config.third_parties() {
            let each: Vec<Option<bool>> = third_party
                .purposes
                .iter()
                .map(|p| purpose_answer(p))
                .collect();
            let answer = if each.contains(&Some(false)) {
                Some(false)
            } else if each.iter().all(|a| *a == Some(true)) {
                Some(true)
            } else {
                None
            };
            answers.insert(third_party.id.clone(), answer);
        }
        let needs_decision = record.is_none()
            || config
                .purposes()
                .iter()
                .any(|p| !p.legal_basis.is_always_granted() && answers.get(&p.id) == Some(&None));
        ConsentState {
            answers,
            needs_decision,
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
/// record (for the same policy) are kept, so one visitor's decisions stay linked,
/// unless its consent id is longer than [`MAX_KEPT_CONSENT_ID_BYTES`]: then this is a
/// new consent. Together with the configuration's own check, the record always fits
/// the stored-record limit.
pub fn apply_choice(
    config: &Config,
    previous: Option<&Record>,
    choice: &Choice,
    context: DecisionContext,
) -> Result<Record, Vec<ChoiceError>> {
    if let Choice::Set(set) = choice {
        let errors: Vec<ChoiceError> = set
            .iter()
            .filter_map(|(id, granted)| match config.subject(id) {
                None => Some(ChoiceError::UnknownId(id.clone())),
                Some(ConsentSubject::ThirdParty(_)) => Some(ChoiceError::NotAPurpose(id.clone())),
                Some(ConsentSubject::Purpose(i)) => (!granted
                    && config.purposes()[i].legal_basis.is_always_granted())
                .then(|| ChoiceError::AlwaysGranted(id.clone())),
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    let mut decisions = BTreeMap::new();
    for purpose in config.purposes() {
        let granted = if purpose.legal_basis.is_always_granted() {
            true
        } else {
            match choice {
                // Separate consent is never part of "accept all": it keeps what its
                // own action decided (refused until then).
                Choice::AcceptAll if purpose.separate_consent => previous
                    .and_then(|r| r.decisions.get(&purpose.id).copied())
                    .unwrap_or(false),
                Choice::AcceptAll => !(context.gpc && purpose.refused_by_gpc),
                Choice::RejectAll => false,
                Choice::Set(set) => set
                    .get(&purpose.id)
                    .copied()
                    .or_else(|| previous.and_then(|r| r.decisions.get(&purpose.id).copied()))
                    .unwrap_or(false),
            }
        };
        decisions.insert(purpose.id.clone(), granted);
    }
    for third_party in config.third_parties() {
        let granted = third_party
            .purposes
            .iter()
            .all(|p| decisions.get(p) == Some(&true));
        decisions.insert(third_party.id.clone(), granted);
    }
    let expiry = u64::from(config.record_expiry_days()) * DAY_MS;
    let linked = previous.filter(|r| r.consent_id.len() <= MAX_KEPT_CONSENT_ID_BYTES);
    Ok(Record {
        policy_version: config.policy().version.clone(),
        consent_id: linked
            .map(|r| r.consent_id.clone())
            .unwrap_or_else(|| consent_id_from_random(context.random)),
        created_at: linked.map(|r| r.created_at).unwrap_or(context.now),
        updated_at: context.now,
        expires_at: context.now.saturating_add(expiry),
        language: context.language,
        method: context.method,
        gpc: context.gpc,
        decisions,
    })
}

/// The cookie and storage key names or `*`-patterns the configuration lists for
/// what was withdrawn: storage items serving a revoked purpose or third party. The
/// shell deletes them; Assent's own record key is never among them.
pub fn storage_keys_to_clear(config: &Config, revoked: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = config
        .storage()
        .iter()
        .filter(|item| {
            item.purposes
                .iter()
                .chain(&item.third_parties)
                .any(|id| revoked.contains(id))
        })
        .flat_map(|item| item.keys.iter().cloned())
        .filter(|key| key != crate::record::STORAGE_KEY)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::small_config;

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
        let config = small_config();
        let state = ConsentState::new(&config, None, false);
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
        let config = small_config();
        let accepted = apply_choice(&config, None, &Choice::AcceptAll, context(10)).unwrap();
        let state = ConsentState::new(&config, Some(&accepted), false);
        assert!(!state.needs_decision);
        assert_eq!(state.get("analytics"), Some(true));
        assert_eq!(state.get("stats-sdk"), Some(true));
        let rejected =
            apply_choice(&config, Some(&accepted), &Choice::RejectAll, context(20)).unwrap();
        let state = ConsentState::new(&config, Some(&rejected), false);
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
        let config = small_config();
        let set = Choice::Set([("analytics".to_string(), true)].into());
        let record = apply_choice(&config, None, &set, context(1)).unwrap();
        let state = ConsentState::new(&config, Some(&record), false);
        assert_eq!(state.get("stats-sdk"), Some(true), "serves analytics only");
        assert_eq!(
            state.get("ad-sdk"),
            Some(false),
            "serves analytics and marketing; marketing refused"
        );
    }

    #[test]
    fn set_keeps_unmentioned_decisions_and_rejects_bad_ids_whole() {
        let config = small_config();
        let first = apply_choice(&config, None, &Choice::AcceptAll, context(1)).unwrap();
        let set = Choice::Set([("marketing".to_string(), false)].into());
        let second = apply_choice(&config, Some(&first), &set, context(2)).unwrap();
        assert_eq!(second.decisions["analytics"], true);
        assert_eq!(second.decisions["marketing"], false);

        let bad = Choice::Set(
            [
                ("nope".to_string(), true),
                ("stats-sdk".to_string(), true),
                ("necessary".to_string(), false),
            ]
            .into(),
        );
        let errors = apply_choice(&config, Some(&first), &bad, context(3)).unwrap_err();
        assert_eq!(errors.len(), 3);
        assert!(errors.contains(&ChoiceError::UnknownId("nope".into())));
        assert!(errors.contains(&ChoiceError::NotAPurpose("stats-sdk".into())));
        assert!(errors.contains(&ChoiceError::AlwaysGranted("necessary".into())));
    }

    #[test]
    fn a_record_missing_a_new_consent_purpose_asks_again() {
        let config = small_config();
        let mut record = apply_choice(&config, None, &Choice::AcceptAll, context(1)).unwrap();
        record.decisions.remove("marketing");
        let state = ConsentState::new(&config, Some(&record), false);
        assert!(state.needs_decision);
        assert_eq!(
            state.get("analytics"),
            Some(true),
            "what was decided still answers"
        );
    }

    #[test]
    fn changed_ids() {
        let config = small_config();
        let before = ConsentState::new(&config, None, false);
        let record = apply_choice(&config, None, &Choice::RejectAll, context(1)).unwrap();
        let after = ConsentState::new(&config, Some(&record), false);
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
        let accepted = apply_choice(&config, None, &Choice::AcceptAll, context(1)).unwrap();
        assert_eq!(accepted.decisions["analytics"], true);
        assert_eq!(accepted.decisions["marketing"], false, "not by accept all");
        assert_eq!(accepted.decisions["ad-sdk"], false, "nor its third parties");
        let state = ConsentState::new(&config, Some(&accepted), false);
        assert!(!state.needs_decision, "refused counts as decided");

        let set = BTreeMap::from([("marketing".to_string(), true)]);
        let granted =
            apply_choice(&config, Some(&accepted), &Choice::Set(set), context(2)).unwrap();
        assert_eq!(
            granted.decisions["marketing"], true,
            "its own action grants it"
        );
        let again = apply_choice(&config, Some(&granted), &Choice::AcceptAll, context(3)).unwrap();
        assert_eq!(
            again.decisions["marketing"], true,
            "accept all keeps the separate decision"
        );
        let rejected = apply_choice(&config, Some(&again), &Choice::RejectAll, context(4)).unwrap();
        assert_eq!(
            rejected.decisions["marketing"], false,
            "reject all withdraws it"
        );
    }

    #[test]
    fn gpc_refuses_marked_purposes_until_the_user_explicitly_grants_them() {
        let mut config = small_config();
        config.purposes[2].refused_by_gpc = true; // marketing
        let fresh = ConsentState::new(&config, None, true);
        assert_eq!(
            fresh.get("marketing"),
            Some(false),
            "refused without asking"
        );
        assert_eq!(fresh.get("analytics"), None, "others still asked");
        assert_eq!(
            ConsentState::new(&config, None, false).get("marketing"),
            None,
            "no signal"
        );

        let gpc = DecisionContext {
            gpc: true,
            ..context(5)
        };
        let accepted = apply_choice(&config, None, &Choice::AcceptAll, gpc).unwrap();
        assert!(accepted.gpc, "the record notes the signal");
        assert_eq!(
            accepted.decisions["marketing"], false,
            "accept all does not override it"
        );
        assert_eq!(accepted.decisions["analytics"], true);
        let explicit = Choice::Set([("marketing".to_string(), true)].into());
        let granted = apply_choice(&config, Some(&accepted), &explicit, gpc).unwrap();
        assert_eq!(
            ConsentState::new(&config, Some(&granted), true).get("marketing"),
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
        assert_eq!(
            storage_keys_to_clear(&config, &["analytics".into()]),
            ["_sid", "_stats*"]
        );
        assert_eq!(
            storage_keys_to_clear(&config, &["marketing".into(), "analytics".into()]),
            ["_ad", "_sid", "_stats*"]
        );
        assert!(storage_keys_to_clear(&config, &[]).is_empty());
    }
}
