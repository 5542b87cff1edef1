//! The server under load on loopback, and crashed in the middle of it: 64 concurrent
//! clients, 20,000 requests with 5 % repeats and 5 % bad inputs, every valid event
//! stored exactly once, every bad one refused with its reason, none lost, `/metrics`
//! matching; SIGKILL mid-load, restart: every acknowledged event is there, the
//! clients' retries fill in the rest, and the chain verifies. Both backends.

#[macro_use]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{
    client, command, event_with_id, free_port, get, post_retrying, rows, try_post, Db, Server,
};

on_both_backends!(
    twenty_thousand_requests_from_64_clients_store_each_valid_event_once,
    a_crash_mid_load_loses_no_acknowledged_event,
);

const CLIENTS: usize = 64;

/// One request of the load and what it must get.
struct Request {
    content_type: &'static str,
    body: Vec<u8>,
    /// The event id, for valid events and their repeats.
    event_id: Option<String>,
    /// For a bad input: its status and the reason `/metrics` counts it under.
    refused: Option<(u16, &'static str)>,
}

/// The bad inputs, in turn: oversized, deeply nested, not JSON, a wrong type, no
/// consent id, no policy version, a wrong content type.
fn bad_input(i: usize) -> Request {
    let valid: Value = serde_json::from_str(&event_with_id(&format!("bad-{i}"))).unwrap();
    let edited = |edit: &dyn Fn(&mut Value)| {
        let mut event = valid.clone();
        edit(&mut event);
        event.to_string().into_bytes()
    };
    let (content_type, body, status, reason) = match i % 7 {
        0 => (
            "application/json",
            edited(&|e| e["padding"] = json!("x".repeat(70 * 1024))),
            413,
            "too-large",
        ),
        1 => (
            "application/json",
            format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes(),
            400,
            "too-deep",
        ),
        2 => (
            "application/json",
            b"{\"eventId\": ".to_vec(),
            400,
            "not-json",
        ),
        3 => (
            "application/json",
            edited(&|e| e["at"] = json!("yesterday")),
            422,
            "field",
        ),
        4 => (
            "application/json",
            edited(&|e| {
                e.as_object_mut().unwrap().remove("consentId");
            }),
            422,
            "field",
        ),
        5 => (
            "application/json",
            edited(&|e| {
                e.as_object_mut().unwrap().remove("policyVersion");
            }),
            422,
            "field",
        ),
        _ => (
            "text/plain",
            valid.to_string().into_bytes(),
            415,
            "content-type",
        ),
    };
    Request {
        content_type,
        body,
        event_id: None,
        refused: Some((status, reason)),
    }
}

/// `total` requests: 90 % new events, 5 % repeats of earlier ones, 5 % bad inputs,
/// interleaved so repeats and refusals arrive while the load runs.
fn load(total: usize) -> Vec<Request> {
    let mut requests = Vec::with_capacity(total);
    let mut valid = 0;
    for i in 0..total {
        requests.push(match i % 20 {
            7 if valid > 0 => {
                let event_id = format!("load-{}", (i * 7919) % valid);
                Request {
                    content_type: "application/json",
                    body: event_with_id(&event_id).into_bytes(),
                    event_id: Some(event_id),
                    refused: None,
                }
            }
            13 => bad_input(i / 20),
            _ => {
                let event_id = format!("load-{valid}");
                valid += 1;
                Request {
                    content_type: "application/json",
                    body: event_with_id(&event_id).into_bytes(),
                    event_id: Some(event_id),
                    refused: None,
                }
            }
        });
    }
    requests
}

fn sample(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in:\n{metrics}"))
}

fn twenty_thousand_requests_from_64_clients_store_each_valid_event_once(db: &Db) {
    const TOTAL: usize = 20_000;
    let server = Server::start(db, &[("ASSENT_RATE_LIMIT", "1000000")]);
    let requests = Arc::new(load(TOTAL));
    let next = Arc::new(AtomicUsize::new(0));
    let answers = Arc::new(Mutex::new(vec![0u16; TOTAL]));
    let url = server.url("/events");
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (requests, next, answers, url) = (
                Arc::clone(&requests),
                Arc::clone(&next),
                Arc::clone(&answers),
                url.clone(),
            );
            std::thread::spawn(move || {
                let agent = client();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(request) = requests.get(i) else {
                        break;
                    };
                    let answer =
                        post_retrying(&agent, &url, Some(request.content_type), &request.body)
                            .unwrap_or_else(|error| panic!("request {i}: {error}"));
                    answers.lock().unwrap()[i] = answer.status;
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    let elapsed = started.elapsed();
    let answers = answers.lock().unwrap().clone();

    let mut acknowledged: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    for (request, status) in requests.iter().zip(&answers) {
        match (&request.event_id, request.refused) {
            (Some(event_id), None) => acknowledged.entry(event_id).or_default().push(*status),
            (None, Some((expected, reason))) => {
                assert_eq!(*status, expected, "{reason}");
                *refused.entry(reason).or_default() += 1;
            }
            _ => unreachable!(),
        }
    }
    let mut repeats = 0;
    for (event_id, statuses) in &acknowledged {
        // The first answer to arrive may be either: each id is stored once (201) and
        // every other copy acknowledged as a repeat (200).
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{event_id}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| *s == 201 || *s == 200),
            "{event_id}: {statuses:?}"
        );
        repeats += statuses.len() - 1;
    }
    let bad: usize = refused.values().sum();
    assert_eq!(acknowledged.len() + repeats + bad, TOTAL);
    assert!(
        repeats >= TOTAL / 25 && bad >= TOTAL / 25,
        "{repeats} {bad}"
    );

    let metrics = get(&client(), &server.url("/metrics"), None).body;
    assert_eq!(
        sample(&metrics, "assent_events_received_total"),
        TOTAL as f64
    );
    assert_eq!(
        sample(&metrics, "assent_events_stored_total"),
        acknowledged.len() as f64
    );
    assert_eq!(
        sample(&metrics, "assent_events_duplicate_total"),
        repeats as f64
    );
    for (reason, count) in &refused {
        let name = format!("assent_events_refused_total{{reason=\"{reason}\"}}");
        assert_eq!(sample(&metrics, &name), *count as f64, "{reason}");
    }
    let batches = sample(&metrics, "assent_commit_seconds_count");
    let (status, log) = server.stop();
    assert!(status.success(), "{log}");

    let stored: Vec<String> = rows(db).into_iter().map(|row| row.event_id).collect();
    let unique: BTreeSet<&str> = stored.iter().map(String::as_str).collect();
    assert_eq!(unique.len(), stored.len(), "no event twice");
    assert_eq!(
        unique,
        acknowledged.keys().copied().collect::<BTreeSet<_>>(),
        "every valid event stored, nothing else"
    );
    let (code, out, _) = command(db, &["verify"], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!("chain intact: {} events", stored.len())),
        "{out}"
    );
    eprintln!(
        "load ({}): {TOTAL} requests from {CLIENTS} clients in {:.1} s ({:.0}/s), {} stored in {batches} batches, {repeats} repeats, {bad} refused",
        db.url().split(':').next().unwrap(),
        elapsed.as_secs_f64(),
        TOTAL as f64 / elapsed.as_secs_f64(),
        stored.len()
    );
}

/// Each client sends its events one after another and retries each (connection
/// refused while the server is down, 503) until it is acknowledged, as the page's
/// outbox does.
fn a_crash_mid_load_loses_no_acknowledged_event(db: &Db) {
    const EVENTS: usize = 6_400;
    let listen = format!("127.0.0.1:{}", free_port());
    let env = [
        ("ASSENT_RATE_LIMIT", "1000000"),
        ("ASSENT_LISTEN", listen.as_str()),
    ];
    let server = Server::start(db, &env);
    let url = server.url("/events");
    let acknowledged = Arc::new(Mutex::new(BTreeSet::<String>::new()));
    let retries = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client_number| {
            let (url, acknowledged, retries) =
                (url.clone(), Arc::clone(&acknowledged), Arc::clone(&retries));
            std::thread::spawn(move || {
                let agent = client();
                for i in 0..EVENTS / CLIENTS {
                    let event_id = format!("crash-{client_number}-{i}");
                    let body = event_with_id(&event_id);
                    let started = Instant::now();
                    loop {
                        match try_post(&agent, &url, Some("application/json"), body.as_bytes()) {
                            Ok(answer) if answer.status == 201 || answer.status == 200 => break,
                            Ok(answer) => assert_eq!(answer.status, 503, "{answer:?}"),
                            Err(_) => {} // down: the server is restarting
                        }
                        retries.fetch_add(1, Ordering::SeqCst);
                        assert!(started.elapsed() < Duration::from_secs(60), "{event_id}");
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    acknowledged.lock().unwrap().insert(event_id);
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < EVENTS / 3 {
        std::thread::sleep(Duration::from_millis(2));
    }
    // Everything acknowledged so far was answered before the kill: it must survive.
    let before_kill = acknowledged.lock().unwrap().clone();
    let log = server.kill();
    let in_flight = acknowledged.lock().unwrap().len();
    assert!(
        in_flight < EVENTS,
        "the kill came mid-load: {in_flight}\n{log}"
    );
    std::thread::sleep(Duration::from_millis(200));
    let server = Server::start(db, &env);
    for client in clients {
        client.join().unwrap();
    }
    let (status, log) = server.stop();
    assert!(status.success(), "{log}");

    let stored: Vec<String> = rows(db).into_iter().map(|row| row.event_id).collect();
    let unique: BTreeSet<String> = stored.iter().cloned().collect();
    assert_eq!(unique.len(), stored.len(), "no event twice");
    let lost: Vec<&String> = before_kill.difference(&unique).collect();
    assert!(
        lost.is_empty(),
        "acknowledged before the kill, then lost: {lost:?}"
    );
    assert_eq!(
        unique,
        *acknowledged.lock().unwrap(),
        "the retries filled in the rest"
    );
    assert_eq!(stored.len(), EVENTS);
    let (code, out, _) = command(db, &["verify"], &[]);
    assert_eq!(code, Some(0), "{out}");
    eprintln!(
        "crash ({}): killed after {} acknowledged of {EVENTS}, {} retries",
        db.url().split(':').next().unwrap(),
        before_kill.len(),
        retries.load(Ordering::SeqCst)
    );
}
