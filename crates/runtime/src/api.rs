//! The whole WebAssembly API of the runtime module, as the JS loader sees it.
//! Arguments and results are plain data (strings, numbers, plain objects); errors
//! become `JsError` once, here. The loader turns these into `window.assent`.

use std::collections::BTreeMap;

use assent::compiled::{CompiledConfig, Texts};
use assent::decision::Choice;
use assent::gate::GateExpression;
use assent::record::{Age, Method};
use assent::ui_text::{placeholder_allow, placeholder_text};
use assent::{Lang, Rules};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::session::{self, Session};
use crate::{dom, storage};

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Plain objects (not Maps) and null for absent values, as page scripts expect.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::UNDEFINED)
}

fn not_started() -> JsError {
    JsError::new("assent has not started")
}

/// Reads the compiled runtime configuration (`config.<digest>.json` of `assent build`,
/// as `JSON.parse` gave it), checks its structure (`Rules::from_compiled`: the format,
/// every reference, the digest), reads the stored record and returns the snapshot in
/// `language` (the loader chose it, www/loader/language.js; any `zh` tag is zh-CN,
/// anything else en). No
/// configuration is validated here: `assent build` did that. On a faulty file nothing
/// is installed and the error names what is wrong, with its JSON path.
#[wasm_bindgen]
pub fn start(compiled: JsValue, language: &str, now: f64) -> Result<JsValue, JsError> {
    let gpc = dom::global_privacy_control();
    let compiled: CompiledConfig = serde_wasm_bindgen::from_value(compiled)
        .map_err(|error| JsError::new(&format!("not a compiled configuration: {error}")))?;
    let rules = Rules::from_compiled(compiled)
        .map_err(|error| JsError::new(&format!("faulty compiled configuration: {error}")))?;
    let language = Lang::from_tag(language).unwrap_or(Lang::ZhCn);
    let session = Session::load(rules, now.max(0.0) as u64, language, gpc);
    let snapshot = to_js(&session.snapshot());
    session::install(session);
    Ok(snapshot)
}

/// The build's receipt and permission texts (`texts.<digest>.json`, as `JSON.parse`
/// gave it), checked against the rules: the same build, every name present.
fn read_texts(session: &Session, texts: JsValue) -> Result<Texts, JsError> {
    let texts: Texts = serde_wasm_bindgen::from_value(texts)
        .map_err(|error| JsError::new(&format!("not a build's texts file: {error}")))?;
    session
        .rules
        .check_texts(&texts)
        .map_err(|error| JsError::new(&format!("faulty texts file: {error}")))?;
    Ok(texts)
}

/// The current snapshot: decisions, policy version, consent id, timestamps.
#[wasm_bindgen]
pub fn snapshot() -> Result<JsValue, JsError> {
    session::with(|s| to_js(&s.snapshot())).ok_or_else(not_started)
}

/// `true`, `false` or `undefined` (undecided, unknown id, not a string, not started).
#[wasm_bindgen]
pub fn get(id: JsValue) -> Option<bool> {
    let id = id.as_string()?;
    session::with(|s| s.state.get(&id)).flatten()
}

#[derive(Serialize)]
struct Decided {
    changed: Vec<String>,
    snapshot: session::Snapshot,
}

/// Records a decision. `kind` is `accept-all`, `reject-all` or `set` (with `set` a
/// plain object of purpose ids to booleans); `method` is `banner`, `preferences` or
/// `api` or `placeholder`. Nothing is stored when any part is invalid.
#[wasm_bindgen]
pub fn decide(
    kind: &str,
    set: JsValue,
    method: &str,
    now: f64,
    age: Option<String>,
) -> Result<JsValue, JsError> {
    let age = age
        .map(|tag| {
            Age::parse(&tag).ok_or_else(|| JsError::new(&format!("unknown age answer {tag:?}")))
        })
        .transpose()?;
    let choice = match kind {
        "accept-all" => Choice::AcceptAll,
        "reject-all" => Choice::RejectAll,
        "set" => {
            let map: BTreeMap<String, bool> =
                serde_wasm_bindgen::from_value(set).map_err(|_| {
                    JsError::new("set() takes an object of purpose ids to true or false")
                })?;
            Choice::Set(map)
        }
        other => return Err(JsError::new(&format!("unknown decision kind {other:?}"))),
    };
    let method =
        Method::parse(method).ok_or_else(|| JsError::new(&format!("unknown method {method:?}")))?;
    let random =
        dom::random_bytes().ok_or_else(|| JsError::new("crypto.getRandomValues is unavailable"))?;
    session::with(|s| {
        let changed = s
            .decide(&choice, method, now.max(0.0) as u64, random, age)
            .map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                JsError::new(&lines.join("; "))
            })?;
        Ok(to_js(&Decided {
            changed,
            snapshot: s.snapshot(),
        }))
    })
    .ok_or_else(not_started)?
}

/// Re-reads the stored record after another tab of the site wrote it (the loader
/// calls this on the `storage` event). Same result shape as `decide`.
#[wasm_bindgen]
pub fn sync(now: f64) -> Result<JsValue, JsError> {
    session::with(|s| {
        let changed = s.sync(now.max(0.0) as u64);
        to_js(&Decided {
            changed,
            snapshot: s.snapshot(),
        })
    })
    .ok_or_else(not_started)
}

/// The cookie and storage keys (names or `*`-patterns) the configuration lists for
/// the revoked ids; the loader deletes them on withdrawal.
#[wasm_bindgen(js_name = storageKeysToClear)]
pub fn storage_keys_to_clear(revoked: Vec<String>) -> Vec<String> {
    session::with(|s| s.rules.storage_keys_to_clear(&revoked)).unwrap_or_default()
}

/// The consent receipt of the current decision (`assent::receipt`), with the names
/// from the build's texts file (`texts`, fetched by the loader at the first call), or
/// `undefined` before any decision.
#[wasm_bindgen]
pub fn receipt(texts: JsValue) -> Result<JsValue, JsError> {
    session::with(|s| {
        let Some(record) = s.record.as_ref() else {
            return Ok(JsValue::UNDEFINED);
        };
        let texts = read_texts(s, texts)?;
        Ok(to_js(&assent::receipt::receipt(&s.rules, &texts, record)))
    })
    .ok_or_else(not_started)?
}

/// The local consent history (`assent::history`): every decision on this device,
/// newest last, at most 50; an empty list when there is none or it is unreadable.
#[wasm_bindgen]
pub fn history() -> JsValue {
    to_js(&assent::history::events(storage::read_history().as_deref()))
}

/// The consent events waiting for `receiptEndpoint` (`{id, event}`), oldest first;
/// the outbox module (www/outbox.js) POSTs them. Read from storage at each call, so a
/// sender in any tab sees what every tab queued.
#[wasm_bindgen(js_name = pendingReceipts)]
pub fn pending_receipts() -> JsValue {
    to_js(&storage::pending_receipts())
}

/// Forgets the queued event `id`: the endpoint acknowledged it, or refused it for
/// good. The runtime is the one owner of `assent.outbox`.
#[wasm_bindgen(js_name = acknowledgeReceipt)]
pub fn acknowledge_receipt(id: &str) {
    storage::acknowledge_receipt(id);
}

/// Switches the interface language and remembers the switch.
#[wasm_bindgen(js_name = setLanguage)]
pub fn set_language(tag: &str) -> Result<JsValue, JsError> {
    let language = Lang::from_tag(tag).ok_or_else(|| JsError::new("empty language tag"))?;
    storage::write_language(language.tag());
    session::with(|s| {
        s.language = language;
        to_js(&s.snapshot())
    })
    .ok_or_else(not_started)
}

#[derive(Serialize)]
struct Placeholder {
    language: &'static str,
    /// What the element needs, in a sentence.
    text: String,
    /// The button's label.
    allow: &'static str,
    /// What the button grants (`set` to true, method `placeholder`).
    grants: Vec<String>,
}

/// What a blocked iframe's placeholder says and what its "allow" button grants, for a
/// `data-assent` expression, in the current language; `undefined` when no single
/// "allow" can unblock it (a negated or unknown id). The loader builds the element
/// (www/loader/gating.js); whether an element may run is the loader's gate rule, on
/// the snapshot's decisions.
#[wasm_bindgen]
pub fn placeholder(expression: &str) -> JsValue {
    session::with(|s| {
        let lang = s.language;
        GateExpression::parse(expression)
            .allowance(&s.rules, lang)
            .map(|allowance| {
                to_js(&Placeholder {
                    language: lang.tag(),
                    text: placeholder_text(lang, &allowance.third_parties, &allowance.purposes),
                    allow: placeholder_allow(lang),
                    grants: allowance.grants,
                })
            })
    })
    .flatten()
    .unwrap_or(JsValue::UNDEFINED)
}

/// The ids of the consent purposes (the ones a user answers), in configuration order.
#[wasm_bindgen(js_name = consentPurposes)]
pub fn consent_purposes() -> Vec<String> {
    session::with(|s| {
        s.rules
            .purposes()
            .iter()
            .filter(|p| !p.legal_basis.is_always_granted())
            .map(|p| p.id.clone())
            .collect()
    })
    .unwrap_or_default()
}

/// What the first layer says because of the visitor's record, in the current
/// language: `null` when nothing changed since the recorded choice, else the
/// re-consent list, the words around it and what its two buttons record. The loader
/// renders the rest of the banner from the build's `banner.<lang>.json`.
#[wasm_bindgen(js_name = bannerChanges)]
pub fn banner_changes() -> Result<JsValue, JsError> {
    session::with(|s| to_js(&s.banner_changes())).ok_or_else(not_started)
}

/// The just-in-time notice for a configured device permission (`assent.explain`), in
/// the current language, from the build's texts file (`texts`): its name, purpose, who
/// asks, what refusing costs and the two buttons' words. An unknown id is an error
/// naming it and the configured ids.
#[wasm_bindgen(js_name = permissionText)]
pub fn permission_text(id: &str, texts: JsValue) -> Result<JsValue, JsError> {
    session::with(|s| {
        let texts = read_texts(s, texts)?;
        assent::explain::notice(&texts, id, s.language)
            .map(|text| to_js(&text))
            .map_err(|error| JsError::new(&error.to_string()))
    })
    .ok_or_else(not_started)?
}
