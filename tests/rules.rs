//! `Rules::from_compiled`, the runtime's one way from a compiled configuration
//! (`assent build`'s `config.<digest>.json`) to the rules it decides on: every
//! structural fault is refused with its JSON path and never panics, a compiled file
//! read back gives the same rules as compiling directly, and the rules of the seed and
//! the small configuration say what their source says.

mod common;

use assent::compile::{compile, rules};
use assent::compiled::CompiledConfig;
use assent::rules::{Rules, RulesProblem};
use assent::{Config, Lang};
use serde_json::{json, Value};

fn sources() -> [(&'static str, String); 2] {
    [
        ("seed", assent::DEFAULT_CONFIG_JSON.to_string()),
        ("small", common::fixture("small-config.json")),
    ]
}

/// The small configuration's compiled file, as JSON to edit.
fn small_compiled() -> Value {
    let text = common::fixture("small-config.json");
    let config = Config::parse(&text).unwrap();
    serde_json::to_value(compile(&config, &text)).unwrap()
}

#[test]
fn a_compiled_file_read_back_gives_the_same_rules_as_compiling() {
    for (name, text) in sources() {
        let config = Config::parse(&text).unwrap();
        let direct = rules(&config, &text).expect(name);
        let bytes = serde_json::to_vec(&compile(&config, &text)).unwrap();
        let read: CompiledConfig = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(Rules::from_compiled(read), Ok(direct), "{name}");
    }
}

#[test]
fn the_rules_say_what_the_source_says() {
    for (name, text) in sources() {
        let config = Config::parse(&text).unwrap();
        let rules = rules(&config, &text).unwrap();
        let ids = |rules: &Rules| -> Vec<String> {
            rules.purposes().iter().map(|p| p.id.clone()).collect()
        };
        let config_ids: Vec<String> = config.purposes().iter().map(|p| p.id.clone()).collect();
        assert_eq!(ids(&rules), config_ids, "{name}: purposes in order");
        assert_eq!(rules.fingerprints(), config.fingerprints(), "{name}");
        assert_eq!(rules.policy_version(), config.policy().version, "{name}");
        assert_eq!(rules.record_expiry_days(), config.record_expiry_days());
        assert_eq!(rules.minimum_age(), config.minimum_age());
        assert_eq!(rules.receipt_endpoint(), config.receipt_endpoint());
        assert_eq!(rules.consent_mode(), config.consent_mode());
        assert_eq!(
            rules.config_hash(),
            assent::history::sha256(text.as_bytes()),
            "{name}: the hash history events name"
        );
        for (p, source) in rules.purposes().iter().zip(config.purposes()) {
            assert_eq!(p.legal_basis, source.legal_basis);
            assert_eq!(p.separate_consent, source.separate_consent, "{}", p.id);
            assert_eq!(p.refused_by_gpc, source.refused_by_gpc, "{}", p.id);
            assert_eq!(p.data_items, source.data_items);
            for lang in Lang::ALL {
                let names = rules.purpose_names(&p.id, lang).unwrap();
                assert_eq!(names.name, source.name.get(lang));
                assert_eq!(names.detail, source.description.get(lang));
            }
        }
        for (t, source) in rules.third_parties().iter().zip(config.third_parties()) {
            assert_eq!(t.id, source.id);
            assert_eq!(t.purposes, source.purposes);
            assert_eq!(t.data_shared, source.data_shared);
            let subject = rules.third_party(&t.id).unwrap();
            assert_eq!(subject, t, "the namespace finds it");
            assert!(rules.purpose(&t.id).is_none(), "{} is no purpose", t.id);
            for lang in Lang::ALL {
                assert_eq!(
                    rules.third_party_names(&t.id, lang).unwrap().name,
                    source.name.get(lang)
                );
            }
        }
        for item in config.data_items() {
            for lang in Lang::ALL {
                assert_eq!(
                    rules.data_item_name(&item.id, lang),
                    Some(item.name.get(lang))
                );
            }
        }
        assert!(rules.subject("no-such-id").is_none());
    }
}

/// One structural fault: an edit of the small compiled file and the path it is
/// reported at.
struct Fault {
    name: &'static str,
    edit: fn(&mut Value),
    path: &'static str,
    kind: fn(&RulesProblem) -> bool,
}

#[test]
fn each_structural_fault_is_refused_with_its_path() {
    let faults = [
        Fault {
            name: "another format",
            edit: |c| c["format"] = json!(2),
            path: "$.format",
            kind: |p| matches!(p, RulesProblem::UnsupportedFormat(2)),
        },
        Fault {
            name: "a third party's purpose that does not exist",
            edit: |c| c["thirdParties"][1]["purposes"][1] = json!("gone"),
            path: "$.thirdParties[1].purposes[1]",
            kind: |p| matches!(p, RulesProblem::UnknownReference { kind: "purpose", id } if id == "gone"),
        },
        Fault {
            name: "a third party's purpose that is a third party",
            edit: |c| c["thirdParties"][0]["purposes"][0] = json!("ad-sdk"),
            path: "$.thirdParties[0].purposes[0]",
            kind: |p| {
                matches!(
                    p,
                    RulesProblem::UnknownReference {
                        kind: "purpose",
                        ..
                    }
                )
            },
        },
        Fault {
            name: "a third party that serves no purpose",
            edit: |c| c["thirdParties"][0]["purposes"] = json!([]),
            path: "$.thirdParties[0].purposes",
            kind: |p| *p == RulesProblem::NoPurpose,
        },
        Fault {
            name: "storage keys for an id that does not exist",
            edit: |c| c["storageKeys"]["gone"] = json!(["_x"]),
            path: "$.storageKeys",
            kind: |p| matches!(p, RulesProblem::UnknownReference { id, .. } if id == "gone"),
        },
        Fault {
            name: "Assent's own record key among the keys to clear",
            edit: |c| c["storageKeys"]["analytics"] = json!(["_a", "assent"]),
            path: "$.storageKeys.analytics[1]",
            kind: |p| *p == RulesProblem::OwnKey,
        },
        Fault {
            name: "a consent mode purpose that does not exist",
            edit: |c| c["consentMode"] = json!({"ad_storage": ["marketing", "gone"]}),
            path: "$.consentMode.ad_storage[1]",
            kind: |p| {
                matches!(
                    p,
                    RulesProblem::UnknownReference {
                        kind: "purpose",
                        ..
                    }
                )
            },
        },
        Fault {
            name: "a duplicate purpose id",
            edit: |c| c["purposes"][2]["id"] = json!("analytics"),
            path: "$.purposes[2].id",
            kind: |p| matches!(p, RulesProblem::DuplicateId { first, .. } if first == "$.purposes[1].id"),
        },
        Fault {
            name: "a third party with a purpose's id (one namespace)",
            edit: |c| c["thirdParties"][0]["id"] = json!("necessary"),
            path: "$.thirdParties[0].id",
            kind: |p| matches!(p, RulesProblem::DuplicateId { first, .. } if first == "$.purposes[0].id"),
        },
        Fault {
            name: "names without a language",
            edit: |c| {
                c["names"].as_object_mut().unwrap().remove("en");
            },
            path: "$.names",
            kind: |p| *p == RulesProblem::MissingLanguage("en"),
        },
        Fault {
            name: "names in a language Assent does not speak",
            edit: |c| c["names"]["fr"] = c["names"]["en"].clone(),
            path: "$.names.fr",
            kind: |p| matches!(p, RulesProblem::UnexpectedLanguage(tag) if tag == "fr"),
        },
        Fault {
            name: "languages without one of Assent's",
            edit: |c| c["languages"] = json!(["zh-CN"]),
            path: "$.languages",
            kind: |p| *p == RulesProblem::MissingLanguage("en"),
        },
        Fault {
            name: "a language listed twice",
            edit: |c| c["languages"] = json!(["zh-CN", "en", "en"]),
            path: "$.languages[2]",
            kind: |p| matches!(p, RulesProblem::UnexpectedLanguage(_)),
        },
        Fault {
            name: "a purpose without a name in one language",
            edit: |c| {
                c["names"]["zh-CN"]["purposes"]
                    .as_object_mut()
                    .unwrap()
                    .remove("marketing");
            },
            path: "$.names.zh-CN.purposes",
            kind: |p| matches!(p, RulesProblem::MissingName { kind: "purpose", id } if id == "marketing"),
        },
        Fault {
            name: "a third party without a name in one language",
            edit: |c| {
                c["names"]["en"]["thirdParties"]
                    .as_object_mut()
                    .unwrap()
                    .remove("ad-sdk");
            },
            path: "$.names.en.thirdParties",
            kind: |p| {
                matches!(
                    p,
                    RulesProblem::MissingName {
                        kind: "third party",
                        ..
                    }
                )
            },
        },
        Fault {
            name: "an edited fingerprint (the digest no longer matches)",
            edit: |c| c["purposes"][1]["fingerprint"] = json!("0000000000000000"),
            path: "$.digest",
            kind: |p| matches!(p, RulesProblem::DigestMismatch { stated, .. } if stated.len() == 16),
        },
        Fault {
            name: "another build's digest",
            edit: |c| c["digest"] = json!("0123456789abcdef"),
            path: "$.digest",
            kind: |p| matches!(p, RulesProblem::DigestMismatch { stated, .. } if stated == "0123456789abcdef"),
        },
        Fault {
            name: "a data item without a name",
            edit: |c| c["purposes"][1]["dataItems"] = json!(["unnamed"]),
            path: "$.names.zh-CN.dataItems",
            kind: |p| matches!(p, RulesProblem::MissingName { kind: "data item", id } if id == "unnamed"),
        },
    ];
    let base = small_compiled();
    assert!(Rules::from_compiled(serde_json::from_value(base.clone()).unwrap()).is_ok());
    for fault in faults {
        let mut compiled = base.clone();
        (fault.edit)(&mut compiled);
        let compiled: CompiledConfig = serde_json::from_value(compiled)
            .unwrap_or_else(|e| panic!("{}: not a compiled file's shape: {e}", fault.name));
        let result = std::panic::catch_unwind(|| Rules::from_compiled(compiled));
        let error = result
            .unwrap_or_else(|_| panic!("{}: panicked", fault.name))
            .expect_err(fault.name);
        assert_eq!(error.path, fault.path, "{}: {error}", fault.name);
        assert!((fault.kind)(&error.problem), "{}: {error}", fault.name);
        let message = error.problem.to_string();
        assert!(!message.is_empty() && !message.ends_with('.'), "{message}");
        assert!(error.to_string().starts_with(fault.path), "{error}");
    }
}

/// What the re-consent list and the iframe placeholders say for the seed
/// (`tests/fixtures/seed-rules-texts.json`, first written by the Config-based code
/// before the port to the rules, so the port changed nothing): every purpose and third
/// party asked again, new and changed alternately, in both languages. A change of the
/// seed changes it on purpose: rewrite it with `ASSENT_WRITE_FIXTURES=1 cargo test
/// --test rules` and read the diff, which must show only what the seed changed.
#[test]
fn the_seed_answers_exactly_as_before_the_rules() {
    let rules = common::rules_of(assent::DEFAULT_CONFIG_JSON);
    let ids: Vec<String> = rules.fingerprints().keys().cloned().collect();
    let changes: Vec<assent::decision::Change> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| assent::decision::Change {
            id: id.clone(),
            new: i % 2 == 0,
        })
        .collect();
    let mut now = serde_json::Map::new();
    for lang in Lang::ALL {
        let items = assent::changes::describe(&rules, &changes, Some("{}"), lang);
        let separate: Vec<bool> = items.iter().map(|i| i.separate).collect();
        let allowances: Vec<Value> = ids
            .iter()
            .map(|id| {
                let a = assent::gate::GateExpression::parse(id)
                    .allowance(&rules, lang)
                    .unwrap();
                json!({"id": id, "thirdParties": a.third_parties, "purposes": a.purposes, "grants": a.grants})
            })
            .collect();
        now.insert(
            lang.tag().to_string(),
            json!({"describe": items, "separate": separate, "allowance": allowances}),
        );
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seed-rules-texts.json"
    );
    if std::env::var_os("ASSENT_WRITE_FIXTURES").is_some() {
        std::fs::write(path, serde_json::to_string(&now).unwrap()).unwrap();
    }
    let before: Value = serde_json::from_str(&common::fixture("seed-rules-texts.json")).unwrap();
    for lang in Lang::ALL {
        let (was, is) = (&before[lang.tag()], &now[lang.tag()]);
        for part in ["describe", "separate", "allowance"] {
            assert_eq!(is[part], was[part], "{lang} {part}");
        }
    }
}

/// The receipt and permission texts are checked against the rules they are used with:
/// the same build, and a name for everything a receipt lists.
#[test]
fn texts_of_another_build_or_missing_a_name_are_refused() {
    let text = common::fixture("small-config.json");
    let config = Config::parse(&text).unwrap();
    let rules = rules(&config, &text).unwrap();
    let texts = assent::build::texts(&config, rules.digest());
    assert_eq!(rules.check_texts(&texts), Ok(()));

    let mut other = texts.clone();
    other.digest = "0123456789abcdef".into();
    let error = rules.check_texts(&other).unwrap_err();
    assert_eq!(error.path, "$.digest");
    assert!(error.to_string().contains("0123456789abcdef"), "{error}");

    let mut format = texts.clone();
    format.format = 9;
    assert_eq!(rules.check_texts(&format).unwrap_err().path, "$.format");

    let mut unnamed = texts.clone();
    unnamed.third_parties.remove("ad-sdk");
    let error = rules.check_texts(&unnamed).unwrap_err();
    assert_eq!(error.path, "$.thirdParties");
    assert_eq!(
        error.problem,
        RulesProblem::MissingName {
            kind: "third party",
            id: "ad-sdk".into()
        }
    );
    let mut unnamed = texts.clone();
    unnamed.data_items.clear();
    assert_eq!(rules.check_texts(&unnamed).unwrap_err().path, "$.dataItems");
}
