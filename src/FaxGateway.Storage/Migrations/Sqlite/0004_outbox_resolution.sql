-- The vertical resolution an entry is rendered at (Twilio's Quality: standard, fine, superfine); NULL = the
-- daemon's Documents:Resolution.
ALTER TABLE outbox ADD COLUMN resolution TEXT NULL;
