//! Configurations near the 2 MiB limit, built to cost the most: parsing time and the
//! problems reported must stay proportional to the input. Found with hand-built
//! worst cases while setting the parser fuzz target's bounds (docs/fuzzing.md); a
//! consent manager must not stall a page.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use assent::config::{Problem, MAX_CONFIG_BYTES, MAX_LISTED_PROBLEMS};
use assent::Config;
use serde_json::json;

mod common;
use common::small_config;

/// Counts the heap each thread holds, so a test can measure its own peak while the
/// other tests of this file run beside it.
struct PerThread;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

#[global_allocator]
static METER: PerThread = PerThread;

fn counted(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add_signed(delta);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: forwards every call to the system allocator; only counts sizes.
unsafe impl GlobalAlloc for PerThread {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        counted(layout.size() as isize);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        counted(-(layout.size() as isize));
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        counted(new_size as isize - layout.size() as isize);
        System.realloc(ptr, layout, new_size)
    }
}

/// The most heap this thread held at once while `f` ran, beyond what it held before.
fn peak_heap<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let result = f();
    (result, PEAK.with(Cell::get) - before)
}

/// 1 400 purposes (about as many as a consent record, which lists each with its
/// fingerprint, can hold) and a storage item naming the last of them 230 000 times:
/// each reference used to be looked up by a scan of every purpose id, some 300 million
/// string comparisons (seconds natively, longer in WebAssembly) for a valid file.
#[test]
fn references_are_resolved_without_scanning_every_id() {
    let mut config = small_config();
    let purposes = config["purposes"].as_array_mut().unwrap();
    for i in 0..1400 {
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
        "purposes": vec!["p1399"; 230_000],
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

/// A purposes list of 300 000 numbers: each is a problem, and every one used to be
/// listed, with its path and message: 180 MB of heap for a 2 MB file, then an error
/// message of tens of megabytes in the page. Now the first hundred are listed and the
/// rest counted, and the parse costs what the JSON itself costs.
#[test]
fn a_flood_of_problems_is_counted_not_listed() {
    let mut config = small_config();
    config["purposes"] = json!(vec![0; 300_000]);
    let text = config.to_string();
    assert!(text.len() <= MAX_CONFIG_BYTES, "{} bytes", text.len());

    let (parsed, peak) = peak_heap(|| Config::parse(&text));
    let errors = parsed.expect_err("300 000 bad purposes");
    assert_eq!(errors.len(), MAX_LISTED_PROBLEMS + 1);
    assert!(errors[..MAX_LISTED_PROBLEMS]
        .iter()
        .all(|e| e.problem.kind() == "shape" && e.path.starts_with("$.purposes[")));
    let last = errors.last().unwrap();
    assert_eq!(last.path, "$");
    assert_eq!(
        last.problem,
        Problem::TooMany {
            more: 300_000 - MAX_LISTED_PROBLEMS
        }
    );
    assert_eq!(
        last.to_string(),
        "$: 299900 more problem(s) found and not listed"
    );
    // The parsed JSON holds 32 bytes a number, in a list that may have doubled.
    assert!(
        peak < 40 * text.len(),
        "{peak} bytes of heap for {} bytes of configuration",
        text.len()
    );
}

/// Problems found by validation (after the shapes are right) are capped the same way.
#[test]
fn a_flood_of_unknown_references_is_counted_not_listed() {
    let mut config = small_config();
    config["thirdParties"][0]["purposes"] = json!(vec!["nowhere"; 1000]);
    let errors = Config::parse(&config.to_string()).expect_err("unknown purposes");
    assert_eq!(errors.len(), MAX_LISTED_PROBLEMS + 1);
    assert_eq!(errors[0].path, "$.thirdParties[0].purposes[0]");
    assert_eq!(errors[0].problem.kind(), "unknown-reference");
    assert_eq!(
        errors.last().unwrap().problem,
        Problem::TooMany {
            more: 1000 - MAX_LISTED_PROBLEMS
        }
    );
}
