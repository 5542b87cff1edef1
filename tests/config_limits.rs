//! Configurations near the 2 MiB limit, built to cost the most: parsing time and the
//! problems reported must stay proportional to the input. Found with hand-built
//! worst cases while setting the parser fuzz target's bounds (docs/fuzzing.md); a
//! consent manager must not stall a page.

use std::time::{Duration, Instant};

use assent::config::MAX_CONFIG_BYTES;
use assent::Config;
use serde_json::{json, Value};

fn small_config() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/small-config.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Thousands of purposes and a storage item naming the last of them 150 000 times:
/// each reference used to be looked up by a scan of every purpose id, some 600 million
/// string comparisons (about 6 s natively, longer in WebAssembly) for a valid file.
#[test]
fn references_are_resolved_without_scanning_every_id() {
    let mut config = small_config();
    let purposes = config["purposes"].as_array_mut().unwrap();
    for i in 0..4000 {
        purposes.push(json!({
            "id": format!("p{i}"),
            "name": {"zh-CN": "名", "en": "n"},
            "description": {"zh-CN": "述", "en": "d"},
            "legalBasis": "necessary"
        }));
    }
    config["storage"] = json!([{
        "id": "cookies",
        "kind": "cookie",
        "name": {"zh-CN": "名", "en": "n"},
        "description": {"zh-CN": "述", "en": "d"},
        "purposes": vec!["p3999"; 150_000],
        "keys": ["k"]
    }]);
    let text = config.to_string();
    assert!(text.len() <= MAX_CONFIG_BYTES, "{} bytes", text.len());

    let start = Instant::now();
    let parsed = Config::parse(&text);
    let elapsed = start.elapsed();
    assert!(parsed.is_ok(), "{:?}", parsed.err());
    // Linear work takes well under a second even unoptimised; the scan took minutes.
    assert!(
        elapsed < Duration::from_secs(10),
        "validating {} bytes took {elapsed:?}",
        text.len()
    );
}
