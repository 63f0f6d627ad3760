-- The replay keys of purged deliveries, kept until the replay window ends (expires_at, in
-- milliseconds since the Unix epoch), so that a purge never reopens a replay.
CREATE TABLE IF NOT EXISTS webhook_inbox_retained_keys (
    replay_key BYTEA  PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_inbox_retained_keys_expires
    ON webhook_inbox_retained_keys (expires_at);
