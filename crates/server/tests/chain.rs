//! The tamper-evident chain through the commands an operator runs: `verify` names the
//! first broken link after a row is edited or removed, `purge` leaves a checkpoint
//! that `verify` starts from, rows stored before the chain get linked, and the
//! server's own log holds the head. Each scenario on both backends.

#[macro_use]
mod support;

use serde_json::Value;
use support::{client, command, event_with_id, execute, post, query, rows, Db, Server};

on_both_backends!(
    verify_names_the_first_edited_or_removed_row,
    purge_leaves_a_checkpoint_that_verify_starts_from,
    rows_stored_before_the_chain_are_linked_at_the_next_start,
    two_servers_on_one_database_keep_one_chain,
);

/// Posts `count` events named `{prefix}-{i}` to a server of its own, and stops it;
/// the server's log.
fn store_events(db: &Db, prefix: &str, count: usize) -> String {
    let server = Server::start(db, &[]);
    let agent = client();
    for i in 0..count {
        let answer = post(
            &agent,
            &server.url("/events"),
            &event_with_id(&format!("{prefix}-{i}")),
        );
        assert_eq!(answer.status, 201, "{answer:?}");
    }
    let (status, log) = server.stop();
    assert!(status.success(), "{log}");
    log
}

/// `verify`'s exit code and standard output.
fn verify(db: &Db) -> (Option<i32>, String) {
    let (code, stdout, stderr) = command(db, &["verify"], &[]);
    assert!(
        code == Some(0) || code == Some(1),
        "{code:?} {stdout} {stderr}"
    );
    (code, stdout)
}

/// The last "chain head" line the server logged: its seq and hash.
fn logged_head(log: &str) -> (i64, String) {
    let entry: Value = log
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .rfind(|entry| entry["fields"]["message"] == "chain head")
        .unwrap_or_else(|| panic!("no chain head in the log:\n{log}"));
    (
        entry["fields"]["seq"].as_i64().unwrap(),
        entry["fields"]["hash"].as_str().unwrap().to_string(),
    )
}

fn verify_names_the_first_edited_or_removed_row(db: &Db) {
    let log = store_events(db, "edit", 8);
    let stored = rows(db);
    assert_eq!(stored.len(), 8);
    let (code, out) = verify(db);
    assert_eq!(code, Some(0), "{out}");
    let last = &stored[7];
    assert!(
        out.contains("chain intact: 8 events from the start")
            && out.contains(&format!("head seq {} {}", last.seq, last.hash)),
        "{out}"
    );
    // The server logged the same head at shutdown: a copy outside the database.
    assert_eq!(logged_head(&log), (last.seq, last.hash.clone()));

    // One byte more in one stored body: that row is named, and only that one.
    let edited = &stored[4];
    let body_of = |seq: i64| format!("UPDATE events SET body = body || ' ' WHERE seq = {seq}");
    assert_eq!(execute(db, &body_of(edited.seq)), 1);
    let (code, out) = verify(db);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("chain broken at seq {}:", edited.seq))
            && out.contains(&format!("(seq {})", stored[3].seq))
            && out.contains("4 events before it hold"),
        "{out}"
    );
    execute(
        db,
        &format!(
            "UPDATE events SET body = '{}' WHERE seq = {}",
            edited.body.replace('\'', "''"),
            edited.seq
        ),
    );
    assert_eq!(verify(db).0, Some(0), "restored: intact again");

    // An indexed column, not the body: a choice rewritten.
    execute(
        db,
        &format!(
            "UPDATE events SET choice = 'reject-all' WHERE seq = {}",
            stored[6].seq
        ),
    );
    let (code, out) = verify(db);
    assert_eq!(code, Some(1));
    assert!(
        out.contains(&format!("broken at seq {}:", stored[6].seq)),
        "{out}"
    );

    // A row removed: the one after it no longer links, and is named.
    execute(
        db,
        &format!("DELETE FROM events WHERE seq = {}", stored[2].seq),
    );
    let (code, out) = verify(db);
    assert_eq!(code, Some(1));
    assert!(
        out.contains(&format!("broken at seq {}:", stored[3].seq))
            && out.contains(&format!("(seq {})", stored[1].seq)),
        "{out}"
    );
}

fn purge_leaves_a_checkpoint_that_verify_starts_from(db: &Db) {
    store_events(db, "purge", 10);
    let stored = rows(db);
    // Four events received 40 days ago (the test moves their receive time back, which
    // is itself an edit that verify sees until they are purged).
    let day = 86_400_000i64;
    execute(
        db,
        &format!(
            "UPDATE events SET received_at = received_at - {} WHERE seq <= {}",
            40 * day,
            stored[3].seq
        ),
    );
    let (code, out) = verify(db);
    assert_eq!(code, Some(1));
    assert!(
        out.contains(&format!("broken at seq {}:", stored[0].seq)),
        "{out}"
    );

    // Without a retention period there is nothing to purge, and it says why.
    let (code, _, stderr) = command(db, &["purge"], &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("ASSENT_RETENTION_DAYS is not set"),
        "{stderr}"
    );
    let (code, _, stderr) = command(db, &["purge"], &[("ASSENT_RETENTION_DAYS", "a month")]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("ASSENT_RETENTION_DAYS"), "{stderr}");

    let (code, out, stderr) = command(db, &["purge"], &[("ASSENT_RETENTION_DAYS", "30")]);
    assert_eq!(code, Some(0), "{out} {stderr}");
    assert!(
        out.contains("purged 4 events received before")
            && out.contains(&format!("up to seq {}", stored[3].seq)),
        "{out}"
    );
    let left = rows(db);
    assert_eq!(
        left.iter().map(|row| row.seq).collect::<Vec<_>>(),
        stored[4..].iter().map(|row| row.seq).collect::<Vec<_>>()
    );
    let checkpoints: Vec<(i64, i64, i64, String)> = query(db, |mut connection| async move {
        sqlx::query_as("SELECT created_at - cutoff, purged, last_seq, last_hash FROM checkpoints")
            .fetch_all(&mut connection)
            .await
            .unwrap()
    });
    assert_eq!(checkpoints.len(), 1);
    let (age, purged, last_seq, last_hash) = &checkpoints[0];
    assert!(
        (30 * day..30 * day + 60_000).contains(age),
        "cutoff 30 days before: {age}"
    );
    assert_eq!((*purged, *last_seq), (4, stored[3].seq));
    assert_eq!(
        *last_hash, stored[3].hash,
        "the hash of the last purged event"
    );

    let (code, out) = verify(db);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("chain intact: 6 events after checkpoint"),
        "{out}"
    );

    // The server links new events after what is left; verify still starts there.
    store_events(db, "after-purge", 2);
    let (code, out) = verify(db);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("chain intact: 8 events after checkpoint"),
        "{out}"
    );
    let (code, out, _) = command(db, &["purge"], &[("ASSENT_RETENTION_DAYS", "30")]);
    assert_eq!(code, Some(0));
    assert!(out.contains("nothing to purge"), "{out}");

    // Everything purged: the next event links to the newest checkpoint's hash.
    execute(
        db,
        &format!("UPDATE events SET received_at = received_at - {}", 40 * day),
    );
    let (code, out, _) = command(db, &["purge"], &[("ASSENT_RETENTION_DAYS", "30")]);
    assert_eq!(code, Some(0));
    assert!(out.contains("purged 8 events"), "{out}");
    assert!(rows(db).is_empty());
    let (code, out) = verify(db);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("chain intact: 0 events after checkpoint"),
        "{out}"
    );
    store_events(db, "after-all", 1);
    let (code, out) = verify(db);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("chain intact: 1 events after checkpoint"),
        "{out}"
    );
}

fn rows_stored_before_the_chain_are_linked_at_the_next_start(db: &Db) {
    store_events(db, "old", 3);
    // As a log from before migration 0002 reads: no hashes.
    assert_eq!(execute(db, "UPDATE events SET hash = ''"), 3);
    let (code, out) = verify(db);
    assert_eq!(code, Some(1), "{out}");
    let log = store_events(db, "new", 1);
    assert!(
        log.contains("chained the events stored before the chain existed"),
        "{log}"
    );
    let (code, out) = verify(db);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("chain intact: 4 events from the start"),
        "{out}"
    );
}

/// Two instances behind one load balancer: each links inside the chain's lock, so
/// their events form one chain, never two branches from the same head.
fn two_servers_on_one_database_keep_one_chain(db: &Db) {
    let env = [("ASSENT_RATE_LIMIT", "1000000")];
    let servers = [Server::start(db, &env), Server::start(db, &env)];
    let urls: Vec<String> = servers.iter().map(|server| server.url("/events")).collect();
    let clients: Vec<_> = (0..8)
        .map(|client_number| {
            let url = urls[client_number % 2].clone();
            std::thread::spawn(move || {
                let agent = client();
                for i in 0..40 {
                    let body = event_with_id(&format!("two-{client_number}-{i}"));
                    let answer = post(&agent, &url, &body);
                    assert_eq!(answer.status, 201, "{answer:?}");
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    for server in servers {
        let (status, log) = server.stop();
        assert!(status.success(), "{log}");
    }
    let (code, out) = verify(db);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("chain intact: 320 events from the start"),
        "{out}"
    );
}

#[test]
fn an_unknown_command_is_refused_with_the_usage() {
    let (_dir, db) = support::database();
    let (code, _, stderr) = command(&db, &["verfy"], &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains(r#"unknown command "verfy""#)
            && stderr.contains("assent-server [serve] | verify | purge"),
        "{stderr}"
    );
}
