//! The compiled-configuration decoder: the compiled runtime configuration
//! (`config.<digest>.json`, docs/build-format.md) read as JSON into
//! `compiled::CompiledConfig`, then `Rules::from_compiled`, the runtime's one way to
//! the rules it decides on.
//!
//! Beyond "no panic, no stack overflow, bounded memory", it checks what the decoder
//! promises:
//! - a refused file names one fault, at a JSON path under `$`, with a message;
//! - accepted rules keep their invariants: every id names the entity it belongs to,
//!   every third party serves at least one purpose of the rules, every purpose and
//!   third party (and every data item they name) has a name in each of Assent's
//!   languages, no key to clear is Assent's own record key, and the fingerprints list
//!   exactly the purposes and third parties;
//! - a file written back from what was read gives the same answer (serde's wire form
//!   is the one `assent build` writes).

#![no_main]

use assent::compiled::CompiledConfig;
use assent::record::STORAGE_KEY;
use assent::rules::{Rules, Subject};
use assent::Lang;
use assent_fuzz::{assert_linear_memory, measure};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(compiled) = serde_json::from_slice::<CompiledConfig>(data) else {
        return;
    };
    let again = compiled.clone();
    let (result, peak) = measure(|| Rules::from_compiled(compiled));
    assert_linear_memory("Rules::from_compiled", data.len(), peak);
    match &result {
        Err(error) => {
            assert!(error.path.starts_with('$'), "path {:?}", error.path);
            assert!(!error.problem.to_string().is_empty());
        }
        Ok(rules) => check_rules(rules),
    }
    // Written back and read again: the same rules, or the same fault.
    let bytes = serde_json::to_vec(&again).expect("a compiled configuration serializes");
    let reread: CompiledConfig =
        serde_json::from_slice(&bytes).expect("what was written reads back");
    assert_eq!(Rules::from_compiled(reread), result);
});

fn check_rules(rules: &Rules) {
    let ids = rules.purposes().len() + rules.third_parties().len();
    assert_eq!(rules.fingerprints().len(), ids, "one fingerprint per id");
    for p in rules.purposes() {
        assert!(matches!(rules.subject(&p.id), Some(Subject::Purpose(q)) if q == p));
        assert_eq!(rules.fingerprint(&p.id), Some(p.fingerprint.as_str()));
        for lang in Lang::ALL {
            assert!(rules.purpose_names(&p.id, lang).is_some(), "{} in {lang}", p.id);
            for d in &p.data_items {
                assert!(rules.data_item_name(d, lang).is_some(), "{d} in {lang}");
            }
        }
    }
    for t in rules.third_parties() {
        assert!(matches!(rules.subject(&t.id), Some(Subject::ThirdParty(u)) if u == t));
        assert!(!t.purposes.is_empty(), "{} serves no purpose", t.id);
        for p in &t.purposes {
            assert!(rules.purpose(p).is_some(), "{} serves unknown {p}", t.id);
        }
        for lang in Lang::ALL {
            assert!(rules.third_party_names(&t.id, lang).is_some());
            for d in &t.data_shared {
                assert!(rules.data_item_name(d, lang).is_some(), "{d} in {lang}");
            }
        }
    }
    if let Some(mode) = rules.consent_mode() {
        for (_, needs) in mode.types() {
            for id in needs.into_iter().flatten() {
                assert!(rules.purpose(id).is_some(), "consent mode needs unknown {id}");
            }
        }
    }
    let every: Vec<String> = rules.fingerprints().keys().cloned().collect();
    assert!(!rules
        .storage_keys_to_clear(&every)
        .contains(&STORAGE_KEY.to_string()));
}
