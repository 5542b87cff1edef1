//! Words for the model's enums, in both languages.

use assent::config::{LegalBasis, Platform, SharingType};
use assent::ui_text::ui_text;
use assent::Lang;

pub fn legal_basis(basis: LegalBasis, lang: Lang) -> &'static str {
    let t = ui_text(lang);
    match basis {
        LegalBasis::Consent => t.legal_basis_consent,
        LegalBasis::Necessary => t.legal_basis_necessary,
        LegalBasis::LegalObligation => t.legal_basis_legal_obligation,
    }
}

pub fn sharing_type(kind: SharingType, lang: Lang) -> &'static str {
    let zh = lang == Lang::ZhCn;
    match kind {
        SharingType::EmbeddedSdk => {
            if zh {
                "嵌入式 SDK"
            } else {
                "Embedded SDK"
            }
        }
        SharingType::Sdk => "SDK",
        SharingType::App => {
            if zh {
                "应用"
            } else {
                "App"
            }
        }
        SharingType::AssociatedApp => {
            if zh {
                "关联应用"
            } else {
                "Associated app"
            }
        }
        SharingType::Api => "API",
        SharingType::ServiceProvider => {
            if zh {
                "服务提供商"
            } else {
                "Service provider"
            }
        }
        SharingType::Merchant => {
            if zh {
                "商户"
            } else {
                "Merchant"
            }
        }
    }
}

pub fn platform(platform: Platform) -> &'static str {
    match platform {
        Platform::Android => "Android",
        Platform::Ios => "iOS",
        Platform::Web => "Web",
    }
}

/// The list separator readers of each language expect.
pub fn separator(lang: Lang) -> &'static str {
    if lang == Lang::ZhCn {
        "、"
    } else {
        ", "
    }
}

/// The colon after a field label: full width in Chinese.
pub fn colon(lang: Lang) -> &'static str {
    if lang == Lang::ZhCn {
        "："
    } else {
        ": "
    }
}
