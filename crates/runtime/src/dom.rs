//! The DOM edge: finds gated elements and claims the ones the core allows, and
//! reads the page facts the core needs (languages, randomness, the GPC signal).
//!
//! A gated element carries `data-assent="EXPR"` and no live source:
//! - a script is `<script type="text/plain">` (inline) or the same with `data-src`;
//!   activation replaces it with a real script that keeps every other attribute
//!   (nonce included);
//! - any other element (`iframe`, `img`, `link`, `video`, `source`, ...) has its URL in
//!   `data-src`, `data-srcset` or `data-href`; activation moves them to the real
//!   attributes. A blocked iframe gets a placeholder just before it that names the
//!   third party and purposes and offers to allow them.
//!
//! Claimed elements are marked `data-assent-state="claimed"` and the loader
//! (www/loader/gating.js) makes them live and marks them `ran`, so nothing ever runs twice.
//! Deciding *whether* an element may run is the core's [`GateExpression`]; this
//! module only applies it.

use assent::decision::ConsentState;
use assent::gate::GateExpression;
use assent::ui_text::{placeholder_allow, placeholder_text};
use assent::{Lang, Rules};
use wasm_bindgen::JsCast;
use web_sys::Element;

const PENDING: &str = "[data-assent]:not([data-assent-state])";
const STATE_ATTRIBUTE: &str = "data-assent-state";
/// Marks a gated element that already has its placeholder.
const PLACEHOLDER_SHOWN: &str = "data-assent-placeholder-shown";

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn is_script(element: &Element) -> bool {
    element.tag_name().eq_ignore_ascii_case("script")
}

/// The gated elements that may run now, in document order. Each is marked `claimed`
/// so a second scan (a later decision, a racing call, a mutation) never returns it
/// again. A script that is not `type="text/plain"` is already live: it is left alone.
pub fn claim_runnable(state: &ConsentState, rules: &Rules, lang: Lang) -> Vec<Element> {
    let Some(list) = document().and_then(|d| d.query_selector_all(PENDING).ok()) else {
        return Vec::new();
    };
    let mut runnable = Vec::new();
    for i in 0..list.length() {
        let Some(element) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if is_script(&element) && element.get_attribute("type").as_deref() != Some("text/plain") {
            continue;
        }
        let expression =
            GateExpression::parse(&element.get_attribute("data-assent").unwrap_or_default());
        if expression.allows(state) {
            let _ = element.set_attribute(STATE_ATTRIBUTE, "claimed");
            runnable.push(element);
        } else if element.tag_name().eq_ignore_ascii_case("iframe")
            && !element.has_attribute(PLACEHOLDER_SHOWN)
        {
            show_placeholder(&element, &expression, rules, lang);
        }
    }
    runnable
}

/// Inserts, just before a blocked iframe, a placeholder with what it needs and an
/// "allow" button (`data-assent-action="allow"`, handled by the loader).
fn show_placeholder(element: &Element, expression: &GateExpression, rules: &Rules, lang: Lang) {
    let Some(allowance) = expression.allowance(rules, lang) else {
        return;
    };
    let Some(document) = document() else {
        return;
    };
    let build = || -> Option<Element> {
        let placeholder = document.create_element("div").ok()?;
        placeholder.set_class_name("assent-placeholder");
        placeholder
            .set_attribute("data-assent-placeholder", &allowance.grants.join(" "))
            .ok()?;
        placeholder.set_attribute("lang", lang.tag()).ok()?;
        let text = document.create_element("p").ok()?;
        text.set_text_content(Some(&placeholder_text(
            lang,
            &allowance.third_parties,
            &allowance.purposes,
        )));
        let button = document.create_element("button").ok()?;
        button.set_attribute("type", "button").ok()?;
        button.set_attribute("data-assent-action", "allow").ok()?;
        button
            .set_attribute("data-assent-allow", &allowance.grants.join(" "))
            .ok()?;
        button.set_text_content(Some(placeholder_allow(lang)));
        placeholder.append_child(&text).ok()?;
        placeholder.append_child(&button).ok()?;
        element
            .parent_node()?
            .insert_before(&placeholder, Some(element))
            .ok()?;
        Some(placeholder)
    };
    if build().is_some() {
        let _ = element.set_attribute(PLACEHOLDER_SHOWN, "");
    }
}

/// `navigator.globalPrivacyControl === true` (absent in most browsers: false).
pub fn global_privacy_control() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window.navigator(), &"globalPrivacyControl".into())
        .map(|v| v.as_bool() == Some(true))
        .unwrap_or(false)
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
