-- Each client's budget of new variants a minute (a token bucket), shared by every node so
-- that N nodes together make at most the client's limit. Reset (deleted) when the limit changes.
CREATE TABLE transform_budgets (
  client_id TEXT PRIMARY KEY REFERENCES clients(id) ON DELETE CASCADE,
  tokens DOUBLE PRECISION NOT NULL,
  at_ms BIGINT NOT NULL
);
