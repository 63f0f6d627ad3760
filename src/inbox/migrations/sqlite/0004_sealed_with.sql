-- Encryption at rest: the id of the key that sealed a row's uri, headers and body
-- (`Inbox::encrypt_at_rest`), or NULL for a row stored in clear (written before
-- encryption was turned on, or without it). Runs once (webhook_inbox_migrations).
ALTER TABLE webhook_inbox ADD COLUMN sealed_with TEXT;
