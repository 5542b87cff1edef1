//! What `assent build` produces, as values: from a validated [`Config`] (and the
//! source text it was parsed from) the compiled files of `crate::compiled`, the build
//! id and the snippet. The compiled runtime configuration and its digest come from
//! `crate::compile`, always built because the runtime compiles its source too (until
//! it reads the compiled file); the rest is behind the `build` feature.
//! docs/build-format.md is the reference for every byte form here.
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

use crate::compiled::{
    BannerData, CompiledConfig, ControllerTexts, Disclosures, PermissionTexts, PolicyTexts, Texts,
    ThirdPartyTexts, BUILD_FORMAT_VERSION,
};
use crate::ui_text::{gpc_note, ui_text};
use crate::{Config, Lang};

/// The compiler of the runtime configuration, always built (`crate::compile`): the
/// runtime compiles the source it is handed until it reads the compiled file.
pub use crate::compile::{compile, digest};

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
    crate::history::hex(&hasher.finalize())[..12].to_string()
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
