//! One third party with every field the sharing list gives: company, sharing type,
//! SDK or app, data shared, purpose of use, scenario, method, and the processing-rules
//! link written out as text so it can be read and copied.

use assent::ui_text::ui_text;
use assent::Lang;
use yew::prelude::*;

use crate::app::SharedConfig;
use crate::data_items::DataItems;
use crate::labels;

#[derive(Properties, PartialEq)]
pub struct ThirdPartyProps {
    pub config: SharedConfig,
    pub third_party_id: String,
    pub lang: Lang,
}

fn document_key(document: assent::config::Document) -> &'static str {
    match document {
        assent::config::Document::PrivacyPolicy => "privacy-policy",
        assent::config::Document::SharingStatement => "sharing-statement",
    }
}

#[component]
pub fn ThirdPartyDetails(props: &ThirdPartyProps) -> Html {
    let t = ui_text(props.lang);
    let lang = props.lang;
    let Some(tp) = props.config.0.third_party(&props.third_party_id) else {
        return html! {};
    };
    let row =
        |label: &str, value: Html| html! { <><dt>{ label.to_string() }</dt><dd>{ value }</dd></> };
    html! {
        <article class="assent-third-party" data-assent-third-party={tp.id.clone()}>
            <h4 class="assent-third-party__name">{ tp.name.get(lang) }</h4>
            <dl class="assent-fields">
                if let Some(company) = &tp.company { { row(t.company, html! { company.get(lang) }) } }
                { row(t.sharing_type, html! { labels::sharing_type(tp.sharing_type, lang) }) }
                if let Some(sdk) = &tp.sdk_name { { row(t.sdk, html! { sdk.clone() }) } }
                if let Some(app) = &tp.app_name { { row(t.app, html! { app.get(lang) }) } }
                { row(t.data_shared, html! {
                    <>
                        <DataItems config={props.config.clone()} ids={tp.data_shared.clone()} {lang} />
                        if let Some(note) = &tp.data_shared_note {
                            <span class="assent-note">{ note.get(lang) }</span>
                        }
                    </>
                }) }
                if let Some(purpose) = &tp.purpose_of_use { { row(t.purpose_of_use, html! { purpose.get(lang) }) } }
                if let Some(scenario) = &tp.usage_scenario { { row(t.usage_scenario, html! { scenario.get(lang) }) } }
                if let Some(method) = &tp.sharing_method { { row(t.sharing_method, html! { method.get(lang) }) } }
                if let Some(url) = &tp.processing_rules_url {
                    { row(t.processing_rules, html! {
                        <a class="assent-url" href={url.clone()} target="_blank" rel="noopener noreferrer">{ url.clone() }</a>
                    }) }
                }
                if let Some(title) = labels::document_title(props.config.0.policy(), tp.disclosed_in.document, lang) {
                    { row(labels::disclosed_in(lang), html! { <span data-assent-document={document_key(tp.disclosed_in.document)}>{ title }</span> }) }
                }
            </dl>
        </article>
    }
}
