//! One purpose in the preferences: its switch (locked on for necessary and legal
//! obligation), description, legal basis, what refusing costs, its data and its
//! third parties with every disclosed field.

use assent::ui_text::{purpose_summary, ui_text};
use assent::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::SharedConfig;
use crate::data_items::DataItems;
use crate::labels;
use crate::third_party::ThirdPartyDetails;

#[derive(Properties, PartialEq)]
pub struct PurposeProps {
    pub config: SharedConfig,
    pub purpose_id: String,
    pub lang: Lang,
    pub granted: bool,
    pub on_toggle: Callback<(String, bool)>,
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
    let name_id = format!("assent-purpose-{id}-name");
    let locked = purpose.legal_basis.is_always_granted();
    let onchange = {
        let on_toggle = props.on_toggle.clone();
        let id = id.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_toggle.emit((id.clone(), input.checked()));
        })
    };
    let third_parties: Vec<_> = config.third_parties_of(&purpose.id).collect();
    html! {
        <section class="assent-purpose" data-assent-purpose-section={id.clone()}>
            <div class="assent-purpose__head">
                <div>
                    <h3 id={name_id.clone()} class="assent-purpose__name">{ purpose.name.get(lang) }</h3>
                    // The seed names its necessary purpose after its legal basis: say it once.
                    if labels::legal_basis(purpose.legal_basis, lang) != purpose.name.get(lang) {
                        <span class="assent-badge">{ labels::legal_basis(purpose.legal_basis, lang) }</span>
                    }
                </div>
                if locked {
                    <label class="assent-switch assent-switch--locked">
                        <input type="checkbox" role="switch" checked=true disabled=true
                            data-assent-purpose={id.clone()} aria-labelledby={name_id.clone()} />
                        <span class="assent-switch__label">{ t.always_on }</span>
                    </label>
                } else {
                    <label class="assent-switch">
                        <input type="checkbox" role="switch" checked={props.granted}
                            data-assent-purpose={id.clone()} aria-labelledby={name_id.clone()} {onchange} />
                        <span class="assent-switch__track" aria-hidden="true"></span>
                    </label>
                }
            </div>
            if let Some(consequence) = &purpose.refusal_consequence {
                <p class="assent-field"><strong>{ t.refusal_consequence }{ labels::colon(lang) }</strong>{ consequence.get(lang) }</p>
            }
            // The long texts fold away so nineteen purposes fit on a phone; the summary
            // says how much is inside.
            <details class="assent-collapsible">
                <summary>{ purpose_summary(lang, purpose.data_items.len(), third_parties.len()) }</summary>
                <p class="assent-purpose__description">{ purpose.description.get(lang) }</p>
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
            </details>
        </section>
    }
}
