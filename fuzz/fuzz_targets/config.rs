//! The configuration parser and validator: `Config::parse`, the one entry point the
//! runtime (`start`), the interface and `assent check` all use.
//!
//! Beyond "no panic, no stack overflow, bounded memory", it checks what the parser
//! promises:
//! - a configuration with problems never yields a `Config`, and every problem has a
//!   JSON path under `$`, a known kind and a message; at most `MAX_LISTED_PROBLEMS`
//!   are listed, then one count of the rest;
//! - a `Config` it does yield is usable: every reference resolves, every id names
//!   the entity it belongs to, and a decision on it produces a record that decodes;
//! - the size limit is exact: padding a valid configuration with whitespace to
//!   `MAX_CONFIG_BYTES` keeps it valid, one byte more is refused as too large (the
//!   fuzzer's inputs stay far below 2 MiB; this reaches the boundary for every valid
//!   configuration it finds).

#![no_main]

use assent::config::{ConsentSubject, Problem, MAX_CONFIG_BYTES, MAX_LISTED_PROBLEMS};
use assent::decision::{apply_choice, Choice, DecisionContext};
use assent::{record, Config, ConfigError, ConsentState, Lang, Method};
use assent_fuzz::{assert_linear_memory, measure};
use libfuzzer_sys::fuzz_target;

const KINDS: [&str; 12] = [
    "syntax",
    "too-large",
    "shape",
    "unsupported-format",
    "bad-id",
    "duplicate-id",
    "unknown-reference",
    "bad-link",
    "empty",
    "invalid",
    "missing-refusal-consequence",
    "too-many-problems",
];

fuzz_target!(|data: &[u8]| {
    // The browser hands the runtime a JavaScript string, `assent check` reads UTF-8;
    // bytes that are not UTF-8 never reach the parser.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (parsed, peak) = measure(|| Config::parse(text));
    assert_linear_memory("Config::parse", text.len(), peak);
    match parsed {
        Err(errors) => check_errors(&errors),
        Ok(config) => {
            check_usable(&config);
            check_size_limit(text);
        }
    }
});

fn check_errors(errors: &[ConfigError]) {
    assert!(!errors.is_empty(), "refused without saying why");
    assert!(
        errors.len() <= MAX_LISTED_PROBLEMS + 1,
        "{} problems listed",
        errors.len()
    );
    for (i, e) in errors.iter().enumerate() {
        if let Problem::TooMany { more } = e.problem {
            assert_eq!(
                i, MAX_LISTED_PROBLEMS,
                "the count comes after the listed problems"
            );
            assert!(more > 0);
        }
        assert!(e.path.starts_with('$'), "path {:?} is not under $", e.path);
        assert!(KINDS.contains(&e.problem.kind()), "{:?}", e.problem);
        assert!(!e.to_string().is_empty());
    }
}

fn check_usable(config: &Config) {
    assert!(!config.purposes().is_empty(), "no purpose");
    assert!(
        !config.policy().version.trim().is_empty(),
        "no policy version"
    );
    assert!((1..=3650).contains(&config.record_expiry_days()));
    for (i, p) in config.purposes().iter().enumerate() {
        assert_eq!(
            config.subject(&p.id),
            Some(ConsentSubject::Purpose(i)),
            "{}",
            p.id
        );
        for d in &p.data_items {
            assert!(
                config.data_item(d).is_some(),
                "{} names unknown data {d}",
                p.id
            );
        }
    }
    for (i, t) in config.third_parties().iter().enumerate() {
        assert_eq!(
            config.subject(&t.id),
            Some(ConsentSubject::ThirdParty(i)),
            "{}",
            t.id
        );
        assert!(!t.purposes.is_empty(), "{} serves no purpose", t.id);
        for p in &t.purposes {
            assert!(
                config.purpose(p).is_some(),
                "{} names unknown purpose {p}",
                t.id
            );
        }
        for d in &t.data_shared {
            assert!(
                config.data_item(d).is_some(),
                "{} shares unknown data {d}",
                t.id
            );
        }
    }
    // A valid configuration compiles into rules, they can be decided on, and the
    // record they produce counts.
    let rules = assent::compile::rules(config, "").expect("a valid configuration runs");
    let config = &rules;
    let now = 1_700_000_000_000;
    let state = ConsentState::new(config, None, false);
    for p in config.purposes() {
        let expected = p.legal_basis.is_always_granted().then_some(true);
        assert_eq!(state.answers.get(&p.id), Some(&expected), "{}", p.id);
    }
    for choice in [Choice::AcceptAll, Choice::RejectAll] {
        let context = DecisionContext {
            now,
            gpc: false,
            random: [7; 16],
            language: Lang::En,
            method: Method::Banner,
        };
        let made = apply_choice(config, None, &choice, context).expect("accept/reject all apply");
        let decoded = record::decode(Some(&made.encode()), config.policy_version(), now)
            .unwrap_or_else(|r| panic!("the record of {choice:?} does not count: {r}"));
        assert_eq!(decoded, made);
        assert!(!ConsentState::new(config, Some(&decoded), false).needs_decision);
    }
}

fn check_size_limit(text: &str) {
    let mut padded = String::with_capacity(MAX_CONFIG_BYTES + 1);
    padded.push_str(text);
    padded.extend(std::iter::repeat_n(' ', MAX_CONFIG_BYTES - text.len()));
    assert!(
        Config::parse(&padded).is_ok(),
        "a valid configuration padded to exactly the limit is refused"
    );
    padded.push(' ');
    let refused = Config::parse(&padded).err().map(|errors| {
        errors
            .iter()
            .map(|e| (e.path.clone(), e.problem.kind()))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        refused,
        Some(vec![("$".to_string(), "too-large")]),
        "one byte over the limit"
    );
}
