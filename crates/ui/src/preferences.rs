//! The second layer: a modal dialog with one section per purpose (its toggle, what it
//! is for, its legal basis, what refusing costs, its data and third parties), then
//! the rest of the disclosures, and the three actions.

use std::collections::BTreeMap;
use std::rc::Rc;

use assent::record::Age;
use assent::ui_text::{gpc_note, ui_text};
use assent::Lang;
use yew::prelude::*;

use crate::app::{AgeStep, SharedConfig};
use crate::disclosures::Disclosures;
use crate::labels;
use crate::purpose::PurposeSection;

#[derive(Properties, PartialEq)]
pub struct PreferencesProps {
    pub config: SharedConfig,
    pub lang: Lang,
    pub gpc_honoured: bool,
    pub consent: Option<(String, f64)>,
    pub on_download: Callback<()>,
    pub toggles: Rc<BTreeMap<String, bool>>,
    pub changes: Rc<BTreeMap<String, bool>>,
    pub age: AgeStep,
    /// An answer to the age question (`Guardian`: under age, or a guardian confirmed).
    pub on_age: Callback<Age>,
    pub on_toggle: Callback<(String, bool)>,
    pub on_accept_all: Callback<MouseEvent>,
    pub on_reject_all: Callback<MouseEvent>,
    pub on_save: Callback<MouseEvent>,
    pub on_close: Callback<MouseEvent>,
    pub on_switch_language: Callback<MouseEvent>,
}

#[component]
pub fn Preferences(props: &PreferencesProps) -> Html {
    let t = ui_text(props.lang);
    let config = &props.config.0;
    let policy = config.policy();
    let lang = props.lang;
    html! {
        <div class="assent-overlay">
            <div class="assent-dialog" data-assent-ui="preferences" role="dialog" aria-modal="true" tabindex="-1"
                aria-labelledby="assent-preferences-title" lang={lang.tag()}>
                <header class="assent-dialog__header">
                    <div>
                        <h2 id="assent-preferences-title" class="assent-dialog__title">{ t.preferences_title }</h2>
                        <p class="assent-dialog__meta">
                            { policy.title.get(lang) }{ " · " }{ t.version }{ " " }{ &policy.version }
                            { " · " }{ t.effective }{ " " }{ &policy.effective_date }
                        </p>
                    </div>
                    <div class="assent-dialog__tools">
                        <button type="button" class="assent-language" data-assent-action="language"
                            lang={if lang == Lang::ZhCn { "en" } else { "zh-CN" }}
                            onclick={props.on_switch_language.clone()}>{ t.language_switch }</button>
                        <button type="button" class="assent-close" data-assent-action="close"
                            aria-label={t.close} onclick={props.on_close.clone()}>{ "×" }</button>
                    </div>
                </header>
                <div class="assent-dialog__body">
                    <p>{ t.preferences_intro }</p>
                    <p class="assent-note">{ t.withdrawal_note }</p>
                    if let Some((id, updated_at)) = &props.consent {
                        <p class="assent-dialog__meta" data-assent-consent-id={id.clone()}>
                            { t.consent_id }{ labels::colon(lang) }<code>{ id.clone() }</code>
                            { " · " }{ t.consent_updated }{ " " }{ crate::download::date(*updated_at, lang) }
                            { " " }
                            <button type="button" class="assent-link" data-assent-action="download-receipt"
                                onclick={props.on_download.reform(|_| ())}>{ t.download_receipt }</button>
                        </p>
                    }
                    if props.gpc_honoured {
                        <p class="assent-note" data-assent-gpc="">{ gpc_note(lang) }</p>
                    }
                    { for config.purposes().iter().map(|purpose| html! {
                        <PurposeSection
                            key={purpose.id.clone()}
                            config={props.config.clone()}
                            purpose_id={purpose.id.clone()}
                            {lang}
                            toggles={props.toggles.clone()}
                            changes={props.changes.clone()}
                            age={props.age}
                            on_age={props.on_age.clone()}
                            on_toggle={props.on_toggle.clone()}
                        />
                    }) }
                    <Disclosures config={props.config.clone()} {lang} />
                </div>
                <footer class="assent-dialog__actions">
                    <button type="button" class="assent-button" data-assent-action="reject-all"
                        onclick={props.on_reject_all.clone()}>{ t.reject_all }</button>
                    <button type="button" class="assent-button" data-assent-action="accept-all"
                        onclick={props.on_accept_all.clone()}>{ t.accept_all }</button>
                    <button type="button" class="assent-button assent-button--primary" data-assent-action="save"
                        onclick={props.on_save.clone()}>{ t.save }</button>
                </footer>
            </div>
        </div>
    }
}
