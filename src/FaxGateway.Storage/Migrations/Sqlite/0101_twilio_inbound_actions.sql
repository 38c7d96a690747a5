-- Twilio inbound calls survive a daemon restart: the <Receive action> route is stored on the Fax when the call is
-- answered (it lived in memory before), and the action callback goes through the shared callback outbox, which
-- now keeps each delivery's HTTP method (<Receive method="GET"> appends the form to the query).
ALTER TABLE twilio_faxes ADD COLUMN action_url TEXT NULL;
ALTER TABLE twilio_faxes ADD COLUMN action_method TEXT NULL;
ALTER TABLE callback_deliveries ADD COLUMN method TEXT NOT NULL DEFAULT 'POST';

-- Start-up recovery looks for calls a stopped daemon left receiving.
CREATE INDEX twilio_faxes_receiving ON twilio_faxes(date_created)
  WHERE direction = 'inbound' AND status = 'receiving';
