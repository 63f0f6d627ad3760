-- The count of deliveries in each state, kept as it changes, so `stats` never counts the
-- table: every change of a row's state appends its deltas here (a trigger, in the same
-- transaction; appends never wait for each other), and the inbox folds them into one row
-- per state from time to time.
CREATE TABLE webhook_inbox_tally (
    state TEXT   NOT NULL,
    delta BIGINT NOT NULL
);
CREATE FUNCTION webhook_inbox_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO webhook_inbox_tally (state, delta) VALUES (NEW.state, 1);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO webhook_inbox_tally (state, delta) VALUES (OLD.state, -1);
    ELSIF OLD.state <> NEW.state THEN
        INSERT INTO webhook_inbox_tally (state, delta) VALUES (OLD.state, -1), (NEW.state, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER webhook_inbox_tally AFTER INSERT OR DELETE OR UPDATE OF state ON webhook_inbox
    FOR EACH ROW EXECUTE FUNCTION webhook_inbox_tally();
INSERT INTO webhook_inbox_tally (state, delta)
    SELECT state, COUNT(*) FROM webhook_inbox GROUP BY state;

-- The reads an operator makes, each served by an index at any size: a page of one state,
-- newest first (and `replay_dead`); a page of all, newest first; the purge of done
-- deliveries by when they were done; the lag (the oldest delivery not yet handled, the
-- first entry of each unfinished state).
DROP INDEX IF EXISTS webhook_inbox_due;
DROP INDEX IF EXISTS webhook_inbox_received;
CREATE INDEX webhook_inbox_received ON webhook_inbox (received_at, id);
CREATE INDEX webhook_inbox_by_state ON webhook_inbox (state, received_at, id);
CREATE INDEX webhook_inbox_done ON webhook_inbox (finished_at) WHERE state = 'done';
