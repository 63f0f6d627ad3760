-- Fair claiming: the claimable deliveries by source, then in claim order. A claim takes
-- the first due delivery of the source after the one claimed last (round robin), read
-- from this index without a sort, so one source's flood never starves another.
CREATE INDEX webhook_inbox_claimable_by_source
    ON webhook_inbox (coalesce(source, ''), scheduled_at, id)
    WHERE state IN ('pending', 'retrying');

-- Ordered deliveries (opt-in): deliveries with the same ordering key run one at a time,
-- in the order they were received. The first not yet done is the key's head; the
-- others wait in the state 'held' until the head is done or forgotten.
ALTER TABLE webhook_inbox ADD COLUMN ordering_key TEXT;
CREATE INDEX webhook_inbox_ordering
    ON webhook_inbox (ordering_key, id)
    WHERE ordering_key IS NOT NULL AND state <> 'done';
