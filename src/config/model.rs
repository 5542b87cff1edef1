//! The wire types of the configuration: they mirror the JSON of
//! `docs/config-format.md` exactly (serde, `deny_unknown_fields`, camelCase).
//!
//! These structs are the first validation stage: serde checks shapes and types. They
//! are only ever handed out inside a [`crate::Config`], whose constructor runs the
//! second stage (ids, references, links, non-empty texts), so code that holds a
//! `Config` may rely on every invariant of the format. Nothing here knows a browser.

use serde::{Deserialize, Serialize};

use crate::language::Lang;

/// A text in both of Assent's languages; both are required and non-empty.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh_cn,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum LegalBasis {
    /// Granted only by the user; refused until then.
    Consent,
    /// Necessary for the service the user asked for: always granted, shown locked.
    Necessary,
    /// Required by law: always granted, shown locked.
    LegalObligation,
}

impl LegalBasis {
    /// Necessary and legal-obligation purposes are granted without asking.
    pub fn is_always_granted(self) -> bool {
        !matches!(self, LegalBasis::Consent)
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Policy {
    pub id: String,
    pub version: String,
    pub effective_date: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Text>,
    pub controller: Party,
    #[serde(default)]
    pub affiliates: Vec<Party>,
    pub links: Links,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Text>,
    #[serde(default)]
    pub rights: Vec<Right>,
    #[serde(default)]
    pub consent_exceptions: Vec<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minors: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<Text>,
    /// The third-party data sharing statement, a document of its own beside the
    /// policy: what an element citing it (`disclosedIn.document: "sharing-statement"`)
    /// is shown under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing_statement: Option<SharingStatement>,
    /// The policy's other sections (transfer, public disclosure, security...), shown
    /// in the preferences in this order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<PolicySection>,
}

/// One section of the policy that is neither a purpose nor a recipient but binds what
/// the user agrees to: who else may receive data and when, how it is protected, what
/// the user must do, which document prevails.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicySection {
    pub id: String,
    pub kind: SectionKind,
    pub title: Text,
    /// Paragraphs separated by line breaks.
    pub body: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosed_in: Option<Citation>,
}

/// What a policy section is about (docs/config-format.md lists each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    Transfer,
    PublicDisclosure,
    NoSale,
    Security,
    BreachNotification,
    SubProcessors,
    DisclosureWithoutConsent,
    DocumentHierarchy,
    ThirdPartyDisclaimer,
    NonPersonalInformation,
    UserDuties,
    UserDesignatedSharing,
}

/// A sharing statement's own title and the promise it opens with. It names no
/// controller of its own, so the dialog shows its recipients under its title without
/// saying that the policy's controller shares with them.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SharingStatement {
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promise: Option<Text>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Party {
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Text>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Links {
    /// The policy itself, where it has a URL of its own (a document shown only in an
    /// app may have none: then nothing links to it, rather than to another page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Where to contact the controller about personal information (a form, a mail
    /// address), labelled as such.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_cancellation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaints: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<String>,
}

impl Links {
    /// Every link with its field name, in display order.
    pub fn all(&self) -> Vec<(&'static str, &str)> {
        let optional = [
            ("policy", &self.policy),
            ("contact", &self.contact),
            ("access", &self.access),
            ("correction", &self.correction),
            ("deletion", &self.deletion),
            ("accountCancellation", &self.account_cancellation),
            ("complaints", &self.complaints),
            ("withdrawal", &self.withdrawal),
        ];
        optional
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum RightKind {
    Access,
    Correction,
    Deletion,
    Withdrawal,
    AccountCancellation,
    Copy,
    Complaint,
    Explanation,
    PrivacySettings,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Right {
    pub id: RightKind,
    pub name: Text,
    pub description: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Purpose {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub legal_basis: LegalBasis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal_consequence: Option<Text>,
    #[serde(default)]
    pub data_items: Vec<String>,
    /// A sale, sharing or cross-context advertising purpose: refused without asking
    /// when the browser sends Global Privacy Control, until the user explicitly
    /// grants it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refused_by_gpc: bool,
    /// Needs the user's separate consent (PIPL Art. 23 and 29: sensitive personal
    /// information, providing data to a third party): "accept all" never grants it;
    /// only its own explicit action does, after showing its data, recipients and why.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub separate_consent: bool,
}

/// Google Consent Mode v2: which purposes each consent type needs (all of them
/// granted means `granted`). A type left out stays `denied`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentMode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_storage: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytics_storage: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_user_data: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_personalization: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functionality_storage: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personalization_storage: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_storage: Option<Vec<String>>,
}

impl ConsentMode {
    /// Each consent type with the purposes it needs, in Google's order.
    pub fn types(&self) -> [(&'static str, Option<&Vec<String>>); 7] {
        [
            ("ad_storage", self.ad_storage.as_ref()),
            ("analytics_storage", self.analytics_storage.as_ref()),
            ("ad_user_data", self.ad_user_data.as_ref()),
            ("ad_personalization", self.ad_personalization.as_ref()),
            ("functionality_storage", self.functionality_storage.as_ref()),
            (
                "personalization_storage",
                self.personalization_storage.as_ref(),
            ),
            ("security_storage", self.security_storage.as_ref()),
        ]
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DataItem {
    pub id: String,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    pub sensitive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SharingType {
    EmbeddedSdk,
    Sdk,
    App,
    AssociatedApp,
    Api,
    ServiceProvider,
    Merchant,
    // A public body that receives personal information because the law says so (a
    // regulator, a consumer-protection department): it publishes no processing rules
    // of its own for the user, so none is expected. (A plain comment: a doc comment
    // would make the JSON Schema split the enum.)
    Authority,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Document {
    SharingStatement,
    PrivacyPolicy,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Citation {
    pub document: Document,
    pub section: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ThirdParty {
    pub id: String,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Text>,
    pub sharing_type: SharingType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<Text>,
    pub data_shared: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_shared_note: Option<Text>,
    pub purposes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose_of_use: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_scenario: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing_method: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_rules_url: Option<String>,
    pub disclosed_in: Citation,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Feature {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub data_collected: Vec<String>,
    #[serde(default)]
    pub purposes: Vec<String>,
    pub disclosed_in: Citation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    Android,
    Ios,
    Web,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Permission {
    pub id: String,
    pub name: Text,
    pub purpose: Text,
    pub requested_by: Text,
    pub refusal_consequence: Text,
    pub platforms: Vec<Platform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_note: Option<Text>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DataSource {
    pub id: String,
    pub name: Text,
    pub description: Text,
    #[serde(default)]
    pub data_items: Vec<String>,
    #[serde(default)]
    pub purposes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum StorageKind {
    Cookie,
    LocalStorage,
    LogFile,
    Sdk,
    Pixel,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StorageItem {
    pub id: String,
    pub kind: StorageKind,
    pub name: Text,
    pub description: Text,
    #[serde(default)]
    pub purposes: Vec<String>,
    #[serde(default)]
    pub third_parties: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default)]
    pub keys: Vec<String>,
}

// The whole file, for the JSON Schema only: the parser reads the top level field by
// field (`config::read_root`) so one bad section does not hide the others.
// `tests/config.rs` checks that both list the same fields.
/// An Assent configuration (format 1): the disclosures a site shows and the purposes
/// its users decide on. Reference: docs/config-format.md.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ConfigFile {
    /// The JSON Schema this file follows, for editors; Assent ignores it.
    #[serde(rename = "$schema")]
    pub schema: Option<String>,
    /// The configuration format version: 1.
    #[schemars(range(min = 1, max = 1))]
    pub assent_config: u8,
    /// After this many days the user is asked again (default 182).
    #[schemars(range(min = 1, max = 3650))]
    pub record_expiry_days: Option<u32>,
    /// Where each consent event is POSTed as JSON (https or http); optional.
    pub receipt_endpoint: Option<String>,
    /// Ask the user's age before the first separate-consent purpose is granted; below
    /// it, a parent or guardian must consent (PIPL Art. 31: 14). Optional.
    #[schemars(range(min = 1, max = 18))]
    pub minimum_age: Option<u8>,
    pub consent_mode: Option<ConsentMode>,
    pub policy: Policy,
    pub purposes: Vec<Purpose>,
    pub data_items: Vec<DataItem>,
    pub third_parties: Vec<ThirdParty>,
    pub features: Option<Vec<Feature>>,
    pub permissions: Option<Vec<Permission>>,
    pub data_sources: Option<Vec<DataSource>>,
    pub storage: Option<Vec<StorageItem>>,
}
