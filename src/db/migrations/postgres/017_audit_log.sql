-- The audit log (issue 18 §3). No foreign key to clients: a client's history outlives it.
-- seq orders the entries of one millisecond as they were written (one sequence for every node).
CREATE TABLE audit_log (
  seq BIGSERIAL PRIMARY KEY,
  time TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT,
  actor_name TEXT NOT NULL,
  actor_name_lower TEXT NOT NULL,
  client_id TEXT,
  action TEXT NOT NULL,
  target_id TEXT,
  target_name TEXT,
  address TEXT
);
CREATE INDEX audit_log_time ON audit_log(time, seq);
CREATE INDEX audit_log_client_time ON audit_log(client_id, time, seq);
