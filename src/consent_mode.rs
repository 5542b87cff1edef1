//! Google Consent Mode v2 signals from the current answers: each consent type the
//! configuration maps is `granted` when every purpose it needs is granted, `denied`
//! otherwise (undecided included). Types the configuration leaves out are `denied`.
//! The loader pushes them to `dataLayer`; this module only computes them.

use std::collections::BTreeMap;

use crate::decision::ConsentState;
use crate::rules::Rules;

/// The `gtag('consent', 'update', ...)` argument, or `None` when the configuration
/// has no `consentMode`.
pub fn signals(
    rules: &Rules,
    state: &ConsentState,
) -> Option<BTreeMap<&'static str, &'static str>> {
    let mode = rules.consent_mode()?;
    Some(
        mode.types()
            .into_iter()
            .map(|(name, needs)| {
                let granted =
                    needs.is_some_and(|ids| ids.iter().all(|id| state.get(id) == Some(true)));
                (name, if granted { "granted" } else { "denied" })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConsentMode;
    use crate::decision::{apply_choice, Choice};

    use crate::record::Method;
    use crate::test_support::{rules_of, small_config};

    #[test]
    fn each_type_follows_all_its_purposes_and_unmapped_types_are_denied() {
        let mut config = small_config();
        let rules = rules_of(&config);
        assert_eq!(
            signals(&rules, &ConsentState::new(&rules, None, false)),
            None
        );
        config.consent_mode = Some(ConsentMode {
            analytics_storage: Some(vec!["analytics".into()]),
            ad_storage: Some(vec!["analytics".into(), "marketing".into()]),
            security_storage: Some(vec!["necessary".into()]),
            ..ConsentMode::default()
        });
        let rules = rules_of(&config);
        let undecided = signals(&rules, &ConsentState::new(&rules, None, false)).unwrap();
        assert_eq!(undecided["analytics_storage"], "denied");
        assert_eq!(undecided["security_storage"], "granted");
        let context = crate::test_support::context(1, Method::Api);
        let set = Choice::Set([("analytics".to_string(), true)].into());
        let record = apply_choice(&rules, None, &set, context).unwrap();
        let after = signals(&rules, &ConsentState::new(&rules, Some(&record), false)).unwrap();
        assert_eq!(after["analytics_storage"], "granted");
        assert_eq!(after["ad_storage"], "denied", "needs marketing too");
        assert_eq!(after["ad_personalization"], "denied", "not mapped");
        assert_eq!(after.len(), 7);
    }
}
