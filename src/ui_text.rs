//! Assent's own interface words, in both languages. Site-specific text (purposes,
//! third parties, the policy) comes from the configuration; these are the words
//! around it. Shared by the runtime (the reopen control) and the UI module.

use crate::language::Lang;

pub struct UiText {
    pub banner_title: &'static str,
    pub banner_body: &'static str,
    pub accept_all: &'static str,
    pub reject_all: &'static str,
    pub customise: &'static str,
    pub save: &'static str,
    pub close: &'static str,
    pub reopen: &'static str,
    pub preferences_title: &'static str,
    pub preferences_intro: &'static str,
    pub always_on: &'static str,
    pub legal_basis_consent: &'static str,
    pub legal_basis_necessary: &'static str,
    pub legal_basis_legal_obligation: &'static str,
    pub refusal_consequence: &'static str,
    pub third_parties: &'static str,
    pub company: &'static str,
    pub sharing_type: &'static str,
    pub sdk: &'static str,
    pub app: &'static str,
    pub data_shared: &'static str,
    pub purpose_of_use: &'static str,
    pub usage_scenario: &'static str,
    pub sharing_method: &'static str,
    pub processing_rules: &'static str,
    pub sensitive: &'static str,
    pub data_items: &'static str,
    pub permissions: &'static str,
    pub permission_purpose: &'static str,
    pub requested_by: &'static str,
    pub platforms: &'static str,
    pub features: &'static str,
    pub data_collected: &'static str,
    pub data_sources: &'static str,
    pub storage: &'static str,
    pub rights: &'static str,
    pub contact: &'static str,
    pub controller: &'static str,
    pub affiliates: &'static str,
    pub consent_exceptions: &'static str,
    pub policy_link: &'static str,
    pub version: &'static str,
    pub effective: &'static str,
    pub language_switch: &'static str,
    pub show_more: &'static str,
    pub withdrawal_note: &'static str,
    /// Separate consent (PIPL Art. 23, 29): the badge, the notice shown before it is
    /// given, its two buttons, and the banner's note that accept all leaves it out.
    pub separate_badge: &'static str,
    pub separate_intro: &'static str,
    pub separate_agree: &'static str,
    pub cancel: &'static str,
    pub banner_separate_note: &'static str,
    /// The recorded consent in the preferences: its id, its date, the receipt download.
    pub consent_id: &'static str,
    pub consent_updated: &'static str,
    pub download_receipt: &'static str,
    /// The re-consent prompt (something changed since the last choice): its title and
    /// words, its two buttons, the status of each item, the data-item lead, and the
    /// note on separate-consent items.
    pub changes_title: &'static str,
    pub changes_body: &'static str,
    pub accept_changes: &'static str,
    pub refuse_changes: &'static str,
    pub change_new: &'static str,
    pub change_changed: &'static str,
    pub change_new_data: &'static str,
    pub change_separate: &'static str,
    /// A third party's own switch in the preferences (its accessible name's lead).
    pub third_party_switch: &'static str,
    /// The just-in-time permission notice (`assent.explain`): what happens next, and
    /// its two buttons, which only answer the page (nothing is recorded).
    pub explain_intro: &'static str,
    pub explain_allow: &'static str,
    pub explain_deny: &'static str,
}

const ZH_CN: UiText = UiText {
    banner_title: "我们重视您的个人信息",
    banner_body: "在收集或共享您的个人信息前，我们需要征得您的同意。您可以接受全部、拒绝全部，或逐项选择；拒绝不影响基本服务的使用，您也可以随时在“隐私设置”中更改或撤回。",
    accept_all: "全部接受",
    reject_all: "全部拒绝",
    customise: "自定义设置",
    save: "保存设置",
    close: "关闭",
    reopen: "隐私设置",
    preferences_title: "隐私设置",
    preferences_intro: "请逐项选择是否同意。必要的处理和法律要求的处理始终开启；其余各项默认关闭，您可以随时更改。",
    always_on: "始终开启",
    legal_basis_consent: "基于您的同意",
    legal_basis_necessary: "提供服务所必需",
    legal_basis_legal_obligation: "履行法定义务所必需",
    refusal_consequence: "拒绝的影响",
    third_parties: "第三方",
    company: "第三方名称",
    sharing_type: "共享类型",
    sdk: "SDK 名称",
    app: "应用",
    data_shared: "共享信息",
    purpose_of_use: "使用目的",
    usage_scenario: "使用场景",
    sharing_method: "共享方式",
    processing_rules: "第三方个人信息处理规则",
    sensitive: "敏感",
    data_items: "涉及的个人信息",
    permissions: "设备权限调用说明",
    permission_purpose: "目的",
    requested_by: "使用场景",
    platforms: "适用平台",
    features: "功能及收集的个人信息",
    data_collected: "收集的个人信息",
    data_sources: "从第三方获得个人信息的情形",
    storage: "Cookie 和同类技术",
    rights: "您的权利",
    contact: "联系我们",
    controller: "个人信息处理者",
    affiliates: "提供服务的公司",
    consent_exceptions: "征得授权同意的例外",
    policy_link: "隐私政策全文",
    version: "版本",
    effective: "生效日期",
    language_switch: "English",
    show_more: "展开",
    withdrawal_note: "撤回同意不影响撤回前基于您的同意已进行的个人信息处理活动的效力。",
    separate_badge: "需单独同意",
    separate_intro: "此项涉及敏感个人信息或向第三方提供个人信息，需要您单独同意。同意前请确认将处理的信息、接收方及目的：",
    separate_agree: "我单独同意",
    cancel: "取消",
    consent_id: "同意编号",
    consent_updated: "更新于",
    download_receipt: "下载同意凭证",
    changes_title: "个人信息处理规则有更新",
    changes_body: "自您上次选择以来，以下事项有新增或变化，仅需您对这些事项重新选择；您的其他选择保持不变。",
    accept_changes: "同意更新内容",
    refuse_changes: "拒绝更新内容",
    change_new: "新增",
    change_changed: "有变化",
    change_new_data: "新增的个人信息：",
    change_separate: "此项需要您单独同意：“同意更新内容”不包括此项，您可在“自定义设置”中单独同意。",
    third_party_switch: "向其提供",
    explain_intro: "选择“允许”后，您的设备会弹出系统授权请求；选择“暂不允许”则不会申请，您可以稍后再开启。",
    explain_allow: "允许",
    explain_deny: "暂不允许",
    banner_separate_note: "“接受全部”不包括需要您单独同意的事项（如人脸、身份证件、银行卡等敏感个人信息），您可在“自定义设置”中逐项单独同意。",
};

const EN: UiText = UiText {
    banner_title: "We care about your personal information",
    banner_body: "Before we collect or share your personal information we need your consent. You can accept all, reject all, or choose item by item; refusing does not stop you using the basic service, and you can change or withdraw your choice at any time in Privacy settings.",
    accept_all: "Accept all",
    reject_all: "Reject all",
    customise: "Customise",
    save: "Save choices",
    close: "Close",
    reopen: "Privacy settings",
    preferences_title: "Privacy settings",
    preferences_intro: "Choose item by item. Processing that is necessary or required by law is always on; everything else is off until you turn it on, and you can change it at any time.",
    always_on: "Always on",
    legal_basis_consent: "Based on your consent",
    legal_basis_necessary: "Necessary for the service",
    legal_basis_legal_obligation: "Required by law",
    refusal_consequence: "If you refuse",
    third_parties: "Third parties",
    company: "Third party",
    sharing_type: "Sharing type",
    sdk: "SDK",
    app: "App",
    data_shared: "Data shared",
    purpose_of_use: "Purpose of use",
    usage_scenario: "Usage scenario",
    sharing_method: "Sharing method",
    processing_rules: "Third party's processing rules",
    sensitive: "Sensitive",
    data_items: "Personal information involved",
    permissions: "Device permissions",
    permission_purpose: "Purpose",
    requested_by: "When it is asked",
    platforms: "Platforms",
    features: "Features and the personal information they collect",
    data_collected: "Personal information collected",
    data_sources: "Personal information obtained from third parties",
    storage: "Cookies and similar technologies",
    rights: "Your rights",
    contact: "Contact us",
    controller: "Controller",
    affiliates: "Companies providing the services",
    consent_exceptions: "Exceptions to consent",
    policy_link: "Full privacy policy",
    version: "Version",
    effective: "Effective",
    language_switch: "中文",
    show_more: "Show more",
    withdrawal_note: "Withdrawing consent does not affect processing already carried out on the basis of your consent before the withdrawal.",
    separate_badge: "Separate consent",
    separate_intro: "This uses sensitive personal information or provides personal information to third parties, so it needs your separate consent. Before you agree, check what is processed, who receives it and why:",
    separate_agree: "I give my separate consent",
    cancel: "Cancel",
    consent_id: "Consent ID",
    consent_updated: "updated",
    download_receipt: "Download consent receipt",
    changes_title: "What changed since you last chose",
    changes_body: "These items are new or have changed since your last choice; only they need your decision. Your other choices stay as they are.",
    accept_changes: "Accept the changes",
    refuse_changes: "Refuse the changes",
    change_new: "New",
    change_changed: "Changed",
    change_new_data: "New personal information: ",
    change_separate: "This needs your separate consent: \u{201c}Accept the changes\u{201d} leaves it off; you can give it under \u{201c}Customise\u{201d}.",
    third_party_switch: "Share with",
    explain_intro: "If you continue, your device will ask you to grant it. Choose \u{201c}Not now\u{201d} and it will not be asked; you can turn it on later.",
    explain_allow: "Continue",
    explain_deny: "Not now",
    banner_separate_note: "\u{201c}Accept all\u{201d} leaves out what needs your separate consent (sensitive information such as your face, ID documents and bank cards); you can give it item by item under \u{201c}Customise\u{201d}.",
};

pub fn ui_text(lang: Lang) -> &'static UiText {
    match lang {
        Lang::ZhCn => &ZH_CN,
        Lang::En => &EN,
    }
}

/// The heading of the permission notice, naming the permission about to be asked.
pub fn explain_heading(lang: Lang, permission_name: &str) -> String {
    match lang {
        Lang::ZhCn => format!("即将申请{permission_name}"),
        Lang::En => format!("Permission request: {permission_name}"),
    }
}

/// The summary of a purpose's folded details: how many data items and third parties
/// are inside.
pub fn purpose_summary(lang: Lang, data_items: usize, third_parties: usize) -> String {
    match lang {
        Lang::ZhCn => format!("详情：{data_items} 项个人信息，{third_parties} 个第三方"),
        Lang::En => {
            let items = if data_items == 1 { "item" } else { "items" };
            let parties = if third_parties == 1 {
                "third party"
            } else {
                "third parties"
            };
            format!("Details: {data_items} data {items}, {third_parties} {parties}")
        }
    }
}

/// The age question (PIPL Art. 31) asked before the first separate consent, and its
/// two answers.
pub fn age_question(lang: Lang, age: u8) -> (String, String, String) {
    match lang {
        Lang::ZhCn => (
            format!("此项涉及敏感个人信息。请问您是否已满 {age} 周岁？"),
            format!("已满 {age} 周岁"),
            format!("未满 {age} 周岁"),
        ),
        Lang::En => (
            format!("This uses sensitive personal information. Are you {age} or older?"),
            format!("I am {age} or older"),
            format!("I am under {age}"),
        ),
    }
}

/// The guardian step for a user under the minimum age: what it is, and the box the
/// parent or guardian ticks before the separate consent can be given.
pub fn guardian_text(lang: Lang, age: u8) -> (String, &'static str) {
    match lang {
        Lang::ZhCn => (
            format!("不满 {age} 周岁未成年人的个人信息属于敏感个人信息，处理前需取得其父母或其他监护人的同意。请由您的监护人阅读以下内容并确认。"),
            "我是该用户的父母或其他监护人，已阅读以下内容并同意",
        ),
        Lang::En => (
            format!("The personal information of a child under {age} is sensitive: a parent or guardian must consent before it is processed. Please ask your parent or guardian to read the following and confirm."),
            "I am this user's parent or guardian, I have read the following and I agree",
        ),
    }
}

/// The sentence on a blocked element's placeholder.
pub fn placeholder_text(lang: Lang, third_parties: &[String], purposes: &[String]) -> String {
    match lang {
        Lang::ZhCn => {
            let purposes = purposes.join("、");
            if third_parties.is_empty() {
                format!("此内容需要您同意“{purposes}”后才会加载。")
            } else {
                format!(
                    "此内容由{}提供，需要您同意“{purposes}”后才会加载。",
                    third_parties.join("、")
                )
            }
        }
        Lang::En => {
            let purposes = purposes.join(", ");
            if third_parties.is_empty() {
                format!("This content loads only with your consent to {purposes}.")
            } else {
                format!("This content is provided by {} and loads only with your consent to {purposes}.", third_parties.join(", "))
            }
        }
    }
}

/// The placeholder's button.
pub fn placeholder_allow(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "同意并加载",
        Lang::En => "Allow and load",
    }
}

/// The note shown when the browser's Global Privacy Control signal was honoured.
pub fn gpc_note(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "您的浏览器发出了“全局隐私控制”（GPC）信号，我们已据此关闭广告与信息共享类用途；您仍可在下方逐项开启。",
        Lang::En => "Your browser sent a Global Privacy Control signal, so advertising and data-sharing purposes are off; you can still turn them on one by one below.",
    }
}
