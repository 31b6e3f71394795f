-- Per-client limits set by owners and admins (NULL: no limit). A client without a row has none.
CREATE TABLE client_quotas (
  client_id TEXT PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
  max_images INTEGER,
  max_bytes INTEGER,
  max_upload_bytes INTEGER,
  max_transforms_per_minute INTEGER,
  updated_at TEXT NOT NULL
);
