//! The HTTP surface: `POST /events` (what the page's outbox sends); with the bearer
//! token, `GET /consents/{consentId}/events` (one consent id's history), `GET
//! /events?since=` (the NDJSON export, streamed) and `GET /counts`; `GET /healthz`;
//! `GET /metrics` (Prometheus; counts only); CORS for the configured origins only. Every refusal is one [`ApiError`] answered as JSON
//! `{error, at}`. Handlers check, then hand the event to the [`Store`]; they never
//! write the database themselves, and never log a body, a consent id or an address.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::Settings;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;
use crate::receive::{self, Refusal, MAX_BODY_BYTES};
use crate::store::{Appended, Store, StoredEvent};

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub read_token: Option<Arc<str>>,
    pub limiter: Arc<RateLimiter>,
    pub metrics: Arc<Metrics>,
}

/// Why a request is refused: one variant per answer, each a status and a JSON body.
#[derive(Debug)]
pub enum ApiError {
    /// Too many requests from this address (429; the page retries later).
    RateLimited,
    /// The content type is not `application/json` (415).
    ContentType(String),
    /// The body is larger than [`MAX_BODY_BYTES`] (413).
    TooLarge,
    /// The body could not be read (400).
    Body(String),
    /// The body is not an event the core can read (400 or 422, with its path).
    Refused(Refusal),
    /// The log could not store or read (503; the page retries).
    Unavailable,
    /// The read token is missing or wrong (401).
    Unauthorized,
    /// Reads are off (no `ASSENT_READ_TOKEN`), or no such route (404).
    NotFound,
    /// A query parameter is unknown or not what it must be (400); `at` is `?name`.
    Parameter { at: String, what: String },
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ApiError::ContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Body(_) => StatusCode::BAD_REQUEST,
            ApiError::Refused(Refusal::NotJson(_) | Refusal::TooDeep { .. }) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Parameter { .. } => StatusCode::BAD_REQUEST,
        }
    }

    /// The short name logged for a refusal: never anything from the request itself.
    fn reason(&self) -> &'static str {
        match self {
            ApiError::RateLimited => "rate-limited",
            ApiError::ContentType(_) => "content-type",
            ApiError::TooLarge => "too-large",
            ApiError::Body(_) => "body",
            ApiError::Refused(refusal) => refusal.reason(),
            ApiError::Unavailable => "unavailable",
            ApiError::Unauthorized => "unauthorized",
            ApiError::NotFound => "not-found",
            ApiError::Parameter { .. } => "parameter",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (error, at) = match &self {
            ApiError::RateLimited => ("too many requests; retry later".to_string(), None),
            ApiError::ContentType(sent) => (
                format!("the content type must be application/json, not {sent:?}"),
                None,
            ),
            ApiError::TooLarge => (
                format!("the body is larger than {MAX_BODY_BYTES} bytes"),
                Some("$".to_string()),
            ),
            ApiError::Body(reason) => (format!("the body could not be read: {reason}"), None),
            ApiError::Refused(refusal) => (refusal.message(), Some(refusal.at())),
            ApiError::Unavailable => ("the log is unavailable; retry later".to_string(), None),
            ApiError::Unauthorized => ("a valid bearer token is required".to_string(), None),
            ApiError::NotFound => ("not found".to_string(), None),
            ApiError::Parameter { at, what } => (what.clone(), Some(at.clone())),
        };
        let mut response = (status, Json(json!({ "error": error, "at": at }))).into_response();
        if let ApiError::RateLimited | ApiError::Unavailable = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        // The rest of an oversized body is never read, so the connection cannot carry
        // another request: say so, or a client that keeps connections alive sends its
        // next request into a closed one.
        if let ApiError::TooLarge = self {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}

/// The whole router, CORS included.
pub fn router(app: App, settings: &Settings) -> Router {
    let router = Router::new()
        .route("/events", post(receive_event).get(export))
        .route("/consents/{consent_id}/events", get(read_events))
        .route("/counts", get(counts))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics))
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(app);
    match cors(&settings.allowed_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// CORS for the configured origins only; none configured: no CORS headers at all,
/// so a browser lets only same-origin pages post.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::POST])
            .allow_headers([header::CONTENT_TYPE])
            .max_age(Duration::from_secs(24 * 60 * 60)),
    )
}

/// `POST /events`: checks, then answers only once the event is committed: 201 when
/// stored, 200 when its `eventId` was already in the log.
async fn receive_event(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    app.metrics.received.inc();
    match receive(&app, peer, request).await {
        Ok((status, event_id)) => {
            let duplicate = status == StatusCode::OK;
            if duplicate {
                app.metrics.duplicates.inc();
            } else {
                app.metrics.stored.inc();
            }
            tracing::debug!(duplicate, "event acknowledged");
            (
                status,
                Json(json!({ "eventId": event_id, "stored": !duplicate, "duplicate": duplicate })),
            )
                .into_response()
        }
        Err(error) => {
            app.metrics.refuse(error.reason());
            tracing::info!(
                status = error.status().as_u16(),
                reason = error.reason(),
                "event refused"
            );
            error.into_response()
        }
    }
}

async fn receive(
    app: &App,
    peer: SocketAddr,
    request: Request,
) -> Result<(StatusCode, String), ApiError> {
    if !app.limiter.allow(peer.ip()) {
        return Err(ApiError::RateLimited);
    }
    content_type_is_json(request.headers())?;
    let body = Bytes::from_request(request, &())
        .await
        .map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
            _ => ApiError::Body(rejection.body_text()),
        })?;
    let received = receive::parse(&body).map_err(ApiError::Refused)?;
    let event_id = received.event_id.clone();
    match app.store.append(received).await {
        Ok(Appended::Stored { .. }) => Ok((StatusCode::CREATED, event_id)),
        Ok(Appended::Duplicate) => Ok((StatusCode::OK, event_id)),
        Err(error) => {
            tracing::error!(error = %error, "event not stored");
            Err(ApiError::Unavailable)
        }
    }
}

/// `application/json`, with or without parameters (`; charset=utf-8`).
fn content_type_is_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let sent = headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .unwrap_or_default();
    let essence = sent.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::ContentType(sent.chars().take(100).collect()))
    }
}

/// `GET /consents/{consentId}/events`: every event of that consent id in commit order.
async fn read_events(
    State(app): State<App>,
    Path(consent_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&app, &headers)?;
    let events = app.store.events_of(&consent_id).await.map_err(|error| {
        tracing::error!(error = %error, "read failed");
        ApiError::Unavailable
    })?;
    tracing::info!(events = events.len(), "consent events read");
    // A struct, not `json!`: each stored body is a `RawValue` and must be answered
    // byte for byte as the page sent it, not re-encoded with its keys reordered.
    Ok(Json(ConsentEvents { consent_id, events }).into_response())
}

/// Reads need `ASSENT_READ_TOKEN` configured (else 404) and sent as the bearer token
/// (else 401).
fn authorize(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = app.read_token.as_deref() else {
        return Err(ApiError::NotFound);
    };
    if !bearer_matches(headers, token) {
        tracing::info!(reason = "unauthorized", "read refused");
        return Err(ApiError::Unauthorized);
    }
    Ok(())
}

/// How many events the export's stream holds ahead of the client at most; with the
/// chunk size below this bounds the export's memory, whatever the log's size.
const EXPORT_AHEAD: usize = 256;
/// The export sends lines in chunks of about this many bytes.
const EXPORT_CHUNK: usize = 64 * 1024;

/// `GET /events?since=RFC3339`: every event received at or after `since` (all of them
/// without it), in commit order, one JSON object a line (`application/x-ndjson`),
/// streamed as the rows are read. A read that fails midway ends the response
/// without its last chunk, so the client sees a broken transfer, never a short
/// export that looks whole.
async fn export(
    State(app): State<App>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&app, &headers)?;
    let Query(parameters) = query.map_err(|rejection| ApiError::Parameter {
        at: "?".to_string(),
        what: format!(
            "the query string could not be read: {}",
            rejection.body_text()
        ),
    })?;
    let mut since = 0;
    for (name, value) in &parameters {
        match name.as_str() {
            "since" => since = rfc3339_ms(value)?,
            other => {
                return Err(ApiError::Parameter {
                    at: format!("?{other}"),
                    what: format!("unknown parameter {other:?}; the export takes since"),
                })
            }
        }
    }
    let (sender, receiver) = tokio::sync::mpsc::channel(EXPORT_AHEAD);
    let store = app.store.clone();
    tokio::spawn(async move { store.export_since(since, sender).await });
    let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let first = receiver.recv().await?;
        let mut chunk = Vec::with_capacity(EXPORT_CHUNK + 1024);
        let mut next = Some(first);
        while let Some(item) = next.take() {
            match item {
                Ok(event) => {
                    if let Err(error) = serde_json::to_writer(&mut chunk, &event) {
                        return Some((Err(std::io::Error::other(error)), receiver));
                    }
                    chunk.push(b'\n');
                }
                Err(error) => {
                    tracing::error!(error = %error, "export failed midway");
                    return Some((Err(std::io::Error::other(error.to_string())), receiver));
                }
            }
            if chunk.len() < EXPORT_CHUNK {
                next = receiver.try_recv().ok();
            }
        }
        Some((Ok(Bytes::from(chunk)), receiver))
    });
    tracing::info!("export started");
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(chunks),
    )
        .into_response())
}

/// An RFC 3339 time (`2026-12-01T00:00:00Z`, `2026-12-01T08:00:00.250+08:00`) as
/// milliseconds since the epoch.
fn rfc3339_ms(value: &str) -> Result<i64, ApiError> {
    let parsed =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
            .map_err(|error| ApiError::Parameter {
                at: "?since".to_string(),
                what: format!(
                    "since is not an RFC 3339 time such as 2026-12-01T00:00:00Z ({error}); a + in an offset is written %2B in a URL: {:?}",
                    value.chars().take(64).collect::<String>()
                ),
            })?;
    i64::try_from(parsed.unix_timestamp_nanos().div_euclid(1_000_000)).map_err(|_| {
        ApiError::Parameter {
            at: "?since".to_string(),
            what: "since is out of range".to_string(),
        }
    })
}

/// `GET /counts`: how many events each policy version and choice has.
async fn counts(State(app): State<App>, headers: HeaderMap) -> Result<Response, ApiError> {
    authorize(&app, &headers)?;
    let counts = app.store.counts().await.map_err(|error| {
        tracing::error!(error = %error, "counts failed");
        ApiError::Unavailable
    })?;
    let events: i64 = counts.iter().map(|count| count.events).sum();
    Ok(Json(json!({ "events": events, "counts": counts })).into_response())
}

/// The read endpoint's answer.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ConsentEvents {
    consent_id: String,
    events: Vec<StoredEvent>,
}

/// Whether `Authorization: Bearer <token>` carries the configured token, compared in
/// time that does not depend on where the first wrong byte is.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let Some(sent) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
    else {
        return false;
    };
    let (sent, token) = (sent.trim().as_bytes(), token.as_bytes());
    sent.len() == token.len()
        && sent
            .iter()
            .zip(token)
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// `GET /metrics`: the counters in OpenMetrics text, which Prometheus scrapes. Open
/// like `/healthz`: it holds counts and durations only.
async fn metrics(State(app): State<App>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.encode(),
    )
        .into_response()
}

/// `GET /healthz`: 200 while the database answers.
async fn health(State(app): State<App>) -> Result<Json<serde_json::Value>, ApiError> {
    app.store.ping().await.map_err(|_| ApiError::Unavailable)?;
    Ok(Json(json!({ "status": "ok" })))
}
