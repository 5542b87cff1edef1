//! A list of personal information items, each sensitive one visibly marked (a badge
//! with a word, not only a colour).

use assent::ui_text::ui_text;
use assent::Lang;
use yew::prelude::*;

use crate::app::SharedConfig;
use crate::labels::separator;

#[derive(Properties, PartialEq)]
pub struct DataItemsProps {
    pub config: SharedConfig,
    pub ids: Vec<String>,
    pub lang: Lang,
}

#[component]
pub fn DataItems(props: &DataItemsProps) -> Html {
    let t = ui_text(props.lang);
    let config = &props.config.0;
    let last = props.ids.len().saturating_sub(1);
    html! {
        <span class="assent-data-items">
            { for props.ids.iter().enumerate().filter_map(|(i, id)| {
                let item = config.data_item(id)?;
                Some(html! {
                    <span class="assent-data-item" data-assent-data-item={id.clone()}>
                        { item.name.get(props.lang) }
                        if item.sensitive {
                            <span class="assent-sensitive">{ t.sensitive }</span>
                        }
                        if i < last { { separator(props.lang) } }
                    </span>
                })
            }) }
        </span>
    }
}
