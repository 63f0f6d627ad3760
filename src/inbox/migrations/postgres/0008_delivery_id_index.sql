-- Finding a delivery by the provider's id (`ListFilter::delivery_id`, the console's and
-- the JSON API's search) reads this index: a few entries, newest first, whatever the
-- size of the inbox. The source and the event type have no index of their own: each is
-- one more B-tree entry on every acknowledgement, so they are checked on the rows the
-- received-time and state indexes yield.
CREATE INDEX webhook_inbox_by_delivery_id ON webhook_inbox (delivery_id, received_at, id);
