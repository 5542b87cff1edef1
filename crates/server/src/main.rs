//! `assent-server [serve] | verify | purge`: Assent's consent-log server. It receives the consent events the
//! page's outbox POSTs to `receiptEndpoint`, stores each once and durably (SQLite or
//! PostgreSQL),
//! and answers every event of one consent id to a holder of the read token. `verify`
//! walks the tamper-evident chain and names the first broken link (exit 1); `purge`
//! removes the events older than `ASSENT_RETENTION_DAYS` and leaves a checkpoint.
//! This file wires the pieces and owns the process: the command, settings, logs, the
//! listener, signals and the shutdown order. It must not hold request logic (`http`),
//! validation (`receive`), the chain's rule (`chain`) or SQL (`store`).

mod chain;
mod config;
mod http;
mod metrics;
mod rate_limit;
mod receive;
mod store;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use config::Settings;
use store::Store;

/// How long a shutdown waits for open connections before it stops anyway.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

/// What `assent-server` was asked to do.
const USAGE: &str = "usage: assent-server [serve] | verify | purge";

/// Why the server stopped with an error.
#[derive(Debug)]
enum ServerError {
    /// The command line names no command (`USAGE`).
    Usage(String),
    /// A setting is wrong (see `config`).
    Config(config::ConfigError),
    /// The database could not be opened or migrated.
    Store(store::StoreError),
    /// The listen address could not be bound.
    Bind(std::io::Error),
    /// The signal handlers could not be installed.
    Signals(std::io::Error),
    /// The HTTP server failed while running.
    Serve(std::io::Error),
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerError::Usage(argument) => write!(f, "unknown command {argument:?}; {USAGE}"),
            ServerError::Config(error) => write!(f, "{error}"),
            ServerError::Store(error) => write!(f, "{error}"),
            ServerError::Bind(error) => write!(f, "cannot listen: {error}"),
            ServerError::Signals(error) => write!(f, "cannot listen for signals: {error}"),
            ServerError::Serve(error) => write!(f, "the HTTP server failed: {error}"),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // JSON lines on stderr. No handler logs a body, a consent id or an address, and
    // nothing here records request metadata (no access log).
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_current_span(false)
        .init();
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match arguments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] | ["serve"] => serve().await.map(|()| ExitCode::SUCCESS),
        ["verify"] => verify().await,
        ["purge"] => purge().await,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(ServerError::Usage(arguments.join(" "))),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            tracing::error!(error = %error, "assent-server stopped");
            eprintln!("assent-server: {error}");
            ExitCode::from(2)
        }
    }
}

/// `verify`: prints what it found on standard output; exit 0 when every link holds,
/// 1 at a broken one.
async fn verify() -> Result<ExitCode, ServerError> {
    let settings = Settings::from_env().map_err(ServerError::Config)?;
    let (mut connection, _) = store::connect(&settings.database_url)
        .await
        .map_err(ServerError::Store)?;
    let verification = store::verify(&mut connection)
        .await
        .map_err(ServerError::Store)?;
    match verification {
        store::Verification::Intact {
            checkpoint,
            events,
            head,
        } => {
            let from = match checkpoint {
                Some(checkpoint) => format!(
                    "after checkpoint {} (purge of {}: {} events received before {}, up to seq {})",
                    checkpoint.id,
                    rfc3339(checkpoint.created_at),
                    checkpoint.purged,
                    rfc3339(checkpoint.cutoff),
                    checkpoint.last_seq
                ),
                None => "from the start".to_string(),
            };
            println!(
                "chain intact: {events} events {from}; head seq {} {}",
                head.seq, head.hash
            );
            Ok(ExitCode::SUCCESS)
        }
        store::Verification::Broken {
            seq,
            after_seq,
            intact,
        } => {
            println!(
                "chain broken at seq {seq}: its hash is not the hash of its columns and the link before it (seq {after_seq}); the row was edited, or one before it removed or edited ({intact} events before it hold)"
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// `purge`: removes the events received more than `ASSENT_RETENTION_DAYS` days ago
/// and prints the checkpoint it wrote.
async fn purge() -> Result<ExitCode, ServerError> {
    let settings = Settings::from_env().map_err(ServerError::Config)?;
    let Some(days) = settings.retention_days else {
        return Err(ServerError::Config(config::ConfigError::NoRetention));
    };
    let (mut connection, durability) = store::connect(&settings.database_url)
        .await
        .map_err(ServerError::Store)?;
    let cutoff = store::now_ms().saturating_sub(i64::from(days) * 86_400_000);
    match store::purge(&mut connection, durability.backend, cutoff)
        .await
        .map_err(ServerError::Store)?
    {
        Some(checkpoint) => println!(
            "purged {} events received before {} (up to seq {}); checkpoint {}: {}",
            checkpoint.purged,
            rfc3339(cutoff),
            checkpoint.last_seq,
            checkpoint.id,
            checkpoint.last_hash
        ),
        None => println!(
            "nothing to purge: no event was received before {}",
            rfc3339(cutoff)
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Milliseconds since the epoch as RFC 3339 in UTC (the number itself if out of range).
fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}

async fn serve() -> Result<(), ServerError> {
    let settings = Settings::from_env().map_err(ServerError::Config)?;
    let metrics = Arc::new(metrics::Metrics::new());
    let (store, writer, durability) = Store::open(
        &settings.database_url,
        settings.commit_wait,
        Arc::clone(&metrics),
    )
    .await
    .map_err(ServerError::Store)?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(ServerError::Bind)?;
    let listen = listener.local_addr().map_err(ServerError::Bind)?;
    let signals = Signals::listen().map_err(ServerError::Signals)?;
    if settings.read_token.is_none() {
        tracing::warn!(
            "ASSENT_READ_TOKEN is not set: reads are off (GET /consents/... answers 404)"
        );
    }
    tracing::info!(
        listen = %listen,
        database = %database_file(&settings.database_url),
        backend = durability.backend.name(),
        durability = %durability.settings,
        allowed_origins = settings.allowed_origins.len(),
        reads = settings.read_token.is_some(),
        rate_limit_per_second = settings.rate_limit,
        "assent-server listening"
    );
    let app = http::App {
        store,
        read_token: settings.read_token.as_deref().map(Arc::from),
        limiter: Arc::new(rate_limit::RateLimiter::new(settings.rate_limit)),
        metrics,
    };
    let router = http::router(app, &settings);
    // Graceful: on a signal, stop accepting, let every request in flight finish (each
    // waits for its batch's commit), then let the writer commit what is left. A
    // connection still open after SHUTDOWN_GRACE (a client that never finishes its
    // request) no longer holds the exit.
    let (signalled, signal_seen) = tokio::sync::watch::channel(false);
    let serve = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        signals.received().await;
        let _ = signalled.send(true);
    })
    .into_future();
    let grace = async move {
        let mut signal_seen = signal_seen;
        let _ = signal_seen.wait_for(|seen| *seen).await.map(|_| ());
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = serve => served.map_err(ServerError::Serve)?,
        () = grace => tracing::warn!(
            grace_seconds = SHUTDOWN_GRACE.as_secs(),
            "connections still open after the grace period; stopping anyway"
        ),
    }
    writer.finish().await;
    tracing::info!("assent-server stopped");
    Ok(())
}

/// The database as logged: the URL without its query string (options) or any
/// user information, so no secret reaches the log.
fn database_file(url: &str) -> String {
    let without_query = url.split('?').next().unwrap_or(url);
    match without_query.rsplit_once('@') {
        Some((scheme_and_user, host)) => {
            let scheme = scheme_and_user.split("://").next().unwrap_or("");
            format!("{scheme}://{host}")
        }
        None => without_query.to_string(),
    }
}

/// SIGTERM and Ctrl-C (SIGINT), listened for from before the server says it listens:
/// a signal that comes at once still shuts down gracefully instead of killing.
struct Signals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    fn listen() -> Result<Signals, std::io::Error> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Resolves at the first of them.
    async fn received(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.terminate.recv() => tracing::info!(signal = "SIGTERM", "shutting down"),
            _ = self.interrupt.recv() => tracing::info!(signal = "SIGINT", "shutting down"),
        }
        #[cfg(not(unix))]
        match tokio::signal::ctrl_c().await {
            Ok(()) => tracing::info!(signal = "Ctrl-C", "shutting down"),
            Err(error) => {
                tracing::error!(error = %error, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await
            }
        }
    }
}
