-- Idempotency-Key on POST /outbox: a client that retries a send whose answer it never got (a dropped connection,
-- a daemon restart) gets the entry it already created, not a second fax.
ALTER TABLE outbox ADD COLUMN idempotency_key TEXT NULL;
ALTER TABLE outbox ADD COLUMN request_hash TEXT NULL;
CREATE UNIQUE INDEX outbox_idempotency ON outbox(account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
