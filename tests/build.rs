//! `assent build` as site owners run it (the built binary): an invalid configuration
//! is refused with every problem and writes nothing; a valid one gives the same
//! fingerprints and configuration hash the runtime computes today, the documented
//! digest and build id, and the same bytes on every rebuild (docs/build-format.md).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use assent::build::{self, is_build_id};
use assent::compiled::{BannerData, CompiledConfig, Disclosures, Texts, BUILD_FORMAT_VERSION};
use assent::{Config, Lang};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

mod common;
use common::{fixture, patched};

/// The seed configuration's digest. It changes only when a purpose or third party of
/// config/default.json changes (then every returning visitor is asked about it
/// again); a change here for any other reason breaks the promise that building
/// changes nothing a record holds.
const SEED_DIGEST: &str = "29863381297f35bc";

fn seed_path() -> String {
    format!("{}/config/default.json", env!("CARGO_MANIFEST_DIR"))
}

fn assent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assent"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// `assent build CONFIG --out OUT --assets ASSETS`, which must succeed.
fn build_ok(config: &str, out: &Path, assets: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        config,
        "--out",
        out.to_str().unwrap(),
        "--assets",
        assets.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = assent(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    output
}

/// Every file under `dir`, by `/`-separated relative path.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            if entry.path().is_dir() {
                walk(&entry.path(), &format!("{prefix}{name}/"), files);
            } else {
                files.insert(
                    format!("{prefix}{name}"),
                    std::fs::read(entry.path()).unwrap(),
                );
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, "", &mut files);
    files
}

/// The one versioned folder of a build in `out`, with its name.
fn versioned(out: &Path) -> (String, BTreeMap<String, Vec<u8>>) {
    let folders: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    assert_eq!(folders.len(), 1, "one build folder: {folders:?}");
    let id = folders[0].clone();
    let files = files_under(&out.join(&id));
    (id, files)
}

fn compiled_of(files: &BTreeMap<String, Vec<u8>>) -> CompiledConfig {
    let (_, bytes) = files
        .iter()
        .find(|(name, _)| name.starts_with("config.") && name.ends_with(".json"))
        .expect("a compiled configuration");
    serde_json::from_slice(bytes).unwrap()
}

/// An assets folder as scripts/build.sh leaves dist/: the stub, a loader, the source
/// configuration, and an earlier build's output that must not be carried over.
fn assets_folder() -> TempDir {
    let assets = TempDir::new().unwrap();
    let root = assets.path();
    std::fs::write(root.join("assent-stub.js"), "!function(){/*stub*/}();\n").unwrap();
    std::fs::write(root.join("assent.js"), "export const loader = 1;").unwrap();
    std::fs::create_dir(root.join("demo")).unwrap();
    std::fs::write(root.join("demo/demo.js"), "demo();").unwrap();
    std::fs::write(root.join("config.json"), fixture("small-config.json")).unwrap();
    std::fs::create_dir(root.join("0123456789ab")).unwrap();
    std::fs::write(root.join("0123456789ab/assent.js"), "old").unwrap();
    std::fs::write(root.join("snippet.html"), "<script>old</script>").unwrap();
    assets
}

#[test]
fn an_invalid_configuration_lists_every_problem_as_check_does_and_writes_nothing() {
    let cases: Value = serde_json::from_str(&fixture("invalid-configs.json")).unwrap();
    let base: Value = serde_json::from_str(&fixture("small-config.json")).unwrap();
    let work = TempDir::new().unwrap();
    // A previous build in DIR stays exactly as it was.
    let out = work.path().join("site");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("snippet.html"), "previous").unwrap();
    let before = files_under(work.path());
    let mut checked = 0;
    for case in cases["cases"].as_array().unwrap() {
        let Some(patch) = case["patch"].as_array() else {
            continue; // the size and syntax cases are the parser's, tested in config.rs
        };
        let config = work.path().join("config.json");
        let nulls = case["nulls"].as_array().map_or(&[][..], Vec::as_slice);
        std::fs::write(&config, patched(&base, patch, nulls)).unwrap();
        let config = config.to_str().unwrap();
        let built = assent(&["build", config, "--out", out.to_str().unwrap()]);
        let name = case["name"].as_str().unwrap();
        assert_eq!(built.status.code(), Some(1), "{name}");
        // Exactly check's report: every problem with its path, then the count.
        let checked_output = assent(&["check", config]);
        assert_eq!(stdout(&built), stdout(&checked_output), "{name}");
        let report = stdout(&built);
        let lines: Vec<&str> = report.lines().collect();
        let expect = case["expect"].as_array().unwrap();
        assert_eq!(lines.len(), expect.len() + 1, "{name}: {lines:?}");
        for want in expect {
            let path = want[0].as_str().unwrap();
            let prefix = format!("{config}: {path}: ");
            assert!(
                lines.iter().any(|l| l.starts_with(&prefix)),
                "{name}: no {path} in {lines:?}"
            );
        }
        assert_eq!(
            *lines.last().unwrap(),
            format!("{config}: {} problem(s)", expect.len())
        );
        std::fs::remove_file(config).unwrap();
        assert_eq!(
            files_under(work.path()),
            before,
            "{name}: something was written"
        );
        checked += 1;
    }
    assert!(checked >= 15, "the fixture's edited cases ran: {checked}");

    // With no DIR at all, none appears.
    std::fs::remove_dir_all(&out).unwrap();
    let config = work.path().join("bad.json");
    std::fs::write(&config, r#"{"assentConfig": 1}"#).unwrap();
    let built = assent(&[
        "build",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(built.status.code(), Some(1));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(work.path()).unwrap().count(),
        1,
        "only bad.json"
    );
}

#[test]
fn the_seed_keeps_todays_fingerprints_and_hash_and_its_pinned_digest() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("site");
    build_ok(&seed_path(), &out, &work.path().join("no-assets"), &[]);
    let (_, files) = versioned(&out);
    let compiled = compiled_of(&files);

    let source = std::fs::read_to_string(seed_path()).unwrap();
    let config = Config::parse(&source).unwrap();
    // What a record lists as shown and the hash each history event names, today.
    let fingerprints: BTreeMap<String, String> = compiled
        .purposes
        .iter()
        .map(|p| (p.id.clone(), p.fingerprint.clone()))
        .chain(
            compiled
                .third_parties
                .iter()
                .map(|t| (t.id.clone(), t.fingerprint.clone())),
        )
        .collect();
    assert_eq!(&fingerprints, config.fingerprints());
    assert_eq!(
        compiled.config_hash,
        assent::history::sha256(source.as_bytes())
    );
    assert_eq!(compiled.digest, build::digest(config.fingerprints()));
    assert_eq!(compiled.digest, SEED_DIGEST);
    assert!(files.contains_key(&format!("config.{SEED_DIGEST}.json")));
    assert!(files.contains_key(&format!("disclosures.{SEED_DIGEST}.json")));
    assert!(files.contains_key(&format!("texts.{SEED_DIGEST}.json")));

    // The digest is the documented byte form: sorted `id=fingerprint` lines.
    let mut lines: Vec<String> = fingerprints
        .iter()
        .map(|(id, f)| format!("{id}={f}"))
        .collect();
    lines.sort();
    let hash = assent::history::sha256(lines.join("\n").as_bytes());
    assert_eq!(&hash["sha256:".len().."sha256:".len() + 16], SEED_DIGEST);
}

#[test]
fn rebuilds_are_byte_identical_and_any_change_makes_a_new_build_folder() {
    let work = TempDir::new().unwrap();
    let assets = assets_folder();
    let (first, second) = (work.path().join("one"), work.path().join("two"));
    let printed = stdout(&build_ok(&seed_path(), &first, assets.path(), &[]));
    build_ok(&seed_path(), &second, assets.path(), &[]);
    let one = files_under(&first);
    assert_eq!(one, files_under(&second), "every path and every byte");
    assert!(one.len() > 6, "{:?}", one.keys());

    // The build id is the documented hash of the versioned folder's files.
    let (id, files) = versioned(&first);
    let mut hasher = Sha256::new();
    for (path, bytes) in &files {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(id, hex[..12]);
    assert!(is_build_id(&id));

    // The snippet printed is snippet.html, beside the versioned folder.
    assert_eq!(printed.as_bytes(), one["snippet.html"].as_slice());

    // One changed static file: a new folder, the same compiled configuration.
    std::fs::write(assets.path().join("assent.js"), "export const loader = 2;").unwrap();
    let third = work.path().join("three");
    build_ok(&seed_path(), &third, assets.path(), &[]);
    let (changed, changed_files) = versioned(&third);
    assert_ne!(changed, id);
    let name = format!("config.{SEED_DIGEST}.json");
    assert_eq!(changed_files[&name], files[&name]);
}

#[test]
fn static_files_are_copied_without_the_source_configuration_or_an_earlier_build() {
    let work = TempDir::new().unwrap();
    let assets = assets_folder();
    let out = work.path().join("site");
    let output = build_ok(
        &seed_path(),
        &out,
        assets.path(),
        &["--base", "https://cdn.example/a/"],
    );
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    let (id, files) = versioned(&out);
    assert_eq!(files["assent.js"], b"export const loader = 1;");
    assert_eq!(files["demo/demo.js"], b"demo();");
    assert_eq!(files["assent-stub.js"], b"!function(){/*stub*/}();\n");
    assert!(
        !files.contains_key("config.json"),
        "the source configuration is never served"
    );
    assert!(
        !files.keys().any(|k| k.starts_with("0123456789ab")),
        "{:?}",
        files.keys()
    );
    assert!(!files.contains_key("snippet.html"));

    // The stub is inlined (trimmed), the tag points into the versioned folder.
    let snippet = stdout(&output);
    let base = format!("https://cdn.example/a/{id}/");
    assert!(
        snippet.starts_with(&format!(
            "<script data-base=\"{base}\" data-config=\"{base}config.{SEED_DIGEST}.json\" data-policy-version=\"2021-04-30\" data-config-digest=\"{SEED_DIGEST}\" data-consent-mode>"
        )),
        "{snippet}"
    );
    assert!(
        snippet.ends_with(">!function(){/*stub*/}();</script>\n"),
        "{snippet}"
    );
}

#[test]
fn a_build_never_replaces_its_own_static_files() {
    let assets = assets_folder();
    let before = files_under(assets.path());
    for out in [
        assets.path().to_path_buf(),
        assets
            .path()
            .join("..")
            .join(assets.path().file_name().unwrap()),
    ] {
        let output = assent(&[
            "build",
            &seed_path(),
            "--out",
            out.to_str().unwrap(),
            "--assets",
            assets.path().join("demo").to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains("would replace the static files"));
    }
    assert_eq!(files_under(assets.path()), before);

    // A build folder inside the assets folder is fine, and not copied into itself.
    let out = assets.path().join("site");
    build_ok(&seed_path(), &out, assets.path(), &[]);
    build_ok(&seed_path(), &out, assets.path(), &[]);
    let (_, files) = versioned(&out);
    assert!(
        !files.keys().any(|k| k.starts_with("site/")),
        "{:?}",
        files.keys()
    );
}

#[test]
fn an_out_that_is_a_file_is_refused_and_kept() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("site");
    std::fs::write(&out, "not a folder").unwrap();
    let output = assent(&["build", &seed_path(), "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a folder"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"not a folder");
    assert_eq!(
        std::fs::read_dir(work.path()).unwrap().count(),
        1,
        "no temporary folder"
    );
}

#[test]
fn without_assets_the_compiled_files_are_written_and_stderr_says_what_is_missing() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("site");
    let missing = work.path().join("dist");
    let output = build_ok(&seed_path(), &out, &missing, &[]);
    let said = stderr(&output);
    assert!(said.contains("static files were not copied"), "{said}");
    assert!(said.contains("no stub code"), "{said}");
    let (id, files) = versioned(&out);
    let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "banner.en.json",
            "banner.zh-CN.json",
            &format!("config.{SEED_DIGEST}.json"),
            &format!("disclosures.{SEED_DIGEST}.json"),
            &format!("texts.{SEED_DIGEST}.json"),
        ]
    );
    // The default base.
    assert!(stdout(&output).starts_with(&format!("<script data-base=\"/assent/{id}/\"")));
}

#[test]
fn data_consent_mode_only_with_a_mapping() {
    let work = TempDir::new().unwrap();
    let no_assets = work.path().join("none");
    let small = format!(
        "{}/tests/fixtures/small-config.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let without = stdout(&build_ok(&small, &work.path().join("a"), &no_assets, &[]));
    let with = stdout(&build_ok(
        &seed_path(),
        &work.path().join("b"),
        &no_assets,
        &[],
    ));
    assert!(!without.contains("data-consent-mode"), "{without}");
    assert!(without.contains("data-config-digest=\""), "{without}");
    assert!(with.contains(" data-consent-mode>"), "{with}");
    assert!(compiled_of(&versioned(&work.path().join("a")).1)
        .consent_mode
        .is_none());
}

#[test]
fn a_rebuild_replaces_the_previous_build_whole_and_leaves_no_temporary_folder() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("site");
    let no_assets = work.path().join("none");
    let small = format!(
        "{}/tests/fixtures/small-config.json",
        env!("CARGO_MANIFEST_DIR")
    );
    build_ok(&small, &out, &no_assets, &[]);
    let (small_id, _) = versioned(&out);
    build_ok(&seed_path(), &out, &no_assets, &[]);
    let (seed_id, _) = versioned(&out);
    assert_ne!(small_id, seed_id, "the small build's folder is gone");
    let beside: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(beside, ["site"], "no temporary or retired folder is left");
}

#[test]
fn every_file_reads_back_into_its_wire_type_with_the_same_bytes() {
    let work = TempDir::new().unwrap();
    let out = work.path().join("site");
    build_ok(&seed_path(), &out, &work.path().join("none"), &[]);
    let (_, files) = versioned(&out);
    let config = Config::parse(&fixture("../../config/default.json")).unwrap();

    let compiled: CompiledConfig =
        serde_json::from_slice(&files[&format!("config.{SEED_DIGEST}.json")]).unwrap();
    assert_eq!(
        serde_json::to_vec(&compiled).unwrap(),
        files[&format!("config.{SEED_DIGEST}.json")]
    );
    assert_eq!(compiled.format, BUILD_FORMAT_VERSION);
    assert_eq!(compiled.purposes.len(), config.purposes().len());
    assert_eq!(compiled.third_parties.len(), config.third_parties().len());
    assert_eq!(compiled.minimum_age, Some(14));
    assert_eq!(compiled.languages, ["zh-CN", "en"]);

    let disclosures_file = &files[&format!("disclosures.{SEED_DIGEST}.json")];
    let disclosures: Disclosures = serde_json::from_slice(disclosures_file).unwrap();
    assert_eq!(&serde_json::to_vec(&disclosures).unwrap(), disclosures_file);
    assert_eq!(disclosures.digest, SEED_DIGEST);
    assert_eq!(
        disclosures.third_parties.len(),
        config.third_parties().len()
    );
    assert_eq!(disclosures.permissions.len(), config.permissions().len());

    let texts_file = &files[&format!("texts.{SEED_DIGEST}.json")];
    let texts: Texts = serde_json::from_slice(texts_file).unwrap();
    assert_eq!(&serde_json::to_vec(&texts).unwrap(), texts_file);
    let ids: Vec<&str> = texts.permissions.iter().map(|p| p.id.as_str()).collect();
    let configured: Vec<&str> = config.permissions().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, configured, "in configuration order");

    for lang in Lang::ALL {
        let bytes = &files[&format!("banner.{}.json", lang.tag())];
        let banner: BannerData = serde_json::from_slice(bytes).unwrap();
        assert_eq!(&serde_json::to_vec(&banner).unwrap(), bytes);
        assert_eq!(banner.language, lang.tag());
        assert_eq!(banner.policy_title, config.policy().title.get(lang));
        assert!(
            banner.separate_note.is_some(),
            "the seed has separate-consent purposes"
        );
        assert!(
            bytes.len() < 2048,
            "a banner file stays small: {}",
            bytes.len()
        );
    }
    // A reader of another format refuses the file: the field is there to be checked.
    let mut other: Value =
        serde_json::from_slice(&files[&format!("config.{SEED_DIGEST}.json")]).unwrap();
    other["unknown"] = 1.into();
    assert!(
        serde_json::from_value::<CompiledConfig>(other).is_err(),
        "unknown fields are refused"
    );
}

#[test]
fn the_compiled_withdrawal_keys_are_listed_per_id_without_assents_own() {
    // The small configuration with storage items naming purposes, a third party and
    // Assent's own key (never cleared); the seed lists no keys. What the runtime
    // clears for a set of revoked ids is the union (tests/rules.rs).
    let mut json = common::small_config();
    let item = |id: &str, purposes: &[&str], third_parties: &[&str], keys: &[&str]| {
        serde_json::json!({
            "id": id, "kind": "cookie", "purposes": purposes, "thirdParties": third_parties,
            "keys": keys, "name": {"zh-CN": id, "en": id}, "description": {"zh-CN": id, "en": id},
        })
    };
    json["storage"] = serde_json::json!([
        item("stats", &["analytics"], &[], &["_stats*", "_sid"]),
        item("ads", &["marketing"], &["ad-sdk"], &["_ad", "_sid"]),
        item("own", &["analytics"], &[], &["assent"]),
    ]);
    let config = Config::parse(&json.to_string()).unwrap();
    let compiled = build::compile(&config, "");
    let expected: BTreeMap<String, Vec<String>> = [
        ("ad-sdk", vec!["_ad", "_sid"]),
        ("analytics", vec!["_sid", "_stats*"]),
        ("marketing", vec!["_ad", "_sid"]),
    ]
    .into_iter()
    .map(|(id, keys)| (id.to_string(), keys.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        compiled.storage_keys, expected,
        "sorted, ids without keys left out"
    );
}

/// The dialog's disclosures file is checked for its format, its build and every
/// reference the dialog looks up, each fault with its path.
#[test]
fn a_disclosures_file_of_another_build_or_with_a_dangling_reference_is_refused() {
    let config = Config::parse(&common::fixture("small-config.json")).unwrap();
    let digest = build::digest(config.fingerprints());
    let disclosures = build::disclosures(&config, &digest);
    assert_eq!(disclosures.check(&digest), Ok(()));
    let other = disclosures.check("0123456789abcdef").unwrap_err();
    assert_eq!(other.path, "$.digest");
    let mut format = disclosures.clone();
    format.format = 2;
    assert_eq!(format.check(&digest).unwrap_err().path, "$.format");
    let mut dangling = disclosures.clone();
    dangling.third_parties[1].purposes.push("gone".into());
    let error = dangling.check(&digest).unwrap_err();
    assert_eq!(error.path, "$.thirdParties[1].purposes[2]");
    assert_eq!(
        error.to_string(),
        "$.thirdParties[1].purposes[2]: refers to unknown purpose \"gone\""
    );
    let mut dangling = disclosures.clone();
    dangling.purposes[1].data_items.push("gone".into());
    assert!(dangling
        .check(&digest)
        .unwrap_err()
        .problem
        .contains("unknown data item"));
}

/// The runtime's in-browser unit tests (crates/runtime/tests/browser.rs) cannot run the
/// CLI: they read the small configuration's compiled file and texts from these
/// fixtures, which must be exactly what `assent build` writes for it. To rewrite them:
/// `ASSENT_WRITE_FIXTURES=1 cargo test --test build committed`.
#[test]
fn the_committed_compiled_fixtures_are_what_the_build_writes() {
    let text = common::fixture("small-config.json");
    let config = Config::parse(&text).unwrap();
    let compiled = build::compile(&config, &text);
    let texts = build::texts(&config, &compiled.digest);
    let files = [
        (
            "small-compiled.json",
            serde_json::to_string(&compiled).unwrap(),
        ),
        ("small-texts.json", serde_json::to_string(&texts).unwrap()),
    ];
    for (name, want) in files {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os("ASSENT_WRITE_FIXTURES").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        assert_eq!(
            common::fixture(name),
            want,
            "tests/fixtures/{name} is stale: ASSENT_WRITE_FIXTURES=1 cargo test --test build committed"
        );
    }
}
