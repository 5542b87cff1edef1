//! `assent-server`: Assent's consent-log server. It receives the consent events the
//! page's outbox POSTs to `receiptEndpoint`, stores each once and durably (SQLite or
//! PostgreSQL),
//! and answers every event of one consent id to a holder of the read token. This file
//! wires the pieces and owns the process: settings, logs, the listener, signals and
//! the shutdown order. It must not hold request logic (`http`), validation
//! (`receive`) or SQL (`store`).

mod config;
mod http;
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

/// Why the server stopped with an error.
#[derive(Debug)]
enum ServerError {
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
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "assent-server stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), ServerError> {
    let settings = Settings::from_env().map_err(ServerError::Config)?;
    let (store, writer, durability) = Store::open(&settings.database_url, settings.commit_wait)
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
