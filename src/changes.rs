//! What changed since the user last chose, as the re-consent prompt shows it: each
//! purpose or third party asked again ([`crate::decision::Change`]), new or changed,
//! with what is new about it (data items it did not use before) rather than the whole
//! text again.
//!
//! The record holds each item's fingerprint, enough to know *that* something changed.
//! To say *what* changed, the runtime keeps a baseline beside the record: the data
//! items each purpose and third party listed when the user last chose
//! ([`baseline`], key [`BASELINE_KEY`]). Without it (cleared, unreadable) a changed
//! item is shown with all its data, which is never less than the truth.
//!
//! Everything here runs on [`Rules`]: the names and details the list shows are the
//! compiled configuration's `names` (`crate::compile` writes them from the texts).

use serde::Serialize;
use serde_json::Value;

use crate::decision::Change;
use crate::language::Lang;
use crate::rules::Rules;
use crate::ui_text::ui_text;

/// localStorage key of the baseline, beside the record's.
pub const BASELINE_KEY: &str = "assent.baseline";

/// The baseline to store with a decision: every purpose's and third party's data
/// item ids, as JSON.
pub fn baseline(rules: &Rules) -> String {
    let mut items = serde_json::Map::new();
    for purpose in rules.purposes() {
        items.insert(purpose.id.clone(), purpose.data_items.clone().into());
    }
    for third_party in rules.third_parties() {
        items.insert(
            third_party.id.clone(),
            third_party.data_shared.clone().into(),
        );
    }
    Value::Object(items).to_string()
}

/// One item of the re-consent prompt, in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeText {
    pub id: String,
    /// "New" or "Changed".
    pub status: &'static str,
    /// The purpose's or third party's name (with its company).
    pub name: String,
    /// What it is now: the purpose's description, or the third party's purpose of use.
    pub detail: String,
    /// The data items it uses that it did not use before (all of them when new or
    /// when no baseline is kept), as one sentence; none when there are none.
    pub new_data: Option<String>,
    /// A purpose that needs separate consent (or a third party serving one): accepting
    /// the changes leaves it refused; its own action in the preferences grants it.
    #[serde(skip)]
    pub separate: bool,
    /// Says so, when `separate`.
    pub note: Option<&'static str>,
}

/// The prompt's items for `changes`, in `lang`, against the stored `baseline` text.
pub fn describe(
    rules: &Rules,
    changes: &[Change],
    baseline: Option<&str>,
    lang: Lang,
) -> Vec<ChangeText> {
    // Read through `Value`, the one JSON reader the runtime already carries.
    let before: Option<Value> = baseline.and_then(|text| serde_json::from_str(text).ok());
    let t = ui_text(lang);
    changes
        .iter()
        .filter_map(|change| {
            let (name, detail, data, separate) = if let Some(p) = rules.purpose(&change.id) {
                let names = rules.purpose_names(&p.id, lang)?;
                (
                    &names.name,
                    &names.detail,
                    &p.data_items,
                    p.separate_consent,
                )
            } else {
                let tp = rules.third_party(&change.id)?;
                let names = rules.third_party_names(&tp.id, lang)?;
                let separate = rules.third_party_needs_separate_consent(tp);
                (&names.listed_name, &names.detail, &tp.data_shared, separate)
            };
            let known = before
                .as_ref()
                .and_then(|items| items.get(&change.id)?.as_array())
                .filter(|_| !change.new);
            let new_data: Vec<&str> = data
                .iter()
                .filter(|id| known.is_none_or(|known| !known.iter().any(|k| k == id.as_str())))
                .filter_map(|id| rules.data_item_name(id, lang))
                .collect();
            let separator = if lang == Lang::ZhCn { "、" } else { ", " };
            Some(ChangeText {
                id: change.id.clone(),
                status: if change.new {
                    t.change_new
                } else {
                    t.change_changed
                },
                name: name.clone(),
                detail: detail.clone(),
                new_data: (!new_data.is_empty())
                    .then(|| format!("{}{}", t.change_new_data, new_data.join(separator))),
                separate,
                note: separate.then_some(t.change_separate),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{apply_choice, Choice, ConsentState};
    use crate::record::Method;
    use crate::test_support::{rules_of, small_rules};

    #[test]
    fn names_only_the_data_that_is_new() {
        let rules = small_rules();
        let context = crate::test_support::context(1, Method::Banner);
        let record = apply_choice(&rules, None, &Choice::AcceptAll, context).unwrap();
        let kept = baseline(&rules);

        let mut json: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/small-config.json")).unwrap();
        let before = json["thirdParties"][0]["dataShared"]
            .as_array()
            .unwrap()
            .len();
        json["dataItems"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "id": "precise-location", "sensitive": true,
                "name": {"zh-CN": "精确位置", "en": "Precise location"}
            }));
        json["thirdParties"][0]["dataShared"]
            .as_array_mut()
            .unwrap()
            .push("precise-location".into());
        let changed = rules_of(&crate::Config::parse(&json.to_string()).unwrap());
        let state = ConsentState::new(&changed, Some(&record), false);
        let texts = describe(&changed, &state.changes, Some(&kept), Lang::En);
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].id, "stats-sdk");
        assert_eq!(texts[0].status, "Changed");
        assert_eq!(
            texts[0].new_data.as_deref(),
            Some("New personal information: Precise location"),
            "only what is new"
        );

        // Without a baseline, everything it uses is listed.
        let texts = describe(&changed, &state.changes, None, Lang::ZhCn);
        let listed = texts[0].new_data.as_deref().unwrap().split('、').count();
        assert_eq!(listed, before + 1);
        assert_eq!(texts[0].status, "有变化");
    }
}
