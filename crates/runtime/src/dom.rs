//! The DOM edge: finds gated elements and activates the ones the core allows, and
//! reads the page facts the core needs (languages, randomness).
//!
//! A gated script is `<script type="text/plain" data-assent="EXPR">` (inline) or the
//! same with `data-src` (external). Activation replaces it with a real script that
//! keeps every other attribute (nonce included) and is marked
//! `data-assent-state="ran"`, so no element ever runs twice. Deciding *whether* an
//! element may run is the core's [`GateExpression`]; this module only applies it.

use assent::decision::ConsentState;
use assent::gate::GateExpression;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlScriptElement};

const PENDING_SCRIPTS: &str = "script[type='text/plain'][data-assent]:not([data-assent-state])";
const STATE_ATTRIBUTE: &str = "data-assent-state";
/// Attributes that describe the gating itself and are not copied to the live element.
const GATING_ATTRIBUTES: [&str; 4] = ["type", "data-src", "data-type", STATE_ATTRIBUTE];

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The gated elements that may run now, in document order. Each is marked `claimed`
/// so a second scan (a later decision, a racing call) never returns it again.
pub fn claim_runnable(state: &ConsentState) -> Vec<Element> {
    let Some(list) = document().and_then(|d| d.query_selector_all(PENDING_SCRIPTS).ok()) else {
        return Vec::new();
    };
    let mut runnable = Vec::new();
    for i in 0..list.length() {
        let Some(element) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let expression =
            GateExpression::parse(&element.get_attribute("data-assent").unwrap_or_default());
        if expression.allows(state) {
            let _ = element.set_attribute(STATE_ATTRIBUTE, "claimed");
            runnable.push(element);
        }
    }
    runnable
}

/// Replaces a claimed gated script with a live one. Returns the live element when it
/// is external, so the loader can wait for it before running the next (document
/// order); inline scripts have run when this returns.
pub fn activate(gated: &Element) -> Option<Element> {
    let document = document()?;
    let live: HtmlScriptElement = document.create_element("script").ok()?.dyn_into().ok()?;
    let attributes = gated.attributes();
    for i in 0..attributes.length() {
        let Some(attr) = attributes.item(i) else {
            continue;
        };
        let name = attr.name();
        if !GATING_ATTRIBUTES.contains(&name.as_str()) && name != "nonce" {
            let _ = live.set_attribute(&name, &attr.value());
        }
    }
    // The nonce attribute reads empty once parsed; the property keeps the value.
    if let Some(html) = gated.dyn_ref::<web_sys::HtmlElement>() {
        let nonce = html.nonce();
        if !nonce.is_empty() {
            live.set_nonce(&nonce);
        }
    }
    if let Some(kind) = gated.get_attribute("data-type") {
        live.set_type(&kind);
    }
    let _ = live.set_attribute(STATE_ATTRIBUTE, "ran");
    let external = gated.get_attribute("data-src");
    match &external {
        Some(src) => {
            // Dynamically inserted scripts are async by default; keep document order.
            live.set_async(false);
            live.set_src(src);
        }
        None => live
            .set_text(&gated.text_content().unwrap_or_default())
            .ok()?,
    }
    gated.parent_node()?.replace_child(&live, gated).ok()?;
    external.map(|_| live.into())
}

/// `navigator.languages`, most preferred first.
pub fn browser_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    window
        .navigator()
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

/// The page's `<html lang>`.
pub fn page_language() -> Option<String> {
    let lang = document()?.document_element()?.get_attribute("lang")?;
    (!lang.is_empty()).then_some(lang)
}

/// 16 bytes from `crypto.getRandomValues` (works on plain http, unlike
/// `randomUUID`). `None` when the page has no crypto: then nothing is recorded.
pub fn random_bytes() -> Option<[u8; 16]> {
    let mut bytes = [0u8; 16];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(bytes)
}
