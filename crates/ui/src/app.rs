//! The top of the UI: owns the screen state (shown or not, which language, the
//! dialog's toggles) and hands data and callbacks to the regions below. The first
//! layer (the banner) is not here: the loader renders it without this module. A new
//! `generation` from the loader (a reopen, a hide) remounts the screen so toggles
//! restart from the recorded decisions.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use assent::compiled::Disclosures;
use assent::record::Age;
use assent::rules::third_party_refusable as refusable;
use assent::Lang;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::preferences::Preferences;

/// The configuration, compared by identity (it never changes after mount).
#[derive(Clone)]
pub struct SharedConfig(pub Rc<Disclosures>);

impl PartialEq for SharedConfig {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Hidden,
    Preferences,
}

/// A choice made in the UI, handed to the loader to record.
#[derive(Clone, Debug, PartialEq)]
pub enum UiChoice {
    AcceptAll,
    RejectAll,
    /// The switches, and the answer to the age question when one was given.
    Save(BTreeMap<String, bool>, Option<Age>),
}

impl UiChoice {
    /// `(kind, set, method, age)` as the loader's `on_choice` takes them.
    pub fn to_js(&self) -> (JsValue, JsValue, JsValue, JsValue) {
        let method = JsValue::from("preferences");
        match self {
            UiChoice::AcceptAll => (
                "accept-all".into(),
                JsValue::NULL,
                method,
                JsValue::UNDEFINED,
            ),
            UiChoice::RejectAll => (
                "reject-all".into(),
                JsValue::NULL,
                method,
                JsValue::UNDEFINED,
            ),
            UiChoice::Save(set, age) => {
                let object = js_sys::Object::new();
                for (id, granted) in set {
                    let _ = js_sys::Reflect::set(&object, &id.into(), &(*granted).into());
                }
                let age = age.map_or(JsValue::UNDEFINED, |a| a.as_str().into());
                ("set".into(), object.into(), method, age)
            }
        }
    }
}

/// Where the age question stands in the dialog (PIPL Art. 31).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgeStep {
    /// The configuration's minimum age; none: never asked.
    pub minimum: Option<u8>,
    /// Answered (now or before).
    pub known: bool,
    /// Under the minimum age: each separate consent needs a guardian's confirmation.
    pub child: bool,
}

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    pub config: SharedConfig,
    pub view: View,
    pub decisions: Rc<BTreeMap<String, Option<bool>>>,
    /// Third parties refused by their own switch.
    pub refused: Rc<BTreeSet<String>>,
    /// What is asked again since the recorded choice: id to whether it is new.
    pub changes: Rc<BTreeMap<String, bool>>,
    /// The recorded answer to the age question, and the configuration's minimum age.
    pub age: Option<Age>,
    pub minimum_age: Option<u8>,
    pub language: Lang,
    /// The browser's Global Privacy Control signal refused some purposes: say so.
    pub gpc_honoured: bool,
    pub generation: u32,
    pub on_choice: Callback<UiChoice>,
    pub on_language: Callback<Lang>,
    /// The recorded consent's id and date (ms), shown in the dialog.
    pub consent: Option<(String, f64)>,
    /// Download the consent receipt.
    pub on_download: Callback<()>,
    /// The dialog was closed without a choice (the loader shows the banner again
    /// when no decision exists yet).
    pub on_close: Callback<()>,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let screen = props.clone();
    html! { <Screen key={props.generation} ..screen /> }
}

#[component]
fn Screen(props: &AppProps) -> Html {
    let view = use_state(|| props.view);
    let language = use_state(|| props.language);
    let config = &props.config.0;
    // Toggles start from the recorded decisions: a purpose is off unless granted; a
    // third party's own switch is on unless refused by it, or new or changed since.
    let toggles = use_state(|| {
        let purposes = config
            .purposes()
            .iter()
            .filter(|p| !p.legal_basis.is_always_granted())
            .map(|p| {
                (
                    p.id.clone(),
                    props.decisions.get(&p.id).copied().flatten() == Some(true),
                )
            });
        let third_parties = config
            .third_parties()
            .iter()
            .filter(|t| refusable(&t.purposes, |id| config.purpose(id).map(|p| p.legal_basis)))
            .map(|t| {
                let on = !props.refused.contains(&t.id) && !props.changes.contains_key(&t.id);
                (t.id.clone(), on)
            });
        purposes
            .chain(third_parties)
            .collect::<BTreeMap<String, bool>>()
    });

    // The age question's answer in this dialog: the recorded one, `Adult`, or a child
    // whose separate consents need a guardian (`Guardian` once one confirmed).
    let age = use_state(|| props.age);
    let child = use_state(|| props.age == Some(Age::Guardian));
    let on_age = {
        let age = age.clone();
        let child = child.clone();
        Callback::from(move |answer: Age| match answer {
            Age::Adult => age.set(Some(Age::Adult)),
            Age::Guardian if *child => age.set(Some(Age::Guardian)),
            Age::Guardian => child.set(true),
        })
    };
    let on_toggle = {
        let toggles = toggles.clone();
        Callback::from(move |(id, on): (String, bool)| {
            let mut next = (*toggles).clone();
            next.insert(id, on);
            toggles.set(next);
        })
    };
    let on_switch_language = {
        let language = language.clone();
        let on_language = props.on_language.clone();
        Callback::from(move |_| {
            let next = if *language == Lang::ZhCn {
                Lang::En
            } else {
                Lang::ZhCn
            };
            language.set(next);
            on_language.emit(next);
        })
    };
    let choose = |choice: UiChoice| {
        let on_choice = props.on_choice.clone();
        Callback::from(move |_| on_choice.emit(choice.clone()))
    };
    let on_accept_all = choose(UiChoice::AcceptAll);
    let on_reject_all = choose(UiChoice::RejectAll);
    let on_save = {
        let on_choice = props.on_choice.clone();
        let toggles = toggles.clone();
        let age = age.clone();
        Callback::from(move |_| on_choice.emit(UiChoice::Save((*toggles).clone(), *age)))
    };
    let on_close = {
        let view = view.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |_| {
            view.set(View::Hidden);
            on_close.emit(());
        })
    };

    let lang = *language;
    match *view {
        View::Hidden => html! {},
        View::Preferences => html! {
            <Preferences
                config={props.config.clone()}
                {lang}
                gpc_honoured={props.gpc_honoured}
                consent={props.consent.clone()}
                on_download={props.on_download.clone()}
                toggles={Rc::new((*toggles).clone())}
                changes={props.changes.clone()}
                age={AgeStep { minimum: props.minimum_age, known: age.is_some() || *child, child: *child }}
                {on_age}
                {on_toggle}
                {on_accept_all}
                {on_reject_all}
                {on_save}
                {on_close}
                {on_switch_language}
            />
        },
    }
}
