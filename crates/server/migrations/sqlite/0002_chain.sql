-- The tamper-evident chain (src/chain.rs): each event's `hash` links it to the one
-- committed before it. Rows stored before this migration have '' until the server's
-- first start after it chains them, in commit order, before taking new events.
-- A purge deletes the oldest events and leaves a checkpoint: the hash of the last
-- event it removed, so `verify` starts from there.
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';

CREATE INDEX events_by_received ON events (received_at);

CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- When the purge ran, milliseconds since the epoch (the server's clock).
    created_at INTEGER NOT NULL,
    -- Events received before this time (ms) were due for removal.
    cutoff INTEGER NOT NULL,
    -- How many events it removed.
    purged INTEGER NOT NULL,
    -- The last removed event's seq and hash: the next event links to this hash.
    last_seq INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
