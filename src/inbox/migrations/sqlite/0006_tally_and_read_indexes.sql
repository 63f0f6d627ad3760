-- The count of deliveries in each state, kept as it changes, so `stats` never counts the
-- table: every change of a row's state appends its deltas here (triggers, in the same
-- transaction), and the inbox folds them into one row per state from time to time.
CREATE TABLE webhook_inbox_tally (
    state TEXT    NOT NULL,
    delta INTEGER NOT NULL
);
CREATE TRIGGER webhook_inbox_tally_insert AFTER INSERT ON webhook_inbox
BEGIN
    INSERT INTO webhook_inbox_tally (state, delta) VALUES (new.state, 1);
END;
CREATE TRIGGER webhook_inbox_tally_update AFTER UPDATE OF state ON webhook_inbox
WHEN old.state <> new.state
BEGIN
    INSERT INTO webhook_inbox_tally (state, delta) VALUES (old.state, -1), (new.state, 1);
END;
CREATE TRIGGER webhook_inbox_tally_delete AFTER DELETE ON webhook_inbox
BEGIN
    INSERT INTO webhook_inbox_tally (state, delta) VALUES (old.state, -1);
END;
INSERT INTO webhook_inbox_tally (state, delta)
    SELECT state, COUNT(*) FROM webhook_inbox GROUP BY state;

-- The reads an operator makes, each served by an index at any size: a page of one state,
-- newest first (and `replay_dead`); the purge of done deliveries by when they were done;
-- the lag (the oldest delivery not yet handled: the first entry of each unfinished state).
DROP INDEX IF EXISTS webhook_inbox_due;
CREATE INDEX webhook_inbox_by_state ON webhook_inbox (state, received_at, id);
CREATE INDEX webhook_inbox_done ON webhook_inbox (finished_at) WHERE state = 'done';
