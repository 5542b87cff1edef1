//! The DOM edge: finds gated elements and activates the ones the core allows, and
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
//! Every activated element is marked `data-assent-state="ran"`, so nothing ever runs
//! twice. Deciding *whether* an element may run is the core's [`GateExpression`];
//! this module only applies it.

use assent::decision::ConsentState;
use assent::gate::GateExpression;
use assent::ui_text::{placeholder_allow, placeholder_text};
use assent::{Config, Lang};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlScriptElement};

const PENDING: &str = "[data-assent]:not([data-assent-state])";
const STATE_ATTRIBUTE: &str = "data-assent-state";
/// Marks a gated element that already has its placeholder.
const PLACEHOLDER_SHOWN: &str = "data-assent-placeholder-shown";
/// Attributes that describe the gating itself and are not copied to a live script.
const GATING_ATTRIBUTES: [&str; 5] = [
    "type",
    "data-src",
    "data-type",
    STATE_ATTRIBUTE,
    PLACEHOLDER_SHOWN,
];
/// Deferred URL attributes of non-script elements, and where each goes.
const DEFERRED_URLS: [(&str, &str); 3] = [
    ("data-src", "src"),
    ("data-srcset", "srcset"),
    ("data-href", "href"),
];

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn is_script(element: &Element) -> bool {
    element.tag_name().eq_ignore_ascii_case("script")
}

/// The gated elements that may run now, in document order. Each is marked `claimed`
/// so a second scan (a later decision, a racing call, a mutation) never returns it
/// again. A script that is not `type="text/plain"` is already live: it is left alone.
pub fn claim_runnable(state: &ConsentState, config: &Config, lang: Lang) -> Vec<Element> {
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
            show_placeholder(&element, &expression, config, lang);
        }
    }
    runnable
}

/// Inserts, just before a blocked iframe, a placeholder with what it needs and an
/// "allow" button (`data-assent-action="allow"`, handled by the loader).
fn show_placeholder(element: &Element, expression: &GateExpression, config: &Config, lang: Lang) {
    let Some(allowance) = expression.allowance(config, lang) else {
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

/// Makes a claimed element live. Returns the live element when it is an external
/// script, so the loader can wait for it before running the next (document order);
/// inline scripts have run, and other elements have started loading, when this returns.
pub fn activate(gated: &Element, page_nonce: Option<&str>) -> Option<Element> {
    if is_script(gated) {
        return activate_script(gated, page_nonce);
    }
    if gated.has_attribute(PLACEHOLDER_SHOWN) {
        if let Some(previous) = gated.previous_element_sibling() {
            if previous.has_attribute("data-assent-placeholder") {
                previous.remove();
            }
        }
        let _ = gated.remove_attribute(PLACEHOLDER_SHOWN);
    }
    let _ = gated.set_attribute(STATE_ATTRIBUTE, "ran");
    // srcset before src: an img picks its source when src is set.
    for (deferred, live) in DEFERRED_URLS.iter().rev() {
        if let Some(url) = gated.get_attribute(deferred) {
            let _ = gated.set_attribute(live, &url);
            let _ = gated.remove_attribute(deferred);
        }
    }
    None
}

fn activate_script(gated: &Element, page_nonce: Option<&str>) -> Option<Element> {
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
    let own = gated
        .dyn_ref::<web_sys::HtmlElement>()
        .map(|html| html.nonce())
        .filter(|n| !n.is_empty());
    if let Some(nonce) = own.as_deref().or(page_nonce) {
        live.set_nonce(nonce);
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
