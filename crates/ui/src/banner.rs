//! The first layer: a bar at the bottom of the page (not a wall: the page stays
//! usable) with accept all, reject all and customise, all the same size and style.

use assent::ui_text::{gpc_note, ui_text};
use assent::Lang;
use yew::prelude::*;

use crate::app::SharedConfig;

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    pub config: SharedConfig,
    pub lang: Lang,
    pub gpc_honoured: bool,
    pub on_accept_all: Callback<MouseEvent>,
    pub on_reject_all: Callback<MouseEvent>,
    pub on_customise: Callback<MouseEvent>,
    pub on_switch_language: Callback<MouseEvent>,
}

#[component]
pub fn Banner(props: &BannerProps) -> Html {
    let t = ui_text(props.lang);
    let policy = props.config.0.policy();
    html! {
        <section class="assent-banner" data-assent-ui="banner" role="region"
            aria-labelledby="assent-banner-title" lang={props.lang.tag()}>
            <div class="assent-banner__text">
                <h2 id="assent-banner-title" class="assent-banner__title">{ t.banner_title }</h2>
                <p class="assent-banner__body">
                    { t.banner_body }{ " " }
                    <a href={policy.links.policy.clone()} target="_blank" rel="noopener noreferrer">
                        { policy.title.get(props.lang) }
                    </a>
                </p>
                if props.gpc_honoured {
                    <p class="assent-note" data-assent-gpc="">{ gpc_note(props.lang) }</p>
                }
            </div>
            <div class="assent-banner__actions">
                <button type="button" class="assent-button" data-assent-action="reject-all"
                    onclick={props.on_reject_all.clone()}>{ t.reject_all }</button>
                <button type="button" class="assent-button" data-assent-action="accept-all"
                    onclick={props.on_accept_all.clone()}>{ t.accept_all }</button>
                <button type="button" class="assent-button assent-button--secondary" data-assent-action="customise"
                    onclick={props.on_customise.clone()}>{ t.customise }</button>
            </div>
            <button type="button" class="assent-language" data-assent-action="language"
                lang={if props.lang == Lang::ZhCn { "en" } else { "zh-CN" }}
                onclick={props.on_switch_language.clone()}>{ t.language_switch }</button>
        </section>
    }
}
