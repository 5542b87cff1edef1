//! The configuration, natively: every validation error kind with its JSON path
//! (data-driven from tests/fixtures/invalid-configs.json), and the default
//! configuration's faithfulness to the two seed documents.

use assent::config::{Citation, Config, Document as CitedDocument};
use serde_json::Value;

mod common;
use common::{fixture, patched};

#[test]
fn every_validation_error_kind_is_reported_with_its_path() {
    let cases: Value = serde_json::from_str(&fixture("invalid-configs.json")).unwrap();
    let base: Value = serde_json::from_str(&fixture("small-config.json")).unwrap();
    assert!(
        Config::parse(&base.to_string()).is_ok(),
        "the base is valid"
    );
    let mut kinds = std::collections::BTreeSet::new();
    for case in cases["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let text = match case["text"].as_str() {
            Some(size) if size.starts_with("SIZE:") => " ".repeat(size[5..].parse().unwrap()),
            Some(nest) if nest.starts_with("NEST:") => {
                let depth: usize = nest[5..].parse().unwrap();
                format!("{}{}", "[".repeat(depth), "]".repeat(depth))
            }
            Some(text) => text.to_string(),
            None => patched(&base, case["patch"].as_array().unwrap()),
        };
        let errors = Config::parse(&text)
            .err()
            .unwrap_or_else(|| panic!("{name}: accepted"));
        let mut got: Vec<(String, String)> = errors
            .iter()
            .map(|e| (e.path.clone(), e.problem.kind().to_string()))
            .collect();
        let mut expected: Vec<(String, String)> = case["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[0].as_str().unwrap().to_string(),
                    e[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "{name}: {errors:?}");
        for error in &errors {
            assert!(!error.to_string().is_empty());
            kinds.insert(error.problem.kind());
        }
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "bad-id",
            "bad-link",
            "duplicate-id",
            "empty",
            "invalid",
            "missing-refusal-consequence",
            "shape",
            "syntax",
            "too-large",
            "unknown-reference",
            "unsupported-format"
        ],
        "every kind of problem has a case (too-many-problems: tests/config_limits.rs)"
    );
}

fn seed() -> Config {
    Config::default_config()
        .unwrap_or_else(|errors| panic!("the default configuration is invalid:\n{errors:#?}"))
}

fn cited_in(citation: &Citation, document: CitedDocument) -> bool {
    citation.document == document
}

#[test]
fn the_default_configuration_holds_the_ten_statement_entries_in_order() {
    let config = seed();
    let statement: Vec<&str> = config
        .third_parties()
        .iter()
        .filter(|t| cited_in(&t.disclosed_in, CitedDocument::SharingStatement))
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(
        statement,
        [
            "tianqin-sdk",
            "idm-sdk",
            "xiaomi-home",
            "mi-fitness",
            "device-interconnectivity-sdk",
            "firebase",
            "cast-sdk",
            "cross-device-verification-sdk",
            "phone-services",
            "sms-app"
        ]
    );
    for tp in config
        .third_parties()
        .iter()
        .filter(|t| cited_in(&t.disclosed_in, CitedDocument::SharingStatement))
    {
        // Every entry of the statement gives all of these.
        assert!(!tp.data_shared.is_empty(), "{}: data shared", tp.id);
        assert!(tp.purpose_of_use.is_some(), "{}: purpose of use", tp.id);
        assert!(tp.usage_scenario.is_some(), "{}: usage scenario", tp.id);
        assert!(tp.sharing_method.is_some(), "{}: sharing method", tp.id);
        assert!(
            tp.processing_rules_url.is_some(),
            "{}: processing rules link",
            tp.id
        );
    }
    let tianqin = config.third_party("tianqin-sdk").unwrap();
    assert_eq!(
        tianqin.sdk_name.as_deref(),
        Some("Tianqin SDK"),
        "the first method line is its SDK"
    );
}

#[test]
fn the_default_configuration_holds_the_finance_policy() {
    let config = seed();
    let policy = config.policy();
    assert_eq!(policy.version, "2021-04-30");
    assert_eq!(
        policy.controller.name.get(assent::Lang::ZhCn),
        "小米数字科技有限公司"
    );
    assert_eq!(config.features().len(), 17, "一(一) lists 17 features");
    assert_eq!(
        config.permissions().len(),
        11,
        "一(二) lists 11 device permissions"
    );
    for permission in config.permissions() {
        assert!(!permission.platforms.is_empty(), "{}", permission.id);
    }
    for feature in config.features() {
        assert!(
            !feature.data_collected.is_empty(),
            "{}: data collected",
            feature.id
        );
    }
    assert!(
        !config.data_sources().is_empty(),
        "一(三) third-party sources"
    );
    assert!(
        !config.storage().is_empty(),
        "二 cookies and similar technologies"
    );
    assert!(policy.consent_exceptions.len() >= 10, "一(五)");
    assert!(policy.rights.len() >= 5, "五 rights");
    for id in [
        "marketing",
        "personalization",
        "advertising",
        "analytics",
        "necessary",
    ] {
        assert!(config.purpose(id).is_some(), "purpose {id}");
    }
}

#[test]
fn every_named_provider_and_sdk_of_the_finance_policy_is_present() {
    let config = seed();
    let names: Vec<String> = config
        .third_parties()
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t.name.get(assent::Lang::ZhCn),
                t.sdk_name.clone().unwrap_or_default()
            )
        })
        .collect();
    for named in [
        "同盾",
        "fabric",
        "神策",
        "OAID",
        "小米推送",
        "银联",
        "兑吧",
        "微博",
        "微信",
        "QQ",
        "蚂蚁",
        "华宝证券",
        "银联商务",
        "Face++",
        "腾讯扫脸",
        "阿里扫脸",
        "华宝SDK",
        "思迪",
    ] {
        assert!(
            names
                .iter()
                .any(|n| n.to_lowercase().contains(&named.to_lowercase())),
            "{named} is missing from {names:#?}"
        );
    }
    assert!(
        config
            .third_parties()
            .iter()
            .any(|t| t.id == "payment-merchants"),
        "payment merchants (三(一)3.i)"
    );
}

#[test]
fn every_text_of_the_default_configuration_is_present_in_both_languages() {
    let value: Value = serde_json::from_str(assent::DEFAULT_CONFIG_JSON).unwrap();
    let mut texts = 0;
    fn walk(value: &Value, path: &str, texts: &mut usize) {
        match value {
            Value::Object(map) if map.contains_key("zh-CN") || map.contains_key("en") => {
                for lang in ["zh-CN", "en"] {
                    let text = map.get(lang).and_then(Value::as_str).unwrap_or("");
                    assert!(!text.trim().is_empty(), "{path}.{lang} is empty");
                }
                *texts += 1;
            }
            Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| walk(v, &format!("{path}.{k}"), texts)),
            Value::Array(list) => list
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, &format!("{path}[{i}]"), texts)),
            _ => {}
        }
    }
    walk(&value, "$", &mut texts);
    assert!(texts > 500, "only {texts} texts");
}

#[test]
fn every_third_party_of_the_default_configuration_serves_a_purpose() {
    let config = seed();
    for tp in config.third_parties() {
        assert!(!tp.purposes.is_empty(), "{}", tp.id);
    }
}

#[test]
fn the_committed_json_schema_is_the_generated_one_and_lists_every_top_level_field() {
    let generated = assent::config::json_schema();
    let committed = fixture("../../docs/config.schema.json");
    assert_eq!(
        committed.trim(),
        generated.trim(),
        "docs/config.schema.json is stale: run cargo run --bin assent -- schema > docs/config.schema.json"
    );
    let schema: Value = serde_json::from_str(&generated).unwrap();
    let mut properties: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut fields = assent::config::TOP_LEVEL_FIELDS.to_vec();
    properties.sort();
    fields.sort();
    assert_eq!(properties, fields);
    assert_eq!(schema["additionalProperties"], Value::Bool(false));
}
