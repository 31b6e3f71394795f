-- Per client and UTC day: what its traffic added up to. Nodes add their in-memory counts every
-- few seconds (x = x + excluded.x), so rows only ever grow. A deleted client takes its days along.
CREATE TABLE usage_days (
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  day TEXT COLLATE "C" NOT NULL,
  deliveries BIGINT NOT NULL DEFAULT 0,
  bytes_served BIGINT NOT NULL DEFAULT 0,
  hits BIGINT NOT NULL DEFAULT 0,
  misses BIGINT NOT NULL DEFAULT 0,
  transforms BIGINT NOT NULL DEFAULT 0,
  uploads BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (client_id, day)
);
