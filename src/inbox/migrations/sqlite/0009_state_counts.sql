-- The folded state counts get a table of their own: the tally keeps only the deltas
-- appended since the last fold, and each fold empties it. Folded totals written back into
-- the tally sat at the end of its file, so on PostgreSQL a burst of deltas (a flood, a
-- backlog) left the tally as many pages long as its high-water mark, which every read of
-- the counts then scanned; an emptied table can be truncated by vacuum.
CREATE TABLE webhook_inbox_counts (
    state TEXT    NOT NULL PRIMARY KEY,
    total INTEGER NOT NULL
);
INSERT INTO webhook_inbox_counts (state, total)
    SELECT state, SUM(delta) FROM webhook_inbox_tally GROUP BY state HAVING SUM(delta) <> 0;
DELETE FROM webhook_inbox_tally;
