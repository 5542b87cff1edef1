//! Everything the policy discloses beyond the purposes, each in a section that
//! collapses (native `<details>`, operable by keyboard): features and the data they
//! collect, device permissions, data obtained from third parties, cookies and similar
//! technologies, the sharing statement (its own title, its promise and the recipients
//! it lists), the controller and the companies that provide the services, rights and
//! their links, exceptions to consent, the policy's other sections (`policy.sections`:
//! transfer, public disclosure, security...), contact.

use assent::ui_text::ui_text;
use assent::Lang;
use yew::prelude::*;

use crate::app::SharedConfig;
use crate::data_items::DataItems;
use crate::labels;

#[derive(Properties, PartialEq)]
pub struct DisclosuresProps {
    pub config: SharedConfig,
    pub lang: Lang,
}

fn section(key: &'static str, title: &str, count: Option<usize>, body: Html) -> Html {
    html! {
        <details class="assent-collapsible assent-disclosure" data-assent-section={key}>
            <summary>{ title.to_string() }{ count.map(|n| format!(" ({n})")).unwrap_or_default() }</summary>
            { body }
        </details>
    }
}

fn link(url: &str) -> Html {
    html! { <a class="assent-url" href={url.to_string()} target="_blank" rel="noopener noreferrer">{ url.to_string() }</a> }
}

#[component]
pub fn Disclosures(props: &DisclosuresProps) -> Html {
    let t = ui_text(props.lang);
    let lang = props.lang;
    let config = &props.config.0;
    let policy = config.policy();
    let sep = labels::separator(lang);

    let features = html! {
        <ol class="assent-list">
            { for config.features().iter().map(|f| html! {
                <li data-assent-feature={f.id.clone()}>
                    <h4>{ f.name.get(lang) }</h4>
                    <p>{ f.description.get(lang) }</p>
                    <p class="assent-field"><strong>{ t.data_collected }{ labels::colon(lang) }</strong>
                        <DataItems config={props.config.clone()} ids={f.data_collected.clone()} {lang} /></p>
                </li>
            }) }
        </ol>
    };
    let permissions = html! {
        <ol class="assent-list">
            { for config.permissions().iter().map(|p| html! {
                <li data-assent-permission={p.id.clone()}>
                    <h4>{ p.name.get(lang) }</h4>
                    <dl class="assent-fields">
                        <dt>{ t.permission_purpose }</dt><dd>{ p.purpose.get(lang) }</dd>
                        <dt>{ t.requested_by }</dt><dd>{ p.requested_by.get(lang) }</dd>
                        <dt>{ t.refusal_consequence }</dt><dd>{ p.refusal_consequence.get(lang) }</dd>
                        <dt>{ t.platforms }</dt>
                        <dd>
                            { p.platforms.iter().map(|x| labels::platform(*x)).collect::<Vec<_>>().join(sep) }
                            if let Some(note) = &p.platform_note { { " (" }{ note.get(lang) }{ ")" } }
                        </dd>
                    </dl>
                </li>
            }) }
        </ol>
    };
    let sources = html! {
        <ol class="assent-list">
            { for config.data_sources().iter().map(|s| html! {
                <li data-assent-data-source={s.id.clone()}>
                    <h4>{ s.name.get(lang) }</h4>
                    <p>{ s.description.get(lang) }</p>
                    if !s.data_items.is_empty() {
                        <p class="assent-field"><strong>{ t.data_items }{ labels::colon(lang) }</strong>
                            <DataItems config={props.config.clone()} ids={s.data_items.clone()} {lang} /></p>
                    }
                </li>
            }) }
        </ol>
    };
    let storage = html! {
        <ol class="assent-list">
            { for config.storage().iter().map(|s| html! {
                <li data-assent-storage={s.id.clone()}>
                    <h4>{ s.name.get(lang) }</h4>
                    <p>{ s.description.get(lang) }</p>
                    if let Some(url) = &s.link { <p>{ link(url) }</p> }
                </li>
            }) }
        </ol>
    };
    let party = |p: &assent::config::Party| {
        html! {
            <li>
                <strong>{ p.name.get(lang) }</strong>
                if let Some(role) = &p.role { <div>{ role.get(lang) }</div> }
                if let Some(address) = &p.address { <div>{ address.get(lang) }</div> }
                if let Some(phone) = &p.phone { <div>{ phone.clone() }</div> }
                if let Some(email) = &p.email { <div>{ email.clone() }</div> }
            </li>
        }
    };
    let controller = html! {
        <>
            <ul class="assent-list">{ party(&policy.controller) }</ul>
            if !policy.affiliates.is_empty() {
                <h4>{ t.affiliates }</h4>
                <ul class="assent-list">{ for policy.affiliates.iter().map(party) }</ul>
            }
        </>
    };
    let rights = html! {
        <>
            <ul class="assent-list">
                { for policy.rights.iter().map(|r| html! {
                    <li>
                        <h4>{ r.name.get(lang) }</h4>
                        <p>{ r.description.get(lang) }</p>
                        if let Some(url) = &r.url { <p>{ link(url) }</p> }
                    </li>
                }) }
            </ul>
            <dl class="assent-fields assent-links">
                { for policy.links.all().into_iter().map(|(name, url)| html! {
                    <><dt>{ labels::policy_link(name, lang) }</dt><dd>{ link(url) }</dd></>
                }) }
            </dl>
        </>
    };
    // The sharing statement under its own title, with its promise and the recipients
    // it lists; it names no controller, so nothing here says who shares with them.
    let statement = policy.sharing_statement.as_ref().map(|statement| {
        let listed: Vec<_> = config
            .third_parties()
            .iter()
            .filter(|tp| tp.disclosed_in.document == assent::config::Document::SharingStatement)
            .collect();
        let body = html! {
            <>
                if let Some(promise) = &statement.promise { <p>{ promise.get(lang) }</p> }
                if !listed.is_empty() {
                    <h4>{ labels::statement_recipients(lang) }</h4>
                    <ul class="assent-list">
                        { for listed.iter().map(|tp| html! { <li data-assent-listed={tp.id.clone()}>{ tp.name.get(lang) }</li> }) }
                    </ul>
                }
            </>
        };
        section("sharing-statement", statement.title.get(lang), Some(listed.len()), body)
    });
    let exceptions = html! {
        <ol class="assent-list">{ for policy.consent_exceptions.iter().map(|e| html! { <li>{ e.get(lang) }</li> }) }</ol>
    };
    html! {
        <div class="assent-disclosures">
            if !config.features().is_empty() { { section("features", t.features, Some(config.features().len()), features) } }
            if !config.permissions().is_empty() { { section("permissions", t.permissions, Some(config.permissions().len()), permissions) } }
            if !config.data_sources().is_empty() { { section("data-sources", t.data_sources, Some(config.data_sources().len()), sources) } }
            if !config.storage().is_empty() { { section("storage", t.storage, None, storage) } }
            { for statement }
            { section("controller", t.controller, None, controller) }
            { section("rights", t.rights, None, rights) }
            if !policy.consent_exceptions.is_empty() {
                { section("consent-exceptions", t.consent_exceptions, Some(policy.consent_exceptions.len()), exceptions) }
            }
            // The policy's other sections, in configuration order, each collapsible.
            { for policy.sections.iter().map(|s| html! {
                <details class="assent-collapsible assent-disclosure" data-assent-section="policy-section"
                    data-assent-policy-section={s.id.clone()}>
                    <summary>{ s.title.get(lang) }</summary>
                    { for s.body.get(lang).split('\n').filter(|p| !p.trim().is_empty()).map(|p| html! { <p>{ p.to_string() }</p> }) }
                </details>
            }) }
            if let Some(contact) = &policy.contact {
                { section("contact", t.contact, None, html! { <p>{ contact.get(lang) }</p> }) }
            }
        </div>
    }
}
