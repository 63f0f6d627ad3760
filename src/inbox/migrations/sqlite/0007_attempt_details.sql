-- Why an attempt failed, and where its delivery came from. Per attempt: the handler's HTTP
-- status when it answered, the first bytes (at most 1 KiB, UTF-8) of its response body
-- when that status was not 2xx, sealed like the body when the delivery is encrypted at
-- rest, and how long the attempt took. Per delivery: the W3C `traceparent` of the span it
-- was accepted in (feature `opentelemetry`), so its attempts join that trace. All NULL on
-- the rows written before. Runs once (webhook_inbox_migrations).
ALTER TABLE webhook_inbox_attempts ADD COLUMN status INTEGER;
ALTER TABLE webhook_inbox_attempts ADD COLUMN response TEXT;
ALTER TABLE webhook_inbox_attempts ADD COLUMN duration_ms INTEGER;
ALTER TABLE webhook_inbox ADD COLUMN traceparent TEXT;
