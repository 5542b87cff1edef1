//! The WebAssembly API of the UI module: `mount`, `show`, `hide`. Plain data in;
//! choices go out through the JS functions the loader passes to `mount`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use assent::compiled::Disclosures;
use assent::record::Age;
use assent::Lang;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::{AppHandle, Callback, Renderer};

use crate::app::{App, AppProps, SharedConfig, UiChoice, View};

thread_local! {
    static HANDLE: RefCell<Option<(AppHandle<App>, AppProps)>> = const { RefCell::new(None) };
}

/// What the loader passes in a snapshot that the UI needs.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotIn {
    decisions: BTreeMap<String, Option<bool>>,
    language: String,
    #[serde(default)]
    gpc_honoured: bool,
    #[serde(default)]
    consent_id: Option<String>,
    #[serde(default)]
    updated_at: Option<f64>,
    #[serde(default)]
    refused: BTreeSet<String>,
    #[serde(default)]
    age: Option<String>,
    #[serde(default)]
    minimum_age: Option<u8>,
    #[serde(default)]
    changes: Vec<ChangeIn>,
}

#[derive(serde::Deserialize)]
struct ChangeIn {
    id: String,
    new: bool,
}

/// Takes what the dialog shows from a snapshot: the recorded answers and the consent,
/// the third parties' own refusals, what changed, the age answer, the GPC note, the
/// language. The one place a snapshot reaches the props, for `mount` and `show`.
fn take_snapshot(props: &mut AppProps, snapshot: SnapshotIn) {
    props.consent = snapshot.consent_id.zip(snapshot.updated_at);
    props.changes = Rc::new(
        snapshot
            .changes
            .into_iter()
            .map(|c| (c.id, c.new))
            .collect(),
    );
    props.refused = Rc::new(snapshot.refused);
    props.age = snapshot.age.as_deref().and_then(Age::parse);
    props.minimum_age = snapshot.minimum_age;
    props.gpc_honoured = snapshot.gpc_honoured;
    props.language = Lang::from_tag(&snapshot.language).unwrap_or(props.language);
    props.decisions = Rc::new(snapshot.decisions);
}

fn read_snapshot(snapshot: JsValue) -> Result<SnapshotIn, JsError> {
    serde_wasm_bindgen::from_value(snapshot)
        .map_err(|e| JsError::new(&format!("bad snapshot: {e}")))
}

fn view_from(name: &str) -> Result<View, JsError> {
    match name {
        "preferences" => Ok(View::Preferences),
        "hidden" => Ok(View::Hidden),
        other => Err(JsError::new(&format!("unknown view {other:?}"))),
    }
}

/// One function of the loader's `callbacks` object.
fn callback(callbacks: &JsValue, name: &str) -> Result<js_sys::Function, JsError> {
    js_sys::Reflect::get(callbacks, &name.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| JsError::new(&format!("mount needs callbacks.{name}")))
}

/// Renders the UI into `host` from the build's disclosures file (`disclosures`, of the
/// build whose configuration digest is `digest`; a faulty one mounts nothing and the
/// error says why). `callbacks` holds the loader's functions: `choose(kind,
/// set, method, age)` (`age` the answer to the age question, or undefined) with `kind` `accept-all`, `reject-all` or `set`; `language(tag)` when
/// the user switches; `close()` when the dialog is closed without a choice;
/// `receipt()`, the consent receipt the dialog offers to download.
#[wasm_bindgen]
pub fn mount(
    host: Element,
    disclosures: JsValue,
    digest: &str,
    snapshot: JsValue,
    view: &str,
    callbacks: JsValue,
) -> Result<(), JsError> {
    let on_choice = callback(&callbacks, "choose")?;
    let on_language = callback(&callbacks, "language")?;
    let on_close = callback(&callbacks, "close")?;
    let get_receipt = callback(&callbacks, "receipt")?;
    // The build's disclosures file, as `JSON.parse` gave it: decoded and checked for
    // its structure only (`assent build` validated the configuration it came from),
    // against the build of the compiled configuration the runtime runs on.
    let config: Disclosures = serde_wasm_bindgen::from_value(disclosures)
        .map_err(|error| JsError::new(&format!("not a build's disclosures file: {error}")))?;
    config
        .check(digest)
        .map_err(|error| JsError::new(&format!("faulty disclosures file: {error}")))?;
    let snapshot = read_snapshot(snapshot)?;
    let on_choice = Callback::from(move |choice: UiChoice| {
        let (kind, set, method, age) = choice.to_js();
        if let Err(error) = on_choice.call4(&JsValue::NULL, &kind, &set, &method, &age) {
            web_sys::console::error_2(&"assent: recording the choice failed".into(), &error);
        }
    });
    let on_language = Callback::from(move |lang: Lang| {
        let _ = on_language.call1(&JsValue::NULL, &lang.tag().into());
    });
    let on_close = Callback::from(move |()| {
        let _ = on_close.call0(&JsValue::NULL);
    });
    let on_download = Callback::from(move |()| match get_receipt.call0(&JsValue::NULL) {
        Ok(receipt) if !receipt.is_undefined() => crate::download::json(&receipt),
        _ => web_sys::console::error_1(&"assent: no receipt to download".into()),
    });
    let mut props = AppProps {
        config: SharedConfig(Rc::new(config)),
        view: view_from(view)?,
        language: Lang::ZhCn,
        // From the snapshot, below.
        decisions: Rc::default(),
        refused: Rc::default(),
        changes: Rc::default(),
        age: None,
        minimum_age: None,
        gpc_honoured: false,
        consent: None,
        on_download,
        generation: 0,
        on_choice,
        on_language,
        on_close,
    };
    take_snapshot(&mut props, snapshot);
    let handle = Renderer::<App>::with_root_and_props(host, props.clone()).render();
    HANDLE.with(|h| *h.borrow_mut() = Some((handle, props)));
    Ok(())
}

/// Shows a view with fresh decisions (the dialog's toggles start from them).
#[wasm_bindgen]
pub fn show(view: &str, snapshot: JsValue) -> Result<(), JsError> {
    let view = view_from(view)?;
    let snapshot = read_snapshot(snapshot)?;
    HANDLE.with(|h| {
        let mut slot = h.borrow_mut();
        let (handle, props) = slot
            .as_mut()
            .ok_or_else(|| JsError::new("the UI is not mounted"))?;
        props.view = view;
        take_snapshot(props, snapshot);
        props.generation += 1;
        handle.update(props.clone());
        Ok(())
    })
}

/// Hides whatever is shown.
#[wasm_bindgen]
pub fn hide() {
    HANDLE.with(|h| {
        if let Some((handle, props)) = h.borrow_mut().as_mut() {
            props.view = View::Hidden;
            props.generation += 1;
            handle.update(props.clone());
        }
    });
}
