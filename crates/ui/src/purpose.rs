//! One purpose in the preferences: its switch (locked on for necessary and legal
//! obligation), description, legal basis, what refusing costs, its data and its
//! third parties with every disclosed field.
//!
//! A purpose that needs separate consent (PIPL Art. 23, 29) is not granted by its
//! switch alone: turning it on opens a notice with exactly what it processes, who
//! receives it and why, and only that notice's own button grants it. Turning it off
//! (withdrawing) takes one action, as for any purpose.

use assent::record::Age;
use assent::rules::third_party_refusable as refusable;
use assent::ui_text::{age_question, guardian_text, purpose_summary, ui_text};
use std::collections::BTreeMap;
use std::rc::Rc;

use assent::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::{AgeStep, SharedConfig};
use crate::data_items::DataItems;
use crate::labels;
use crate::third_party::ThirdPartyDetails;

#[derive(Properties, PartialEq)]
pub struct PurposeProps {
    pub config: SharedConfig,
    pub purpose_id: String,
    pub lang: Lang,
    /// The dialog's switches: purposes and third parties' own.
    pub toggles: Rc<BTreeMap<String, bool>>,
    /// What is asked again since the recorded choice: id to whether it is new.
    pub changes: Rc<BTreeMap<String, bool>>,
    pub on_toggle: Callback<(String, bool)>,
    /// The age question: asked before the first separate consent when configured.
    pub age: AgeStep,
    pub on_age: Callback<Age>,
}

/// "New" or "Changed", when `id` is asked again.
fn change_badge(changes: &BTreeMap<String, bool>, id: &str, lang: Lang) -> Html {
    let t = ui_text(lang);
    match changes.get(id) {
        Some(new) => html! {
            <span class="assent-badge assent-badge--changed" data-assent-changed={id.to_string()}>
                { if *new { t.change_new } else { t.change_changed } }
            </span>
        },
        None => html! {},
    }
}

#[component]
pub fn PurposeSection(props: &PurposeProps) -> Html {
    let t = ui_text(props.lang);
    let config = &props.config.0;
    let Some(purpose) = config.purpose(&props.purpose_id) else {
        return html! {};
    };
    let lang = props.lang;
    let id = purpose.id.clone();
    let granted = props.toggles.get(&id).copied().unwrap_or(false);
    let name_id = format!("assent-purpose-{id}-name");
    let locked = purpose.legal_basis.is_always_granted();
    let separate = purpose.separate_consent;
    let notice_open = use_state(|| false);
    let onchange = {
        let on_toggle = props.on_toggle.clone();
        let id = id.clone();
        let notice_open = notice_open.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if separate && input.checked() {
                // Not yet: the separate notice first, then its own button.
                input.set_checked(false);
                notice_open.set(true);
            } else {
                notice_open.set(false);
                on_toggle.emit((id.clone(), input.checked()));
            }
        })
    };
    // Under the minimum age, a parent or guardian confirms each separate consent.
    let guardian_confirmed = use_state(|| false);
    let child = props.age.child;
    let on_agree = {
        let on_toggle = props.on_toggle.clone();
        let on_age = props.on_age.clone();
        let id = id.clone();
        let notice_open = notice_open.clone();
        Callback::from(move |_: MouseEvent| {
            notice_open.set(false);
            if child {
                on_age.emit(Age::Guardian);
            }
            on_toggle.emit((id.clone(), true));
        })
    };
    let on_guardian = {
        let guardian_confirmed = guardian_confirmed.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            guardian_confirmed.set(input.checked());
        })
    };
    let answer = |answer: Age| {
        let on_age = props.on_age.clone();
        Callback::from(move |_: MouseEvent| on_age.emit(answer))
    };
    // Asked before the first separate consent, when the configuration has an age.
    let age_question_html = match props.age.minimum {
        Some(minimum) if separate && !props.age.known => {
            let (question, adult, under) = age_question(lang, minimum);
            Some(html! {
                <div class="assent-separate" role="group" aria-labelledby={format!("assent-age-{id}")}
                    data-assent-age={id.clone()}>
                    <p id={format!("assent-age-{id}")}><strong>{ question }</strong></p>
                    <div class="assent-separate__actions">
                        <button type="button" class="assent-button" data-assent-action="age-under"
                            onclick={answer(Age::Guardian)}>{ under }</button>
                        <button type="button" class="assent-button" data-assent-action="age-adult"
                            onclick={answer(Age::Adult)}>{ adult }</button>
                    </div>
                </div>
            })
        }
        _ => None,
    };
    let guardian = match props.age.minimum {
        Some(minimum) if child => {
            let (intro, confirm) = guardian_text(lang, minimum);
            html! {
                <div class="assent-guardian" data-assent-guardian={id.clone()}>
                    <p>{ intro }</p>
                    <label class="assent-check">
                        <input type="checkbox" data-assent-guardian-confirm={id.clone()}
                            checked={*guardian_confirmed} onchange={on_guardian} />
                        { confirm }
                    </label>
                </div>
            }
        }
        _ => html! {},
    };
    let on_cancel = {
        let notice_open = notice_open.clone();
        Callback::from(move |_: MouseEvent| notice_open.set(false))
    };
    let notice_id = format!("assent-separate-{id}");
    let third_parties: Vec<_> = config.third_parties_of(&purpose.id).collect();
    // Each recipient's own switch, in view (not folded), so one third party is
    // withdrawn as directly as a purpose. Off while the purpose itself is off.
    let switchable: Vec<_> = third_parties
        .iter()
        .filter(|tp| {
            !locked && refusable(&tp.purposes, |id| config.purpose(id).map(|p| p.legal_basis))
        })
        .collect();
    let own_switches = html! {
        <ul class="assent-recipients">
            { for switchable.iter().map(|tp| {
                let tp_id = tp.id.clone();
                let on_toggle = props.on_toggle.clone();
                let onchange = Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    on_toggle.emit((tp_id.clone(), input.checked()));
                });
                let name = tp.name.get(lang);
                html! {
                    <li class="assent-recipient" key={tp.id.clone()}>
                        <span class="assent-recipient__name">
                            { name }
                            if let Some(company) = tp.company.as_ref().filter(|c| c.get(lang) != name) {
                                <span class="assent-recipient__company">{ company.get(lang) }</span>
                            }
                            { change_badge(&props.changes, &tp.id, lang) }
                        </span>
                        <label class="assent-switch">
                            <input type="checkbox" role="switch" data-assent-third-party-switch={tp.id.clone()}
                                checked={props.toggles.get(&tp.id).copied().unwrap_or(false)}
                                disabled={!granted}
                                aria-label={format!("{} {}", t.third_party_switch, name)} {onchange} />
                            <span class="assent-switch__track" aria-hidden="true"></span>
                        </label>
                    </li>
                }
            }) }
        </ul>
    };
    // What it processes and who receives it: in the separate-consent notice and in the
    // folded details.
    let data_and_recipients = html! {
        <>
            if !purpose.data_items.is_empty() {
                <p class="assent-field">
                    <strong>{ t.data_items }{ labels::colon(lang) }</strong>
                    <DataItems config={props.config.clone()} ids={purpose.data_items.clone()} {lang} />
                </p>
            }
            if !third_parties.is_empty() {
                <h4 class="assent-subheading">{ t.third_parties }{ format!(" ({})", third_parties.len()) }</h4>
                { for third_parties.iter().map(|tp| html! {
                    <ThirdPartyDetails key={tp.id.clone()} config={props.config.clone()}
                        third_party_id={tp.id.clone()} {lang} />
                }) }
            }
        </>
    };
    html! {
        <section class="assent-purpose" data-assent-purpose-section={id.clone()}>
            <div class="assent-purpose__head">
                <div>
                    <h3 id={name_id.clone()} class="assent-purpose__name">{ purpose.name.get(lang) }</h3>
                    // The seed names its necessary purpose after its legal basis: say it once.
                    if labels::legal_basis(purpose.legal_basis, lang) != purpose.name.get(lang) {
                        <span class="assent-badge">{ labels::legal_basis(purpose.legal_basis, lang) }</span>
                    }
                    if separate {
                        <span class="assent-badge assent-badge--separate">{ t.separate_badge }</span>
                    }
                    { change_badge(&props.changes, &id, lang) }
                </div>
                if locked {
                    <label class="assent-switch assent-switch--locked">
                        <input type="checkbox" role="switch" checked=true disabled=true
                            data-assent-purpose={id.clone()} aria-labelledby={name_id.clone()} />
                        <span class="assent-switch__label">{ t.always_on }</span>
                    </label>
                } else {
                    <label class="assent-switch">
                        <input type="checkbox" role="switch" checked={granted}
                            data-assent-purpose={id.clone()} aria-labelledby={name_id.clone()} {onchange} />
                        <span class="assent-switch__track" aria-hidden="true"></span>
                    </label>
                }
            </div>
            if let (true, Some(question)) = (*notice_open, age_question_html) {
                { question }
            } else if *notice_open {
                <div class="assent-separate" id={notice_id.clone()} role="group" aria-labelledby={name_id.clone()}
                    data-assent-separate={id.clone()}>
                    { guardian }
                    <p><strong>{ t.separate_intro }</strong></p>
                    <p class="assent-field"><strong>{ t.purpose_of_use }{ labels::colon(lang) }</strong>{ purpose.description.get(lang) }</p>
                    { data_and_recipients.clone() }
                    <div class="assent-separate__actions">
                        <button type="button" class="assent-button" data-assent-action="separate-cancel"
                            onclick={on_cancel}>{ t.cancel }</button>
                        <button type="button" class="assent-button assent-button--primary" data-assent-action="separate-agree"
                            disabled={child && !*guardian_confirmed} onclick={on_agree}>{ t.separate_agree }</button>
                    </div>
                </div>
            }
            if let Some(consequence) = &purpose.refusal_consequence {
                <p class="assent-field"><strong>{ t.refusal_consequence }{ labels::colon(lang) }</strong>{ consequence.get(lang) }</p>
            }
            if !switchable.is_empty() { { own_switches } }
            // The long texts fold away so nineteen purposes fit on a phone; the summary
            // says how much is inside.
            <details class="assent-collapsible">
                <summary>{ purpose_summary(lang, purpose.data_items.len(), third_parties.len()) }</summary>
                <p class="assent-purpose__description">{ purpose.description.get(lang) }</p>
                { data_and_recipients }
            </details>
        </section>
    }
}
