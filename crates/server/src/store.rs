//! The consent log in its database: SQLite (WAL, `synchronous=FULL`) or PostgreSQL
//! (`fsync` on, checked at start, and `synchronous_commit=on` on every connection),
//! through sqlx's `Any` driver so one set of queries serves both (`$1` placeholders,
//! which both engines take). Each backend has its own migrations with equivalent
//! tables (tests/postgres.rs compares them), run at every start. One writer task owns
//! every write: requests hand it their event over a channel with a oneshot reply; it
//! takes what is waiting (group commit), commits one transaction and only then
//! answers each, so a 2xx always means the event is durable. Commit order is the
//! `seq` column, which only that task assigns (a later slice chains events in that
//! order). Reads go through a small pool beside it. This module never sees a
//! request, an address or a header.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::value::RawValue;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool};
use sqlx::{Connection, Row};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

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
    NotDurable { setting: &'static str, value: String },
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
    ) -> Result<(Store, Writer, Durability), StoreError> {
        let (writer_connection, durability) = connect(database_url).await?;
        let backend = durability.backend;
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
            queue,
            stopped,
            commit_wait,
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
        rows.iter()
            .map(|row| {
                let body: String = row.try_get("body").map_err(StoreError::Read)?;
                Ok(StoredEvent {
                    seq: row.try_get("seq").map_err(StoreError::Read)?,
                    event_id: row.try_get("event_id").map_err(StoreError::Read)?,
                    received_at: row.try_get("received_at").map_err(StoreError::Read)?,
                    at: row.try_get("client_at").map_err(StoreError::Read)?,
                    // Stored bodies were JSON when they came in; a row edited by hand
                    // into something else is answered as a JSON string instead.
                    event: RawValue::from_string(body.clone())
                        .or_else(|_| {
                            RawValue::from_string(serde_json::Value::String(body).to_string())
                        })
                        .map_err(|error| StoreError::Read(sqlx::Error::Decode(Box::new(error))))?,
                })
            })
            .collect()
    }
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

/// The writer task: one batch per iteration, until stopped and drained.
async fn write_batches(
    mut connection: AnyConnection,
    mut queue: mpsc::Receiver<Job>,
    mut stopped: watch::Receiver<bool>,
    commit_wait: Duration,
) {
    let mut stopping = false;
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
        commit(&mut connection, batch).await;
    }
    if let Err(error) = connection.close().await {
        tracing::warn!(error = %error, "closing the writer's connection failed");
    }
    tracing::info!("batch writer stopped: every event handed over was committed");
}

/// Commits one batch in one transaction, then answers each job: the same answer
/// ordering as the commit, and nothing answered before the commit returned.
async fn commit(connection: &mut AnyConnection, batch: Vec<Job>) {
    let started = Instant::now();
    let outcome = insert_all(connection, &batch).await;
    let size = batch.len();
    match outcome {
        Ok(results) => {
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
        }
        Err(error) => {
            tracing::error!(events = size, error = %error, "batch not committed; its events were refused");
            let message = error.to_string();
            for job in batch {
                let _ = job.reply.send(Err(StoreError::Commit(message.clone())));
            }
        }
    }
}

async fn insert_all(
    connection: &mut AnyConnection,
    batch: &[Job],
) -> Result<Vec<Appended>, sqlx::Error> {
    let mut transaction = connection.begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let event = &job.event;
        let seq: Option<i64> = sqlx::query_scalar(
            "INSERT INTO events \
             (event_id, consent_id, policy_version, choice, client_at, received_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (event_id) DO NOTHING RETURNING seq",
        )
        .bind(&event.event_id)
        .bind(&event.event.consent_id)
        .bind(&event.event.policy_version)
        .bind(&event.event.choice)
        .bind(event.client_at)
        .bind(job.received_at)
        .bind(&event.body)
        .fetch_optional(&mut *transaction)
        .await?;
        results.push(match seq {
            Some(seq) => Appended::Stored { seq },
            None => Appended::Duplicate,
        });
    }
    transaction.commit().await?;
    Ok(results)
}

/// The server's clock in milliseconds since the epoch (0 if it is before 1970).
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
