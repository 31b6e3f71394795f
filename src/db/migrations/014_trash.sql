-- The trash: an image deleted without ?permanent leaves `images` (so every listing, search,
-- count and delivery lookup misses it with no extra condition) and waits here until restored
-- or purged. `record` is the image as the core knows it (JSON), so a restore puts back every
-- field, whatever columns `images` gains later; `folder_path` is where it goes back to.
CREATE TABLE trashed_images (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  record TEXT NOT NULL,
  trashed_at TEXT NOT NULL,
  purge_at TEXT NOT NULL
);
CREATE INDEX trashed_images_client ON trashed_images (client_id, trashed_at DESC, id DESC);
CREATE INDEX trashed_images_purge ON trashed_images (purge_at);
