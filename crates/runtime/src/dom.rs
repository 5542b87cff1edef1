//! The browser facts the core needs, read here: the Global Privacy Control signal and
//! randomness. The runtime touches no element: the loader owns the page
//! (www/loader/), and the language is its choice too (www/loader/language.js).

/// `navigator.globalPrivacyControl === true` (absent in most browsers: false).
pub fn global_privacy_control() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window.navigator(), &"globalPrivacyControl".into())
        .map(|v| v.as_bool() == Some(true))
        .unwrap_or(false)
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
