//! The consent receipt: a self-contained JSON record of the current consent, after
//! ISO/IEC TS 27560 and the Kantara consent receipt (controller, policy link and
//! version, each purpose with its legal basis, data and recipients, timestamps,
//! consent id, how it was given). Built from the rules, the build's receipt texts
//! (`texts.<digest>.json`, checked against the rules by [`Rules::check_texts`]) and
//! the record only; texts in the language the choice was made in.

use serde_json::{json, Value};

use crate::compiled::Texts;
use crate::config::LegalBasis;
use crate::record::Record;
use crate::rules::Rules;

/// The receipt format's own version, so a reader can tell receipts apart.
pub const RECEIPT_VERSION: &str = "assent-receipt-1";

/// The receipt of `record`. A name the texts lack (never, once `check_texts` passed)
/// is an empty string rather than a fault.
pub fn receipt(rules: &Rules, texts: &Texts, record: &Record) -> Value {
    let lang = record.language;
    let policy = &texts.policy;
    let controller = &texts.controller;
    let purposes: Vec<Value> = rules
        .purposes()
        .iter()
        .map(|purpose| {
            let granted = record.decisions.get(&purpose.id).copied().unwrap_or(false)
                || purpose.legal_basis.is_always_granted();
            let data: Vec<&str> = purpose
                .data_items
                .iter()
                .filter_map(|id| texts.data_items.get(id))
                .map(|name| name.get(lang))
                .collect();
            let recipients: Vec<Value> = rules
                .third_parties()
                .iter()
                .filter(|tp| tp.purposes.contains(&purpose.id))
                .map(|tp| {
                    let names = texts.third_parties.get(&tp.id);
                    json!({
                        "id": tp.id,
                        "name": names.map_or("", |t| t.name.get(lang)),
                        "company": names.and_then(|t| t.company.as_ref()).map(|c| c.get(lang)),
                        "granted": record.decisions.get(&tp.id).copied().unwrap_or(false),
                    })
                })
                .collect();
            json!({
                "id": purpose.id,
                "name": texts.purposes.get(&purpose.id).map_or("", |name| name.get(lang)),
                "legalBasis": match purpose.legal_basis {
                    LegalBasis::Consent => "consent",
                    LegalBasis::Necessary => "necessary",
                    LegalBasis::LegalObligation => "legal-obligation",
                },
                "granted": granted,
                "personalData": data,
                "recipients": recipients,
            })
        })
        .collect();
    json!({
        "receiptVersion": RECEIPT_VERSION,
        "jurisdiction": "CN",
        "consentId": record.consent_id,
        "consentTimestamp": record.created_at,
        "updatedAt": record.updated_at,
        "expiresAt": record.expires_at,
        "collectionMethod": record.method,
        "globalPrivacyControl": record.gpc,
        // The age question's answer (`adult`, or `guardian`: a parent or guardian
        // confirmed for a user under the configured minimum age), once given.
        "age": record.age.map(|a| a.as_str()),
        "language": lang.tag(),
        "policy": {
            "id": policy.id,
            "version": policy.version,
            "effectiveDate": policy.effective_date,
            "title": policy.title.get(lang),
            "url": policy.url,
        },
        "controller": {
            "name": controller.name.get(lang),
            "address": controller.address.as_ref().map(|a| a.get(lang)),
            "phone": controller.phone,
            "email": controller.email,
        },
        "purposes": purposes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{apply_choice, Choice};

    use crate::record::Method;
    use crate::test_support::{rules_of, small_config, texts_of};

    #[test]
    fn names_the_controller_policy_purposes_data_recipients_and_the_consent() {
        let config = small_config();
        let rules = rules_of(&config);
        let context = crate::test_support::context(7, Method::Banner);
        let set = Choice::Set([("analytics".to_string(), true)].into());
        let record = apply_choice(&rules, None, &set, context).unwrap();
        let texts = texts_of(&config);
        let receipt = receipt(&rules, &texts, &record);
        assert_eq!(receipt["receiptVersion"], RECEIPT_VERSION);
        assert_eq!(receipt["consentId"], record.consent_id.as_str());
        assert_eq!(receipt["consentTimestamp"], 7);
        assert_eq!(receipt["collectionMethod"], "banner");
        assert_eq!(receipt["controller"]["name"], "Test Ltd");
        assert_eq!(receipt["policy"]["version"], "test-1");
        assert_eq!(receipt["policy"]["url"], "https://example.com/privacy");
        let analytics = &receipt["purposes"][1];
        assert_eq!(analytics["id"], "analytics");
        assert_eq!(analytics["granted"], true);
        assert_eq!(analytics["personalData"], json!(["Device ID"]));
        assert_eq!(analytics["recipients"][0]["id"], "stats-sdk");
        assert_eq!(analytics["recipients"][0]["granted"], true);
        assert_eq!(
            analytics["recipients"][1]["granted"], false,
            "ad-sdk also needs marketing"
        );
        assert_eq!(receipt["purposes"][2]["granted"], false);
        assert_eq!(receipt["purposes"][0]["granted"], true, "necessary");
        assert_eq!(receipt["age"], Value::Null, "not asked");

        // A third party refused by its own switch is not a recipient, though its
        // purpose is granted; a guardian's confirmation is on the receipt.
        let set = Choice::Set([("stats-sdk".to_string(), false)].into());
        let mut refused = apply_choice(&rules, Some(&record), &set, context).unwrap();
        refused.age = Some(crate::record::Age::Guardian);
        let second = super::receipt(&rules, &texts, &refused);
        assert_eq!(second["purposes"][1]["granted"], true);
        assert_eq!(second["purposes"][1]["recipients"][0]["granted"], false);
        assert_eq!(second["age"], "guardian");
    }
}
