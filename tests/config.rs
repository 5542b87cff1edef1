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
            None => patched(
                &base,
                case["patch"].as_array().unwrap(),
                case["nulls"].as_array().map_or(&[], Vec::as_slice),
            ),
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

#[test]
fn the_default_configuration_has_no_warnings() {
    assert_eq!(seed().warnings(), vec![]);
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
    // Optional means "may be left out": the parser refuses null everywhere.
    assert!(
        !generated.contains("\"null\""),
        "a field of the schema is nullable"
    );
}

/// Editors add a top-level `"$schema"` to point at docs/config.schema.json: it is
/// accepted and ignored. Fingerprints are taken per purpose and third party, so it
/// changes none of them (the SHA-256 of the whole text shown does change, as it should
/// for any edit).
#[test]
fn a_top_level_dollar_schema_is_accepted_and_changes_no_fingerprint() {
    let plain = common::small_config();
    let mut with_schema = plain.clone();
    with_schema.as_object_mut().unwrap().insert(
        "$schema".into(),
        Value::from("https://example.com/assent/config.schema.json"),
    );
    let plain = Config::parse(&plain.to_string()).unwrap();
    let with_schema = Config::parse(&with_schema.to_string())
        .unwrap_or_else(|errors| panic!("$schema refused: {errors:?}"));
    assert!(!plain.fingerprints().is_empty());
    assert_eq!(plain.fingerprints(), with_schema.fingerprints());

    // The seed with one too: what an editor does to a real file.
    let mut seed: Value = serde_json::from_str(assent::DEFAULT_CONFIG_JSON).unwrap();
    seed.as_object_mut()
        .unwrap()
        .insert("$schema".into(), Value::from("./config.schema.json"));
    let seed_with_schema = Config::parse(&seed.to_string()).unwrap();
    assert_eq!(
        Config::default_config().unwrap().fingerprints(),
        seed_with_schema.fingerprints()
    );
}

// The corrections of the seed review (../shared/research/seed-config-review.md), each
// checked against the data it fixed; the numbers are the review's.

fn purpose_data<'a>(config: &'a Config, id: &str) -> Vec<&'a str> {
    config
        .purpose(id)
        .unwrap_or_else(|| panic!("no purpose {id}"))
        .data_items
        .iter()
        .map(String::as_str)
        .collect()
}

fn feature_data<'a>(config: &'a Config, id: &str) -> Vec<&'a str> {
    config
        .features()
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no feature {id}"))
        .data_collected
        .iter()
        .map(String::as_str)
        .collect()
}

#[test]
fn review_3_and_21_smart_card_data_reaches_the_purposes_that_use_it() {
    let config = seed();
    let identity = purpose_data(&config, "identity-verification");
    // 004 一(一)8(3): the door card checks "您的指纹信息进行身份验证".
    assert!(identity.contains(&"fingerprint"), "{identity:?}");
    // 一(一)8(4): the eID's encrypted ID card data, and the eID itself (#21: the
    // institute's own data list was not its purpose's).
    assert!(identity.contains(&"id-card-chip-info"), "{identity:?}");
    assert!(identity.contains(&"eid"), "{identity:?}");
    let institute = config.third_party("mps-third-research-institute").unwrap();
    for item in &institute.data_shared {
        assert!(
            identity.contains(&item.as_str()),
            "{item} is not in its purpose"
        );
    }
    let description = &config.purpose("identity-verification").unwrap().description;
    assert!(description
        .get(assent::Lang::ZhCn)
        .contains("以及（当您模拟的智能门锁卡时）您的指纹信息进行身份验证"));
    assert!(description
        .get(assent::Lang::ZhCn)
        .contains("读取并收集您加密后的身份证信息，来生成您的 eID"));
    // 一(一)8(2): the ride time and place of transit card payments.
    assert!(purpose_data(&config, "payment").contains(&"ride-records"));
}

#[test]
fn review_11_the_smart_cards_feature_does_not_list_mi_pay_data_as_collected() {
    let config = seed();
    // 004 一(一)8(1)a: "本功能所涉及的信息本平台不做收集"; the card data goes, encrypted,
    // to the card issuers (their own sharing entry keeps it).
    let collected = feature_data(&config, "smart-cards");
    assert_eq!(
        collected,
        [
            // 8(1) Mi Pay: the token card number, linked to the Xiaomi Account.
            "name",
            "id-number",
            "device-model",
            "token-card-number",
            "xiaomi-account",
            // 8(2) transit cards.
            "transaction-records",
            "ride-records",
            "transit-card-info",
            "auto-top-up-settings",
            // 8(3) door cards.
            "door-card-info",
            "imei",
            "oaid",
            "cplc",
            "id-document-photo",
            "fingerprint",
            // 8(4) eID.
            "id-card-chip-info",
            "face-image",
            "eid"
        ]
    );
    let issuers = config.third_party("card-issuers").unwrap();
    for item in [
        "card-security-code",
        "transaction-password",
        "bank-card-validity",
    ] {
        assert!(!collected.contains(&item), "{item}");
        assert!(issuers.data_shared.iter().any(|d| d == item), "{item}");
    }
}

#[test]
fn review_13_data_from_partners_is_obtained_under_a_consent_purpose() {
    let config = seed();
    // 004 一(三)1: "在您的授权同意范围内从第三方（我们的合作方）处获得您的个人信息".
    let partners = config
        .data_sources()
        .iter()
        .find(|s| s.id == "partners")
        .unwrap();
    assert_eq!(partners.purposes, ["financial-services"]);
    for purpose in &partners.purposes {
        assert!(!config
            .purpose(purpose)
            .unwrap()
            .legal_basis
            .is_always_granted());
    }
}

#[test]
fn review_19_duiba_is_not_said_to_receive_data_the_policy_does_not_name() {
    let config = seed();
    // 004 一(一)16 names Duiba as the provider, not what it receives.
    let duiba = config.third_party("duiba").unwrap();
    assert!(duiba.data_shared.is_empty(), "{:?}", duiba.data_shared);
    let note = duiba.data_shared_note.as_ref().unwrap();
    assert!(note
        .get(assent::Lang::ZhCn)
        .starts_with("本政策未说明向兑吧提供哪些个人信息"));
}

#[test]
fn review_20_imported_contacts_belong_to_the_purpose_of_mobile_top_up() {
    let config = seed();
    // 004 一(二)10: contacts are imported "当您使用手机充值服务时" (一(一)14, whose
    // purposes are necessary and payment; paying for the top-up is the payment).
    assert!(purpose_data(&config, "payment").contains(&"contacts"));
    let convenience = config
        .features()
        .iter()
        .find(|f| f.id == "convenience-services")
        .unwrap();
    assert!(convenience.purposes.iter().any(|p| p == "payment"));
}

#[test]
fn review_35_merchants_receive_the_transaction_number_and_related_payment_information() {
    let config = seed();
    // 004 三(一)3.i: "向第三方商户提供交易号与相关支付信息"; payment-records is the mutual
    // aid contribution record of 一(一)6d, not this.
    let merchants = config.third_party("payment-merchants").unwrap();
    assert_eq!(
        merchants.data_shared,
        ["transaction-number", "related-payment-info"]
    );
    let related = config.data_item("related-payment-info").unwrap();
    assert_eq!(related.name.get(assent::Lang::ZhCn), "相关支付信息");
    let payment = purpose_data(&config, "payment");
    assert!(payment.contains(&"transaction-number") && payment.contains(&"related-payment-info"));
}

#[test]
fn review_21_every_item_a_third_party_receives_is_listed_by_one_of_its_purposes() {
    // A purpose's notice lists its own data items; a recipient's item that none of its
    // purposes lists would be shared without being in the notice the user answers.
    let config = seed();
    for tp in config.third_parties() {
        for item in &tp.data_shared {
            assert!(
                tp.purposes
                    .iter()
                    .any(|p| purpose_data(&config, p).contains(&item.as_str())),
                "{} receives {item}, which none of {:?} lists",
                tp.id,
                tp.purposes
            );
        }
    }
    // 004 一(一)8(2): the transit card companies receive the phone's model.
    assert!(purpose_data(&config, "necessary").contains(&"device-model"));
}

#[test]
fn review_5_each_financial_service_has_its_own_separate_consent() {
    let config = seed();
    // 004 asks per service: wealth 一(一)3c "您同意并授权", insurance 4, mutual aid 6,
    // Change Card 9 "如果您不同意", Mi Card 11 "在您勾选并同意".
    for (purpose, feature) in [
        ("wealth", "wealth-services"),
        ("insurance", "insurance-services"),
        ("mutual-aid", "mutual-aid-services"),
        ("change-card", "change-card"),
        ("mi-card", "mi-card"),
    ] {
        let p = config.purpose(purpose).unwrap();
        assert!(
            !p.legal_basis.is_always_granted() && p.separate_consent,
            "{purpose}"
        );
        assert_eq!(
            purpose_data(&config, purpose),
            feature_data(&config, feature),
            "{purpose}"
        );
        let f = config.features().iter().find(|f| f.id == feature).unwrap();
        assert_eq!(f.purposes[0], purpose, "{feature} serves {purpose} first");
    }
    // What is left of the bundle is 三(一)3.b: ID and phone to partner providers.
    assert_eq!(
        purpose_data(&config, "financial-services"),
        ["name", "id-number", "phone-number"]
    );
    let with_health: Vec<&str> = config
        .purposes()
        .iter()
        .filter(|p| p.data_items.iter().any(|d| d == "health-info"))
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(with_health, ["mutual-aid"]);
    for (third_party, purpose) in [
        ("change-card-banks", "change-card"),
        ("mi-card-issuers", "mi-card"),
        ("huabao-securities", "wealth"),
    ] {
        assert_eq!(config.third_party(third_party).unwrap().purposes, [purpose]);
    }
}

#[test]
fn review_4_the_mutual_aid_notice_says_the_application_is_published_to_all_members() {
    let config = seed();
    let mutual_aid = config.purpose("mutual-aid").unwrap();
    assert!(mutual_aid.data_items.iter().any(|d| d == "health-info"));
    // 004 一(一)6c.
    assert!(mutual_aid.description.get(assent::Lang::ZhCn).contains(
        "您的互助申请资料，包括您的基本身份信息（姓名、年龄、性别、所在省市）、加入时间、疾病名称、实地调查结果、案件材料图片会向全体成员公示"
    ));
    assert!(mutual_aid
        .description
        .get(assent::Lang::En)
        .contains("are published to all members"));
}

/// Every localised text of the default configuration, with its JSON path.
fn seed_texts() -> Vec<(String, String)> {
    fn walk(value: &Value, path: &str, texts: &mut Vec<(String, String)>) {
        match value {
            Value::String(text) => texts.push((path.to_string(), text.clone())),
            // Citations name sections for the record, not for the user.
            Value::Object(map) => map
                .iter()
                .filter(|(k, _)| k.as_str() != "disclosedIn")
                .for_each(|(k, v)| walk(v, &format!("{path}.{k}"), texts)),
            Value::Array(list) => list
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(v, &format!("{path}[{i}]"), texts)),
            _ => {}
        }
    }
    let value: Value = serde_json::from_str(assent::DEFAULT_CONFIG_JSON).unwrap();
    let mut texts = Vec::new();
    walk(&value, "$", &mut texts);
    texts
}

#[test]
fn review_27_no_text_users_see_cites_sections_or_talks_about_the_source() {
    for (path, text) in seed_texts() {
        for artifact in [
            "来源未",
            "来源文本",
            "the source does",
            "in the source",
            "据一(",
            "per 一(",
            "一(一)",
            "一(二)",
            "三(一)",
        ] {
            assert!(!text.contains(artifact), "{path}: {artifact:?} in {text:?}");
        }
    }
    let config = seed();
    let tongdun = config.third_party("tongdun-sdk").unwrap();
    assert_eq!(
        tongdun.data_shared_note.as_ref().unwrap().get(assent::Lang::ZhCn),
        "本政策未列明向同盾SDK共享的具体信息；同盾SDK可能会申请位置信息，用于信贷服务安全检测、反欺诈目的"
    );
    let fabric = config.third_party("fabric-sdk").unwrap();
    assert_eq!(
        fabric
            .data_shared_note
            .as_ref()
            .unwrap()
            .get(assent::Lang::En),
        "This policy does not list the specific personal information shared"
    );
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[test]
fn review_28_english_texts_have_no_chinese_and_one_name_for_shence() {
    for (path, text) in seed_texts().into_iter().filter(|(p, _)| p.ends_with(".en")) {
        // The one deliberate literal: what to type into the app, glossed.
        let text = text.replace("“注销天星金融”", "");
        assert!(!text.chars().any(is_cjk), "{path}: {text}");
    }
    let config = seed();
    let shence = config
        .third_party("sensors-analytics")
        .unwrap()
        .name
        .get(assent::Lang::En);
    assert_eq!(shence, "Shence Analytics");
    let analytics = &config.purpose("analytics").unwrap().description;
    assert!(analytics
        .get(assent::Lang::En)
        .contains("partly provided by the fabric SDK and Shence Analytics."));
}

#[test]
fn review_29_the_phone_services_app_has_one_name() {
    let config = seed();
    let app = config
        .third_party("phone-services")
        .unwrap()
        .name
        .get(assent::Lang::ZhCn);
    assert_eq!(app, "“Phone Services”（电话服务）应用");
    let sync = config.purpose("notification-sync").unwrap();
    assert!(sync
        .description
        .get(assent::Lang::ZhCn)
        .contains(&format!("启动{app}")));
}

#[test]
fn review_30_the_necessary_purpose_has_no_dangling_cross_reference() {
    let config = seed();
    let necessary = config
        .purpose("necessary")
        .unwrap()
        .description
        .get(assent::Lang::ZhCn);
    assert!(!necessary.contains("定义见下文"));
    assert!(necessary.contains("我们有时可能会向第三方共享您的个人信息"));
}

#[test]
fn review_36_the_account_information_item_has_one_meaning_in_both_languages() {
    let config = seed();
    let account = config.data_item("financial-account-number").unwrap();
    assert_eq!(account.name.get(assent::Lang::ZhCn), "账户信息");
    assert_eq!(account.name.get(assent::Lang::En), "Account information");
}

#[test]
fn review_37_purpose_of_use_carries_the_purpose_only() {
    let config = seed();
    for id in [
        "e-account-issuing-banks",
        "china-unionpay",
        "alipay",
        "wechat-pay",
        "tianxing-pay",
    ] {
        let purpose_of_use = config
            .third_party(id)
            .unwrap()
            .purpose_of_use
            .as_ref()
            .unwrap();
        assert_eq!(
            purpose_of_use.get(assent::Lang::ZhCn),
            "办理支付、还款以及授权自动扣款",
            "{id}"
        );
        assert_eq!(
            purpose_of_use.get(assent::Lang::En),
            "Processing payments, repayments and authorised automatic debits",
            "{id}"
        );
    }
    // The refusal stays where it belongs (004 一(一)7).
    let payment = config.purpose("payment").unwrap();
    assert!(payment
        .refusal_consequence
        .as_ref()
        .unwrap()
        .get(assent::Lang::ZhCn)
        .contains("可能无法完成支付、还款、授权扣款"));
}

#[test]
fn review_38_obvious_typos_of_the_source_are_corrected() {
    let config = seed();
    let location = config
        .permissions()
        .iter()
        .find(|p| p.id == "location")
        .unwrap();
    assert!(location
        .refusal_consequence
        .get(assent::Lang::ZhCn)
        .contains("您将无法使用上述功能"));
    for (path, text) in seed_texts() {
        assert!(!text.contains("名族"), "{path}");
        assert!(!text.contains("无法上述"), "{path}");
    }
    let change_card = config
        .features()
        .iter()
        .find(|f| f.id == "change-card")
        .unwrap();
    assert!(change_card
        .description
        .get(assent::Lang::ZhCn)
        .contains("性别、民族、出生日期"));
}

#[test]
fn review_24_companies_the_statement_names_in_english_keep_that_name() {
    // docs/config-format.md, "The seed configuration: editorial decisions".
    let config = seed();
    for tp in config
        .third_parties()
        .iter()
        .filter(|t| cited_in(&t.disclosed_in, CitedDocument::SharingStatement))
    {
        let company = tp.company.as_ref().unwrap();
        let en = company.get(assent::Lang::En);
        if en == "Xiaomi Inc." || en == "Google LLC" {
            assert_eq!(company.get(assent::Lang::ZhCn), en, "{}", tp.id);
        }
    }
    // A translated product name keeps the statement's spelling beside it.
    let home = config.third_party("xiaomi-home").unwrap();
    assert_eq!(home.name.get(assent::Lang::ZhCn), "米家（Xiaomi Home）");
}

#[test]
fn review_25_the_central_bank_is_named_as_the_policy_names_it() {
    let config = seed();
    let bank = config.third_party("central-bank").unwrap();
    assert_eq!(bank.name.get(assent::Lang::ZhCn), "央行");
    assert_eq!(bank.name.get(assent::Lang::En), "Central bank");
}

#[test]
fn review_26_chinaums_says_the_policy_gives_it_no_purpose() {
    let config = seed();
    let chinaums = config.third_party("chinaums").unwrap();
    assert_eq!(chinaums.purposes, ["financial-services"]);
    assert!(chinaums.data_shared.is_empty());
    assert!(chinaums
        .data_shared_note
        .as_ref()
        .unwrap()
        .get(assent::Lang::ZhCn)
        .contains("未说明其用途及向其提供的个人信息"));
}

#[test]
fn review_31_sensitivity_follows_annex_b() {
    let config = seed();
    let sensitive = |id: &str| config.data_item(id).unwrap().sensitive;
    // 网页浏览记录, 房产信息, 个人财产信息 (bank and card digits).
    assert!(sensitive("behavior-data"));
    assert!(sensitive("housing-type"));
    assert!(sensitive("auto-top-up-settings"));
    // 二2: "我们不会把自动收集的日志数据与我们收集的其他信息进行关联".
    assert!(!sensitive("log-data"));
}

#[test]
fn review_34_the_cast_sdk_receives_the_device_version_number_it_names() {
    let config = seed();
    let cast = config.third_party("cast-sdk").unwrap();
    // Statement entry 7: "device ID (UID), device name, device type, device version
    // number, IP address".
    assert_eq!(
        cast.data_shared,
        [
            "device-id",
            "device-name",
            "device-type",
            "device-version-number",
            "ip-address"
        ]
    );
    assert_eq!(purpose_data(&config, "casting"), cast.data_shared);
    let version = config.data_item("device-version-number").unwrap();
    assert_eq!(version.name.get(assent::Lang::En), "Device version number");
    let os = config.data_item("os-version").unwrap();
    assert!(!os
        .description
        .as_ref()
        .unwrap()
        .get(assent::Lang::ZhCn)
        .contains("设备版本号"));
}

#[test]
fn review_39_refusal_texts_the_policy_does_not_give_are_its_general_clause() {
    // 004 一, opening paragraph; docs/config-format.md records the decision.
    const GENERAL: &str = "针对部分附加功能，您有权根据自己的意愿选择是否使用并提供该服务所须信息，您不同意收集这部分信息不影响您使用本产品和/或服务的其他功能。";
    let config = seed();
    for id in [
        "analytics",
        "device-identification",
        "advertising",
        "social-sharing",
        "points-rewards",
        "insurance",
    ] {
        let refusal = config
            .purpose(id)
            .unwrap()
            .refusal_consequence
            .as_ref()
            .unwrap();
        assert_eq!(refusal.get(assent::Lang::ZhCn), GENERAL, "{id}");
    }
}

#[test]
fn review_12_the_sharing_statements_purposes_invent_no_refusal_consequence() {
    let config = seed();
    // 000 says nothing about refusal, so these say nothing either.
    for id in [
        "device-discovery",
        "casting",
        "cross-device-verification",
        "notification-sync",
    ] {
        let purpose = config.purpose(id).unwrap();
        assert!(!purpose.legal_basis.is_always_granted(), "{id}");
        assert!(purpose.refusal_consequence.is_none(), "{id}");
    }
    // The finance policy's own purposes keep theirs (its general clause at least).
    let marketing = config.purpose("marketing").unwrap();
    assert!(marketing.refusal_consequence.is_some());
}

#[test]
fn a_consent_purpose_may_leave_out_its_refusal_consequence() {
    let small = common::small_config();
    let index = small["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p["legalBasis"] == "consent")
        .unwrap();
    let text = patched(
        &small,
        &[serde_json::json!([
            format!("/purposes/{index}/refusalConsequence"),
            null
        ])],
        &[],
    );
    let config = Config::parse(&text).expect("valid without a refusal consequence");
    assert!(config.purposes()[index].refusal_consequence.is_none());
}

#[test]
fn review_14_the_support_page_is_the_contact_channel_not_the_policy() {
    let config = seed();
    let links = &config.policy().links;
    // 004 gives no URL for the policy itself; privacy.mi.com/support is where to ask.
    assert_eq!(links.policy, None);
    assert_eq!(
        links.contact.as_deref(),
        Some("https://privacy.mi.com/support")
    );
    assert!(links.all().iter().all(|(name, _)| *name != "policy"));
}

#[test]
fn review_7_regulators_are_named_as_recipients_of_complaints() {
    let config = seed();
    // 004 一(一)17 (L181): name, ID number, contact and complaint content go to
    // consumer-protection departments and regulators.
    let regulators = config
        .third_parties()
        .iter()
        .find(|t| t.id == "regulators")
        .expect("a recipient for complaints");
    assert_eq!(
        regulators.sharing_type,
        assent::config::SharingType::Authority
    );
    assert_eq!(
        regulators.data_shared,
        ["name", "id-number", "phone-number", "complaint-content"]
    );
    assert!(regulators.name.get(assent::Lang::ZhCn).contains("监管机关"));
    assert!(regulators.processing_rules_url.is_none());
    for purpose in &regulators.purposes {
        let purpose = config.purpose(purpose).unwrap();
        assert!(purpose.legal_basis.is_always_granted(), "{}", purpose.id);
        assert!(purpose.data_items.iter().any(|d| d == "complaint-content"));
    }
}

#[test]
fn review_9_and_40_the_sharing_statement_has_its_own_title_and_promise() {
    let config = seed();
    let statement = config
        .policy()
        .sharing_statement
        .as_ref()
        .expect("the statement is described");
    // 000 L1 and L2, word for word in English.
    assert_eq!(
        statement.title.get(assent::Lang::En),
        "Interconnectivity Third-Party Data Sharing Statement"
    );
    let promise = statement.promise.as_ref().unwrap();
    assert!(promise
        .get(assent::Lang::En)
        .contains("We will always ask for your consent where sensitive information may be shared"));
    assert!(promise
        .get(assent::Lang::ZhCn)
        .contains("我们将始终征求您的同意"));
    // Its ten entries cite it, and nothing of the finance policy does.
    let cited: Vec<&str> = config
        .third_parties()
        .iter()
        .filter(|t| t.disclosed_in.document == CitedDocument::SharingStatement)
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(cited.len(), 10, "{cited:?}");
    assert_ne!(
        statement.title.get(assent::Lang::En),
        config.policy().title.get(assent::Lang::En)
    );
}

/// The finance policy as published (`../shared/seeds/`, beside the repository).
fn finance_policy_source() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");
    let name = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("the seed documents are read from {dir}: {e}"))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("004_"))
        })
        .expect("004, the finance policy");
    std::fs::read_to_string(name).unwrap()
}

#[test]
fn review_6_8_15_to_18_22_the_policys_other_sections_are_there_word_for_word() {
    use assent::config::SectionKind::*;
    let config = seed();
    let sections = &config.policy().sections;
    // One of each kind, in the order the policy gives them.
    let kinds: Vec<_> = sections.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            DocumentHierarchy,
            NonPersonalInformation,
            NoSale,
            UserDesignatedSharing,
            SubProcessors,
            DisclosureWithoutConsent,
            Transfer,
            PublicDisclosure,
            Security,
            BreachNotification,
            UserDuties,
            ThirdPartyDisclaimer,
        ]
    );
    // Every paragraph of the Chinese text is the policy's own; each has its English.
    let source = finance_policy_source();
    for section in sections {
        let zh = section.body.get(assent::Lang::ZhCn);
        for paragraph in zh.split('\n') {
            assert!(source.contains(paragraph), "{}: {paragraph}", section.id);
        }
        let en = section.body.get(assent::Lang::En);
        assert_eq!(
            zh.split('\n').count(),
            en.split('\n').count(),
            "{}",
            section.id
        );
    }
    let text = |kind| {
        let s = sections.iter().find(|s| s.kind == kind).unwrap();
        s.body.get(assent::Lang::ZhCn).to_string()
    };
    // The points the review found missing.
    assert!(
        text(SubProcessors).contains("子处理者")
            && text(SubProcessors).contains("严格的数据处理协议")
    );
    assert!(text(BreachNotification).contains("及时通知相关的监管机构"));
    assert!(text(DocumentHierarchy).contains("以《小米隐私政策》为准"));
    assert!(text(ThirdPartyDisclaimer).contains("我们不对第三方如何使用他们向您收集的个人信息负责"));
    assert!(text(DisclosureWithoutConsent).contains("向公共或政府机构提供信息"));
    assert!(text(UserDuties).contains("我们不对因您未能保持个人信息的私密性"));
    assert_eq!(text(NoSale), "我们不会将任何个人信息出售给第三方。");
}

#[test]
fn review_3_risk_control_asks_consent_where_the_policy_says_so() {
    let config = seed();
    // 004 一(一)15 c) and d) (L169, L171) and the location permission (L205): face
    // comparison, identity proof materials and location are given with consent, each
    // a separate consent; the rest of risk control (a, b) is necessary.
    for (id, items) in [
        ("risk-control-face", vec!["face-image"]),
        (
            "risk-control-identity-proof",
            vec![
                "id-document-photo",
                "handheld-id-photo",
                "identity-proof-materials",
            ],
        ),
        ("risk-control-location", vec!["location"]),
    ] {
        let purpose = config.purpose(id).unwrap();
        assert!(!purpose.legal_basis.is_always_granted(), "{id}");
        assert!(purpose.separate_consent, "{id}");
        assert_eq!(purpose_data(&config, id), items, "{id}");
    }
    let necessary = purpose_data(&config, "risk-control");
    for item in [
        "face-image",
        "id-document-photo",
        "handheld-id-photo",
        "identity-proof-materials",
        "location",
    ] {
        assert!(
            !necessary.contains(&item),
            "{item} is not taken as necessary"
        );
    }
    assert!(config
        .purpose("risk-control")
        .unwrap()
        .legal_basis
        .is_always_granted());
    // Tongdun's location sharing follows the location consent.
    let tongdun = config.third_party("tongdun-sdk").unwrap();
    assert_eq!(tongdun.purposes, ["risk-control-location"]);
    assert_eq!(tongdun.data_shared, ["location"]);
}
