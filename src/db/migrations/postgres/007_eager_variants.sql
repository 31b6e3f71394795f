-- Eager presets: variants computed in the background on upload and replace.
ALTER TABLE presets ADD COLUMN eager BOOLEAN NOT NULL DEFAULT FALSE;
-- JSON array of output formats; NULL: the preset's own format (its f, else webp).
ALTER TABLE presets ADD COLUMN formats TEXT;

-- One row per variant to compute: the delivery path (and Accept, for f_auto) that names it,
-- so the worker computes exactly what that URL would. Claimed by one node at a time.
CREATE TABLE eager_jobs (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  image_id TEXT COLLATE "C" NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  image_version INTEGER NOT NULL,
  preset_id TEXT NOT NULL REFERENCES presets(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  accept TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  claimed_at TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (image_id, image_version, path, accept)
);
CREATE INDEX eager_jobs_state ON eager_jobs (state, created_at);
CREATE INDEX eager_jobs_preset ON eager_jobs (preset_id, state);
