//! The two languages Assent speaks and how one is chosen for a visitor.
//!
//! Precedence (first that is present wins): the user's own switch, the language named
//! on the loader tag, the browser's first preferred language, the page's `lang`,
//! then zh-CN. Any `zh` tag maps to zh-CN, everything else to en.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP 47 tag Assent uses on the wire and in `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Maps any language tag to one of Assent's languages: `zh`, `zh-TW`, `zh-Hans-CN`
    /// become zh-CN; everything else (including garbage) becomes en. Empty tags are
    /// "not given" and return `None` so that the next source is asked.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim();
        if tag.is_empty() {
            return None;
        }
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") {
            Some(Lang::ZhCn)
        } else {
            Some(Lang::En)
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// Where a language preference can come from, in precedence order.
#[derive(Debug, Default, Clone)]
pub struct LanguageSources<'a> {
    /// The user's explicit switch, remembered in storage.
    pub user_choice: Option<&'a str>,
    /// `data-lang` on the loader tag.
    pub tag: Option<&'a str>,
    /// `navigator.languages`, most preferred first.
    pub browser: &'a [String],
    /// `document.documentElement.lang`.
    pub page: Option<&'a str>,
}

pub fn negotiate(sources: &LanguageSources<'_>) -> Lang {
    sources
        .user_choice
        .and_then(Lang::from_tag)
        .or_else(|| sources.tag.and_then(Lang::from_tag))
        .or_else(|| sources.browser.iter().find_map(|l| Lang::from_tag(l)))
        .or_else(|| sources.page.and_then(Lang::from_tag))
        .unwrap_or(Lang::ZhCn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn zh_variants_map_to_zh_cn_and_everything_else_to_en() {
        for tag in ["zh", "zh-CN", "zh-TW", "zh-Hans-CN", "ZH_cn"] {
            assert_eq!(Lang::from_tag(tag), Some(Lang::ZhCn), "{tag}");
        }
        for tag in ["en", "en-GB", "fr", "de-DE", "x"] {
            assert_eq!(Lang::from_tag(tag), Some(Lang::En), "{tag}");
        }
        assert_eq!(Lang::from_tag("  "), None);
    }

    #[test]
    fn precedence_user_then_tag_then_browser_then_page_then_zh() {
        let browser = langs(&["en-US", "zh-CN"]);
        let all = LanguageSources {
            user_choice: Some("zh-CN"),
            tag: Some("en"),
            browser: &browser,
            page: Some("en"),
        };
        assert_eq!(negotiate(&all), Lang::ZhCn, "the user's switch wins");
        let no_user = LanguageSources {
            user_choice: None,
            tag: Some("zh"),
            ..all.clone()
        };
        assert_eq!(negotiate(&no_user), Lang::ZhCn, "then the tag");
        let no_tag = LanguageSources {
            tag: None,
            ..no_user.clone()
        };
        assert_eq!(
            negotiate(&no_tag),
            Lang::En,
            "then the browser's first language"
        );
        let empty: Vec<String> = vec![];
        let page_only = LanguageSources {
            browser: &empty,
            page: Some("en-GB"),
            ..no_tag.clone()
        };
        assert_eq!(negotiate(&page_only), Lang::En, "then the page");
        assert_eq!(
            negotiate(&LanguageSources::default()),
            Lang::ZhCn,
            "then zh-CN"
        );
    }
}
