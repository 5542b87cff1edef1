//! The source configuration: [`Config::parse`] and the validation behind it (feature
//! `validate`). See the parent module for the two stages.

mod validate;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::model::*;

/// Configurations larger than this are refused before parsing: the seed
/// configuration is about a tenth of it, and a consent manager must not stall a page.
pub const MAX_CONFIG_BYTES: usize = 2 * 1024 * 1024;

/// At most this many problems are listed; the rest are counted in one last
/// [`Problem::TooMany`]. A 2 MiB file can hold a million bad elements, and listing
/// every one held some 180 MB and built an error message of tens of megabytes.
pub const MAX_LISTED_PROBLEMS: usize = 100;

/// Records are asked again after this many days unless the configuration says.
pub const DEFAULT_RECORD_EXPIRY_DAYS: u32 = 182;

/// The version of the configuration format this build reads.
pub const CONFIG_FORMAT_VERSION: u64 = 1;

/// One problem in a configuration, with the JSON path where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// `$` for the whole document, then `.field` and `[index]` steps.
    pub path: String,
    pub problem: Problem,
}

/// What is wrong at a path. Messages are lowercase, without a trailing period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The text is not JSON at all (serde_json's message with line and column).
    Syntax(String),
    /// The text is larger than [`MAX_CONFIG_BYTES`].
    TooLarge { bytes: usize },
    /// A value has the wrong type, a required field is missing, or a field is unknown.
    Shape(String),
    /// `assentConfig` names a format this build does not read.
    UnsupportedFormat(String),
    /// An id does not match `^[a-z][a-z0-9-]*$`.
    BadId(String),
    /// An id is used twice in one namespace; `first` is the path of the first use.
    DuplicateId { id: String, first: String },
    /// A reference names no entity of the expected kind.
    UnknownReference { kind: &'static str, id: String },
    /// A link is not an absolute https, http or mailto URL.
    BadLink(String),
    /// A text, version or date is empty or only whitespace.
    Empty,
    /// A value is outside its allowed range or format.
    Invalid(String),
    /// [`MAX_LISTED_PROBLEMS`] problems are listed before this one; `more` were found
    /// after them and are not listed.
    TooMany { more: usize },
}

impl Problem {
    /// A stable name for the kind of problem, used by tests and tools.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::Syntax(_) => "syntax",
            Problem::TooLarge { .. } => "too-large",
            Problem::Shape(_) => "shape",
            Problem::UnsupportedFormat(_) => "unsupported-format",
            Problem::BadId(_) => "bad-id",
            Problem::DuplicateId { .. } => "duplicate-id",
            Problem::UnknownReference { .. } => "unknown-reference",
            Problem::BadLink(_) => "bad-link",
            Problem::Empty => "empty",
            Problem::Invalid(_) => "invalid",
            Problem::TooMany { .. } => "too-many-problems",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Syntax(m) => write!(f, "not valid JSON: {m}"),
            Problem::TooLarge { bytes } => {
                write!(
                    f,
                    "configuration is {bytes} bytes, more than the limit of {MAX_CONFIG_BYTES}"
                )
            }
            Problem::Shape(m) => write!(f, "{m}"),
            Problem::UnsupportedFormat(v) => {
                write!(f, "unsupported configuration format {v}, this build reads {CONFIG_FORMAT_VERSION}")
            }
            Problem::BadId(id) => write!(f, "id {id:?} must match ^[a-z][a-z0-9-]*$"),
            Problem::DuplicateId { id, first } => {
                write!(f, "duplicate id {id:?}, first used at {first}")
            }
            Problem::UnknownReference { kind, id } => write!(f, "refers to unknown {kind} {id:?}"),
            Problem::BadLink(url) => {
                write!(
                    f,
                    "link {url:?} must be an absolute https, http or mailto URL"
                )
            }
            Problem::Empty => write!(f, "must not be empty"),
            Problem::Invalid(m) => write!(f, "{m}"),
            Problem::TooMany { more } => {
                write!(f, "{more} more problem(s) found and not listed")
            }
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// Something a valid configuration says that its author probably does not mean, with
/// the JSON path where it is. `assent check` and `assent build` print each one and
/// still succeed: the configuration is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWarning {
    /// As in [`ConfigError`]: `$`, then `.field` and `[index]` steps.
    pub path: String,
    pub concern: Concern,
}

/// What a warning is about. Messages are lowercase, without a trailing period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Concern {
    /// A storage item's key is nothing but `*`: it matches every cookie and every
    /// localStorage and sessionStorage key of the site (Assent's own excepted), so
    /// withdrawing the item's purposes or third parties deletes them all.
    EveryKey(String),
}

impl fmt::Display for Concern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Concern::EveryKey(key) => write!(
                f,
                "key {key:?} matches every cookie and storage key of the site: withdrawing this item's purposes or third parties deletes them all, sign-in sessions included; list the item's own names or patterns"
            ),
        }
    }
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.concern)
    }
}

/// A validated configuration. Every reference resolves, every id is unique and well
/// formed, every text is present in both languages, every link is safe to render.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) policy: Policy,
    pub(crate) record_expiry_days: u32,
    pub(crate) receipt_endpoint: Option<String>,
    pub(crate) minimum_age: Option<u8>,
    pub(crate) consent_mode: Option<ConsentMode>,
    pub(crate) purposes: Vec<Purpose>,
    pub(crate) data_items: Vec<DataItem>,
    pub(crate) third_parties: Vec<ThirdParty>,
    pub(crate) features: Vec<Feature>,
    pub(crate) permissions: Vec<Permission>,
    pub(crate) data_sources: Vec<DataSource>,
    pub(crate) storage: Vec<StorageItem>,
    /// Purpose and third-party ids (one namespace) to their place: below
    /// `purposes.len()` a purpose, from there on a third party. The same map type as
    /// `data_item_index` (and `Rules`' index), so the runtime carries its code once.
    consent_ids: BTreeMap<String, usize>,
    /// Purpose and third-party ids to the fingerprint of their JSON as configured
    /// (`history::fingerprint`), for the consent history.
    fingerprints: BTreeMap<String, String>,
    data_item_index: BTreeMap<String, usize>,
}

/// What an id in the purpose/third-party namespace names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentSubject {
    Purpose(usize),
    ThirdParty(usize),
}

impl Config {
    /// Parses and validates a configuration; on failure returns every problem found.
    pub fn parse(text: &str) -> Result<Config, Vec<ConfigError>> {
        if text.len() > MAX_CONFIG_BYTES {
            return Err(vec![error("$", Problem::TooLarge { bytes: text.len() })]);
        }
        let value: Value = serde_json::from_str(text)
            .map_err(|e| vec![error("$", Problem::Syntax(e.to_string()))])?;
        let Value::Object(mut root) = value else {
            return Err(vec![error(
                "$",
                Problem::Shape("the configuration must be a JSON object".into()),
            )]);
        };
        let mut errors = Vec::new();
        let config = read_root(&mut root, &mut errors);
        match config {
            Some(config) if errors.is_empty() => {
                validate::validate(&config, &mut errors);
                if errors.is_empty() {
                    Ok(config.indexed())
                } else {
                    Err(errors)
                }
            }
            _ => Err(errors),
        }
    }

    /// The compiled-in seed configuration. It is checked by the test suite, so a
    /// failure here is a build defect, reported like any other configuration error.
    pub fn default_config() -> Result<Config, Vec<ConfigError>> {
        Config::parse(crate::DEFAULT_CONFIG_JSON)
    }

    fn indexed(mut self) -> Config {
        self.consent_ids = self
            .purposes
            .iter()
            .map(|p| &p.id)
            .chain(self.third_parties.iter().map(|t| &t.id))
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        self.data_item_index = self
            .data_items
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        self
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }
    pub fn record_expiry_days(&self) -> u32 {
        self.record_expiry_days
    }
    /// The Google Consent Mode mapping, when the site uses it.
    /// Where consent events are POSTed, if anywhere.
    /// The age below which a guardian must consent (PIPL Art. 31: 14): asked before
    /// the first separate-consent purpose is granted in the preferences.
    pub fn minimum_age(&self) -> Option<u8> {
        self.minimum_age
    }
    pub fn receipt_endpoint(&self) -> Option<&str> {
        self.receipt_endpoint.as_deref()
    }

    pub fn consent_mode(&self) -> Option<&ConsentMode> {
        self.consent_mode.as_ref()
    }
    pub fn purposes(&self) -> &[Purpose] {
        &self.purposes
    }
    pub fn data_items(&self) -> &[DataItem] {
        &self.data_items
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

    /// What the configuration says that its author probably does not mean
    /// ([`Concern`]), in document order; empty for the seed.
    pub fn warnings(&self) -> Vec<ConfigWarning> {
        let mut warnings = Vec::new();
        for (item_index, item) in self.storage.iter().enumerate() {
            for (key_index, key) in item.keys.iter().enumerate() {
                if !key.is_empty() && key.chars().all(|c| c == '*') {
                    warnings.push(ConfigWarning {
                        path: format!("$.storage[{item_index}].keys[{key_index}]"),
                        concern: Concern::EveryKey(key.clone()),
                    });
                }
            }
        }
        warnings
    }

    /// What a purpose-or-third-party id names, if anything.
    pub fn subject(&self, id: &str) -> Option<ConsentSubject> {
        let i = *self.consent_ids.get(id)?;
        Some(match i.checked_sub(self.purposes.len()) {
            None => ConsentSubject::Purpose(i),
            Some(t) => ConsentSubject::ThirdParty(t),
        })
    }
    /// The fingerprint of a purpose or third party as configured: any change to what
    /// it says changes it.
    pub fn fingerprint(&self, id: &str) -> Option<&str> {
        self.fingerprints.get(id).map(String::as_str)
    }

    pub fn purpose(&self, id: &str) -> Option<&Purpose> {
        match self.subject(id)? {
            ConsentSubject::Purpose(i) => Some(&self.purposes[i]),
            ConsentSubject::ThirdParty(_) => None,
        }
    }
    pub fn third_party(&self, id: &str) -> Option<&ThirdParty> {
        match self.subject(id)? {
            ConsentSubject::ThirdParty(i) => Some(&self.third_parties[i]),
            ConsentSubject::Purpose(_) => None,
        }
    }
    /// Every purpose's and third party's fingerprint, by id: what a record lists as
    /// shown.
    pub fn fingerprints(&self) -> &BTreeMap<String, String> {
        &self.fingerprints
    }
    pub fn data_item(&self, id: &str) -> Option<&DataItem> {
        self.data_item_index.get(id).map(|&i| &self.data_items[i])
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

fn error(path: impl Into<String>, problem: Problem) -> ConfigError {
    ConfigError {
        path: path.into(),
        problem,
    }
}

/// Adds a problem to the list, or counts it once [`MAX_LISTED_PROBLEMS`] are listed.
fn report(errors: &mut Vec<ConfigError>, path: impl Into<String>, problem: Problem) {
    listed(errors, error(path, problem));
}

/// [`report`]'s work, in one copy rather than one per type of path.
fn listed(errors: &mut Vec<ConfigError>, e: ConfigError) {
    if errors.len() < MAX_LISTED_PROBLEMS {
        errors.push(e);
    } else if let Some(ConfigError {
        problem: Problem::TooMany { more },
        ..
    }) = errors.last_mut()
    {
        *more += 1;
    } else {
        errors.push(error("$", Problem::TooMany { more: 1 }));
    }
}

/// The top-level fields of a configuration. `$schema` is the one editors add to find
/// the JSON Schema: accepted (a string) and ignored.
pub const TOP_LEVEL_FIELDS: [&str; 14] = [
    "$schema",
    "assentConfig",
    "recordExpiryDays",
    "minimumAge",
    "receiptEndpoint",
    "consentMode",
    "policy",
    "purposes",
    "dataItems",
    "thirdParties",
    "features",
    "permissions",
    "dataSources",
    "storage",
];

/// Reads the top-level object field by field and list element by list element, so one
/// bad element does not hide the problems of the others.
fn read_root(root: &mut Map<String, Value>, errors: &mut Vec<ConfigError>) -> Option<Config> {
    for key in root.keys() {
        if !TOP_LEVEL_FIELDS.contains(&key.as_str()) {
            report(
                errors,
                format!("$.{key}"),
                Problem::Shape(format!("unknown field `{key}`")),
            );
        }
    }
    // For editors only (the schema's URL); it is in no fingerprint, which are taken
    // per purpose and third party. Only at the top level: elsewhere it is unknown.
    match root.remove("$schema") {
        None | Some(Value::String(_)) => {}
        Some(other) => report(
            errors,
            "$.$schema",
            Problem::Shape(format!("expected a string, got {}", kind_of(&other))),
        ),
    }
    match root.remove("assentConfig") {
        Some(Value::Number(n)) if n.as_u64() == Some(CONFIG_FORMAT_VERSION) => {}
        Some(other) => report(
            errors,
            "$.assentConfig",
            Problem::UnsupportedFormat(other.to_string()),
        ),
        None => report(
            errors,
            "$",
            Problem::Shape("missing field `assentConfig`".into()),
        ),
    }
    let record_expiry_days = whole_number(root, "recordExpiryDays", 3650, "days", errors)
        .map(|days| days.map_or(DEFAULT_RECORD_EXPIRY_DAYS, |d| d as u32));
    let minimum_age =
        whole_number(root, "minimumAge", 18, "years", errors).map(|age| age.map(|a| a as u8));
    let receipt_endpoint = match root.remove("receiptEndpoint") {
        None => Some(None),
        Some(Value::String(url)) if is_endpoint(&url) => Some(Some(url)),
        Some(other) => {
            errors.push(error(
                "$.receiptEndpoint",
                Problem::BadLink(
                    other
                        .as_str()
                        .map_or_else(|| other.to_string(), str::to_string),
                ),
            ));
            None
        }
    };
    let consent_mode = match root.remove("consentMode") {
        None => Some(None),
        Some(v) => read_one::<ConsentMode>("$.consentMode", v, errors).map(Some),
    };
    let policy = match root.remove("policy") {
        Some(v) => read_one::<Policy>("$.policy", v, errors),
        None => {
            report(errors, "$", Problem::Shape("missing field `policy`".into()));
            None
        }
    };
    let fingerprints = ["purposes", "thirdParties"]
        .iter()
        .filter_map(|key| root.get(*key)?.as_array())
        .flatten()
        .filter_map(|item| {
            let id = item.get("id")?.as_str()?.to_string();
            Some((id, crate::history::fingerprint(item.to_string().as_bytes())))
        })
        .collect();
    let purposes = read_list::<Purpose>(root, "purposes", true, errors);
    let data_items = read_list::<DataItem>(root, "dataItems", true, errors);
    let third_parties = read_list::<ThirdParty>(root, "thirdParties", true, errors);
    let features = read_list::<Feature>(root, "features", false, errors);
    let permissions = read_list::<Permission>(root, "permissions", false, errors);
    let data_sources = read_list::<DataSource>(root, "dataSources", false, errors);
    let storage = read_list::<StorageItem>(root, "storage", false, errors);
    Some(Config {
        policy: policy?,
        record_expiry_days: record_expiry_days?,
        receipt_endpoint: receipt_endpoint?,
        minimum_age: minimum_age?,
        consent_mode: consent_mode?,
        purposes: purposes?,
        data_items: data_items?,
        third_parties: third_parties?,
        features: features?,
        permissions: permissions?,
        data_sources: data_sources?,
        storage: storage?,
        consent_ids: BTreeMap::new(),
        fingerprints,
        data_item_index: BTreeMap::new(),
    })
}

fn read_one<T: DeserializeOwned>(
    path: &str,
    value: Value,
    errors: &mut Vec<ConfigError>,
) -> Option<T> {
    if report_nulls(path, &value, errors) {
        return None;
    }
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => Some(v),
        Err(e) => {
            let inner = e.path().to_string();
            let full = if inner == "." || inner.is_empty() {
                path.to_string()
            } else if inner.starts_with('[') {
                format!("{path}{inner}")
            } else {
                format!("{path}.{inner}")
            };
            report(errors, full, Problem::Shape(e.into_inner().to_string()));
            None
        }
    }
}

fn read_list<T: DeserializeOwned>(
    root: &mut Map<String, Value>,
    key: &str,
    required: bool,
    errors: &mut Vec<ConfigError>,
) -> Option<Vec<T>> {
    let path = format!("$.{key}");
    match root.remove(key) {
        None if required => {
            report(
                errors,
                "$",
                Problem::Shape(format!("missing field `{key}`")),
            );
            None
        }
        None => Some(Vec::new()),
        Some(Value::Array(items)) => {
            let mut all_read = true;
            let list: Vec<T> = items
                .into_iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let item = read_one::<T>(&format!("{path}[{i}]"), v, errors);
                    all_read &= item.is_some();
                    item
                })
                .collect();
            all_read.then_some(list)
        }
        Some(other) => {
            report(
                errors,
                path,
                Problem::Shape(format!("expected a list, got {}", kind_of(&other))),
            );
            None
        }
    }
}

/// Reports every `null` in `value`; true when there was one. The format has no
/// `null` anywhere: an optional field is left out. serde alone would read `null` as
/// absent for an `Option` field, and then `"summary": null` and no summary would be
/// two spellings of one purpose with two fingerprints (taken from the JSON as
/// written), so tidying a file would ask every user again. The JSON Schema says the
/// same (`json_schema`: optional, never nullable). The top-level fields are read one
/// by one in `read_root`, where each already refuses `null`.
fn report_nulls(path: &str, value: &Value, errors: &mut Vec<ConfigError>) -> bool {
    let mut found = false;
    // Every page view parses its configuration: the walk allocates nothing until it
    // finds a null, and serde_json's recursion limit (128) bounds its depth.
    each_null(value, &mut Vec::new(), &mut |steps| {
        found = true;
        let mut at = path.to_string();
        for step in steps {
            match step {
                Step::Key(key) => at.push_str(&format!(".{key}")),
                Step::Index(i) => at.push_str(&format!("[{i}]")),
            }
        }
        report(
            errors,
            at,
            Problem::Shape("null is not a value here (leave an optional field out)".into()),
        );
    });
    found
}

/// One step of a path below a value.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn each_null<'a>(value: &'a Value, steps: &mut Vec<Step<'a>>, found: &mut dyn FnMut(&[Step])) {
    match value {
        Value::Null => found(steps),
        Value::Array(list) => {
            for (i, item) in list.iter().enumerate() {
                steps.push(Step::Index(i));
                each_null(item, steps, found);
                steps.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                steps.push(Step::Key(key));
                each_null(item, steps, found);
                steps.pop();
            }
        }
        _ => {}
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A receipt endpoint is a safe link that is not `mailto:`.
/// The optional top-level whole number `key`, from 1 to `max` `unit`: `Some(None)`
/// when absent, `None` (reported) when out of range or not a whole number.
fn whole_number(
    root: &mut Map<String, Value>,
    key: &str,
    max: u64,
    unit: &str,
    errors: &mut Vec<ConfigError>,
) -> Option<Option<u64>> {
    match root.remove(key) {
        None => Some(None),
        Some(v) => match v.as_u64() {
            Some(n) if (1..=max).contains(&n) => Some(Some(n)),
            _ => {
                report(
                    errors,
                    format!("$.{key}"),
                    Problem::Invalid(format!(
                        "must be a whole number of {unit} from 1 to {max}, got {v}"
                    )),
                );
                None
            }
        },
    }
}

fn is_endpoint(url: &str) -> bool {
    validate::is_safe_link(url) && !url.to_ascii_lowercase().starts_with("mailto:")
}
