-- The durable inbox: one row per verified delivery, its replay keys (unique: the dedupe),
-- and one row per attempt of the handler. Times are milliseconds since the Unix epoch.
CREATE TABLE IF NOT EXISTS webhook_inbox (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    provider          TEXT    NOT NULL,
    source            TEXT,
    delivery_id       TEXT    NOT NULL,
    id_is_fingerprint INTEGER NOT NULL,
    id_signed         INTEGER NOT NULL,
    event_type        TEXT,
    event_type_signed INTEGER NOT NULL,
    signed_at         INTEGER,
    method            TEXT    NOT NULL,
    uri               TEXT    NOT NULL,
    headers           BLOB    NOT NULL,
    body              BLOB    NOT NULL,
    state             TEXT    NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    received_at       INTEGER NOT NULL,
    scheduled_at      INTEGER NOT NULL,
    lease_token       TEXT,
    lease_until       INTEGER,
    finished_at       INTEGER,
    last_error        TEXT
);
CREATE INDEX IF NOT EXISTS webhook_inbox_due ON webhook_inbox (state, scheduled_at);
CREATE INDEX IF NOT EXISTS webhook_inbox_received ON webhook_inbox (received_at);

CREATE TABLE IF NOT EXISTS webhook_inbox_keys (
    replay_key BLOB    PRIMARY KEY,
    delivery   INTEGER NOT NULL REFERENCES webhook_inbox (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS webhook_inbox_keys_delivery ON webhook_inbox_keys (delivery);

CREATE TABLE IF NOT EXISTS webhook_inbox_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery    INTEGER NOT NULL REFERENCES webhook_inbox (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    error       TEXT
);
CREATE INDEX IF NOT EXISTS webhook_inbox_attempts_delivery ON webhook_inbox_attempts (delivery);
