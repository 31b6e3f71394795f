-- The outbox: background work written in the same transaction as the change that causes it
-- (webhooks, CDN purges), worked off by a dispatcher on every node. Times are epoch ms.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  client_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  -- When the row is due; a claim pushes it one lease ahead, so a node that dies mid-send
  -- leaves it due again for another.
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at);

-- The last attempts per target (a webhook endpoint, a purge target): status, latency, error.
CREATE TABLE outbox_attempts (
  seq BIGSERIAL PRIMARY KEY,
  target_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  event TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  ok BOOLEAN NOT NULL,
  status INTEGER,
  latency_ms INTEGER NOT NULL,
  error TEXT,
  at TEXT NOT NULL
);
CREATE INDEX outbox_attempts_target ON outbox_attempts (target_id, seq);

CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  -- Kept retrievable: signing needs it (API keys, by contrast, are stored hashed).
  secret TEXT NOT NULL,
  enabled BOOLEAN NOT NULL DEFAULT TRUE,
  failing_since TEXT,
  disabled_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_client ON webhook_endpoints (client_id);
