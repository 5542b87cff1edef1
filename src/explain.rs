//! The just-in-time permission notice (`assent.explain(permission)`): before a page
//! calls the browser's or the app's permission prompt, it shows the permission's
//! configured purpose, who asks for it and what refusing costs (PIPL Art. 17,
//! GB/T 35273 5.3). This module finds the configured permission an id names in the
//! build's texts (`texts.<digest>.json`) and puts the notice's words together in one
//! language.
//!
//! A notice is not consent: its answer goes back to the page only. Nothing here (or
//! in the shells that show it) grants or refuses a purpose or writes the record.

use std::fmt;

use crate::compiled::{PermissionTexts, Texts};
use crate::ui_text::{explain_heading, ui_text};
use crate::Lang;

/// The notice's words, in one language; the configuration's text where it has it.
/// Serialised as `www/explain.js` renders it (absent fields omitted).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice<'a> {
    pub language: &'static str,
    pub id: &'a str,
    pub heading: String,
    pub name: &'a str,
    pub purpose: &'a str,
    pub requested_by: &'a str,
    pub refusal_consequence: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_note: Option<&'a str>,
    pub intro: &'static str,
    /// The labels of the purpose, requested-by and refusal fields.
    pub purpose_label: &'static str,
    pub requested_by_label: &'static str,
    pub refusal_label: &'static str,
    pub allow: &'static str,
    pub deny: &'static str,
}

/// The id names no configured permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPermission {
    pub id: String,
    /// The configured permission ids, in configuration order.
    pub configured: Vec<String>,
}

impl fmt::Display for UnknownPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown permission {:?}; ", self.id)?;
        if self.configured.is_empty() {
            write!(f, "the configuration lists no permissions")
        } else {
            write!(
                f,
                "the configured permissions are {}",
                self.configured.join(", ")
            )
        }
    }
}

/// The configured permission `id`.
pub fn permission<'a>(
    texts: &'a Texts,
    id: &str,
) -> Result<&'a PermissionTexts, UnknownPermission> {
    texts
        .permissions
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| UnknownPermission {
            id: id.to_string(),
            configured: texts.permissions.iter().map(|p| p.id.clone()).collect(),
        })
}

/// The notice for permission `id` in `lang`.
pub fn notice<'a>(texts: &'a Texts, id: &str, lang: Lang) -> Result<Notice<'a>, UnknownPermission> {
    let permission = permission(texts, id)?;
    let t = ui_text(lang);
    let name = permission.name.get(lang);
    Ok(Notice {
        language: lang.tag(),
        id: &permission.id,
        heading: explain_heading(lang, name),
        name,
        purpose: permission.purpose.get(lang),
        requested_by: permission.requested_by.get(lang),
        refusal_consequence: permission.refusal_consequence.get(lang),
        platform_note: permission.platform_note.as_ref().map(|n| n.get(lang)),
        intro: t.explain_intro,
        purpose_label: t.permission_purpose,
        requested_by_label: t.requested_by,
        refusal_label: t.refusal_consequence,
        allow: t.explain_allow,
        deny: t.explain_deny,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiled::Texts;
    use crate::test_support::texts_of;
    use crate::{Config, DEFAULT_CONFIG_JSON};

    fn seed() -> Texts {
        texts_of(&Config::parse(DEFAULT_CONFIG_JSON).expect("the seed configuration is valid"))
    }

    #[test]
    fn the_camera_notice_carries_the_seed_text_in_each_language() {
        let config = seed();
        let zh = notice(&config, "camera", Lang::ZhCn).unwrap();
        assert_eq!(zh.id, "camera");
        assert_eq!(zh.name, "相机权限");
        assert_eq!(zh.heading, "即将申请相机权限");
        assert!(zh.purpose.starts_with("您可以通过开启相机权限"));
        assert!(zh.refusal_consequence.starts_with("若您不开启此权限"));
        assert_eq!((zh.allow, zh.deny), ("允许", "暂不允许"));
        assert_eq!(zh.platform_note, None);

        let en = notice(&config, "camera", Lang::En).unwrap();
        assert_eq!(en.name, "Camera");
        assert_eq!(en.heading, "Permission request: Camera");
        assert!(en.purpose.starts_with("With the camera permission on"));
        assert!(en.requested_by.starts_with("Scan, avatar settings"));
        assert_eq!((en.allow, en.deny), ("Continue", "Not now"));
    }

    #[test]
    fn a_platform_note_is_passed_on() {
        let config = seed();
        let face_id = notice(&config, "face-id", Lang::En).unwrap();
        assert_eq!(face_id.platform_note, Some("On supported devices"));
    }

    #[test]
    fn an_unknown_id_names_itself_and_every_configured_permission() {
        let config = seed();
        let error = notice(&config, "telepathy", Lang::En).unwrap_err();
        assert_eq!(error.id, "telepathy");
        assert_eq!(error.configured.len(), 11);
        assert_eq!(
            error.to_string(),
            "unknown permission \"telepathy\"; the configured permissions are phone-state, \
             accounts, storage, calendar, microphone, camera, photos, face-id, location, \
             contacts, sms"
        );
    }

    #[test]
    fn a_configuration_without_permissions_says_so() {
        let config = texts_of(&crate::test_support::small_config());
        assert!(config.permissions.is_empty());
        assert_eq!(
            permission(&config, "camera").unwrap_err().to_string(),
            "unknown permission \"camera\"; the configuration lists no permissions"
        );
    }
}
