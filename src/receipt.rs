//! The consent receipt: a self-contained JSON record of the current consent, after
//! ISO/IEC TS 27560 and the Kantara consent receipt (controller, policy link and
//! version, each purpose with its legal basis, data and recipients, timestamps,
//! consent id, how it was given). Built from the configuration and the record only;
//! texts in the language the disclosures were shown in.

use serde_json::{json, Value};

use crate::config::{Config, LegalBasis};
use crate::record::Record;

/// The receipt format's own version, so a reader can tell receipts apart.
pub const RECEIPT_VERSION: &str = "assent-receipt-1";

pub fn receipt(config: &Config, record: &Record) -> Value {
    let lang = record.language;
    let policy = config.policy();
    let controller = &policy.controller;
    let purposes: Vec<Value> = config
        .purposes()
        .iter()
        .map(|purpose| {
            let granted = record.decisions.get(&purpose.id).copied().unwrap_or(false)
                || purpose.legal_basis.is_always_granted();
            let data: Vec<&str> = purpose
                .data_items
                .iter()
                .filter_map(|id| config.data_item(id))
                .map(|item| item.name.get(lang))
                .collect();
            let recipients: Vec<Value> = config
                .third_parties_of(&purpose.id)
                .map(|tp| {
                    json!({
                        "id": tp.id,
                        "name": tp.name.get(lang),
                        "company": tp.company.as_ref().map(|c| c.get(lang)),
                        "granted": record.decisions.get(&tp.id).copied().unwrap_or(false),
                    })
                })
                .collect();
            json!({
                "id": purpose.id,
                "name": purpose.name.get(lang),
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
        "collectionMethod": record.method.as_str(),
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
            "url": policy.links.policy,
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
    use crate::test_support::{rules_of, small_config};

    #[test]
    fn names_the_controller_policy_purposes_data_recipients_and_the_consent() {
        let config = small_config();
        let rules = rules_of(&config);
        let context = crate::test_support::context(7, Method::Banner);
        let set = Choice::Set([("analytics".to_string(), true)].into());
        let record = apply_choice(&rules, None, &set, context).unwrap();
        let receipt = receipt(&config, &record);
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
        let second = super::receipt(&config, &refused);
        assert_eq!(second["purposes"][1]["granted"], true);
        assert_eq!(second["purposes"][1]["recipients"][0]["granted"], false);
        assert_eq!(second["age"], "guardian");
    }
}
