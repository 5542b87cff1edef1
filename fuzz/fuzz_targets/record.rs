//! The stored-record decoder: `record::decode`, which reads the localStorage value
//! against the configuration's policy version and the clock, and counts anything
//! that is not a valid, current record as no decision.
//!
//! Checked for every input, beyond "no panic, bounded memory":
//! - a record that decodes belongs to this policy, has not expired, and encodes to a
//!   text that decodes to the same record (the one exception: re-encoding may be
//!   longer than the input, as `1e12` becomes `1000000000000`, and a text over the
//!   length limit is refused as too large, never misread);
//! - time matters only through expiry: the same text decodes to the same record one
//!   millisecond before `expiresAt` and is expired at `expiresAt`;
//! - another policy version never accepts it;
//! - the length limit is exact and counts UTF-16 code units as the stub does: the
//!   record padded with whitespace to `MAX_RECORD_LENGTH` units still decodes, one
//!   unit more is refused as too large.

#![no_main]

use assent::record::{decode, MAX_RECORD_LENGTH};
use assent::RecordRejection;
use assent_fuzz::{assert_linear_memory, measure, seed_config};
use libfuzzer_sys::fuzz_target;

/// 2023-11-14: before the expiry of the records in tests/fixtures/record-vectors.json.
const NOW: u64 = 1_700_000_000_000;

fuzz_target!(|data: &[u8]| {
    // localStorage holds UTF-16; what reaches Rust through wasm-bindgen is UTF-8 with
    // unpaired surrogates replaced, so every input is made into text the same way.
    let stored = String::from_utf8_lossy(data);
    let policy = seed_config().policy().version.as_str();
    assert_eq!(decode(None, policy, NOW), Err(RecordRejection::Missing));

    let (decoded, peak) = measure(|| decode(Some(&stored), policy, NOW));
    assert_linear_memory("record::decode", stored.len(), peak);
    let Ok(record) = decoded else {
        return;
    };
    assert_eq!(record.policy_version, policy);
    assert!(record.expires_at > NOW);
    assert!(!record.consent_id.is_empty());

    let encoded = record.encode();
    let reread = decode(Some(&encoded), policy, NOW);
    if encoded.encode_utf16().count() <= MAX_RECORD_LENGTH {
        assert_eq!(
            reread.as_ref(),
            Ok(&record),
            "encode then decode: {encoded}"
        );
    } else {
        assert_eq!(reread, Err(RecordRejection::TooLarge));
    }

    assert_eq!(
        decode(Some(&stored), policy, record.expires_at - 1).as_ref(),
        Ok(&record)
    );
    assert_eq!(
        decode(Some(&stored), policy, record.expires_at),
        Err(RecordRejection::Expired)
    );
    let other_policy = format!("{policy}-next");
    assert_eq!(
        decode(Some(&stored), &other_policy, NOW),
        Err(RecordRejection::OtherPolicy)
    );

    let units = stored.encode_utf16().count();
    assert!(units <= MAX_RECORD_LENGTH);
    let mut padded = stored.into_owned();
    padded.extend(std::iter::repeat_n('\n', MAX_RECORD_LENGTH - units));
    assert_eq!(
        decode(Some(&padded), policy, NOW).as_ref(),
        Ok(&record),
        "padded to exactly the limit"
    );
    padded.push(' ');
    assert_eq!(
        decode(Some(&padded), policy, NOW),
        Err(RecordRejection::TooLarge),
        "one code unit over the limit"
    );
});
