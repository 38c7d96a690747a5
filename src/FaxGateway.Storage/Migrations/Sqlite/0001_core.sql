-- Core schema: accounts, tokens, numbers, lines, files, outbox + jobs, faxes, webhooks, callback outbox.
-- Times are INTEGER milliseconds since the Unix epoch (UTC); states are lower-case names.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  parent_id TEXT NULL REFERENCES accounts(id),
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  member_quota INTEGER NULL,
  member_role TEXT NULL,
  profile_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX accounts_parent ON accounts(parent_id);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NULL,
  name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE lines (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL DEFAULT '',
  can_send INTEGER NOT NULL,
  can_receive INTEGER NOT NULL,
  default_account_id TEXT NULL,
  health TEXT NOT NULL DEFAULT 'in_service',
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  last_call_at INTEGER NULL,
  health_changed_at INTEGER NULL
);

CREATE TABLE numbers (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  owner_id TEXT NOT NULL REFERENCES accounts(id),
  assigned_to TEXT NOT NULL DEFAULT '[]',
  acquired_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  line_id TEXT NULL
);
CREATE INDEX numbers_owner ON numbers(owner_id);
CREATE INDEX numbers_line ON numbers(line_id);

CREATE TABLE files (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL,
  relative_path TEXT NOT NULL,
  content_type TEXT NOT NULL,
  original_name TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL,
  page_count INTEGER NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NULL
);
CREATE INDEX files_expiry ON files(expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  origin TEXT NOT NULL,
  from_number TEXT NOT NULL,
  to_json TEXT NOT NULL,
  file_ids_json TEXT NOT NULL,
  file_paths_json TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  tags_json TEXT NOT NULL DEFAULT '[]',
  enhancement INTEGER NOT NULL,
  retry_count INTEGER NULL,
  retry_delay INTEGER NULL,
  has_retry INTEGER NOT NULL DEFAULT 0,
  send_time INTEGER NULL,
  submit_time INTEGER NOT NULL,
  cover_page_json TEXT NULL,
  client_ip TEXT NULL,
  document_file_id TEXT NULL,
  page_count INTEGER NOT NULL DEFAULT 0,
  open_jobs INTEGER NOT NULL
);
CREATE INDEX outbox_account_open ON outbox(account_id, submit_time) WHERE open_jobs > 0;
CREATE INDEX outbox_submitted ON outbox(submit_time) WHERE document_file_id IS NULL AND open_jobs > 0;

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  outbox_id TEXT NOT NULL REFERENCES outbox(id),
  account_id TEXT NOT NULL,
  origin TEXT NOT NULL,
  destination TEXT NOT NULL,
  from_number TEXT NOT NULL,
  state TEXT NOT NULL,
  priority INTEGER NOT NULL,
  not_before INTEGER NOT NULL,
  kill_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  failures_of_last_kind INTEGER NOT NULL DEFAULT 0,
  last_failure TEXT NOT NULL DEFAULT 'none',
  last_failure_text TEXT NOT NULL DEFAULT '',
  retry_count INTEGER NULL,
  retry_delay INTEGER NULL,
  has_retry INTEGER NOT NULL DEFAULT 0,
  hook_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  line_id TEXT NULL,
  document_file_id TEXT NULL,
  page_count INTEGER NOT NULL DEFAULT 0,
  pages_confirmed INTEGER NOT NULL DEFAULT 0,
  remote_ident TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER NULL
);
-- The claim walks this index from the most urgent due job: its cost does not grow with the queue.
CREATE INDEX jobs_due ON jobs(priority DESC, not_before) WHERE state = 'scheduled';
CREATE INDEX jobs_sending_destination ON jobs(destination) WHERE state = 'sending';
CREATE INDEX jobs_outbox ON jobs(outbox_id);
CREATE INDEX jobs_open_kill ON jobs(kill_at) WHERE state IN ('submitted', 'converting', 'scheduled');
CREATE INDEX jobs_in_flight ON jobs(state) WHERE state IN ('converting', 'sending');

CREATE TABLE job_state_changes (
  job_id TEXT NOT NULL REFERENCES jobs(id),
  outbox_id TEXT NOT NULL,
  state TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX job_state_changes_outbox ON job_state_changes(outbox_id, at);

CREATE TABLE faxes (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  direction TEXT NOT NULL,
  status TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  failure TEXT NOT NULL DEFAULT 'none',
  from_number TEXT NOT NULL,
  to_number TEXT NOT NULL,
  pages INTEGER NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  is_read INTEGER NOT NULL,
  is_spam INTEGER NOT NULL,
  file_id TEXT NULL,
  file_name TEXT NOT NULL DEFAULT '',
  start_time INTEGER NOT NULL,
  duration INTEGER NOT NULL,
  submit_time INTEGER NULL,
  scheduled_time INTEGER NULL,
  max_retry INTEGER NULL,
  retry_delay INTEGER NULL,
  session_id TEXT NOT NULL,
  hook_id TEXT NOT NULL,
  job_id TEXT NULL UNIQUE,
  outbox_id TEXT NULL,
  line_id TEXT NULL,
  remote_ident TEXT NOT NULL DEFAULT '',
  cover_page_json TEXT NULL,
  last_update INTEGER NOT NULL
);
CREATE INDEX faxes_account_time ON faxes(account_id, start_time DESC);
CREATE INDEX faxes_session ON faxes(session_id);
CREATE INDEX faxes_hook ON faxes(hook_id);
CREATE INDEX faxes_file ON faxes(file_id);

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  target TEXT NOT NULL,
  event TEXT NOT NULL,
  numbers_json TEXT NOT NULL DEFAULT '[]',
  signing_secret TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX webhooks_account_event ON webhooks(account_id, event);

CREATE TABLE callback_deliveries (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  source TEXT NOT NULL,
  url TEXT NOT NULL,
  content_type TEXT NOT NULL,
  body BLOB NOT NULL,
  headers_json TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER NULL,
  gave_up INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX callback_deliveries_due ON callback_deliveries(next_attempt_at) WHERE delivered_at IS NULL AND gave_up = 0;
