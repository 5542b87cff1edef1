//! Gate expressions: the `data-assent` attribute of a gated element says which
//! answers it needs before it may run.
//!
//! - `"analytics"`: runs when analytics is granted;
//! - `"analytics marketing"`: every id must be granted;
//! - `"!analytics"`: runs when analytics is refused (not while undecided);
//! - an unknown id or an empty expression never runs: failing closed.
//!
//! A blocked element's placeholder ([`GateExpression::allowance`]) names what it needs
//! from the rules' compiled names ([`Rules`]).

use crate::decision::ConsentState;
use crate::language::Lang;
use crate::rules::{Purpose, Rules, Subject};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateExpression {
    terms: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Term {
    id: String,
    negated: bool,
}

impl GateExpression {
    /// Parses ids separated by ASCII whitespace (as HTML splits an attribute's tokens;
    /// any other space is part of an id), each optionally prefixed by `!`.
    pub fn parse(attribute: &str) -> GateExpression {
        let terms = attribute
            .split_ascii_whitespace()
            .map(|word| match word.strip_prefix('!') {
                Some(id) => Term {
                    id: id.to_string(),
                    negated: true,
                },
                None => Term {
                    id: word.to_string(),
                    negated: false,
                },
            })
            .collect();
        GateExpression { terms }
    }

    /// Whether the element may run now. Undecided answers never satisfy a term.
    pub fn allows(&self, state: &ConsentState) -> bool {
        !self.terms.is_empty()
            && self
                .terms
                .iter()
                .all(|t| !t.id.is_empty() && state.get(&t.id) == Some(!t.negated))
    }

    /// The ids the expression names, for placeholders and messages.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|t| t.id.as_str())
    }

    /// What a blocked element's placeholder offers: the names of the third parties
    /// and purposes it needs, and the consent purposes that allowing it grants. `None`
    /// when no single "allow" can unblock it (a negated or unknown id).
    pub fn allowance(&self, rules: &Rules, lang: Lang) -> Option<Allowance> {
        if self.terms.is_empty() {
            return None;
        }
        let mut allowance = Allowance::default();
        for term in &self.terms {
            if term.negated {
                return None;
            }
            let purposes: Vec<&Purpose> = match rules.subject(&term.id)? {
                Subject::Purpose(purpose) => vec![purpose],
                Subject::ThirdParty(third_party) => {
                    let names = rules.third_party_names(&third_party.id, lang)?;
                    allowance.third_parties.push(names.name.clone());
                    // Its own switch too, in case it was refused by that alone.
                    if rules.third_party_refusable(third_party) {
                        allowance.grants.push(third_party.id.clone());
                    }
                    third_party
                        .purposes
                        .iter()
                        .filter_map(|id| rules.purpose(id))
                        .collect()
                }
            };
            for purpose in purposes
                .into_iter()
                .filter(|p| !p.legal_basis.is_always_granted())
            {
                if !allowance.grants.contains(&purpose.id) {
                    let names = rules.purpose_names(&purpose.id, lang)?;
                    allowance.grants.push(purpose.id.clone());
                    allowance.purposes.push(names.name.clone());
                }
            }
        }
        Some(allowance)
    }
}

/// See [`GateExpression::allowance`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowance {
    /// Names of the third parties the element belongs to, in the page's language.
    pub third_parties: Vec<String>,
    /// Names of the consent purposes it needs.
    pub purposes: Vec<String>,
    /// Ids of those purposes and of the third parties with their own switch: what
    /// "allow" sets to granted.
    pub grants: Vec<String>,
}

#[cfg(test)]
mod allowance_tests {
    use super::*;
    use crate::test_support::small_rules;

    #[test]
    fn names_the_third_party_and_grants_its_consent_purposes() {
        let rules = small_rules();
        let allowance = GateExpression::parse("ad-sdk")
            .allowance(&rules, Lang::En)
            .unwrap();
        assert_eq!(allowance.third_parties, ["Ad SDK"]);
        assert_eq!(allowance.purposes, ["Analytics", "Marketing"]);
        assert_eq!(allowance.grants, ["ad-sdk", "analytics", "marketing"]);
        let zh = GateExpression::parse("analytics necessary")
            .allowance(&rules, Lang::ZhCn)
            .unwrap();
        assert_eq!(
            zh.purposes,
            ["统计分析"],
            "always-granted purposes need no allowing"
        );
        assert_eq!(
            GateExpression::parse("!analytics").allowance(&rules, Lang::En),
            None
        );
        assert_eq!(
            GateExpression::parse("nope").allowance(&rules, Lang::En),
            None
        );
    }
}

#[cfg(test)]
mod vector_tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The shared gate vectors (tests/fixtures/gate-vectors.json), which the loader's
    /// rule (www/loader/gating.js) is tested on in Chromium.
    #[test]
    fn the_gate_rule_allows_as_the_shared_vectors_say() {
        let text = include_str!("../tests/fixtures/gate-vectors.json");
        let vectors: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut count = 0;
        for group in vectors["groups"].as_array().unwrap() {
            let answers: BTreeMap<String, Option<bool>> = group["decisions"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(id, answer)| (id.clone(), answer.as_bool()))
                .collect();
            let state = ConsentState {
                answers,
                needs_decision: false,
                refused: Default::default(),
                changes: Vec::new(),
            };
            for case in group["cases"].as_array().unwrap() {
                let expression = case[0].as_str().unwrap();
                let expected = case[1].as_bool().unwrap();
                assert_eq!(
                    GateExpression::parse(expression).allows(&state),
                    expected,
                    "{}: {expression:?}",
                    group["name"]
                );
                count += 1;
            }
        }
        assert!(count >= 30, "{count} cases");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{apply_choice, Choice};

    use crate::record::Method;
    use crate::test_support::small_rules;

    fn state(choice: Option<Choice>) -> ConsentState {
        let rules = small_rules();
        let ctx = crate::test_support::context(1, Method::Api);
        let record = choice.map(|c| apply_choice(&rules, None, &c, ctx).unwrap());
        ConsentState::new(&rules, record.as_ref(), false)
    }

    #[test]
    fn single_several_and_negated_ids() {
        let analytics_only = state(Some(Choice::Set([("analytics".into(), true)].into())));
        assert!(GateExpression::parse("analytics").allows(&analytics_only));
        assert!(!GateExpression::parse("analytics marketing").allows(&analytics_only));
        assert!(GateExpression::parse("  analytics\tnecessary ").allows(&analytics_only));
        assert!(GateExpression::parse("!marketing").allows(&analytics_only));
        assert!(!GateExpression::parse("!analytics").allows(&analytics_only));
        assert!(
            GateExpression::parse("stats-sdk").allows(&analytics_only),
            "third party ids work"
        );
    }

    #[test]
    fn undecided_unknown_and_empty_never_run() {
        let undecided = state(None);
        assert!(!GateExpression::parse("analytics").allows(&undecided));
        assert!(
            !GateExpression::parse("!analytics").allows(&undecided),
            "negation needs a refusal"
        );
        let accepted = state(Some(Choice::AcceptAll));
        assert!(!GateExpression::parse("no-such-purpose").allows(&accepted));
        assert!(!GateExpression::parse("").allows(&accepted));
        assert!(!GateExpression::parse("!").allows(&accepted));
    }
}
