-- The SQLite schema (001–003) in one step. Paths and timestamps compare byte-wise (COLLATE "C"):
-- a folder's sub-tree is the range [path + '/', path + '0'), and ISO timestamps sort as text.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE clients (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  signing_secret TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE api_keys (
  id TEXT COLLATE "C" PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at TEXT COLLATE "C" NOT NULL,
  last_used_at TEXT
);
CREATE INDEX api_keys_client ON api_keys(client_id, created_at);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE folders (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  parent_id TEXT REFERENCES folders(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  name_lower TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  UNIQUE (client_id, path)
);
CREATE INDEX folders_parent ON folders(parent_id);
CREATE INDEX folders_name_trgm ON folders USING gin (name_lower gin_trgm_ops);

CREATE TABLE images (
  id TEXT COLLATE "C" PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  folder_id TEXT REFERENCES folders(id) ON DELETE CASCADE,
  original_name TEXT NOT NULL,
  name_lower TEXT NOT NULL,
  format TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bytes BIGINT NOT NULL,
  has_alpha BOOLEAN NOT NULL,
  content_hash TEXT NOT NULL,
  original_key TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT NOT NULL
);
-- Newest first, id as the tie-break: a page is read off the index without sorting.
CREATE INDEX images_client_created ON images(client_id, created_at, id);
CREATE INDEX images_folder_created ON images(folder_id, created_at, id);
CREATE INDEX images_client_hash ON images(client_id, content_hash);
CREATE INDEX images_name_trgm ON images USING gin (name_lower gin_trgm_ops);

CREATE TABLE presets (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  params TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  UNIQUE (client_id, name)
);
