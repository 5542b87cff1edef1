//! The decision path a page load and a click take: decode whatever is stored, work out
//! the answers, apply a choice, write the new record, and derive what the shells use
//! from it (receipt, Consent Mode signals, storage to clear).
//!
//! Input: three control bytes, then the stored text (a record seed with three bytes
//! in front). Byte 0: bit 0 Global Privacy Control, bits 1-2 the choice (accept all,
//! reject all, set), bit 3 the language, bit 4 adds an id the configuration does not
//! have to a `set`. Byte 1: which of the first eight purposes a `set` names; byte 2:
//! the value each gets.
//!
//! The rules of src/decision.rs, on the seed's `Rules` as the runtime builds them, are
//! checked, not just run: without a record nothing but always-granted purposes is
//! granted; a third party is granted only when all its purposes are; a bad `set`
//! writes nothing; a choice that applies yields a record of every purpose and third
//! party, for this policy, that decodes to itself and leaves nothing undecided; a previous record's consent id and creation time are kept (when
//! the id is one Assent could have written).

#![no_main]

use std::collections::BTreeMap;

use assent::decision::{apply_choice, carry_over, Choice, DecisionContext};
use assent::record::{decode, decode_carried_over, MAX_KEPT_CONSENT_ID_BYTES, STORAGE_KEY};
use assent::{consent_mode, receipt, ConsentState, Lang, Method, Record, Rules};
use assent_fuzz::{measure, seed_rules, seed_texts};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_700_000_000_000;

fuzz_target!(|data: &[u8]| {
    let &[flags, set_mask, set_values, ref stored @ ..] = data else {
        return;
    };
    let rules = seed_rules();
    let policy = rules.policy_version();
    let stored = String::from_utf8_lossy(stored);
    // A record of this policy version, or one of another that lists fingerprints.
    let previous = decode(Some(&stored), policy, NOW)
        .or_else(|_| decode_carried_over(Some(&stored), NOW))
        .ok();
    let gpc = flags & 1 != 0;

    let before = ConsentState::new(rules, previous.as_ref(), gpc);
    check_state(rules, previous.as_ref(), gpc, &before);
    if let Some(previous) = &previous {
        // Restated only when nothing is asked, and then it answers exactly the same.
        let carried = carry_over(rules, previous, &before);
        assert_eq!(carried.is_some(), before.changes.is_empty(), "{:?}", before.changes);
        if let Some(carried) = carried {
            let reread = decode(Some(&carried.encode()), policy, NOW)
                .unwrap_or_else(|r| panic!("the restated record does not count: {r}"));
            assert_eq!(ConsentState::new(rules, Some(&reread), gpc), before);
        }
    }

    let mut bad_set = false;
    let choice = match (flags >> 1) & 3 {
        0 => Choice::AcceptAll,
        1 => Choice::RejectAll,
        _ => {
            let mut set = BTreeMap::new();
            for (i, purpose) in rules.purposes().iter().take(8).enumerate() {
                if set_mask & (1 << i) != 0 {
                    let granted = set_values & (1 << i) != 0;
                    bad_set |= !granted && purpose.legal_basis.is_always_granted();
                    set.insert(purpose.id.clone(), granted);
                }
            }
            if flags & 16 != 0 {
                set.insert("no-such-purpose".to_string(), true);
                bad_set = true;
            }
            // A third party's own switch, on or off.
            if flags & 32 != 0 {
                let tps = rules.third_parties();
                let t = &tps[usize::from(set_values) % tps.len()];
                let granted = flags & 64 != 0;
                bad_set |= !granted && !rules.third_party_refusable(t);
                set.insert(t.id.clone(), granted);
            }
            Choice::Set(set)
        }
    };
    let context = DecisionContext {
        now: NOW,
        gpc,
        random: [
            flags, set_mask, set_values, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
        ],
        language: if flags & 8 != 0 { Lang::En } else { Lang::ZhCn },
        method: Method::Preferences,
    };
    let (applied, _) = measure(|| apply_choice(rules, previous.as_ref(), &choice, context));
    let made = match applied {
        Err(errors) => {
            assert!(bad_set, "{choice:?} refused: {errors:?}");
            assert!(!errors.is_empty());
            return;
        }
        Ok(made) => made,
    };
    assert!(
        !bad_set,
        "{choice:?} applied although it names a bad id or refuses a necessary purpose"
    );
    check_made(rules, previous.as_ref(), &choice, gpc, &made);

    let reread = decode(Some(&made.encode()), policy, NOW)
        .unwrap_or_else(|r| panic!("the record just written does not count: {r}"));
    assert_eq!(reread, made);
    let after = ConsentState::new(rules, Some(&reread), gpc);
    check_state(rules, Some(&reread), gpc, &after);
    assert!(!after.needs_decision, "undecided after a decision");

    let receipt = receipt::receipt(rules, seed_texts(), &reread);
    assert!(receipt.is_object());
    let _ = consent_mode::signals(rules, &after);
    let revoked: Vec<String> = after
        .answers
        .iter()
        .filter(|(id, answer)| **answer == Some(false) && before.get(id) == Some(true))
        .map(|(id, _)| id.clone())
        .collect();
    assert!(!rules
        .storage_keys_to_clear(&revoked)
        .contains(&STORAGE_KEY.to_string()));
});

/// What a record still says about `id`: its decision while what was shown is
/// unchanged (the fingerprint, or the policy version for a record without them).
fn holds(rules: &Rules, record: &Record, id: &str) -> Option<bool> {
    let same = if record.shown.is_empty() {
        record.policy_version == rules.policy_version()
    } else {
        record.shown.get(id).map(String::as_str) == rules.fingerprint(id)
    };
    if same {
        record.decisions.get(id).copied()
    } else {
        None
    }
}

fn check_state(rules: &Rules, record: Option<&Record>, gpc: bool, state: &ConsentState) {
    let ids = rules.purposes().len() + rules.third_parties().len();
    assert_eq!(
        state.answers.len(),
        ids,
        "one answer per purpose and third party"
    );
    let mut undecided = false;
    for p in rules.purposes() {
        let answer = state.answers[&p.id];
        if p.legal_basis.is_always_granted() {
            assert_eq!(answer, Some(true), "{} is always granted", p.id);
            continue;
        }
        let recorded = record.and_then(|r| holds(rules, r, &p.id));
        let expected = match recorded {
            None if gpc && p.refused_by_gpc => Some(false),
            other => other,
        };
        assert_eq!(answer, expected, "{}", p.id);
        undecided |= answer.is_none();
    }
    for t in rules.third_parties() {
        let all = t.purposes.iter().all(|p| state.get(p) == Some(true));
        let answer = state.answers[&t.id];
        if answer == Some(true) {
            assert!(all, "{} granted without its purposes", t.id);
        }
        if record.is_some_and(|r| r.refused.contains(&t.id)) && rules.third_party_refusable(t) {
            assert_eq!(answer, Some(false), "{} refused by its own switch", t.id);
        }
        if !rules.third_party_refusable(t) {
            assert_eq!(answer == Some(true), all, "{} has no switch of its own", t.id);
        }
        undecided |= all && answer.is_none();
    }
    assert_eq!(state.needs_decision, record.is_none() || undecided);
    assert_eq!(state.get("no-such-purpose"), None);
}

fn check_made(
    rules: &Rules,
    previous: Option<&Record>,
    choice: &Choice,
    gpc: bool,
    made: &Record,
) {
    assert_eq!(made.policy_version, rules.policy_version());
    assert_eq!(made.updated_at, NOW);
    assert_eq!(
        made.expires_at,
        NOW + u64::from(rules.record_expiry_days()) * assent::record::DAY_MS
    );
    match previous {
        Some(previous) if previous.consent_id.len() <= MAX_KEPT_CONSENT_ID_BYTES => {
            assert_eq!(made.consent_id, previous.consent_id);
            assert_eq!(made.created_at, previous.created_at);
        }
        _ => {
            assert_eq!(made.consent_id.len(), 36, "a new UUID");
            assert_eq!(made.created_at, NOW);
        }
    }
    let ids = rules.purposes().len() + rules.third_parties().len();
    assert_eq!(
        made.decisions.len(),
        ids,
        "a record names every purpose and third party"
    );
    assert_eq!(made.shown.len(), ids, "and what each looked like");
    for p in rules.purposes() {
        let granted = made.decisions[&p.id];
        let kept = previous.and_then(|r| holds(rules, r, &p.id));
        let expected = if p.legal_basis.is_always_granted() {
            true
        } else {
            match choice {
                // Separate consent is never part of accept all: it keeps its own decision.
                Choice::AcceptAll if p.separate_consent => kept.unwrap_or(false),
                Choice::AcceptAll => !(gpc && p.refused_by_gpc),
                Choice::RejectAll => false,
                Choice::Set(set) => set.get(&p.id).copied().or(kept).unwrap_or(false),
            }
        };
        assert_eq!(granted, expected, "{} after {choice:?}", p.id);
    }
    for t in rules.third_parties() {
        let all = t.purposes.iter().all(|p| made.decisions[p]);
        let own = !made.refused.contains(&t.id);
        assert!(own || rules.third_party_refusable(t), "{} has no switch", t.id);
        assert_eq!(made.decisions[&t.id], all && own, "{}", t.id);
        if let Choice::Set(set) = choice {
            if let Some(granted) = set.get(&t.id) {
                assert_eq!(own, *granted, "{} set by its own switch", t.id);
            }
        }
    }
}
