//! The compiler of the runtime configuration: from a validated [`Config`] (and the
//! source text it was parsed from) the [`CompiledConfig`] every page view decides on,
//! and the configuration digest that names it. docs/build-format.md is the reference
//! for every byte form here.
//!
//! Behind the `validate` feature, with the parser: the WebAssembly modules read what
//! this wrote. Everything here is computed from validated domain types, deterministically
//! (ordered maps), and reads or writes nothing. This is the only place that turns the
//! configuration's texts into the names the runtime shows (a third party's listed name
//! and detail included) and its storage items into the keys per id; it holds no rule:
//! what a name or a key is *for* is decided in `crate::rules` and the modules on it.

use std::collections::BTreeMap;

use crate::compiled::{
    CompiledConfig, CompiledPurpose, CompiledThirdParty, Names, PurposeNames, ThirdPartyNames,
    BUILD_FORMAT_VERSION,
};
use crate::config::ThirdParty;
pub use crate::rules::digest;
use crate::rules::{Rules, RulesError};
use crate::{Config, Lang};

/// The compiled runtime configuration. `source` is the text `config` was parsed
/// from: its hash is what history events name.
pub fn compile(config: &Config, source: &str) -> CompiledConfig {
    let fingerprint = |id: &str| config.fingerprint(id).unwrap_or_default().to_string();
    let purposes = config
        .purposes()
        .iter()
        .map(|p| CompiledPurpose {
            id: p.id.clone(),
            legal_basis: p.legal_basis,
            fingerprint: fingerprint(&p.id),
            separate_consent: p.separate_consent,
            refused_by_gpc: p.refused_by_gpc,
            data_items: p.data_items.clone(),
        })
        .collect();
    let third_parties = config
        .third_parties()
        .iter()
        .map(|t| CompiledThirdParty {
            id: t.id.clone(),
            purposes: t.purposes.clone(),
            fingerprint: fingerprint(&t.id),
            data_shared: t.data_shared.clone(),
        })
        .collect();
    // Maps are filled by `insert` rather than collected: collecting sorts, and each
    // sort is code the runtime would carry (it compiles on every page view for now).
    let mut storage_keys = BTreeMap::new();
    for id in config.fingerprints().keys() {
        let keys = storage_keys_of(config, id);
        if !keys.is_empty() {
            storage_keys.insert(id.clone(), keys);
        }
    }
    let mut names = BTreeMap::new();
    for lang in Lang::ALL {
        names.insert(lang.tag().to_string(), names_in(config, lang));
    }
    CompiledConfig {
        format: BUILD_FORMAT_VERSION,
        digest: digest(config.fingerprints()),
        config_hash: crate::history::sha256(source.as_bytes()),
        policy_version: config.policy().version.clone(),
        record_expiry_days: config.record_expiry_days(),
        receipt_endpoint: config.receipt_endpoint().map(str::to_string),
        minimum_age: config.minimum_age(),
        consent_mode: config.consent_mode().cloned(),
        languages: Lang::ALL.iter().map(|l| l.tag().to_string()).collect(),
        purposes,
        third_parties,
        storage_keys,
        names,
    }
}

fn names_in(config: &Config, lang: Lang) -> Names {
    let mut names = Names::default();
    for p in config.purposes() {
        let purpose = PurposeNames {
            name: p.name.get(lang).to_string(),
            detail: p.description.get(lang).to_string(),
        };
        names.purposes.insert(p.id.clone(), purpose);
    }
    for t in config.third_parties() {
        let third_party = ThirdPartyNames {
            name: t.name.get(lang).to_string(),
            listed_name: third_party_listed_name(t, lang),
            detail: third_party_detail(config, t, lang),
        };
        names.third_parties.insert(t.id.clone(), third_party);
    }
    for d in config.data_items() {
        names
            .data_items
            .insert(d.id.clone(), d.name.get(lang).to_string());
    }
    names
}

/// The rules the runtime runs on, from a validated configuration and its source text:
/// [`compile`], then [`Rules::from_compiled`], as the runtime builds them from the
/// compiled file (`tests/rules.rs` checks the two agree). For native callers: tests,
/// fuzzing.
pub fn rules(config: &Config, source: &str) -> Result<Rules, RulesError> {
    Rules::from_compiled(compile(config, source))
}

/// The cookie and storage keys (names or `*`-patterns) the configuration's storage
/// items list for one purpose or third party, sorted, never Assent's own record key:
/// what withdrawing it clears (`Rules::storage_keys_to_clear` takes their union).
fn storage_keys_of(config: &Config, id: &str) -> Vec<String> {
    let mut keys: Vec<String> = config
        .storage()
        .iter()
        .filter(|item| {
            item.purposes
                .iter()
                .chain(&item.third_parties)
                .any(|i| i == id)
        })
        .flat_map(|item| item.keys.iter().cloned())
        .filter(|key| key != crate::record::STORAGE_KEY)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// A third party's name as the re-consent list says it: with its company when that
/// differs.
fn third_party_listed_name(third_party: &ThirdParty, lang: Lang) -> String {
    match &third_party.company {
        Some(company) if company.get(lang) != third_party.name.get(lang) => {
            format!("{} ({})", third_party.name.get(lang), company.get(lang))
        }
        _ => third_party.name.get(lang).to_string(),
    }
}

/// What the re-consent list says a third party is for: its own "purpose of use",
/// else the names of the purposes it serves.
fn third_party_detail(config: &Config, third_party: &ThirdParty, lang: Lang) -> String {
    third_party.purpose_of_use.as_ref().map_or_else(
        || {
            let purposes: Vec<&str> = third_party
                .purposes
                .iter()
                .filter_map(|id| config.purpose(id))
                .map(|p| p.name.get(lang))
                .collect();
            purposes.join(", ")
        },
        |text| text.get(lang).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_vector_sorts_the_lines_not_the_ids() {
        // "a-b=" sorts before "a=" because '-' (0x2d) < '=' (0x3d); by id, "a" would
        // come first. The text hashed is exactly these two lines.
        let fingerprints: BTreeMap<String, String> = [
            ("a".to_string(), "0123456789abcdef".to_string()),
            ("a-b".to_string(), "fedcba9876543210".to_string()),
        ]
        .into();
        let text = "a-b=fedcba9876543210\na=0123456789abcdef";
        let sha256 = crate::history::sha256(text.as_bytes());
        assert_eq!(digest(&fingerprints), sha256["sha256:".len()..][..16]);
        assert_eq!(digest(&fingerprints), "8382800e7d7f6d08");
    }
}
