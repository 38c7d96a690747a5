-- The scheduler's per-tick queries walk indexes only, so their cost does not grow with the queue:
-- the earliest due time is the first entry of this index, and the claim seeks (priority, not_before)
-- one priority level at a time.
CREATE INDEX jobs_next_due ON jobs(not_before) WHERE state = 'scheduled';
