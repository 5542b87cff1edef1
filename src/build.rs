//! What `assent build` produces, as values: from a validated [`Config`] (and the
//! source text it was parsed from) the compiled files of `crate::compiled`, the
//! configuration digest, the build id and the snippet. docs/build-format.md is the
//! reference for every byte form here.
//!
//! Work done once, when the site is built: validation, fingerprints, digests, the
//! banner's words. Everything is computed from validated domain types, never from raw
//! JSON, and deterministically (ordered maps, compact JSON), so the same input gives
//! the same bytes. This module reads and writes no file: the CLI reads the source and
//! the static files, and writes the build. It is behind the `build` feature, off in
//! the WebAssembly modules.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::changes::{third_party_detail, third_party_listed_name};
use crate::compiled::{
    BannerData, CompiledConfig, CompiledPurpose, CompiledThirdParty, ControllerTexts, Disclosures,
    Names, PermissionTexts, PolicyTexts, PurposeNames, Texts, ThirdPartyNames, ThirdPartyTexts,
    BUILD_FORMAT_VERSION,
};
use crate::decision::storage_keys_to_clear;
use crate::ui_text::{gpc_note, ui_text};
use crate::{Config, Lang};

/// Where a build is served when `--base` is not given.
pub const DEFAULT_BASE: &str = "/assent/";

/// The name of the snippet file, beside the versioned folder.
pub const SNIPPET_FILE: &str = "snippet.html";

/// The stub as the assets folder holds it (`scripts/build.sh`).
pub const STUB_FILE: &str = "assent-stub.js";

/// The source configuration in the assets folder: never part of a build.
pub const SOURCE_CONFIG_FILE: &str = "config.json";

/// The size report `scripts/build.sh` writes beside the assets: a measurement, never
/// served.
pub const SIZES_FILE: &str = "sizes.json";

/// One complete build, in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    /// The versioned folder's name: [`build_id`] of `files`.
    pub id: String,
    /// The configuration digest: [`digest`].
    pub digest: String,
    /// The versioned folder's files: relative path (`/`-separated) to bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// `snippet.html`'s text: the `<head>` snippet pointing at this build.
    pub snippet: String,
}

/// Why a build cannot be made from valid input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// `--base` is not a URL path or absolute URL ending in `/`.
    BadBase(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::BadBase(base) => write!(
                f,
                "base {base:?} must end with / and hold no spaces, quotes or angle brackets"
            ),
        }
    }
}

/// The configuration digest: the first 16 hex digits of the SHA-256 of the lines
/// `id=fingerprint`, one per purpose and third party, sorted as byte strings and
/// joined with `\n` (no trailing newline).
pub fn digest(fingerprints: &BTreeMap<String, String>) -> String {
    let mut lines: Vec<String> = fingerprints
        .iter()
        .map(|(id, fingerprint)| format!("{id}={fingerprint}"))
        .collect();
    // Sorted as lines, not by id: `a-b=` sorts before `a=` ('-' < '='), and the
    // documented byte form is the sorted lines.
    lines.sort();
    hex_prefix(lines.join("\n").as_bytes(), 16)
}

/// The build id: the first 12 hex digits of the SHA-256 over every file of the
/// versioned folder in path order, each as its path's UTF-8 bytes, a 0 byte, its
/// length as 8 bytes big-endian, then its bytes.
pub fn build_id(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut hasher = Sha256::new();
    for (path, bytes) in files {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    }
    hex(&hasher.finalize())[..12].to_string()
}

fn hex_prefix(bytes: &[u8], digits: usize) -> String {
    hex(&Sha256::digest(bytes))[..digits].to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

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
    // Today's withdrawal rule, asked per id: the keys of a set of revoked ids are the
    // sorted union of each one's.
    let storage_keys = config
        .fingerprints()
        .keys()
        .map(|id| {
            (
                id.clone(),
                storage_keys_to_clear(config, std::slice::from_ref(id)),
            )
        })
        .filter(|(_, keys)| !keys.is_empty())
        .collect();
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
        names: Lang::ALL
            .iter()
            .map(|&lang| (lang.tag().to_string(), names(config, lang)))
            .collect(),
    }
}

fn names(config: &Config, lang: Lang) -> Names {
    Names {
        purposes: config
            .purposes()
            .iter()
            .map(|p| {
                let names = PurposeNames {
                    name: p.name.get(lang).to_string(),
                    detail: p.description.get(lang).to_string(),
                };
                (p.id.clone(), names)
            })
            .collect(),
        third_parties: config
            .third_parties()
            .iter()
            .map(|t| {
                let names = ThirdPartyNames {
                    name: t.name.get(lang).to_string(),
                    listed_name: third_party_listed_name(t, lang),
                    detail: third_party_detail(config, t, lang),
                };
                (t.id.clone(), names)
            })
            .collect(),
        data_items: config
            .data_items()
            .iter()
            .map(|d| (d.id.clone(), d.name.get(lang).to_string()))
            .collect(),
    }
}

/// The first layer's words in `lang`.
pub fn banner(config: &Config, lang: Lang, digest: &str) -> BannerData {
    let t = ui_text(lang);
    let policy = config.policy();
    let other = if lang == Lang::ZhCn {
        Lang::En
    } else {
        Lang::ZhCn
    };
    BannerData {
        format: BUILD_FORMAT_VERSION,
        digest: digest.to_string(),
        language: lang.tag().to_string(),
        title: t.banner_title.to_string(),
        body: t.banner_body.to_string(),
        policy_title: policy.title.get(lang).to_string(),
        policy_url: policy.links.policy.clone(),
        reject_all: t.reject_all.to_string(),
        accept_all: t.accept_all.to_string(),
        customise: t.customise.to_string(),
        language_switch: t.language_switch.to_string(),
        switch_to: other.tag().to_string(),
        separate_note: config
            .purposes()
            .iter()
            .any(|p| p.separate_consent)
            .then(|| t.banner_separate_note.to_string()),
        gpc_note: gpc_note(lang).to_string(),
    }
}

/// What the preferences dialog shows.
pub fn disclosures(config: &Config, digest: &str) -> Disclosures {
    Disclosures {
        format: BUILD_FORMAT_VERSION,
        digest: digest.to_string(),
        policy: config.policy().clone(),
        purposes: config.purposes().to_vec(),
        data_items: config.data_items().to_vec(),
        third_parties: config.third_parties().to_vec(),
        features: config.features().to_vec(),
        permissions: config.permissions().to_vec(),
        data_sources: config.data_sources().to_vec(),
        storage: config.storage().to_vec(),
    }
}

/// The texts receipts and the permission notice need.
pub fn texts(config: &Config, digest: &str) -> Texts {
    let policy = config.policy();
    let controller = &policy.controller;
    Texts {
        format: BUILD_FORMAT_VERSION,
        digest: digest.to_string(),
        policy: PolicyTexts {
            id: policy.id.clone(),
            version: policy.version.clone(),
            effective_date: policy.effective_date.clone(),
            title: policy.title.clone(),
            url: policy.links.policy.clone(),
        },
        controller: ControllerTexts {
            name: controller.name.clone(),
            address: controller.address.clone(),
            phone: controller.phone.clone(),
            email: controller.email.clone(),
        },
        purposes: config
            .purposes()
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect(),
        third_parties: config
            .third_parties()
            .iter()
            .map(|t| {
                let texts = ThirdPartyTexts {
                    name: t.name.clone(),
                    company: t.company.clone(),
                };
                (t.id.clone(), texts)
            })
            .collect(),
        data_items: config
            .data_items()
            .iter()
            .map(|d| (d.id.clone(), d.name.clone()))
            .collect(),
        permissions: config
            .permissions()
            .iter()
            .map(|p| PermissionTexts {
                id: p.id.clone(),
                name: p.name.clone(),
                purpose: p.purpose.clone(),
                requested_by: p.requested_by.clone(),
                refusal_consequence: p.refusal_consequence.clone(),
                platform_note: p.platform_note.clone(),
            })
            .collect(),
    }
}

/// The compiled files' names, for a digest.
pub fn config_file(digest: &str) -> String {
    format!("config.{digest}.json")
}
pub fn disclosures_file(digest: &str) -> String {
    format!("disclosures.{digest}.json")
}
pub fn texts_file(digest: &str) -> String {
    format!("texts.{digest}.json")
}
pub fn banner_file(lang: Lang) -> String {
    format!("banner.{}.json", lang.tag())
}

/// Whether a file name is one a build writes (so an assets folder that holds an
/// earlier build's output does not carry it into the next), or the source
/// configuration or the size report, which a build never serves.
pub fn is_build_output(name: &str) -> bool {
    let compiled = ["config.", "disclosures.", "texts.", "banner."]
        .iter()
        .any(|prefix| name.starts_with(prefix) && name.ends_with(".json"));
    compiled || [SNIPPET_FILE, SOURCE_CONFIG_FILE, SIZES_FILE].contains(&name)
}

/// Whether a folder name is a build id (an earlier build's versioned folder).
pub fn is_build_id(name: &str) -> bool {
    name.len() == 12
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The whole build. `static_files` are the assets to serve beside the compiled files
/// (relative path to bytes; names [`is_build_output`] accepts are left out);
/// `stub` the minified stub to inline, when the assets hold it; `base` where the
/// build's parent folder is served.
pub fn build(
    config: &Config,
    source: &str,
    static_files: &BTreeMap<String, Vec<u8>>,
    stub: Option<&str>,
    base: &str,
) -> Result<Build, BuildError> {
    let base_is_safe = base.ends_with('/')
        && !base
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '&'));
    if !base_is_safe {
        return Err(BuildError::BadBase(base.to_string()));
    }
    let compiled = compile(config, source);
    let digest = compiled.digest.clone();
    let mut files: BTreeMap<String, Vec<u8>> = static_files
        .iter()
        .filter(|(path, _)| !is_build_output(path.rsplit('/').next().unwrap_or(path)))
        .map(|(path, bytes)| (path.clone(), bytes.clone()))
        .collect();
    files.insert(config_file(&digest), json(&compiled));
    for lang in Lang::ALL {
        files.insert(banner_file(lang), json(&banner(config, lang, &digest)));
    }
    files.insert(
        disclosures_file(&digest),
        json(&disclosures(config, &digest)),
    );
    files.insert(texts_file(&digest), json(&texts(config, &digest)));
    let id = build_id(&files);
    let snippet = snippet(
        &format!("{base}{id}/"),
        &compiled,
        stub.map(str::trim).unwrap_or_default(),
    );
    Ok(Build {
        id,
        digest,
        files,
        snippet,
    })
}

/// The `<head>` snippet: the stub inline, with the build's folder, its compiled
/// configuration, the policy version and the digest on the tag, and
/// `data-consent-mode` only with a Consent Mode mapping.
pub fn snippet(build_base: &str, compiled: &CompiledConfig, stub: &str) -> String {
    let mode = if compiled.consent_mode.is_some() {
        " data-consent-mode"
    } else {
        ""
    };
    format!(
        "<script data-base=\"{base}\" data-config=\"{base}{config}\" data-policy-version=\"{version}\" data-config-digest=\"{digest}\"{mode}>{stub}</script>\n",
        base = attribute(build_base),
        config = attribute(&config_file(&compiled.digest)),
        version = attribute(&compiled.policy_version),
        digest = attribute(&compiled.digest),
    )
}

/// Text safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Compact JSON. These types have string keys and no floats, so serialising them
/// cannot fail; an empty file would be refused by any reader.
fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::small_config;

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
        assert_eq!(digest(&fingerprints), hex_prefix(text.as_bytes(), 16));
        assert_eq!(digest(&fingerprints), "8382800e7d7f6d08");
    }

    #[test]
    fn a_base_that_would_break_the_snippet_is_refused() {
        let config = small_config();
        let none = BTreeMap::new();
        for base in ["/assent", "/a b/", "/\"x/", "/<x>/"] {
            assert_eq!(
                build(&config, "{}", &none, None, base),
                Err(BuildError::BadBase(base.to_string()))
            );
        }
        assert!(build(&config, "{}", &none, None, "https://cdn.example/assent/").is_ok());
    }

    #[test]
    fn static_files_never_carry_a_source_configuration_or_an_earlier_build() {
        let config = small_config();
        let assets: BTreeMap<String, Vec<u8>> = [
            ("assent.js", "loader"),
            ("config.json", "{}"),
            ("config.0000000000000000.json", "{}"),
            ("banner.en.json", "{}"),
            ("snippet.html", "<script>"),
            ("sizes.json", "{}"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
        let build = build(&config, "{}", &assets, None, DEFAULT_BASE).unwrap();
        assert_eq!(build.files["assent.js"], b"loader");
        assert!(!build.files.contains_key("config.json"));
        assert!(!build.files.contains_key("config.0000000000000000.json"));
        assert!(!build.files.contains_key("snippet.html"));
        assert!(!build.files.contains_key("sizes.json"));
        assert_ne!(
            build.files["banner.en.json"], b"{}",
            "the build's own banner"
        );
    }

    #[test]
    fn attributes_are_escaped() {
        let mut compiled = compile(&small_config(), "{}");
        compiled.policy_version = "1\" onload=\"x".into();
        let html = snippet("/assent/abc/", &compiled, "");
        assert!(
            html.contains("data-policy-version=\"1&quot; onload=&quot;x\""),
            "{html}"
        );
    }
}
