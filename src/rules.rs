//! The runtime's view of a configuration: [`Rules`], built from a compiled runtime
//! configuration ([`CompiledConfig`], docs/build-format.md) by
//! [`Rules::from_compiled`]. Every decision (`crate::decision`, `crate::changes`,
//! `crate::consent_mode`, `crate::gate`) runs on it, never on the source
//! [`crate::Config`].
//!
//! Invariants, which hold for every `Rules` because `from_compiled` is the only way to
//! make one:
//! - the format is [`BUILD_FORMAT_VERSION`];
//! - purpose and third-party ids are unique in their one namespace;
//! - every reference resolves: a third party's purposes (at least one), the Consent
//!   Mode mapping's purposes, the ids storage keys are listed for, every data item a
//!   purpose uses or a third party receives (it has a name);
//! - `languages` holds each of Assent's languages once, and `names` has every one,
//!   with a name for each purpose, third party and data item;
//! - no storage key to clear is Assent's own record key.
//!
//! The checks are structural only: a compiled file is written by `assent build` from a
//! validated configuration, so texts, links and dates were checked there. What is
//! checked here is what the rules would otherwise trip over (a lookup that finds
//! nothing, a key that deletes the record). The first fault is reported, with its
//! JSON path: a file with one is not a build's, and the site owner's problems are
//! listed, every one, by `assent build`.

use std::collections::BTreeMap;
use std::fmt;

use crate::compiled::{
    CompiledConfig, CompiledPurpose, CompiledThirdParty, Names, PurposeNames, Texts,
    ThirdPartyNames, BUILD_FORMAT_VERSION,
};
use crate::config::{ConsentMode, LegalBasis};
use crate::language::Lang;

/// A purpose, as the rules decide on it: the compiled file's own element, kept as it
/// was read. (A plain copy of the same fields would be the domain type STYLE.md asks
/// for, but converting to it is code every page view downloads, for no invariant the
/// checks do not already give; its fields are only ever lent out, never changed.)
pub type Purpose = CompiledPurpose;

/// A third party, as the rules decide on it: the compiled file's own element (see
/// [`Purpose`]). Its `purposes` are at least one, each a purpose of these rules.
pub type ThirdParty = CompiledThirdParty;

/// What an id of the purpose/third-party namespace names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject<'a> {
    Purpose(&'a Purpose),
    ThirdParty(&'a ThirdParty),
}

/// The runtime configuration the rules run on. See the module documentation for what
/// holds of every value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    digest: String,
    config_hash: String,
    policy_version: String,
    record_expiry_days: u32,
    receipt_endpoint: Option<String>,
    minimum_age: Option<u8>,
    consent_mode: Option<ConsentMode>,
    purposes: Vec<Purpose>,
    third_parties: Vec<ThirdParty>,
    /// Purpose and third-party ids to their place: below `purposes.len()` a purpose,
    /// from there on a third party (one map type, the one `Config` already indexes
    /// with, keeps the runtime small).
    subjects: BTreeMap<String, usize>,
    /// Every purpose's and third party's fingerprint, by id: what a record lists as
    /// shown.
    fingerprints: BTreeMap<String, String>,
    storage_keys: BTreeMap<String, Vec<String>>,
    /// By language tag: each of [`Lang::ALL`].
    names: BTreeMap<String, Names>,
}

/// Why a compiled configuration cannot be run on: what is wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesError {
    /// `$` for the whole file, then `.field` and `[index]` steps.
    pub path: String,
    pub problem: RulesProblem,
}

/// What is wrong at a path. Messages are lowercase, without a trailing period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RulesProblem {
    /// `format` is not [`BUILD_FORMAT_VERSION`].
    UnsupportedFormat(u32),
    /// An id is used twice among purposes and third parties; `first` is the path of
    /// the first use.
    DuplicateId { id: String, first: String },
    /// A reference names no entity of the expected kind.
    UnknownReference { kind: &'static str, id: String },
    /// A third party serves no purpose.
    NoPurpose,
    /// One of Assent's languages has no texts (`languages` or `names` lacks it).
    MissingLanguage(&'static str),
    /// A language tag that is not one of Assent's, or is listed twice.
    UnexpectedLanguage(String),
    /// The names of one language have no entry for a purpose, third party or data
    /// item.
    MissingName { kind: &'static str, id: String },
    /// A storage key to clear is Assent's own record key.
    OwnKey,
    /// The digest is not the one its fingerprints give: the file was edited, or its
    /// parts come from different builds.
    DigestMismatch { stated: String, computed: String },
    /// A companion file (`texts.<digest>.json`) belongs to another build.
    OtherBuild { digest: String, expected: String },
}

impl fmt::Display for RulesProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RulesProblem::UnsupportedFormat(v) => write!(
                f,
                "unsupported compiled configuration format {v}, this build reads {BUILD_FORMAT_VERSION}"
            ),
            RulesProblem::DuplicateId { id, first } => {
                write!(f, "duplicate id {id:?}, first used at {first}")
            }
            RulesProblem::UnknownReference { kind, id } => {
                write!(f, "refers to unknown {kind} {id:?}")
            }
            RulesProblem::NoPurpose => write!(f, "a third party must serve at least one purpose"),
            RulesProblem::MissingLanguage(tag) => write!(f, "no texts in language {tag:?}"),
            RulesProblem::UnexpectedLanguage(tag) => {
                write!(f, "language {tag:?} is not expected here")
            }
            RulesProblem::MissingName { kind, id } => write!(f, "no name for {kind} {id:?}"),
            RulesProblem::DigestMismatch { stated, computed } => write!(
                f,
                "digest {stated:?} is not its fingerprints' ({computed:?}): the file was edited or mixes builds"
            ),
            RulesProblem::OtherBuild { digest, expected } => write!(
                f,
                "belongs to build {digest:?}, not to this configuration's {expected:?}"
            ),
            RulesProblem::OwnKey => write!(
                f,
                "{:?} is Assent's own record key and is never cleared",
                crate::record::STORAGE_KEY
            ),
        }
    }
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// Whether a file has a name for a purpose, a third party, a data item (by id).
type Named<'a> = [&'a dyn Fn(&str) -> bool; 3];

/// The one check of a file of names (the compiled `names` of a language, the receipt
/// texts): every purpose and third party, and every data item of `items`, is named in
/// it. The first that is not is the fault, at `{path}.purposes`, `.thirdParties` or
/// `.dataItems`.
fn first_unnamed<'a>(
    purposes: &[Purpose],
    third_parties: &[ThirdParty],
    mut items: impl Iterator<Item = &'a String>,
    [purpose_named, third_party_named, item_named]: Named,
    path: &str,
) -> Result<(), RulesError> {
    let missing = |field: &str, kind: &'static str, id: &str| {
        let id = id.to_string();
        fault(
            format!("{path}.{field}"),
            RulesProblem::MissingName { kind, id },
        )
    };
    if let Some(p) = purposes.iter().find(|p| !purpose_named(&p.id)) {
        return missing("purposes", "purpose", &p.id);
    }
    if let Some(t) = third_parties.iter().find(|t| !third_party_named(&t.id)) {
        return missing("thirdParties", "third party", &t.id);
    }
    match items.find(|id| !item_named(id)) {
        Some(id) => missing("dataItems", "data item", id),
        None => Ok(()),
    }
}

fn fault<T>(path: impl Into<String>, problem: RulesProblem) -> Result<T, RulesError> {
    Err(RulesError {
        path: path.into(),
        problem,
    })
}

impl Rules {
    /// The rules of a compiled runtime configuration, or the first structural fault
    /// found, with its path.
    /// The structural checks, on the file as it is (so a fault drops it in one
    /// place); the index of the one namespace when there is none.
    fn check(compiled: &CompiledConfig) -> Result<BTreeMap<String, usize>, RulesError> {
        if compiled.format != BUILD_FORMAT_VERSION {
            return fault("$.format", RulesProblem::UnsupportedFormat(compiled.format));
        }
        for (i, tag) in compiled.languages.iter().enumerate() {
            let known = Lang::ALL.iter().any(|l| l.tag() == tag);
            if !known || compiled.languages[..i].contains(tag) {
                let problem = RulesProblem::UnexpectedLanguage(tag.clone());
                return fault(format!("$.languages[{i}]"), problem);
            }
        }
        for lang in Lang::ALL {
            if !compiled.languages.iter().any(|tag| tag == lang.tag()) {
                return fault("$.languages", RulesProblem::MissingLanguage(lang.tag()));
            }
        }

        // One namespace: a third party's place follows the purposes'. Collected (the
        // map type and its code are the ones `Config` indexes with, so the runtime
        // carries them once); a duplicate is looked for only when the map came out
        // shorter than the list.
        let ids: Vec<&String> = compiled
            .purposes
            .iter()
            .map(|p| &p.id)
            .chain(compiled.third_parties.iter().map(|t| &t.id))
            .collect();
        let subjects: BTreeMap<String, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.to_string(), i))
            .collect();
        if subjects.len() < ids.len() {
            let path_of = |i: usize| match i.checked_sub(compiled.purposes.len()) {
                None => format!("$.purposes[{i}].id"),
                Some(t) => format!("$.thirdParties[{t}].id"),
            };
            for (i, id) in ids.iter().enumerate() {
                if let Some(first) = ids[..i].iter().position(|earlier| earlier == id) {
                    let problem = RulesProblem::DuplicateId {
                        id: id.to_string(),
                        first: path_of(first),
                    };
                    return fault(path_of(i), problem);
                }
            }
        }
        let is_purpose = |id: &str| {
            subjects
                .get(id)
                .is_some_and(|&i| i < compiled.purposes.len())
        };
        let unknown_purpose = |path: String, id: &str| {
            let kind = "purpose";
            let id = id.to_string();
            fault(path, RulesProblem::UnknownReference { kind, id })
        };
        for (i, t) in compiled.third_parties.iter().enumerate() {
            if t.purposes.is_empty() {
                return fault(
                    format!("$.thirdParties[{i}].purposes"),
                    RulesProblem::NoPurpose,
                );
            }
            for (j, id) in t.purposes.iter().enumerate() {
                if !is_purpose(id) {
                    return unknown_purpose(format!("$.thirdParties[{i}].purposes[{j}]"), id);
                }
            }
        }
        if let Some(mode) = &compiled.consent_mode {
            for (name, needs) in mode.types() {
                for (j, id) in needs.into_iter().flatten().enumerate() {
                    if !is_purpose(id) {
                        return unknown_purpose(format!("$.consentMode.{name}[{j}]"), id);
                    }
                }
            }
        }
        for (id, keys) in &compiled.storage_keys {
            if !subjects.contains_key(id) {
                let kind = "purpose or third party";
                let id = id.clone();
                return fault("$.storageKeys", RulesProblem::UnknownReference { kind, id });
            }
            if let Some(k) = keys.iter().position(|k| k == crate::record::STORAGE_KEY) {
                return fault(format!("$.storageKeys.{id}[{k}]"), RulesProblem::OwnKey);
            }
        }

        for lang in Lang::ALL {
            let Some(these) = compiled.names.get(lang.tag()) else {
                return fault("$.names", RulesProblem::MissingLanguage(lang.tag()));
            };
            let items = compiled
                .purposes
                .iter()
                .flat_map(|p| &p.data_items)
                .chain(compiled.third_parties.iter().flat_map(|t| &t.data_shared));
            let named: Named = [
                &|id| these.purposes.contains_key(id),
                &|id| these.third_parties.contains_key(id),
                &|id| these.data_items.contains_key(id),
            ];
            let path = format!("$.names.{}", lang.tag());
            first_unnamed(
                &compiled.purposes,
                &compiled.third_parties,
                items,
                named,
                &path,
            )?;
        }
        if let Some(tag) = compiled
            .names
            .keys()
            .find(|tag| !Lang::ALL.iter().any(|l| l.tag() == *tag))
        {
            let problem = RulesProblem::UnexpectedLanguage(tag.clone());
            return fault(format!("$.names.{tag}"), problem);
        }
        Ok(subjects)
    }

    pub fn from_compiled(compiled: CompiledConfig) -> Result<Rules, RulesError> {
        let subjects = Rules::check(&compiled)?;
        let purposes = compiled.purposes;
        let third_parties = compiled.third_parties;
        let fingerprints = purposes
            .iter()
            .map(|p| (p.id.clone(), p.fingerprint.clone()))
            .chain(
                third_parties
                    .iter()
                    .map(|t| (t.id.clone(), t.fingerprint.clone())),
            )
            .collect();
        // Last, so a file with a structural fault is reported for that fault.
        let computed = digest(&fingerprints);
        if computed != compiled.digest {
            let stated = compiled.digest;
            return fault(
                "$.digest",
                RulesProblem::DigestMismatch { stated, computed },
            );
        }
        Ok(Rules {
            digest: compiled.digest,
            config_hash: compiled.config_hash,
            policy_version: compiled.policy_version,
            record_expiry_days: compiled.record_expiry_days,
            receipt_endpoint: compiled.receipt_endpoint,
            minimum_age: compiled.minimum_age,
            consent_mode: compiled.consent_mode,
            purposes,
            third_parties,
            subjects,
            fingerprints,
            storage_keys: compiled.storage_keys,
            names: compiled.names,
        })
    }

    /// The configuration digest (docs/build-format.md).
    pub fn digest(&self) -> &str {
        &self.digest
    }
    /// `sha256:` and the hex SHA-256 of the source configuration: what history events
    /// name as the disclosure shown.
    pub fn config_hash(&self) -> &str {
        &self.config_hash
    }
    pub fn policy_version(&self) -> &str {
        &self.policy_version
    }
    pub fn record_expiry_days(&self) -> u32 {
        self.record_expiry_days
    }
    /// Where consent events are POSTed, if anywhere.
    pub fn receipt_endpoint(&self) -> Option<&str> {
        self.receipt_endpoint.as_deref()
    }
    /// The age below which a guardian must consent (PIPL Art. 31: 14).
    pub fn minimum_age(&self) -> Option<u8> {
        self.minimum_age
    }
    /// The Google Consent Mode mapping, when the site uses it.
    pub fn consent_mode(&self) -> Option<&ConsentMode> {
        self.consent_mode.as_ref()
    }
    /// In configuration order.
    pub fn purposes(&self) -> &[Purpose] {
        &self.purposes
    }
    /// In configuration order.
    pub fn third_parties(&self) -> &[ThirdParty] {
        &self.third_parties
    }

    /// What a purpose-or-third-party id names, if anything.
    pub fn subject(&self, id: &str) -> Option<Subject<'_>> {
        let i = *self.subjects.get(id)?;
        match i.checked_sub(self.purposes.len()) {
            None => self.purposes.get(i).map(Subject::Purpose),
            Some(t) => self.third_parties.get(t).map(Subject::ThirdParty),
        }
    }
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        match self.subject(id)? {
            Subject::Purpose(p) => Some(p),
            Subject::ThirdParty(_) => None,
        }
    }
    pub fn third_party(&self, id: &str) -> Option<&ThirdParty> {
        match self.subject(id)? {
            Subject::ThirdParty(t) => Some(t),
            Subject::Purpose(_) => None,
        }
    }

    /// Whether a third party has its own switch: every purpose it serves is a
    /// consent purpose (refusing one that serves a necessary purpose would refuse
    /// that purpose too).
    pub fn third_party_refusable(&self, third_party: &ThirdParty) -> bool {
        third_party_refusable(&third_party.purposes, |id| {
            self.purpose(id).map(|p| p.legal_basis)
        })
    }
    /// Whether a third party serves a purpose that needs separate consent: "accept
    /// all" and "accept the changes" then leave it to that purpose's own action.
    pub fn third_party_needs_separate_consent(&self, third_party: &ThirdParty) -> bool {
        third_party
            .purposes
            .iter()
            .any(|id| self.purpose(id).is_some_and(|p| p.separate_consent))
    }

    /// The fingerprint of a purpose or third party as configured.
    pub fn fingerprint(&self, id: &str) -> Option<&str> {
        self.fingerprints.get(id).map(String::as_str)
    }
    /// Every purpose's and third party's fingerprint, by id.
    pub fn fingerprints(&self) -> &BTreeMap<String, String> {
        &self.fingerprints
    }

    /// The cookie and storage key names or `*`-patterns to clear for what was
    /// withdrawn: the sorted union of the keys listed for each revoked purpose or
    /// third party. Never Assent's own record key.
    pub fn storage_keys_to_clear(&self, revoked: &[String]) -> Vec<String> {
        let mut keys: Vec<String> = revoked
            .iter()
            .filter_map(|id| self.storage_keys.get(id))
            .flatten()
            .cloned()
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Checks the receipt and permission texts (`texts.<digest>.json`) against these
    /// rules: the same format and build, and a name for every purpose, third party
    /// and data item a receipt lists. Structural only, like the rules' own checks.
    pub fn check_texts(&self, texts: &Texts) -> Result<(), RulesError> {
        if texts.format != BUILD_FORMAT_VERSION {
            return fault("$.format", RulesProblem::UnsupportedFormat(texts.format));
        }
        if texts.digest != self.digest {
            let digest = texts.digest.clone();
            let expected = self.digest.clone();
            return fault("$.digest", RulesProblem::OtherBuild { digest, expected });
        }
        let items = self.purposes.iter().flat_map(|p| &p.data_items);
        let named: Named = [
            &|id| texts.purposes.contains_key(id),
            &|id| texts.third_parties.contains_key(id),
            &|id| texts.data_items.contains_key(id),
        ];
        first_unnamed(&self.purposes, &self.third_parties, items, named, "$")
    }

    /// A purpose's name and what it is, in `lang`.
    pub fn purpose_names(&self, id: &str, lang: Lang) -> Option<&PurposeNames> {
        self.names_in(lang)?.purposes.get(id)
    }
    /// A third party's name, listed name and detail, in `lang`.
    pub fn third_party_names(&self, id: &str, lang: Lang) -> Option<&ThirdPartyNames> {
        self.names_in(lang)?.third_parties.get(id)
    }
    /// A data item's name, in `lang`.
    pub fn data_item_name(&self, id: &str, lang: Lang) -> Option<&str> {
        self.names_in(lang)?.data_items.get(id).map(String::as_str)
    }
    fn names_in(&self, lang: Lang) -> Option<&Names> {
        self.names.get(lang.tag())
    }
}

/// The configuration digest: the first 16 hex digits of the SHA-256 of the lines
/// `id=fingerprint`, one per purpose and third party, sorted as byte strings and
/// joined with `\n` (no trailing newline). `assent build` names the build by it; the
/// rules check a compiled file against it, so no file of one build passes for another.
pub fn digest(fingerprints: &BTreeMap<String, String>) -> String {
    let mut lines: Vec<String> = fingerprints
        .iter()
        .map(|(id, fingerprint)| format!("{id}={fingerprint}"))
        .collect();
    // Sorted as lines, not by id: `a-b=` sorts before `a=` ('-' < '='), and the
    // documented byte form is the sorted lines.
    lines.sort();
    // The first 16 hex digits of the SHA-256: what an item's fingerprint is, so one
    // function (and its code, in the runtime) serves both.
    crate::history::fingerprint(lines.join("\n").as_bytes())
}

/// The one rule for a third party's own switch, on whichever view of a configuration
/// asks: it has one when every purpose it serves is a consent purpose (`basis_of`
/// gives a purpose id's legal basis, `None` for an unknown id, which locks it). The
/// rules ask it through [`Rules::third_party_refusable`]; the preferences dialog,
/// which still renders the source configuration, asks it directly.
pub fn third_party_refusable(
    purposes: &[String],
    basis_of: impl Fn(&str) -> Option<LegalBasis>,
) -> bool {
    purposes
        .iter()
        .all(|id| basis_of(id).is_some_and(|basis| !basis.is_always_granted()))
}
