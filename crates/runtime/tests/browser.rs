//! The runtime's browser edges, in headless Chromium (wasm-bindgen-test): a compiled
//! configuration arrives through `JSON.parse` and serde-wasm-bindgen, the record
//! reaches localStorage, decisions reach `get`, a blocked element's placeholder is plain
//! data (the loader builds it), a faulty file is refused with its reason, and receipts and
//! permission notices take their names from the build's texts file. End-to-end behaviour is in tests/e2e/.

use assent_runtime::api;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The small configuration as `assent build` compiled it (checked against the build
/// by tests/build.rs), and its receipt texts.
const SMALL: &str = include_str!("../../../tests/fixtures/small-compiled.json");
const SMALL_TEXTS: &str = include_str!("../../../tests/fixtures/small-texts.json");
const NOW: f64 = 1_700_000_000_000.0;

/// A file as the loader hands it over: `JSON.parse`d.
fn parsed(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap()
}

/// The page's localStorage.
fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// The message of an error the API returned.
fn message_of(error: wasm_bindgen::JsError) -> String {
    field(&JsValue::from(error), "message").as_string().unwrap()
}

#[wasm_bindgen_test]
fn a_decision_is_stored_and_answered() {
    let storage = storage();
    storage.clear().unwrap();
    let snapshot = api::start(parsed(SMALL), "en", NOW).unwrap();
    assert_eq!(field(&snapshot, "needsDecision"), JsValue::TRUE);
    assert_eq!(
        api::get("analytics".into()),
        None,
        "undecided before a choice"
    );

    api::decide("reject-all", JsValue::NULL, "api", NOW, None).unwrap();
    assert_eq!(api::get("analytics".into()), Some(false));
    assert_eq!(
        api::get("necessary".into()),
        Some(true),
        "necessary stays granted"
    );
    let stored = storage
        .get_item("assent")
        .unwrap()
        .expect("the record is in localStorage");
    assert!(stored.contains("\"policyVersion\":\"test-1\""), "{stored}");

    // A fresh start (a reload) reads the same record back.
    api::start(parsed(SMALL), "zh-CN", NOW + 1.0).unwrap();
    assert_eq!(api::get("analytics".into()), Some(false));
    assert_eq!(
        api::get(JsValue::from_f64(3.0)),
        None,
        "a non-string id is undefined"
    );
}

#[wasm_bindgen_test]
fn a_source_or_faulty_compiled_configuration_is_refused_with_the_reason() {
    let message = |value: JsValue| {
        let error = api::start(value, "zh-CN", NOW).map(|_| ()).unwrap_err();
        message_of(error)
    };
    let source = message(parsed(r#"{"assentConfig": 1}"#));
    assert!(
        source.starts_with("not a compiled configuration"),
        "{source}"
    );
    let edited = SMALL.replacen("\"fingerprint\":\"", "\"fingerprint\":\"0", 1);
    let edited = message(parsed(&edited));
    assert!(
        edited.starts_with("faulty compiled configuration: $.digest: "),
        "{edited}"
    );
}

#[wasm_bindgen_test]
fn a_receipt_names_what_the_texts_file_says() {
    storage().clear().unwrap();
    api::start(parsed(SMALL), "en", NOW).unwrap();
    assert!(
        api::receipt(parsed(SMALL_TEXTS)).unwrap().is_undefined(),
        "no decision yet"
    );
    api::decide("accept-all", JsValue::NULL, "api", NOW, None).unwrap();
    let receipt = api::receipt(parsed(SMALL_TEXTS)).unwrap();
    let controller = field(&receipt, "controller");
    assert_eq!(field(&controller, "name"), JsValue::from("Test Ltd"));
    let other = SMALL_TEXTS.replacen("\"digest\":\"", "\"digest\":\"0", 1);
    let error = api::receipt(parsed(&other)).map(|_| ()).unwrap_err();
    let message = message_of(error);
    assert!(
        message.starts_with("faulty texts file: $.digest: "),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn a_placeholder_names_what_it_needs_and_what_allow_grants() {
    storage().clear().unwrap();
    api::start(parsed(SMALL), "en", NOW).unwrap();
    let placeholder = api::placeholder("ad-sdk");
    assert_eq!(field(&placeholder, "language"), JsValue::from("en"));
    let text = field(&placeholder, "text").as_string().unwrap();
    assert!(text.contains("Ad SDK"), "{text}");
    let grants: Vec<String> =
        serde_wasm_bindgen::from_value(field(&placeholder, "grants")).unwrap();
    assert_eq!(grants, ["ad-sdk", "analytics", "marketing"]);
    assert!(
        api::placeholder("!analytics").is_undefined(),
        "a negated id: no allow"
    );
    assert!(
        api::placeholder("nope").is_undefined(),
        "an unknown id: no allow"
    );
}

#[wasm_bindgen_test]
fn a_permission_notice_is_plain_data_and_writes_nothing() {
    let storage = storage();
    storage.clear().unwrap();
    api::start(parsed(SMALL), "zh-CN", NOW).unwrap();
    // The small configuration lists no permission: one, as a build would write it.
    let texts = parsed(SMALL_TEXTS);
    let camera = parsed(
        r#"{"id": "camera", "name": {"zh-CN": "相机权限", "en": "Camera"},
            "purpose": {"zh-CN": "扫码", "en": "Scanning"},
            "requestedBy": {"zh-CN": "扫一扫", "en": "Scan"},
            "refusalConsequence": {"zh-CN": "无法扫码", "en": "No scanning"}}"#,
    );
    js_sys::Reflect::set(&texts, &"permissions".into(), &js_sys::Array::of1(&camera)).unwrap();
    let text = api::permission_text("camera", texts.clone()).unwrap();
    assert_eq!(field(&text, "id"), JsValue::from("camera"));
    assert_eq!(field(&text, "language"), JsValue::from("zh-CN"));
    assert_eq!(field(&text, "name"), JsValue::from("相机权限"));
    assert_eq!(field(&text, "allow"), JsValue::from("允许"));
    assert!(
        field(&text, "platformNote").is_undefined(),
        "absent, not null"
    );

    let error = api::permission_text("telepathy", texts)
        .map(|_| ())
        .unwrap_err();
    let message = message_of(error);
    assert!(
        message.starts_with("unknown permission \"telepathy\"") && message.contains("camera"),
        "{message}"
    );
    assert_eq!(storage.length().unwrap(), 0, "nothing stored");
}

/// The shared record vectors (tests/fixtures/record-vectors.json) through the
/// WebAssembly path: the stored text read from localStorage by the runtime, the
/// compiled configuration through `JSON.parse` and serde-wasm-bindgen, the answer in
/// the snapshot. What the runtime counts is `record::decode` (a record of another
/// build still counts for it: it decides per item); the stub's early answer is
/// tested on the same vectors in tests/e2e/stub-vectors.test.mjs.
#[wasm_bindgen_test]
fn the_record_vectors_read_the_same_through_the_runtime() {
    let storage = storage();
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/record-vectors.json")).unwrap();
    let mut counted = 0;
    for vector in vectors.as_array().unwrap() {
        let name = vector["name"].as_str().unwrap();
        storage.clear().unwrap();
        if let Some(stored) = vector["stored"].as_str() {
            storage.set_item("assent", stored).unwrap();
        }
        // The small configuration under the vectors' policy version (the digest is
        // the fingerprints', which the policy version is not part of).
        let mut compiled: serde_json::Value = serde_json::from_str(SMALL).unwrap();
        compiled["policyVersion"] = vector["policyVersion"].clone();
        let now = vector["now"].as_f64().unwrap();
        let snapshot = api::start(parsed(&compiled.to_string()), "en", now).unwrap();
        let problem = field(&snapshot, "recordProblem");
        let answer = |id: &str| field(&field(&snapshot, "decisions"), id).as_bool();
        match vector["expect"].as_str().unwrap() {
            "valid" | "other-configuration" | "no-snippet-digest" => {
                assert!(problem.is_null(), "{name}: {problem:?}");
                if let Some(expected) = vector["decisions"]["analytics"].as_bool() {
                    assert_eq!(answer("analytics"), Some(expected), "{name}");
                }
                counted += 1;
            }
            "missing" => assert!(problem.is_null(), "{name}"),
            kind => {
                assert!(
                    problem.as_string().is_some_and(|p| !p.is_empty()),
                    "{name} ({kind})"
                );
                assert_eq!(answer("analytics"), None, "{name}: nothing counts");
            }
        }
    }
    assert!(counted >= 5, "{counted} counted");
    storage.clear().unwrap();
}
