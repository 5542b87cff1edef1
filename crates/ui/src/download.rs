//! Small browser helpers for the dialog: a date in the user's language, and saving a
//! JSON value as a file (the consent receipt) without any inline script or style.

use assent::Lang;
use wasm_bindgen::{JsCast, JsValue};

/// `ms` since the epoch as a date in `lang` (the browser's own formatting).
pub fn date(ms: f64, lang: Lang) -> String {
    js_sys::Date::new(&JsValue::from_f64(ms))
        .to_locale_date_string(lang.tag(), &JsValue::UNDEFINED)
        .into()
}

/// Offers `value`, pretty-printed, as `consent-receipt-<consentId>.json`.
pub fn json(value: &JsValue) {
    if save(value).is_none() {
        web_sys::console::error_1(&"assent: the receipt could not be saved".into());
    }
}

fn save(value: &JsValue) -> Option<()> {
    let text =
        js_sys::JSON::stringify_with_replacer_and_space(value, &JsValue::NULL, &2.into()).ok()?;
    let id = js_sys::Reflect::get(value, &"consentId".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let parts = js_sys::Array::of1(&text);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(&format!("consent-receipt-{id}.json"));
    document.body()?.append_child(&link).ok()?;
    link.click();
    link.remove();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}
