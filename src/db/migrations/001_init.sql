CREATE TABLE clients (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  signing_secret TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT
);
CREATE INDEX api_keys_client ON api_keys(client_id, created_at);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE folders (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  parent_id TEXT REFERENCES folders(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  -- Materialized path: a sub-tree is the range [path + '/', path + '0').
  path TEXT NOT NULL,
  name_lower TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (client_id, path)
);
CREATE INDEX folders_parent ON folders(parent_id);

CREATE TABLE images (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  folder_id TEXT REFERENCES folders(id) ON DELETE CASCADE,
  original_name TEXT NOT NULL,
  name_lower TEXT NOT NULL,
  format TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  has_alpha INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  original_key TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX images_client_created ON images(client_id, created_at DESC);
CREATE INDEX images_folder_created ON images(folder_id, created_at DESC);
CREATE INDEX images_client_hash ON images(client_id, content_hash);

CREATE TABLE presets (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  params TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (client_id, name)
);
