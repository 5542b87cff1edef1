//! The server's counters for Prometheus (`GET /metrics`, OpenMetrics text): events
//! received, stored, acknowledged as duplicates and refused by reason, and how long
//! each batch's commit took. Only counts and durations: no label ever holds anything
//! from a request (a reason is one of `ApiError`'s fixed names). This module counts;
//! it never decides what a request gets.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// Why a request was refused: `ApiError::reason`'s fixed names.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Reason {
    pub reason: &'static str,
}

pub struct Metrics {
    registry: Registry,
    /// `POST /events` requests, whatever their answer.
    pub received: Counter,
    /// Events committed (201).
    pub stored: Counter,
    /// Events whose `eventId` was already in the log (200, nothing written).
    pub duplicates: Counter,
    /// Requests refused, by reason (4xx, and 503 when the log could not commit).
    pub refused: Family<Reason, Counter>,
    /// Seconds from a batch's first statement to its commit returning.
    pub commit_seconds: Histogram,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("assent");
        let metrics_received = Counter::default();
        let stored = Counter::default();
        let duplicates = Counter::default();
        let refused = Family::<Reason, Counter>::default();
        // 0.25 ms to about 4 s: an fsync on a fast disk to a stalled one.
        let commit_seconds = Histogram::new(exponential_buckets(0.000_25, 2.0, 15));
        registry.register(
            "events_received",
            "POST /events requests, whatever their answer",
            metrics_received.clone(),
        );
        registry.register(
            "events_stored",
            "events committed to the log",
            stored.clone(),
        );
        registry.register(
            "events_duplicate",
            "events acknowledged whose eventId was already in the log",
            duplicates.clone(),
        );
        registry.register(
            "events_refused",
            "requests refused, by reason",
            refused.clone(),
        );
        registry.register(
            "commit_seconds",
            "time to commit one batch of events",
            commit_seconds.clone(),
        );
        Metrics {
            registry,
            received: metrics_received,
            stored,
            duplicates,
            refused,
            commit_seconds,
        }
    }

    /// Counts one refusal.
    pub fn refuse(&self, reason: &'static str) {
        self.refused.get_or_create(&Reason { reason }).inc();
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
