-- The placeholder of the image's current version (JSON: color, thumbhash, blurhash, dataUri),
-- computed at upload and replace. Images stored before stay NULL until `imgapi doctor --backfill`,
-- which finds them through the partial index (empty once every image has one).
ALTER TABLE images ADD COLUMN placeholder TEXT;
CREATE INDEX images_without_placeholder ON images (id) WHERE placeholder IS NULL;
