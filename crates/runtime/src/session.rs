//! The page view's consent session: the rules of the configuration (`assent::Rules`),
//! the record that counts (if any) and the answers derived from both. Built once by
//! `start`, replaced wholesale on every decision, so no answer can lag behind the
//! record. Every decision runs on the rules, read from the compiled configuration;
//! the texts the session does not hold (the banner's words, the receipt's and the
//! permission notice's names) are the build's other files, which the loader fetches.

use std::cell::RefCell;
use std::collections::BTreeMap;

use assent::changes::{self, ChangeText};
use assent::decision::{
    apply_choice, carry_over, Change, Choice, ChoiceError, ConsentState, DecisionContext,
};
use assent::record::{self, Age, Method, Record, RecordRejection};
use assent::ui_text::ui_text;
use assent::{consent_mode, history};
use assent::{Lang, Rules};
use serde::Serialize;

use crate::storage;

pub struct Session {
    /// What every decision runs on.
    pub rules: Rules,
    pub record: Option<Record>,
    pub rejection: Option<RecordRejection>,
    pub state: ConsentState,
    pub language: Lang,
    /// The browser's Global Privacy Control signal (`navigator.globalPrivacyControl`).
    pub gpc: bool,
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
    pub method: Option<String>,
    pub language: &'static str,
    pub needs_decision: bool,
    /// Why a stored value did not count (absent when nothing was stored or it counted).
    pub record_problem: Option<String>,
    pub reopen_label: &'static str,
    /// Global Privacy Control is on and at least one purpose was refused because of it.
    pub gpc_honoured: bool,
    /// Google Consent Mode v2 signals, when the configuration maps them.
    pub consent_mode: Option<BTreeMap<&'static str, &'static str>>,
    /// Where the loader POSTs each consent event, when the configuration says.
    pub receipt_endpoint: Option<String>,
    /// Third parties refused by their own switch (their purposes may be granted).
    pub refused: Vec<String>,
    /// The recorded answer to the age question (`adult`, `guardian`), once given.
    pub age: Option<&'static str>,
    /// The configuration's minimum age, when it asks.
    pub minimum_age: Option<u8>,
    /// What is asked again because it is new or changed since the recorded choice:
    /// `{id, new}`.
    pub changes: Vec<Change>,
}

/// What the first layer says because of the record: the re-consent list (only what
/// changed since the recorded choice), the words around it, and what the two buttons
/// (named by their actions) then record, a `set` instead of accept all and reject all.
/// The rest of the banner is the build's `banner.<lang>.json`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BannerChanges {
    pub title: &'static str,
    pub body: &'static str,
    pub reject_all: &'static str,
    pub accept_all: &'static str,
    /// Always `None`: the separate-consent note does not apply to a re-consent list
    /// (what needs separate consent stays refused by its accept); sent as `null` so it
    /// replaces the banner file's note.
    pub separate_note: Option<&'static str>,
    pub changes: Vec<ChangeText>,
    #[serde(rename = "accept-all")]
    pub accept: BTreeMap<String, bool>,
    #[serde(rename = "reject-all")]
    pub reject: BTreeMap<String, bool>,
}

impl Session {
    pub fn load(rules: Rules, now: u64, language: Lang, gpc: bool) -> Session {
        let mut session = Session {
            state: ConsentState::new(&rules, None, gpc),
            rules,
            record: None,
            rejection: None,
            language,
            gpc,
        };
        session.read_stored(now);
        session
    }

    /// Reads the stored record again (another tab decided); returns the ids whose
    /// answer changed. A stored value that does not count leaves this page's decision
    /// as it is: only a decision replaces a decision.
    pub fn sync(&mut self, now: u64) -> Vec<String> {
        let before = self.state.clone();
        self.read_stored(now);
        self.state.changed_since(&before)
    }

    fn read_stored(&mut self, now: u64) {
        let stored = storage::read_record();
        match record::decode(stored.as_deref(), self.rules.policy_version(), now) {
            Ok(record) => {
                self.state = ConsentState::new(&self.rules, Some(&record), self.gpc);
                // Made on another build (or before records named theirs): the stub did
                // not answer from it. With nothing decided changed, restated for this
                // build, so it answers again from the next page view.
                let restated = (record.config_digest.as_deref() != Some(self.rules.digest()))
                    .then(|| carry_over(&self.rules, &record, &self.state))
                    .flatten();
                if let Some(restated) = &restated {
                    storage::write_record(&restated.encode());
                }
                self.record = Some(restated.unwrap_or(record));
                self.rejection = None;
            }
            // Made for another policy version, with fingerprints: what did not change
            // still holds; ConsentState asks again for the rest.
            Err(RecordRejection::OtherPolicy) if self.record.is_none() => {
                match record::decode_carried_over(stored.as_deref(), now) {
                    Ok(record) => {
                        self.state = ConsentState::new(&self.rules, Some(&record), self.gpc);
                        // Nothing decided changed: restate it for this version, so the
                        // stub counts it again (a carry-over, not a decision: no event).
                        match carry_over(&self.rules, &record, &self.state) {
                            Some(carried) => {
                                storage::write_record(&carried.encode());
                                self.record = Some(carried);
                            }
                            None => self.record = Some(record),
                        }
                    }
                    Err(_) => self.rejection = Some(RecordRejection::OtherPolicy),
                }
            }
            Err(rejection) if self.record.is_none() => self.rejection = Some(rejection),
            Err(_) => {}
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let record = self.record.as_ref();
        Snapshot {
            decisions: self.state.answers.clone(),
            policy_version: self.rules.policy_version().to_string(),
            consent_id: record.map(|r| r.consent_id.clone()),
            created_at: record.map(|r| r.created_at as f64),
            updated_at: record.map(|r| r.updated_at as f64),
            expires_at: record.map(|r| r.expires_at as f64),
            method: record.map(|r| r.method.clone()),
            language: self.language.tag(),
            needs_decision: self.state.needs_decision,
            record_problem: self
                .rejection
                .as_ref()
                .filter(|r| **r != RecordRejection::Missing)
                .map(|r| r.to_string()),
            reopen_label: ui_text(self.language).reopen,
            gpc_honoured: self.gpc_honoured(),
            consent_mode: consent_mode::signals(&self.rules, &self.state),
            receipt_endpoint: self.rules.receipt_endpoint().map(str::to_string),
            refused: self.state.refused.iter().cloned().collect(),
            changes: self.state.changes.clone(),
            age: record.and_then(|r| r.age).map(Age::as_str),
            minimum_age: self.rules.minimum_age(),
        }
    }

    /// Global Privacy Control is on and refused at least one purpose.
    fn gpc_honoured(&self) -> bool {
        self.gpc
            && self
                .rules
                .purposes()
                .iter()
                .any(|p| p.refused_by_gpc && self.state.get(&p.id) == Some(false))
    }

    /// The banner's record-dependent part: `None` unless something changed since the
    /// recorded choice (only a record can have changes).
    pub fn banner_changes(&self) -> Option<BannerChanges> {
        if self.state.changes.is_empty() {
            return None;
        }
        let lang = self.language;
        let t = ui_text(lang);
        let baseline = storage::read_baseline();
        let items = changes::describe(&self.rules, &self.state.changes, baseline.as_deref(), lang);
        // Accepting the changes grants what changed, except what needs separate
        // consent: that stays refused until its own action.
        let (mut accept, mut reject) = (BTreeMap::new(), BTreeMap::new());
        for item in &items {
            accept.insert(item.id.clone(), !item.separate);
            reject.insert(item.id.clone(), false);
        }
        Some(BannerChanges {
            title: t.changes_title,
            body: t.changes_body,
            reject_all: t.refuse_changes,
            accept_all: t.accept_changes,
            separate_note: None,
            changes: items,
            accept,
            reject,
        })
    }

    /// Applies a choice, stores the new record, appends the event to the history (and
    /// the outbox, with a `receiptEndpoint`) and returns the ids whose answer changed.
    pub fn decide(
        &mut self,
        choice: &Choice,
        method: Method,
        now: u64,
        random: [u8; 16],
        age: Option<Age>,
    ) -> Result<Vec<String>, Vec<ChoiceError>> {
        let context = DecisionContext {
            now,
            gpc: self.gpc,
            random,
            language: self.language,
            method,
        };
        let mut record = apply_choice(&self.rules, self.record.as_ref(), choice, context)?;
        // The age question is answered in the preferences, with the choice it allows.
        record.age = age.or(record.age);
        storage::write_record(&record.encode());
        storage::write_baseline(&changes::baseline(&self.rules));
        let event = history::Event::new(self.rules.config_hash(), choice, &record);
        storage::write_history(&history::append(storage::read_history().as_deref(), &event));
        if self.rules.receipt_endpoint().is_some() {
            let suffix = history::hex(&random[..4]);
            let id = format!("{}-{}-{suffix}", record.consent_id, record.updated_at);
            storage::enqueue_receipt(&id, &event);
        }
        let state = ConsentState::new(&self.rules, Some(&record), self.gpc);
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
