-- Twilio face: credentials per account, TwiML routing per number, Fax resources beside the queue's jobs and records.
-- Times are INTEGER milliseconds since the Unix epoch (UTC), as in 0001_core.
CREATE TABLE twilio_accounts (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  account_sid TEXT NOT NULL UNIQUE,
  auth_token TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE twilio_numbers (
  number TEXT PRIMARY KEY,
  fax_url TEXT NOT NULL,
  fax_method TEXT NOT NULL,
  fallback_url TEXT NULL,
  fallback_method TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE twilio_faxes (
  sid TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  direction TEXT NOT NULL,
  status TEXT NOT NULL,
  from_number TEXT NOT NULL,
  to_number TEXT NOT NULL,
  quality TEXT NULL,
  original_media_url TEXT NULL,
  status_callback TEXT NULL,
  store_media INTEGER NOT NULL,
  ttl_minutes INTEGER NULL,
  job_id TEXT NULL UNIQUE,
  outbox_id TEXT NULL,
  fax_record_id TEXT NULL,
  media_sid TEXT NULL UNIQUE,
  media_file_id TEXT NULL,
  media_content_type TEXT NULL,
  num_pages INTEGER NULL,
  duration_seconds INTEGER NULL,
  remote_station_id TEXT NULL,
  error_code INTEGER NULL,
  error_message TEXT NULL,
  reported_changes INTEGER NOT NULL DEFAULT 0,
  date_created INTEGER NOT NULL,
  date_updated INTEGER NOT NULL
);
CREATE INDEX twilio_faxes_account_created ON twilio_faxes(account_id, date_created DESC, sid DESC);
CREATE INDEX twilio_faxes_open_outbound ON twilio_faxes(date_created)
  WHERE direction = 'outbound' AND status IN ('queued', 'processing', 'sending');
CREATE INDEX twilio_faxes_fax_record ON twilio_faxes(fax_record_id);
