-- Per-client limits set by owners and admins (NULL: no limit). A client without a row has none.
CREATE TABLE client_quotas (
  client_id TEXT PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
  max_images BIGINT,
  max_bytes BIGINT,
  max_upload_bytes BIGINT,
  max_transforms_per_minute BIGINT,
  updated_at TEXT NOT NULL
);
