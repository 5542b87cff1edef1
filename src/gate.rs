//! Gate expressions: the `data-assent` attribute of a gated element says which
//! answers it needs before it may run.
//!
//! - `"analytics"`: runs when analytics is granted;
//! - `"analytics marketing"`: every id must be granted;
//! - `"!analytics"`: runs when analytics is refused (not while undecided);
//! - an unknown id or an empty expression never runs: failing closed.

use crate::decision::ConsentState;

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
    /// Parses whitespace-separated ids, each optionally prefixed by `!`.
    pub fn parse(attribute: &str) -> GateExpression {
        let terms = attribute
            .split_whitespace()
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{apply_choice, Choice, DecisionContext};
    use crate::language::Lang;
    use crate::record::Method;
    use crate::test_support::small_config;

    fn state(choice: Option<Choice>) -> ConsentState {
        let config = small_config();
        let ctx = DecisionContext {
            now: 1,
            random: [0; 16],
            language: Lang::En,
            method: Method::Api,
        };
        let record = choice.map(|c| apply_choice(&config, None, &c, ctx).unwrap());
        ConsentState::new(&config, record.as_ref())
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
