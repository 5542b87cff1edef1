-- The consent log: one row per event the page sent, in commit order (`seq`, assigned
-- by the server's single writer). The indexed columns are copies of the core event's
-- required fields; `body` is the whole body as it came (unknown fields included).
-- No IP address or other request metadata is stored.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The outbox's id for the event: a repeat is acknowledged, never stored twice.
    event_id TEXT NOT NULL UNIQUE,
    consent_id TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    choice TEXT NOT NULL,
    -- The client's time (`at`), milliseconds since the epoch, as the page said.
    client_at INTEGER NOT NULL,
    -- The server's time of receipt, milliseconds since the epoch.
    received_at INTEGER NOT NULL,
    body TEXT NOT NULL
);

CREATE INDEX events_by_consent ON events (consent_id, seq);
