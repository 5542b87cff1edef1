//! Words for the model's enums, in both languages.

use assent::config::{LegalBasis, Platform, SharingType};
use assent::ui_text::ui_text;
use assent::Lang;

/// `zh` in Chinese, `en` in English: the one place a label of this file picks its
/// language.
fn words(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::ZhCn {
        zh
    } else {
        en
    }
}

pub fn legal_basis(basis: LegalBasis, lang: Lang) -> &'static str {
    let t = ui_text(lang);
    match basis {
        LegalBasis::Consent => t.legal_basis_consent,
        LegalBasis::Necessary => t.legal_basis_necessary,
        LegalBasis::LegalObligation => t.legal_basis_legal_obligation,
    }
}

pub fn sharing_type(kind: SharingType, lang: Lang) -> &'static str {
    match kind {
        SharingType::EmbeddedSdk => words(lang, "嵌入式 SDK", "Embedded SDK"),
        SharingType::Sdk => "SDK",
        SharingType::App => words(lang, "应用", "App"),
        SharingType::AssociatedApp => words(lang, "关联应用", "Associated app"),
        SharingType::Api => "API",
        SharingType::ServiceProvider => words(lang, "服务提供商", "Service provider"),
        SharingType::Merchant => words(lang, "商户", "Merchant"),
        SharingType::Authority => words(lang, "监管及政府部门", "Regulator or public authority"),
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
    words(lang, "、", ", ")
}

/// The colon after a field label: full width in Chinese.
pub fn colon(lang: Lang) -> &'static str {
    words(lang, "：", ": ")
}

/// The field naming the document that discloses a third party.
pub fn disclosed_in(lang: Lang) -> &'static str {
    words(lang, "披露文件", "Disclosed in")
}

/// What a sharing statement's section says of the recipients under it: listed by
/// that document, nothing more.
pub fn statement_recipients(lang: Lang) -> &'static str {
    words(
        lang,
        "本说明列出的服务提供商",
        "Service providers this statement lists",
    )
}

/// The title of the document an element cites: the policy's, or the sharing
/// statement's; none when the statement is not described.
pub fn document_title(
    policy: &assent::config::Policy,
    document: assent::config::Document,
    lang: Lang,
) -> Option<String> {
    match document {
        assent::config::Document::PrivacyPolicy => Some(policy.title.get(lang).to_string()),
        assent::config::Document::SharingStatement => policy
            .sharing_statement
            .as_ref()
            .map(|s| s.title.get(lang).to_string()),
    }
}

/// What a policy link (`policy.links`, keyed as in the configuration) leads to.
pub fn policy_link(key: &'static str, lang: Lang) -> &'static str {
    const LABELS: [(&str, &str, &str); 8] = [
        ("policy", "隐私政策全文", "Full privacy policy"),
        (
            "contact",
            "个人信息问题联系渠道",
            "Contact about personal information",
        ),
        ("access", "访问个人信息", "Access your personal information"),
        (
            "correction",
            "更正个人信息",
            "Correct your personal information",
        ),
        (
            "deletion",
            "删除个人信息",
            "Delete your personal information",
        ),
        ("accountCancellation", "注销帐号", "Cancel your account"),
        ("complaints", "投诉与问询", "Complaints and enquiries"),
        ("withdrawal", "撤回同意", "Withdraw consent"),
    ];
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(key, |&(_, zh, en)| words(lang, zh, en))
}
