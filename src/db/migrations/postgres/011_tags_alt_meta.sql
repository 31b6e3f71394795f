-- Tags, alt text and custom metadata, as JSON text like the SQLite columns (so a copy moves them
-- as they are). `?tag=` is answered by a GIN index on the tags as jsonb (containment, @>).
ALTER TABLE images ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE images ADD COLUMN alt TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
CREATE INDEX images_tags ON images USING gin ((tags::jsonb) jsonb_path_ops);

-- `q` matches the name, the alt text and the tags: the trigram index moves from the name to
-- one lower-cased text of all three (the name stays in name_lower for sorting).
ALTER TABLE images ADD COLUMN search_lower TEXT NOT NULL DEFAULT '';
UPDATE images SET search_lower = name_lower;
DROP INDEX images_name_trgm;
CREATE INDEX images_search_trgm ON images USING gin (search_lower gin_trgm_ops);
