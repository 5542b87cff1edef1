//! The wire types of a build (`assent build`, docs/build-format.md): the compiled
//! runtime configuration, the banner's data per language, the disclosures the
//! preferences dialog shows and the texts only receipts and `explain` need. Each file
//! carries `format` ([`BUILD_FORMAT_VERSION`]) and the configuration's digest, so a
//! reader can refuse a file of another format or of another build.
//!
//! These types are only data: they are written by `crate::build` (the CLI's side,
//! behind the `build` feature) from a validated [`crate::Config`], never from raw
//! JSON, and they are what the WebAssembly modules will read instead of the source
//! configuration. Nothing here validates a configuration or knows a browser.
//!
//! Parts that the dialog renders as the configuration says them (a purpose, a third
//! party, the policy) reuse the configuration's own element types, so the dialog's
//! input has one shape, the one docs/config-format.md documents.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{
    ConsentMode, DataItem, DataSource, Feature, LegalBasis, Permission, Policy, Purpose,
    StorageItem, Text, ThirdParty,
};

/// The format version of every file of a build. A reader refuses any other.
pub const BUILD_FORMAT_VERSION: u32 = 1;

/// `config.<digest>.json`: everything the runtime's and the loader's calls need to
/// decide, and nothing they only show. Ids, legal bases and flags come from the
/// validated configuration; `fingerprint`, `config_hash` and `digest` are exactly what
/// the runtime computes from the source text today, so no returning visitor is asked
/// again because a site starts to build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CompiledConfig {
    /// [`BUILD_FORMAT_VERSION`].
    pub format: u32,
    /// The configuration digest (`crate::build::digest`): 16 hex digits.
    pub digest: String,
    /// `sha256:` and the hex SHA-256 of the source configuration's bytes
    /// (`history::sha256`), the hash each history event names.
    pub config_hash: String,
    pub policy_version: String,
    pub record_expiry_days: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<u8>,
    /// Google Consent Mode v2: the purposes each consent type needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_mode: Option<ConsentMode>,
    /// The language tags the build has texts for (`banner.<tag>.json`, `names`).
    pub languages: Vec<String>,
    /// In configuration order.
    pub purposes: Vec<CompiledPurpose>,
    /// In configuration order.
    pub third_parties: Vec<CompiledThirdParty>,
    /// For each purpose or third party that storage items name: the cookie and
    /// storage keys (names or `*`-patterns) to clear when it is revoked, sorted, never
    /// Assent's own record key. Ids without keys are left out.
    pub storage_keys: BTreeMap<String, Vec<String>>,
    /// By language tag: the names iframe placeholders and the re-consent list show.
    pub names: BTreeMap<String, Names>,
}

/// A purpose as the runtime decides on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CompiledPurpose {
    pub id: String,
    pub legal_basis: LegalBasis,
    /// `history::fingerprint` of the purpose's JSON as configured.
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub separate_consent: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refused_by_gpc: bool,
    /// Its data item ids: the re-consent baseline and what is new since.
    pub data_items: Vec<String>,
}

/// A third party as the runtime decides on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CompiledThirdParty {
    pub id: String,
    /// The purposes it serves (the third party → purpose map).
    pub purposes: Vec<String>,
    pub fingerprint: String,
    /// The data item ids it receives: the re-consent baseline and what is new since.
    pub data_shared: Vec<String>,
}

/// The names shown in one language by iframe placeholders and the re-consent list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Names {
    pub purposes: BTreeMap<String, PurposeNames>,
    pub third_parties: BTreeMap<String, ThirdPartyNames>,
    /// Data item id to its name, for "new personal information: ...".
    pub data_items: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PurposeNames {
    pub name: String,
    /// What the re-consent list says it is now: its description.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ThirdPartyNames {
    /// Its name alone, as a placeholder says it.
    pub name: String,
    /// Its name with its company when that differs, as the re-consent list says it.
    pub listed_name: String,
    /// Its purpose of use, else the names of the purposes it serves.
    pub detail: String,
}

/// `banner.<lang>.json`: the first layer's words in one language, everything it shows
/// that does not depend on the visitor's record (so not the re-consent list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BannerData {
    pub format: u32,
    pub digest: String,
    pub language: String,
    pub title: String,
    pub body: String,
    pub policy_title: String,
    /// The policy's own URL (`policy.links.policy`); without one the banner links to
    /// nothing rather than to another page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_url: Option<String>,
    pub reject_all: String,
    pub accept_all: String,
    pub customise: String,
    /// The language switch: its label, and the tag it switches to.
    pub language_switch: String,
    pub switch_to: String,
    /// Set when some purposes need separate consent: accept all leaves them out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separate_note: Option<String>,
    /// Shown only when Global Privacy Control refused some purpose (the runtime knows).
    pub gpc_note: String,
}

/// `disclosures.<digest>.json`: what the preferences dialog shows, in both
/// languages, in configuration order.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Disclosures {
    pub format: u32,
    pub digest: String,
    pub policy: Policy,
    pub purposes: Vec<Purpose>,
    pub data_items: Vec<DataItem>,
    pub third_parties: Vec<ThirdParty>,
    #[serde(default)]
    pub features: Vec<Feature>,
    #[serde(default)]
    pub permissions: Vec<Permission>,
    #[serde(default)]
    pub data_sources: Vec<DataSource>,
    #[serde(default)]
    pub storage: Vec<StorageItem>,
}

/// Why a disclosures file cannot be shown: what is wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisclosuresError {
    /// `$` for the whole file, then `.field` and `[index]` steps.
    pub path: String,
    pub problem: String,
}

impl std::fmt::Display for DisclosuresError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

impl Disclosures {
    /// The structural checks the preferences dialog relies on, on a file `assent
    /// build` wrote from a validated configuration (texts, links and dates were
    /// checked there): this format, the build of the compiled configuration the
    /// runtime runs on (`digest`), and every reference it looks up resolves. The first
    /// fault is reported, with its JSON path. Not a validation of a configuration.
    pub fn check(&self, digest: &str) -> Result<(), DisclosuresError> {
        let fault = |path: String, problem: String| Err(DisclosuresError { path, problem });
        if self.format != BUILD_FORMAT_VERSION {
            let problem = format!(
                "unsupported disclosures format {}, this build reads {BUILD_FORMAT_VERSION}",
                self.format
            );
            return fault("$.format".into(), problem);
        }
        if self.digest != digest {
            let problem = format!(
                "belongs to build {:?}, not to the runtime configuration's {digest:?}",
                self.digest
            );
            return fault("$.digest".into(), problem);
        }
        // Each list of references the dialog follows: where it is, and what it names.
        let (purpose, item, third_party) = ("purpose", "data item", "third party");
        let references: [(&str, &str, &str, Vec<&[String]>); 7] = [
            (
                "purposes",
                "dataItems",
                item,
                self.purposes.iter().map(|p| &p.data_items[..]).collect(),
            ),
            (
                "thirdParties",
                "purposes",
                purpose,
                self.third_parties.iter().map(|t| &t.purposes[..]).collect(),
            ),
            (
                "thirdParties",
                "dataShared",
                item,
                self.third_parties
                    .iter()
                    .map(|t| &t.data_shared[..])
                    .collect(),
            ),
            (
                "features",
                "purposes",
                purpose,
                self.features.iter().map(|f| &f.purposes[..]).collect(),
            ),
            (
                "dataSources",
                "purposes",
                purpose,
                self.data_sources.iter().map(|d| &d.purposes[..]).collect(),
            ),
            (
                "storage",
                "purposes",
                purpose,
                self.storage.iter().map(|s| &s.purposes[..]).collect(),
            ),
            (
                "storage",
                "thirdParties",
                third_party,
                self.storage.iter().map(|s| &s.third_parties[..]).collect(),
            ),
        ];
        for (list, field, kind, lists) in references {
            for (i, ids) in lists.iter().enumerate() {
                for (j, id) in ids.iter().enumerate() {
                    let found = match kind {
                        "data item" => self.data_item(id).is_some(),
                        "third party" => self.third_party(id).is_some(),
                        _ => self.purpose(id).is_some(),
                    };
                    if !found {
                        return fault(
                            format!("$.{list}[{i}].{field}[{j}]"),
                            format!("refers to unknown {kind} {id:?}"),
                        );
                    }
                }
            }
        }
        Ok(())
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }
    pub fn purposes(&self) -> &[Purpose] {
        &self.purposes
    }
    pub fn third_parties(&self) -> &[ThirdParty] {
        &self.third_parties
    }
    pub fn features(&self) -> &[Feature] {
        &self.features
    }
    pub fn permissions(&self) -> &[Permission] {
        &self.permissions
    }
    pub fn data_sources(&self) -> &[DataSource] {
        &self.data_sources
    }
    pub fn storage(&self) -> &[StorageItem] {
        &self.storage
    }
    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.id == id)
    }
    pub fn data_item(&self, id: &str) -> Option<&DataItem> {
        self.data_items.iter().find(|d| d.id == id)
    }
    pub fn third_party(&self, id: &str) -> Option<&ThirdParty> {
        self.third_parties.iter().find(|t| t.id == id)
    }
    /// The third parties that receive data for a purpose, in configuration order.
    pub fn third_parties_of<'a>(
        &'a self,
        purpose_id: &'a str,
    ) -> impl Iterator<Item = &'a ThirdParty> + 'a {
        self.third_parties
            .iter()
            .filter(move |t| t.purposes.iter().any(|p| p == purpose_id))
    }
}

/// `texts.<digest>.json`: the texts only a receipt (`crate::receipt`) and the
/// permission notice (`crate::explain`) need, in both languages (a receipt is in the
/// language the choice was made in), fetched at their first call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Texts {
    pub format: u32,
    pub digest: String,
    pub policy: PolicyTexts,
    pub controller: ControllerTexts,
    /// Purpose id to its name.
    pub purposes: BTreeMap<String, Text>,
    pub third_parties: BTreeMap<String, ThirdPartyTexts>,
    /// Data item id to its name.
    pub data_items: BTreeMap<String, Text>,
    /// In configuration order (an unknown id's error lists them so).
    pub permissions: Vec<PermissionTexts>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyTexts {
    pub id: String,
    pub version: String,
    pub effective_date: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ControllerTexts {
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ThirdPartyTexts {
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Text>,
}

/// What the permission notice says about one permission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PermissionTexts {
    pub id: String,
    pub name: Text,
    pub purpose: Text,
    pub requested_by: Text,
    pub refusal_consequence: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_note: Option<Text>,
}
