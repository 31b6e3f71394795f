-- Roles (issue 18 §1). Users before roles could do everything, so they become owners.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'admin', 'member', 'viewer'));
-- A disabled user cannot log in and has no live session; the row stays so a name is never reused by accident.
ALTER TABLE users ADD COLUMN disabled_at TEXT COLLATE "C";

-- The clients a member or viewer may reach; owners and admins reach every client.
CREATE TABLE user_clients (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, client_id)
);
CREATE INDEX user_clients_client ON user_clients(client_id);

-- One-time invitation links: only the SHA-256 of the token is kept.
CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  -- A JSON array of client ids, granted when the invitation is accepted.
  client_ids TEXT NOT NULL,
  created_by TEXT,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  used_at TEXT COLLATE "C"
);

-- One-time password reset links, hashed like invitations.
CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  used_at TEXT COLLATE "C"
);
CREATE INDEX password_resets_user ON password_resets(user_id);
CREATE INDEX sessions_user ON sessions(user_id);
