-- Which dashboard user made each API key, so disabling a user can revoke the keys they made.
-- Null for keys made by the CLI, by another key, or before this migration. Users are disabled,
-- never deleted, so the id keeps naming someone.
ALTER TABLE api_keys ADD COLUMN created_by TEXT;
CREATE INDEX api_keys_created_by ON api_keys(created_by) WHERE created_by IS NOT NULL;
