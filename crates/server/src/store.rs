//! The consent log in its database: SQLite (WAL, `synchronous=FULL`) or PostgreSQL
//! (`fsync` on, checked at start, and `synchronous_commit=on` on every connection),
//! through sqlx's `Any` driver so one set of queries serves both (`$1` placeholders,
//! which both engines take). Each backend has its own migrations with equivalent
//! tables (tests/postgres.rs compares them), run at every start. In the server one
//! writer task owns every write: requests hand it their event over a channel with a oneshot reply; it
//! takes what is waiting (group commit), commits one transaction and only then
//! answers each, so a 2xx always means the event is durable. Commit order is the
//! `seq` column, which only that task assigns, and each event is linked to the one
//! before it in that order (`chain`), inside a transaction that holds the chain
//! (SQLite's `BEGIN IMMEDIATE`, PostgreSQL's advisory lock, so several instances on
//! one PostgreSQL serialize there). `verify` walks the links from the newest purge
//! checkpoint; `purge` removes the oldest events and writes that checkpoint. Reads go
//! through a small pool beside the writer. This module never sees a request, an
//! address or a header.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::value::RawValue;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool};
use sqlx::{Connection, Row};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::chain::{self, Link};
use crate::metrics::Metrics;
use crate::receive::ReceivedEvent;

/// The most events one transaction commits.
pub const MAX_BATCH: usize = 512;
/// How many events may wait for the writer before senders wait too.
const QUEUE: usize = 4096;

/// Each backend's migrations, embedded at build time; the one for the database's
/// engine runs at every start.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The database engine `DATABASE_URL` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://path` (or `sqlite:path`): a file, created if missing.
    Sqlite,
    /// `postgres://...` or `postgresql://...`.
    Postgres,
}

impl Backend {
    /// The engine of `url`, from its scheme.
    pub fn of(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split(':').next().unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::Url(scheme.to_string())),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// What storing one event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appended {
    /// Committed as the `seq`-th event.
    Stored { seq: i64 },
    /// An event with this `eventId` was already in the log: nothing was written.
    Duplicate,
}

/// One stored event, as the read endpoint answers it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredEvent {
    /// Commit order (1, 2, ...; gaps never reorder).
    pub seq: i64,
    pub event_id: String,
    /// When the server received it, milliseconds since the epoch (the server's clock).
    pub received_at: i64,
    /// When the page says it happened (`at`, the client's clock).
    pub at: i64,
    /// The body exactly as the page sent it.
    pub event: Box<RawValue>,
}

/// A failure of the log. Each means the event was not stored (the page retries).
#[derive(Debug)]
pub enum StoreError {
    /// `DATABASE_URL` names no engine this server speaks (its scheme).
    Url(String),
    /// The database could not be opened or configured.
    Open(sqlx::Error),
    /// The database runs without a durability setting the log needs (PostgreSQL's
    /// `fsync`): an acknowledged event could be lost in a crash.
    NotDurable {
        setting: &'static str,
        value: String,
    },
    /// The migrations could not run.
    Migrate(sqlx::migrate::MigrateError),
    /// A batch could not be committed; every event in it was refused.
    Commit(String),
    /// A read failed.
    Read(sqlx::Error),
    /// The writer has stopped (the server is shutting down).
    Closed,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Url(scheme) => write!(
                f,
                "DATABASE_URL: {scheme:?} is not a database this server speaks (sqlite://FILE or postgres://...)"
            ),
            StoreError::Open(error) => write!(f, "cannot open the database: {error}"),
            StoreError::NotDurable { setting, value } => write!(
                f,
                "PostgreSQL runs with {setting} = {value}: an acknowledged event could be lost in a crash; set {setting} = on"
            ),
            StoreError::Migrate(error) => write!(f, "cannot migrate the database: {error}"),
            StoreError::Commit(error) => write!(f, "cannot commit a batch: {error}"),
            StoreError::Read(error) => write!(f, "cannot read the log: {error}"),
            StoreError::Closed => write!(f, "the log is closed"),
        }
    }
}

impl std::error::Error for StoreError {}

/// What the database said about its durability settings once open, as logged.
#[derive(Debug)]
pub struct Durability {
    pub backend: Backend,
    /// `name=value` pairs read back from the database: SQLite's `journal_mode` and
    /// `synchronous` (2 is FULL), PostgreSQL's `fsync` and `synchronous_commit`.
    pub settings: String,
}

/// One event waiting for the writer, and where its answer goes.
struct Job {
    event: ReceivedEvent,
    received_at: i64,
    reply: oneshot::Sender<Result<Appended, StoreError>>,
}

/// The handle requests use: cheap to clone, one writer behind all clones.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
    readers: AnyPool,
}

/// The writer task; [`Writer::finish`] commits what is left and waits for it.
pub struct Writer {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Opens (creating a SQLite file if missing) and migrates the database: one
/// connection, durable settings applied and checked. `serve`, `verify` and `purge`
/// all start here.
pub async fn connect(database_url: &str) -> Result<(AnyConnection, Durability), StoreError> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(database_url)?;
    let url = match backend {
        Backend::Sqlite => sqlite_create_if_missing(database_url),
        Backend::Postgres => database_url.to_string(),
    };
    let mut connection = AnyConnection::connect(&url)
        .await
        .map_err(StoreError::Open)?;
    durable(backend, &mut connection).await?;
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator
        .run(&mut connection)
        .await
        .map_err(StoreError::Migrate)?;
    let settings = match backend {
        Backend::Sqlite => {
            let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut connection)
                .await
                .map_err(StoreError::Open)?;
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut connection)
                .await
                .map_err(StoreError::Open)?;
            format!("journal_mode={journal_mode} synchronous={synchronous}")
        }
        Backend::Postgres => {
            let fsync = show(&mut connection, "SHOW fsync").await?;
            let synchronous_commit = show(&mut connection, "SHOW synchronous_commit").await?;
            format!("fsync={fsync} synchronous_commit={synchronous_commit}")
        }
    };
    Ok((connection, Durability { backend, settings }))
}

/// A SQLite URL that creates the file when it is missing (`mode=rwc`), unless the
/// URL says its own mode.
fn sqlite_create_if_missing(url: &str) -> String {
    if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Applies the settings every connection of the log needs, and refuses a PostgreSQL
/// whose `fsync` is off (a server setting no session can change).
async fn durable(backend: Backend, connection: &mut AnyConnection) -> Result<(), StoreError> {
    match backend {
        Backend::Sqlite => {
            for pragma in [
                "PRAGMA busy_timeout = 10000",
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = FULL",
            ] {
                sqlx::query(pragma)
                    .execute(&mut *connection)
                    .await
                    .map_err(StoreError::Open)?;
            }
        }
        Backend::Postgres => {
            sqlx::query("SET synchronous_commit = on")
                .execute(&mut *connection)
                .await
                .map_err(StoreError::Open)?;
            let fsync = show(connection, "SHOW fsync").await?;
            if fsync != "on" {
                return Err(StoreError::NotDurable {
                    setting: "fsync",
                    value: fsync,
                });
            }
        }
    }
    Ok(())
}

async fn show(
    connection: &mut AnyConnection,
    statement: &'static str,
) -> Result<String, StoreError> {
    sqlx::query_scalar(statement)
        .fetch_one(connection)
        .await
        .map_err(StoreError::Open)
}

impl Store {
    /// Opens and migrates the database, and starts the writer. `commit_wait` is how
    /// long the writer waits for more events after the first one of a batch (zero:
    /// commit what is waiting at once).
    pub async fn open(
        database_url: &str,
        commit_wait: Duration,
        metrics: std::sync::Arc<Metrics>,
    ) -> Result<(Store, Writer, Durability), StoreError> {
        let (mut writer_connection, durability) = connect(database_url).await?;
        let backend = durability.backend;
        let linked = link_unchained(&mut writer_connection, backend)
            .await
            .map_err(|error| StoreError::Commit(error.to_string()))?;
        if linked > 0 {
            tracing::info!(
                events = linked,
                "chained the events stored before the chain existed"
            );
        }
        let head = chain_head(&mut writer_connection)
            .await
            .map_err(StoreError::Read)?;
        log_head(&head);
        let url = match backend {
            Backend::Sqlite => sqlite_create_if_missing(database_url),
            Backend::Postgres => database_url.to_string(),
        };
        let readers = AnyPoolOptions::new()
            .max_connections(4)
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    durable(backend, connection)
                        .await
                        .map_err(|error| sqlx::Error::Configuration(Box::new(error)))
                })
            })
            .connect(&url)
            .await
            .map_err(StoreError::Open)?;
        let (jobs, queue) = mpsc::channel(QUEUE);
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(write_batches(
            writer_connection,
            backend,
            queue,
            stopped,
            commit_wait,
            head,
            metrics,
        ));
        Ok((Store { jobs, readers }, Writer { stop, task }, durability))
    }

    /// Stores one event; answers once its batch is committed (or failed).
    pub async fn append(&self, event: ReceivedEvent) -> Result<Appended, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            event,
            received_at: now_ms(),
            reply,
        };
        self.jobs.send(job).await.map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Whether the database answers a read.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.readers)
            .await
            .map(|_| ())
            .map_err(StoreError::Read)
    }

    /// Every event of one consent id, in commit order.
    pub async fn events_of(&self, consent_id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, event_id, received_at, client_at, body FROM events \
             WHERE consent_id = $1 ORDER BY seq",
        )
        .bind(consent_id)
        .fetch_all(&self.readers)
        .await
        .map_err(StoreError::Read)?;
        rows.iter().map(stored_event).collect()
    }

    /// Every event received at or after `since` (ms since the epoch), in commit order,
    /// sent to `events` one at a time as the rows stream in: the log is never in
    /// memory whole, and a full channel holds the read back. A failure is sent as the
    /// last item. Stops early when the receiver is gone (the client went away).
    pub async fn export_since(
        &self,
        since: i64,
        events: mpsc::Sender<Result<StoredEvent, StoreError>>,
    ) {
        use futures_util::TryStreamExt as _;
        let mut rows = sqlx::query(
            "SELECT seq, event_id, received_at, client_at, body FROM events \
             WHERE received_at >= $1 ORDER BY seq",
        )
        .bind(since)
        .fetch(&self.readers);
        loop {
            let item = match rows.try_next().await {
                Ok(Some(row)) => stored_event(&row),
                Ok(None) => return,
                Err(error) => Err(StoreError::Read(error)),
            };
            let failed = item.is_err();
            if events.send(item).await.is_err() || failed {
                return;
            }
        }
    }

    /// How many events each policy version and choice has, sorted by both.
    pub async fn counts(&self) -> Result<Vec<Count>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT policy_version, choice, count(*) FROM events \
             GROUP BY policy_version, choice",
        )
        .fetch_all(&self.readers)
        .await
        .map_err(StoreError::Read)?;
        let mut counts: Vec<Count> = rows
            .into_iter()
            .map(|(policy_version, choice, events)| Count {
                policy_version,
                choice,
                events,
            })
            .collect();
        // Sorted here, not in SQL: the engines' collations differ.
        counts.sort_by(|a, b| (&a.policy_version, &a.choice).cmp(&(&b.policy_version, &b.choice)));
        Ok(counts)
    }
}

/// One policy version's and choice's number of events.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Count {
    pub policy_version: String,
    pub choice: String,
    pub events: i64,
}

/// A row of `SELECT seq, event_id, received_at, client_at, body` as answered.
fn stored_event(row: &sqlx::any::AnyRow) -> Result<StoredEvent, StoreError> {
    let body: String = row.try_get("body").map_err(StoreError::Read)?;
    Ok(StoredEvent {
        seq: row.try_get("seq").map_err(StoreError::Read)?,
        event_id: row.try_get("event_id").map_err(StoreError::Read)?,
        received_at: row.try_get("received_at").map_err(StoreError::Read)?,
        at: row.try_get("client_at").map_err(StoreError::Read)?,
        // Stored bodies were JSON when they came in; a row edited by hand into
        // something else is answered as a JSON string instead.
        event: RawValue::from_string(body.clone())
            .or_else(|_| RawValue::from_string(serde_json::Value::String(body).to_string()))
            .map_err(|error| StoreError::Read(sqlx::Error::Decode(Box::new(error))))?,
    })
}

impl Writer {
    /// Stops taking events, commits every one already handed over, and waits for
    /// the task. Call it after the HTTP server has answered its last request.
    pub async fn finish(self) {
        // The receiver may be gone already if the task ended; nothing is lost then.
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(error = %error, "the batch writer ended abnormally");
        }
    }
}

/// How often the writer logs the chain head while running (and once at start and at
/// shutdown): a copy of the head outside the database, so a rewrite of the whole
/// table, which `verify` alone cannot see, is caught by comparing with the logs.
const HEAD_LOG_EVERY: Duration = Duration::from_secs(5 * 60);

/// The PostgreSQL advisory lock every chain writer (the batch writer of each instance
/// sharing the database, and `purge`) holds for its transaction: links are made one
/// transaction at a time, in commit order. SQLite's `BEGIN IMMEDIATE` does the same.
const CHAIN_LOCK: i64 = 0x6173_7365_6e74; // "assent"

/// The newest link: the last event's `seq` and `hash` (after a purge that removed
/// every event, the checkpoint's; in a log never written, 0 and [`chain::START`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// The writer task: one batch per iteration, until stopped and drained.
async fn write_batches(
    mut connection: AnyConnection,
    backend: Backend,
    mut queue: mpsc::Receiver<Job>,
    mut stopped: watch::Receiver<bool>,
    commit_wait: Duration,
    mut head: Head,
    metrics: std::sync::Arc<Metrics>,
) {
    let mut stopping = false;
    let mut head_log = tokio::time::interval(HEAD_LOG_EVERY);
    loop {
        let first = if stopping {
            queue.recv().await
        } else {
            tokio::select! {
                job = queue.recv() => job,
                // Stopped (or the handle dropped): no new senders from here on, but
                // what was sent already is still taken and committed.
                _ = stopped.changed() => {
                    stopping = true;
                    queue.close();
                    continue;
                }
                _ = head_log.tick() => {
                    log_head(&head);
                    continue;
                }
            }
        };
        let Some(first) = first else { break };
        if !commit_wait.is_zero() {
            tokio::time::sleep(commit_wait).await;
        }
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Some(committed) = commit(&mut connection, backend, batch, &metrics).await {
            head = committed;
        }
    }
    log_head(&head);
    if let Err(error) = connection.close().await {
        tracing::warn!(error = %error, "closing the writer's connection failed");
    }
    tracing::info!("batch writer stopped: every event handed over was committed");
}

fn log_head(head: &Head) {
    tracing::info!(seq = head.seq, hash = %head.hash, "chain head");
}

/// Commits one batch in one transaction, then answers each job: the same answer
/// ordering as the commit, and nothing answered before the commit returned. The new
/// chain head when it committed.
async fn commit(
    connection: &mut AnyConnection,
    backend: Backend,
    batch: Vec<Job>,
    metrics: &Metrics,
) -> Option<Head> {
    let started = Instant::now();
    let outcome = insert_all(connection, backend, &batch).await;
    metrics
        .commit_seconds
        .observe(started.elapsed().as_secs_f64());
    let size = batch.len();
    match outcome {
        Ok((results, head)) => {
            let duplicates = results
                .iter()
                .filter(|r| **r == Appended::Duplicate)
                .count();
            tracing::debug!(
                events = size,
                duplicates,
                commit_ms = started.elapsed().as_secs_f64() * 1000.0,
                "batch committed"
            );
            for (job, result) in batch.into_iter().zip(results) {
                // The request may have gone (client hung up): its event is stored anyway.
                let _ = job.reply.send(Ok(result));
            }
            Some(head)
        }
        Err(error) => {
            tracing::error!(events = size, error = %error, "batch not committed; its events were refused");
            let message = error.to_string();
            for job in batch {
                let _ = job.reply.send(Err(StoreError::Commit(message.clone())));
            }
            None
        }
    }
}

/// A transaction that holds the chain: no other writer links or purges until it ends.
async fn chain_transaction(
    connection: &mut AnyConnection,
    backend: Backend,
) -> Result<sqlx::Transaction<'_, sqlx::Any>, sqlx::Error> {
    match backend {
        // IMMEDIATE takes SQLite's write lock at once, so the head read below is
        // still the head when the inserts come (a deferred transaction could be
        // refused at its first write after another writer committed).
        Backend::Sqlite => connection.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut transaction = connection.begin().await?;
            // The lock function returns void, which no driver decodes: count it.
            sqlx::query("SELECT count(*) FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
                .bind(CHAIN_LOCK)
                .execute(&mut *transaction)
                .await?;
            Ok(transaction)
        }
    }
}

/// The newest link, read inside the chain's transaction (so several instances on one
/// PostgreSQL each link to what the others committed).
async fn chain_head(connection: &mut AnyConnection) -> Result<Head, sqlx::Error> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *connection)
            .await?;
    if let Some((seq, hash)) = last {
        return Ok(Head { seq, hash });
    }
    Ok(match newest_checkpoint(connection).await? {
        Some(checkpoint) => Head {
            seq: checkpoint.last_seq,
            hash: checkpoint.last_hash,
        },
        None => Head {
            seq: 0,
            hash: chain::START.to_string(),
        },
    })
}

async fn insert_all(
    connection: &mut AnyConnection,
    backend: Backend,
    batch: &[Job],
) -> Result<(Vec<Appended>, Head), sqlx::Error> {
    let mut transaction = chain_transaction(connection, backend).await?;
    let mut head = chain_head(&mut transaction).await?;
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let event = &job.event;
        let hash = chain::link_hash(
            &head.hash,
            &Link {
                event_id: &event.event_id,
                consent_id: &event.event.consent_id,
                policy_version: &event.event.policy_version,
                choice: &event.event.choice,
                client_at: event.client_at,
                received_at: job.received_at,
                body: &event.body,
            },
        );
        let seq: Option<i64> = sqlx::query_scalar(
            "INSERT INTO events \
             (event_id, consent_id, policy_version, choice, client_at, received_at, body, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (event_id) DO NOTHING RETURNING seq",
        )
        .bind(&event.event_id)
        .bind(&event.event.consent_id)
        .bind(&event.event.policy_version)
        .bind(&event.event.choice)
        .bind(event.client_at)
        .bind(job.received_at)
        .bind(&event.body)
        .bind(&hash)
        .fetch_optional(&mut *transaction)
        .await?;
        results.push(match seq {
            Some(seq) => {
                head = Head { seq, hash };
                Appended::Stored { seq }
            }
            None => Appended::Duplicate,
        });
    }
    transaction.commit().await?;
    Ok((results, head))
}

/// Links rows stored before the chain existed (`hash` '', from migration 0002), in
/// commit order from the start, when they are the oldest rows of a log never purged;
/// anything else with an empty hash is left for `verify` to report. Returns how many
/// it linked.
async fn link_unchained(
    connection: &mut AnyConnection,
    backend: Backend,
) -> Result<u64, sqlx::Error> {
    let mut transaction = chain_transaction(connection, backend).await?;
    let (unchained, last_unchained, first_chained): (i64, Option<i64>, Option<i64>) =
        sqlx::query_as(
            "SELECT \
         (SELECT count(*) FROM events WHERE hash = ''), \
         (SELECT max(seq) FROM events WHERE hash = ''), \
         (SELECT min(seq) FROM events WHERE hash <> '')",
        )
        .fetch_one(&mut *transaction)
        .await?;
    let is_prefix = match (last_unchained, first_chained) {
        (Some(last), Some(first)) => last < first,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if unchained == 0 || !is_prefix || newest_checkpoint(&mut transaction).await?.is_some() {
        return Ok(0);
    }
    let rows = sqlx::query(
        "SELECT seq, event_id, consent_id, policy_version, choice, client_at, received_at, body \
         FROM events WHERE hash = '' ORDER BY seq",
    )
    .fetch_all(&mut *transaction)
    .await?;
    let mut previous = chain::START.to_string();
    for row in &rows {
        let stored = StoredLink::of(row)?;
        let hash = chain::link_hash(&previous, &stored.link());
        sqlx::query("UPDATE events SET hash = $1 WHERE seq = $2")
            .bind(&hash)
            .bind(stored.seq)
            .execute(&mut *transaction)
            .await?;
        previous = hash;
    }
    transaction.commit().await?;
    Ok(rows.len() as u64)
}

/// One row as the chain covers it.
struct StoredLink {
    seq: i64,
    event_id: String,
    consent_id: String,
    policy_version: String,
    choice: String,
    client_at: i64,
    received_at: i64,
    body: String,
}

impl StoredLink {
    fn of(row: &sqlx::any::AnyRow) -> Result<StoredLink, sqlx::Error> {
        Ok(StoredLink {
            seq: row.try_get("seq")?,
            event_id: row.try_get("event_id")?,
            consent_id: row.try_get("consent_id")?,
            policy_version: row.try_get("policy_version")?,
            choice: row.try_get("choice")?,
            client_at: row.try_get("client_at")?,
            received_at: row.try_get("received_at")?,
            body: row.try_get("body")?,
        })
    }

    fn link(&self) -> Link<'_> {
        Link {
            event_id: &self.event_id,
            consent_id: &self.consent_id,
            policy_version: &self.policy_version,
            choice: &self.choice,
            client_at: self.client_at,
            received_at: self.received_at,
            body: &self.body,
        }
    }
}

/// A purge's record: the events it removed end at `last_seq`, whose hash the next
/// event links to.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub id: i64,
    /// When the purge ran (ms since the epoch).
    pub created_at: i64,
    /// Events received before it (ms) were due.
    pub cutoff: i64,
    /// How many events it removed.
    pub purged: i64,
    pub last_seq: i64,
    pub last_hash: String,
}

async fn newest_checkpoint(
    connection: &mut AnyConnection,
) -> Result<Option<Checkpoint>, sqlx::Error> {
    let row: Option<(i64, i64, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT id, created_at, cutoff, purged, last_seq, last_hash FROM checkpoints \
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(connection)
    .await?;
    Ok(row.map(
        |(id, created_at, cutoff, purged, last_seq, last_hash)| Checkpoint {
            id,
            created_at,
            cutoff,
            purged,
            last_seq,
            last_hash,
        },
    ))
}

/// What `verify` found.
#[derive(Debug)]
pub enum Verification {
    /// Every link from the newest checkpoint (or the start) holds.
    Intact {
        checkpoint: Option<Checkpoint>,
        events: u64,
        head: Head,
    },
    /// The first event whose stored hash is not the hash of its columns and the link
    /// before it: it was edited, or an event before it was removed or edited.
    Broken {
        seq: i64,
        /// The link it should follow: the event before it, or the checkpoint's.
        after_seq: i64,
        /// How many events before it held.
        intact: u64,
    },
}

/// Walks the chain in commit order from the newest checkpoint (or the start),
/// streaming the rows, and stops at the first broken link.
pub async fn verify(connection: &mut AnyConnection) -> Result<Verification, StoreError> {
    use futures_util::TryStreamExt as _;
    let checkpoint = newest_checkpoint(connection)
        .await
        .map_err(StoreError::Read)?;
    let mut head = match &checkpoint {
        Some(checkpoint) => Head {
            seq: checkpoint.last_seq,
            hash: checkpoint.last_hash.clone(),
        },
        None => Head {
            seq: 0,
            hash: chain::START.to_string(),
        },
    };
    let mut rows = sqlx::query(
        "SELECT seq, event_id, consent_id, policy_version, choice, client_at, received_at, body, hash \
         FROM events WHERE seq > $1 ORDER BY seq",
    )
    .bind(head.seq)
    .fetch(&mut *connection);
    let mut events = 0;
    while let Some(row) = rows.try_next().await.map_err(StoreError::Read)? {
        let stored = StoredLink::of(&row).map_err(StoreError::Read)?;
        let hash: String = row.try_get("hash").map_err(StoreError::Read)?;
        if hash != chain::link_hash(&head.hash, &stored.link()) {
            return Ok(Verification::Broken {
                seq: stored.seq,
                after_seq: head.seq,
                intact: events,
            });
        }
        head = Head {
            seq: stored.seq,
            hash,
        };
        events += 1;
    }
    Ok(Verification::Intact {
        checkpoint,
        events,
        head,
    })
}

/// Removes the oldest events received before `cutoff` (ms) — the longest run of them
/// from the start of the chain, so what is left still links to the checkpoint — and
/// writes the checkpoint, in one transaction holding the chain. `None` when no event
/// is due (no checkpoint is written then).
pub async fn purge(
    connection: &mut AnyConnection,
    backend: Backend,
    cutoff: i64,
) -> Result<Option<Checkpoint>, StoreError> {
    let outcome: Result<Option<Checkpoint>, sqlx::Error> = async {
        let mut transaction = chain_transaction(connection, backend).await?;
        let first_kept: Option<i64> =
            sqlx::query_scalar("SELECT min(seq) FROM events WHERE received_at >= $1")
                .bind(cutoff)
                .fetch_one(&mut *transaction)
                .await?;
        let last_purged: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM events WHERE seq < $1 ORDER BY seq DESC LIMIT 1")
                .bind(first_kept.unwrap_or(i64::MAX))
                .fetch_optional(&mut *transaction)
                .await?;
        let Some((last_seq, last_hash)) = last_purged else {
            return Ok(None);
        };
        let purged = sqlx::query("DELETE FROM events WHERE seq <= $1")
            .bind(last_seq)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        let created_at = now_ms();
        let purged = i64::try_from(purged).unwrap_or(i64::MAX);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO checkpoints (created_at, cutoff, purged, last_seq, last_hash) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(created_at)
        .bind(cutoff)
        .bind(purged)
        .bind(last_seq)
        .bind(&last_hash)
        .fetch_one(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(Some(Checkpoint {
            id,
            created_at,
            cutoff,
            purged,
            last_seq,
            last_hash,
        }))
    }
    .await;
    outcome.map_err(|error| StoreError::Commit(error.to_string()))
}

/// The server's clock in milliseconds since the epoch (0 if it is before 1970).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
