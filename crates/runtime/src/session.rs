//! The page view's consent session: the validated configuration, the record that
//! counts (if any) and the answers derived from both. Built once by `start`, replaced
//! wholesale on every decision, so no answer can lag behind the record.

use std::cell::RefCell;
use std::collections::BTreeMap;

use assent::decision::{apply_choice, Choice, ChoiceError, ConsentState, DecisionContext};
use assent::record::{self, Method, Record, RecordRejection};
use assent::ui_text::ui_text;
use assent::{Config, Lang};
use serde::Serialize;

use crate::storage;

pub struct Session {
    pub config: Config,
    pub record: Option<Record>,
    pub rejection: Option<RecordRejection>,
    pub state: ConsentState,
    pub language: Lang,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Everything page scripts may see, as plain data.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub decisions: BTreeMap<String, Option<bool>>,
    pub policy_version: String,
    pub consent_id: Option<String>,
    pub created_at: Option<f64>,
    pub updated_at: Option<f64>,
    pub expires_at: Option<f64>,
    pub method: Option<&'static str>,
    pub language: &'static str,
    pub needs_decision: bool,
    /// Why a stored value did not count (absent when nothing was stored or it counted).
    pub record_problem: Option<String>,
    pub reopen_label: &'static str,
}

impl Session {
    pub fn load(config: Config, now: u64, language: Lang) -> Session {
        let stored = storage::read_record();
        let decoded = record::decode(stored.as_deref(), &config.policy().version, now);
        let (record, rejection) = match decoded {
            Ok(record) => (Some(record), None),
            Err(rejection) => (None, Some(rejection)),
        };
        let state = ConsentState::new(&config, record.as_ref());
        Session {
            config,
            record,
            rejection,
            state,
            language,
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let record = self.record.as_ref();
        Snapshot {
            decisions: self.state.answers.clone(),
            policy_version: self.config.policy().version.clone(),
            consent_id: record.map(|r| r.consent_id.clone()),
            created_at: record.map(|r| r.created_at as f64),
            updated_at: record.map(|r| r.updated_at as f64),
            expires_at: record.map(|r| r.expires_at as f64),
            method: record.map(|r| r.method.as_str()),
            language: self.language.tag(),
            needs_decision: self.state.needs_decision,
            record_problem: self
                .rejection
                .as_ref()
                .filter(|r| **r != RecordRejection::Missing)
                .map(|r| r.to_string()),
            reopen_label: ui_text(self.language).reopen,
        }
    }

    /// Applies a choice, stores the new record and returns the ids whose answer changed.
    pub fn decide(
        &mut self,
        choice: &Choice,
        method: Method,
        now: u64,
        random: [u8; 16],
    ) -> Result<Vec<String>, Vec<ChoiceError>> {
        let context = DecisionContext {
            now,
            random,
            language: self.language,
            method,
        };
        let record = apply_choice(&self.config, self.record.as_ref(), choice, context)?;
        storage::write_record(&record.encode());
        let state = ConsentState::new(&self.config, Some(&record));
        let changed = state.changed_since(&self.state);
        self.state = state;
        self.record = Some(record);
        self.rejection = None;
        Ok(changed)
    }
}

pub fn install(session: Session) {
    SESSION.with(|s| *s.borrow_mut() = Some(session));
}

/// Runs `f` on the session, or returns `None` before `start` succeeded.
pub fn with<T>(f: impl FnOnce(&mut Session) -> T) -> Option<T> {
    SESSION.with(|s| s.borrow_mut().as_mut().map(f))
}
