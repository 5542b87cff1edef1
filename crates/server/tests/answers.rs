//! What a holder of the read token can ask: the NDJSON export of every event since a
//! receive time, streamed (200,000 events raise the server's memory by under 32 MB),
//! and the counts per policy version and choice. One consent id's history is in
//! tests/server.rs. Each scenario on both backends.

#[macro_use]
mod support;

use std::io::{BufRead, BufReader};

use serde_json::{json, Value};
use support::{client, execute, fixture_events, get, post, rows, Db, Server};

const TOKEN: &str = "answers-read-token";

on_both_backends!(
    the_export_streams_the_events_since_a_receive_time_in_commit_order,
    counts_are_per_policy_version_and_choice,
);

/// `ms` since the epoch as RFC 3339 in the offset `hours` east of UTC.
fn rfc3339(ms: i64, hours: i8) -> String {
    let offset = time::UtcOffset::from_hms(hours, 0, 0).unwrap();
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap()
        .to_offset(offset)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// Every line of an NDJSON answer, as JSON, and its content type.
fn export(agent: &ureq::Agent, url: &str) -> (u16, Option<String>, Vec<Value>) {
    let answer = get(agent, url, Some(TOKEN));
    let lines = if answer.status == 200 {
        answer
            .body
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("{line:?}")))
            .collect()
    } else {
        Vec::new()
    };
    (
        answer.status,
        answer.header("content-type").map(str::to_string),
        lines,
    )
}

fn the_export_streams_the_events_since_a_receive_time_in_commit_order(db: &Db) {
    let server = Server::start(db, &[("ASSENT_READ_TOKEN", TOKEN)]);
    let agent = client();
    let sent: Vec<Value> = fixture_events();
    for event in &sent {
        assert_eq!(
            post(&agent, &server.url("/events"), &event.to_string()).status,
            201
        );
        // Distinct receive times, so the cut below falls between two events.
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let stored = rows(db);
    let url = |query: &str| server.url(&format!("/events{query}"));

    let (status, content_type, all) = export(&agent, &url(""));
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("application/x-ndjson"));
    assert_eq!(all.len(), sent.len(), "without since: every event");
    for ((line, event), row) in all.iter().zip(&sent).zip(&stored) {
        assert_eq!(line["event"], *event, "the body as sent");
        assert_eq!(line["eventId"], event["eventId"]);
        assert_eq!(line["at"], event["at"], "the client's time");
        assert_eq!(line["seq"], row.seq, "commit order");
        assert_eq!(line["receivedAt"], row.received_at, "the server's time");
    }

    // Since the fourth event's receive time, written in UTC+8 (`+` is %2B in a URL):
    // the fourth and after, inclusive.
    let since = rfc3339(stored[3].received_at, 8).replace('+', "%2B");
    let (status, _, later) = export(&agent, &url(&format!("?since={since}")));
    assert_eq!(status, 200, "{since}");
    assert_eq!(
        later
            .iter()
            .map(|line| line["seq"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        stored[3..].iter().map(|row| row.seq).collect::<Vec<_>>(),
        "since {since}"
    );
    let (_, _, none) = export(
        &agent,
        &url(&format!("?since={}", rfc3339(stored[4].received_at + 1, 0))),
    );
    assert!(none.is_empty(), "{none:?}");

    for (query, at, words) in [
        ("?since=yesterday", "?since", "RFC 3339"),
        ("?since=2026-12-01T08:00:00+08:00", "?since", "%2B"),
        ("?from=2026-12-01T00:00:00Z", "?from", "unknown parameter"),
    ] {
        let answer = get(&agent, &url(query), Some(TOKEN));
        assert_eq!(answer.status, 400, "{query}: {answer:?}");
        let error = answer.json();
        assert_eq!(error["at"], at, "{query}: {error}");
        assert!(
            error["error"].as_str().unwrap().contains(words),
            "{query}: {error}"
        );
    }
    assert_eq!(get(&agent, &url(""), None).status, 401);
    assert_eq!(get(&agent, &url(""), Some("wrong")).status, 401);
    assert!(server.stop().0.success());

    // No token configured: no export.
    let server = Server::start(db, &[]);
    assert_eq!(get(&agent, &server.url("/events"), Some(TOKEN)).status, 404);
    assert_eq!(get(&agent, &server.url("/counts"), Some(TOKEN)).status, 404);
    assert!(server.stop().0.success());
}

fn counts_are_per_policy_version_and_choice(db: &Db) {
    let server = Server::start(db, &[("ASSENT_READ_TOKEN", TOKEN)]);
    let agent = client();
    let mut events = fixture_events();
    for (i, choice) in ["accept-all", "accept-all", "set"].iter().enumerate() {
        let mut event = events[0].clone();
        event["eventId"] = json!(format!("next-policy-{i}"));
        event["policyVersion"] = json!("test-2");
        event["choice"] = json!(choice);
        events.push(event);
    }
    for event in &events {
        assert_eq!(
            post(&agent, &server.url("/events"), &event.to_string()).status,
            201
        );
    }
    // A repeat is one event, not two.
    assert_eq!(
        post(&agent, &server.url("/events"), &events[0].to_string()).status,
        200
    );
    assert_eq!(get(&agent, &server.url("/counts"), None).status, 401);
    let answer = get(&agent, &server.url("/counts"), Some(TOKEN));
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        answer.json(),
        json!({
            "events": 8,
            "counts": [
                {"policyVersion": "test-1", "choice": "accept-all", "events": 1},
                {"policyVersion": "test-1", "choice": "reject-all", "events": 2},
                {"policyVersion": "test-1", "choice": "set", "events": 2},
                {"policyVersion": "test-2", "choice": "accept-all", "events": 2},
                {"policyVersion": "test-2", "choice": "set", "events": 1},
            ]
        })
    );
    assert!(server.stop().0.success());
}

/// The server's resident memory now and at its peak, in KiB (/proc/PID/status).
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {status}"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The export streams: the whole log is never in the server's memory. 200,000 real
/// event bodies (about 150 MB of NDJSON) raise its peak resident memory by under
/// 32 MB over what it held before the export.
#[test]
fn exporting_200000_events_raises_the_servers_memory_by_under_32_mb() {
    const EVENTS: usize = 200_000;
    let (_dir, db) = support::database();
    let server = Server::start(&db, &[("ASSENT_READ_TOKEN", TOKEN)]);
    let agent = client();
    // Written straight into the database while the server runs (posting 200,000
    // events would test the receiver, not the export): the fixture's first body.
    let body = fixture_events()[0].to_string().replace('\'', "''");
    let inserted = execute(
        &db,
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {EVENTS}) \
             INSERT INTO events (event_id, consent_id, policy_version, choice, client_at, received_at, body) \
             SELECT 'bulk-' || i, 'consent-' || (i % 1000), 'test-1', 'accept-all', 1764000000000 + i, \
             1764000000000 + i, '{body}' FROM n"
        ),
    );
    assert_eq!(inserted as usize, EVENTS);
    // Warm up: the readers' pool and the code paths of an export, on a short one.
    let (status, _, few) = export(
        &agent,
        &server.url("/events?since=2025-11-24T16:03:19.990Z"),
    );
    assert_eq!(status, 200);
    assert_eq!(
        few.len(),
        11,
        "the last 11 of 1764000000000 + 1..=200000 ms"
    );
    let (before, _) = memory_kib(server.pid());

    let mut response = agent
        .get(&server.url("/events"))
        .header("authorization", format!("Bearer {TOKEN}"))
        .call()
        .unwrap();
    assert_eq!(response.status(), 200);
    let reader = BufReader::new(response.body_mut().as_reader());
    let (mut lines, mut bytes, mut last_seq) = (0usize, 0usize, 0i64);
    for line in reader.lines() {
        let line = line.unwrap();
        bytes += line.len() + 1;
        lines += 1;
        if lines % 50_000 == 0 || lines == EVENTS {
            let value: Value = serde_json::from_str(&line).unwrap();
            let seq = value["seq"].as_i64().unwrap();
            assert!(seq > last_seq);
            last_seq = seq;
        }
    }
    let (_, peak) = memory_kib(server.pid());
    assert_eq!(lines, EVENTS);
    let raised = peak.saturating_sub(before);
    eprintln!(
        "export: {lines} lines, {} MB; server memory {} MB before, peak {} MB (+{} KiB)",
        bytes / 1_000_000,
        before / 1024,
        peak / 1024,
        raised
    );
    assert!(raised < 32 * 1024, "raised by {raised} KiB");
    assert!(
        bytes > 32 * 1024 * 1024,
        "more bytes than the bound: {bytes}"
    );
    assert!(server.stop().0.success());
}
