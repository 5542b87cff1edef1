//! The consent-log server end to end: the built binary on a free loopback port, its
//! own database (a SQLite file in a temporary folder, or a throw-away PostgreSQL),
//! real HTTP, the database read back directly. No mocks. Each scenario runs on both
//! backends (`sqlite::*` and `postgres::*`) unless it is about HTTP alone; each test
//! names what it guards.

#[macro_use]
mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use support::{
    client, database, event_with_id, fixture_events, get, post, post_retrying, preflight, rows,
    try_post, Db, Server,
};

on_both_backends!(
    valid_events_are_stored_exactly_once_and_kept_as_sent,
    bad_input_is_refused_with_what_and_where_and_nothing_is_stored,
    reads_need_the_token_and_answer_in_commit_order,
    a_restart_keeps_every_acknowledged_event,
    sigterm_during_a_burst_keeps_every_acknowledged_event,
);

const TOKEN: &str = "test-read-token-0123456789";

fn valid_events_are_stored_exactly_once_and_kept_as_sent(db: &Db) {
    let server = Server::start(db, &[]);
    let agent = client();
    assert_eq!(
        get(&agent, &server.url("/healthz"), None).json(),
        json!({"status": "ok"})
    );

    let mut sent: Vec<String> = fixture_events().iter().map(Value::to_string).collect();
    // A newer page's fields, unknown to this server: kept as they came.
    sent[1] = sent[1].replacen(
        '{',
        r#"{"newField": {"nested": [1, "two", null]}, "n": 1.50,"#,
        1,
    );
    for body in &sent {
        let answer = post(&agent, &server.url("/events"), body);
        assert_eq!(answer.status, 201, "{answer:?}");
        assert_eq!(answer.json()["stored"], true);
    }
    // The outbox sends again when an acknowledgement was lost: acknowledged, not stored.
    let repeat = post(&agent, &server.url("/events"), &sent[0]);
    assert_eq!(repeat.status, 200, "{repeat:?}");
    assert_eq!(repeat.json()["duplicate"], true);
    // The same eventId with another body is still the same event.
    let altered = sent[0].replacen('{', r#"{"other": true,"#, 1);
    assert_eq!(post(&agent, &server.url("/events"), &altered).status, 200);

    let (status, log) = server.stop();
    assert!(status.success(), "{status:?}\n{log}");
    let stored = rows(db);
    assert_eq!(
        stored
            .iter()
            .map(|row| row.body.as_str())
            .collect::<Vec<_>>(),
        sent.iter().map(String::as_str).collect::<Vec<_>>(),
        "each event once, byte for byte as sent, in the order sent"
    );
    let events = fixture_events();
    for (row, event) in stored.iter().zip(&events) {
        assert_eq!(row.event_id, event["eventId"].as_str().unwrap());
        assert_eq!(row.consent_id, event["consentId"].as_str().unwrap());
    }
    assert!(stored.windows(2).all(|pair| pair[0].seq < pair[1].seq));
    if let Db::Sqlite(_) = db {
        assert_eq!(support::journal_mode(db), "wal");
    }
    logs_hold_no_request_data(&log, &events, db);
}

/// The log is JSON lines and names no consent id, event id or client address.
fn logs_hold_no_request_data(log: &str, events: &[Value], db: &Db) {
    for line in log.lines() {
        serde_json::from_str::<Value>(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
    }
    let start: Value = log
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .find(|entry| entry["fields"]["listen"].is_string())
        .expect("a start line");
    let durability = match db {
        // SQLite's synchronous 2 is FULL.
        Db::Sqlite(_) => "journal_mode=wal synchronous=2",
        Db::Postgres(_) => "fsync=on synchronous_commit=on",
    };
    assert_eq!(start["fields"]["durability"], durability);
    for event in events {
        for field in ["consentId", "eventId", "disclosureHash"] {
            let value = event[field].as_str().unwrap();
            assert!(
                !log.contains(value),
                "the log names {field} {value}:\n{log}"
            );
        }
    }
    // The only addresses in the log are the server's own and its database's.
    let listen = start["fields"]["listen"].as_str().unwrap();
    let database = start["fields"]["database"].as_str().unwrap();
    let rest = log.replace(listen, "").replace(database, "");
    assert!(!rest.contains("127.0.0.1"), "{log}");
}

fn bad_input_is_refused_with_what_and_where_and_nothing_is_stored(db: &Db) {
    let server = Server::start(db, &[("ASSENT_READ_TOKEN", TOKEN)]);
    let agent = client();
    let valid = fixture_events().remove(0);
    let edited = |edit: &dyn Fn(&mut Value)| {
        let mut event = valid.clone();
        event["eventId"] = json!("refused-event");
        edit(&mut event);
        event.to_string()
    };
    let remove = |field: &'static str| {
        move |event: &mut Value| {
            event.as_object_mut().unwrap().remove(field);
        }
    };
    let mut nested = json!("deep");
    for _ in 0..40 {
        nested = json!([nested]);
    }
    let deep_extra = edited(&|event| event["extra"] = nested.clone());
    let cases: Vec<(&str, Option<&str>, String, u16, Value)> = vec![
        (
            "missing consent id",
            Some("application/json"),
            edited(&remove("consentId")),
            422,
            json!("$.consentId"),
        ),
        (
            "missing policy version",
            Some("application/json"),
            edited(&remove("policyVersion")),
            422,
            json!("$.policyVersion"),
        ),
        (
            "missing event id",
            Some("application/json"),
            edited(&remove("eventId")),
            422,
            json!("$.eventId"),
        ),
        (
            "missing choice",
            Some("application/json"),
            edited(&remove("choice")),
            422,
            json!("$.choice"),
        ),
        (
            "time of the wrong type",
            Some("application/json"),
            edited(&|e| e["at"] = json!("2026-12-02T06:00:00Z")),
            422,
            json!("$.at"),
        ),
        (
            "negative time",
            Some("application/json"),
            edited(&|e| e["at"] = json!(-1)),
            422,
            json!("$.at"),
        ),
        (
            "event id of the wrong type",
            Some("application/json"),
            edited(&|e| e["eventId"] = json!(42)),
            422,
            json!("$.eventId"),
        ),
        (
            "a decision of the wrong type",
            Some("application/json"),
            edited(&|e| e["decisions"]["analytics"] = json!("yes")),
            422,
            json!("$.decisions.analytics"),
        ),
        (
            "empty consent id",
            Some("application/json"),
            edited(&|e| e["consentId"] = json!("")),
            422,
            json!("$.consentId"),
        ),
        (
            "not JSON",
            Some("application/json"),
            "{\"eventId\": \"refused-event\",".to_string(),
            400,
            json!("$"),
        ),
        (
            "JSON but not an object",
            Some("application/json"),
            "[1, 2]".to_string(),
            422,
            json!("$"),
        ),
        (
            "wrong content type",
            Some("text/plain"),
            valid.to_string(),
            415,
            Value::Null,
        ),
        (
            "form content type",
            Some("application/x-www-form-urlencoded"),
            valid.to_string(),
            415,
            Value::Null,
        ),
        ("no content type", None, valid.to_string(), 415, Value::Null),
        (
            "oversized",
            Some("application/json"),
            edited(&|e| e["padding"] = json!("x".repeat(70 * 1024))),
            413,
            json!("$"),
        ),
        (
            "deeply nested",
            Some("application/json"),
            format!("{}{}", "[".repeat(5000), "]".repeat(5000)),
            400,
            json!("$"),
        ),
        (
            "an extra field nested too deep",
            Some("application/json"),
            deep_extra,
            400,
            json!(format!("$.extra{}", "[0]".repeat(31))),
        ),
    ];
    for (name, content_type, body, status, at) in &cases {
        // Sent again if the connection breaks before the answer, as the outbox does: a
        // refused body the server did not read can end the connection under load.
        let answer = post_retrying(
            &client(),
            &server.url("/events"),
            *content_type,
            body.as_bytes(),
        )
        .unwrap_or_else(|error| panic!("{name}: no answer: {error}"));
        assert_eq!(answer.status, *status, "{name}: {answer:?}");
        if *status == 413 {
            // The unread rest of the body ends the connection, and the answer says so.
            assert_eq!(answer.header("connection"), Some("close"), "{name}");
        }
        let error = answer.json();
        assert_eq!(error["at"], *at, "{name}: {error}");
        let message = error["error"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{name}: {error}");
        if let Some(field) = at
            .as_str()
            .and_then(|at| at.rsplit('.').next())
            .filter(|f| *f != "$")
        {
            let field = field.split('[').next().unwrap();
            assert!(
                message.contains(field) || *status != 422,
                "{name}: {message}"
            );
        }
    }
    let read = get(
        &agent,
        &server.url(&format!(
            "/consents/{}/events",
            valid["consentId"].as_str().unwrap()
        )),
        Some(TOKEN),
    );
    assert_eq!(read.json()["events"], json!([]));
    let (status, log) = server.stop();
    assert!(status.success(), "{log}");
    assert!(rows(db).is_empty(), "nothing of a refused body is stored");
    assert!(!log.contains("refused-event") && !log.contains("2026-12-02T06:00:00Z"));
}

fn reads_need_the_token_and_answer_in_commit_order(db: &Db) {
    let agent = client();
    let events = fixture_events();
    let consent_id = events[0]["consentId"].as_str().unwrap().to_string();
    let path = format!("/consents/{consent_id}/events");

    // No token configured: the read endpoint does not exist, and the log says so.
    let server = Server::start(db, &[]);
    assert_eq!(get(&agent, &server.url(&path), None).status, 404);
    assert_eq!(get(&agent, &server.url(&path), Some(TOKEN)).status, 404);
    let (_, log) = server.stop();
    assert!(log.contains("reads are off"), "{log}");

    let server = Server::start(db, &[("ASSENT_READ_TOKEN", TOKEN)]);
    for event in &events {
        assert_eq!(
            post(&agent, &server.url("/events"), &event.to_string()).status,
            201
        );
    }
    assert_eq!(get(&agent, &server.url(&path), None).status, 401);
    assert_eq!(
        get(&agent, &server.url(&path), Some("wrong-token")).status,
        401
    );
    assert_eq!(
        get(&agent, &server.url(&path), Some(&TOKEN[..TOKEN.len() - 1])).status,
        401
    );
    let answer = get(&agent, &server.url(&path), Some(TOKEN));
    assert_eq!(answer.status, 200, "{answer:?}");
    let read = answer.json();
    assert_eq!(read["consentId"], consent_id.as_str());
    let mine: Vec<&Value> = events
        .iter()
        .filter(|event| event["consentId"] == consent_id.as_str())
        .collect();
    let answered = read["events"].as_array().unwrap();
    assert_eq!(
        answered.len(),
        mine.len(),
        "only this consent id's events: {read}"
    );
    for (answered, sent) in answered.iter().zip(&mine) {
        assert_eq!(answered["event"], **sent, "the body as sent");
        assert_eq!(answered["eventId"], sent["eventId"]);
        assert_eq!(answered["at"], sent["at"], "the client's time");
        assert!(
            answered["receivedAt"].as_i64().unwrap() > 1_700_000_000_000,
            "the server's time"
        );
    }
    let seqs: Vec<i64> = answered
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(
        seqs.windows(2).all(|pair| pair[0] < pair[1]),
        "commit order: {seqs:?}"
    );
    let unknown = get(
        &agent,
        &server.url("/consents/no-such-consent/events"),
        Some(TOKEN),
    );
    assert_eq!(unknown.json()["events"], json!([]));
    assert!(server.stop().0.success());
}

#[test]
fn cors_answers_only_the_allowed_origins() {
    let (_dir, db) = database();
    let db = &db;
    let agent = client();
    let server = Server::start(
        db,
        &[(
            "ASSENT_ALLOWED_ORIGINS",
            "https://shop.example, http://127.0.0.1:8080",
        )],
    );
    let allowed = preflight(&agent, &server.url("/events"), "https://shop.example");
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://shop.example"),
        "{allowed:?}"
    );
    assert!(allowed
        .header("access-control-allow-headers")
        .unwrap_or("")
        .contains("content-type"));
    let other = preflight(&agent, &server.url("/events"), "https://evil.example");
    assert_eq!(
        other.header("access-control-allow-origin"),
        None,
        "{other:?}"
    );
    // A real POST from the allowed origin carries the header too.
    let answer = support::try_post(
        &agent,
        &server.url("/events"),
        Some("application/json"),
        event_with_id("cors-1").as_bytes(),
    )
    .unwrap();
    assert_eq!(answer.status, 201);
    assert!(server.stop().0.success());

    // No origins configured: no CORS at all (same-origin deployments need none).
    let server = Server::start(db, &[]);
    let none = preflight(&agent, &server.url("/events"), "https://shop.example");
    assert_eq!(none.header("access-control-allow-origin"), None, "{none:?}");
    assert!(server.stop().0.success());
}

#[test]
fn too_many_requests_from_one_address_are_refused_for_a_while() {
    let (_dir, db) = database();
    let db = &db;
    let server = Server::start(db, &[("ASSENT_RATE_LIMIT", "5")]);
    let agent = client();
    let statuses: Vec<u16> = (0..20)
        .map(|i| {
            post(
                &agent,
                &server.url("/events"),
                &event_with_id(&format!("rate-{i}")),
            )
            .status
        })
        .collect();
    assert!(statuses[..5].iter().all(|s| *s == 201), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    std::thread::sleep(Duration::from_millis(1100));
    let later = post(&agent, &server.url("/events"), &event_with_id("rate-later"));
    assert_eq!(later.status, 201, "the bucket refills");
    let (_, log) = server.stop();
    let stored = rows(db).len();
    assert_eq!(stored, statuses.iter().filter(|s| **s == 201).count() + 1);
    assert!(
        log.contains("rate-limited") && !log.contains("rate-1"),
        "{log}"
    );
}

fn a_restart_keeps_every_acknowledged_event(db: &Db) {
    let agent = client();
    let server = Server::start(db, &[("ASSENT_READ_TOKEN", TOKEN)]);
    let events = fixture_events();
    for event in &events {
        assert_eq!(
            post(&agent, &server.url("/events"), &event.to_string()).status,
            201
        );
    }
    assert!(server.stop().0.success());
    let server = Server::start(db, &[("ASSENT_READ_TOKEN", TOKEN)]);
    let mut answered = 0;
    for consent_id in events
        .iter()
        .map(|e| e["consentId"].as_str().unwrap())
        .collect::<BTreeSet<_>>()
    {
        let read = get(
            &agent,
            &server.url(&format!("/consents/{consent_id}/events")),
            Some(TOKEN),
        )
        .json();
        answered += read["events"].as_array().unwrap().len();
    }
    assert_eq!(answered, events.len());
    // Sent again after the restart (a page that never saw the answer): still once.
    assert_eq!(
        post(&agent, &server.url("/events"), &events[0].to_string()).status,
        200
    );
    assert!(server.stop().0.success());
    assert_eq!(rows(db).len(), events.len());
}

fn sigterm_during_a_burst_keeps_every_acknowledged_event(db: &Db) {
    // The writer waits 20 ms for more events before each commit, so when SIGTERM comes
    // most clients have a request in flight, waiting for its batch.
    let server = Server::start(
        db,
        &[
            ("ASSENT_RATE_LIMIT", "1000000"),
            ("ASSENT_COMMIT_WAIT_MS", "20"),
        ],
    );
    let url = server.url("/events");
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let started = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..16)
        .map(|client_number| {
            let (url, acknowledged, started) =
                (url.clone(), Arc::clone(&acknowledged), Arc::clone(&started));
            std::thread::spawn(move || {
                let agent = client();
                // Bounded: at most 400 events per client; stops at the first refusal.
                for i in 0..400 {
                    let event_id = format!("burst-{client_number}-{i}");
                    match try_post(
                        &agent,
                        &url,
                        Some("application/json"),
                        event_with_id(&event_id).as_bytes(),
                    ) {
                        Ok(answer) if answer.status == 201 => {
                            started.store(true, Ordering::SeqCst);
                            acknowledged.lock().unwrap().push(event_id);
                        }
                        _ => break,
                    }
                }
            })
        })
        .collect();
    while !started.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300));
    let (status, log) = server.stop();
    for client in clients {
        client.join().unwrap();
    }
    assert!(status.success(), "{status:?}\n{log}");
    assert!(
        log.contains("every event handed over was committed"),
        "{log}"
    );
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 16,
        "the burst was under way: {}",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() < 16 * 400,
        "SIGTERM came during the burst"
    );

    // After a restart, every acknowledged event is there, and none twice.
    let server = Server::start(db, &[]);
    assert!(server.stop().0.success());
    let stored: Vec<String> = rows(db).into_iter().map(|row| row.event_id).collect();
    let unique: BTreeSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len());
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !unique.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not stored: {missing:?}"
    );
    // And every stored event was answered 201: no request in flight lost its answer.
    assert_eq!(stored.len(), acknowledged.len(), "stored without an answer");
    eprintln!(
        "burst: {} acknowledged, {} stored",
        acknowledged.len(),
        stored.len()
    );
}

/// The value of one sample in an OpenMetrics text (`name{labels} value`).
fn sample(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in:\n{metrics}"))
}

#[test]
fn metrics_count_what_was_received_stored_duplicated_refused_and_committed() {
    let (_dir, db) = database();
    let server = Server::start(&db, &[("ASSENT_RATE_LIMIT", "12")]);
    let agent = client();
    let url = server.url("/events");
    for i in 0..5 {
        assert_eq!(
            post(&agent, &url, &event_with_id(&format!("m-{i}"))).status,
            201
        );
    }
    for i in 0..2 {
        assert_eq!(
            post(&agent, &url, &event_with_id(&format!("m-{i}"))).status,
            200
        );
    }
    let json = Some("application/json");
    assert_eq!(try_post(&agent, &url, json, b"{").unwrap().status, 400);
    assert_eq!(try_post(&agent, &url, json, b"{}").unwrap().status, 422);
    let text = try_post(&agent, &url, Some("text/plain"), b"{}").unwrap();
    assert_eq!(text.status, 415);
    // The bucket holds 12 and refills at 12 a second: go on until three are refused
    // as rate-limited (those that still get in are stored and counted too).
    let (mut late_stored, mut late_refused) = (0.0, 0.0);
    for i in 0..1000 {
        match post(&agent, &url, &event_with_id(&format!("late-{i}"))).status {
            201 => late_stored += 1.0,
            429 => late_refused += 1.0,
            other => panic!("{other}"),
        }
        if late_refused == 3.0 {
            break;
        }
    }
    assert_eq!(late_refused, 3.0);
    let answer = get(&agent, &server.url("/metrics"), None);
    assert_eq!(answer.status, 200);
    assert!(answer
        .header("content-type")
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let metrics = answer.body;
    assert_eq!(
        sample(&metrics, "assent_events_received_total"),
        10.0 + late_stored + late_refused
    );
    assert_eq!(
        sample(&metrics, "assent_events_stored_total"),
        5.0 + late_stored
    );
    assert_eq!(sample(&metrics, "assent_events_duplicate_total"), 2.0);
    for (reason, count) in [
        ("not-json", 1.0),
        ("field", 1.0),
        ("content-type", 1.0),
        ("rate-limited", 3.0),
    ] {
        let name = format!("assent_events_refused_total{{reason=\"{reason}\"}}");
        assert_eq!(sample(&metrics, &name), count, "{reason}");
    }
    // One commit per accepted request here (each waited for its own batch).
    assert_eq!(
        sample(&metrics, "assent_commit_seconds_count"),
        7.0 + late_stored
    );
    let sum = sample(&metrics, "assent_commit_seconds_sum");
    assert!(sum > 0.0 && sum < 60.0, "{sum}");
    assert!(metrics.trim_end().ends_with("# EOF"), "{metrics}");
    // Counts only: nothing of any request.
    assert!(!metrics.contains("m-0") && !metrics.contains("127.0.0.1"));
    assert!(server.stop().0.success());
}
