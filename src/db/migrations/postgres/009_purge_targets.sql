-- Per-client CDN purge targets. `config` is the provider's JSON (zone/service, API token or
-- access key, optional API base, or a hook URL and secret): kept retrievable, as a purge
-- must send the token to the provider (API keys, by contrast, are stored hashed).
CREATE TABLE purge_targets (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('cloudflare', 'fastly', 'bunny', 'http')),
  config TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX purge_targets_client ON purge_targets (client_id);
