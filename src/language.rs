//! The two languages Assent speaks, and how a language tag maps to one: any `zh` tag
//! is zh-CN, everything else en, an empty one is "not given". Which source wins for a
//! visitor (the user's switch, the snippet's `data-lang`, the browser, the page) is
//! decided by the loader before anything loads (www/loader/language.js), which maps
//! tags by the same rule: both are tested against tests/fixtures/language-vectors.json.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
