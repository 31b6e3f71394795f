-- Tags, alt text and custom metadata. `tags` (a JSON array) and `meta` (a JSON object) are the
-- record as read back; `image_tags` is their index for `?tag=`, kept in step by triggers in the
-- statement that writes the row, so no code path can leave the two apart.
ALTER TABLE images ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE images ADD COLUMN alt TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';

CREATE TABLE image_tags (
  client_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  image_id TEXT NOT NULL,
  PRIMARY KEY (client_id, tag, image_id)
) WITHOUT ROWID;
CREATE TRIGGER image_tags_insert AFTER INSERT ON images WHEN new.tags <> '[]' BEGIN
  INSERT INTO image_tags (client_id, tag, image_id) SELECT new.client_id, value, new.id FROM json_each(new.tags);
END;
CREATE TRIGGER image_tags_update AFTER UPDATE OF tags ON images WHEN new.tags <> old.tags BEGIN
  DELETE FROM image_tags WHERE client_id = old.client_id AND tag IN (SELECT value FROM json_each(old.tags)) AND image_id = old.id;
  INSERT INTO image_tags (client_id, tag, image_id) SELECT new.client_id, value, new.id FROM json_each(new.tags);
END;
CREATE TRIGGER image_tags_delete AFTER DELETE ON images WHEN old.tags <> '[]' BEGIN
  DELETE FROM image_tags WHERE client_id = old.client_id AND tag IN (SELECT value FROM json_each(old.tags)) AND image_id = old.id;
END;

-- `q` matches the name, the alt text and the tags: the trigram index moves from the name to
-- one lower-cased text of all three (the name stays in name_lower for sorting).
ALTER TABLE images ADD COLUMN search_lower TEXT NOT NULL DEFAULT '';
UPDATE images SET search_lower = name_lower;
DROP TRIGGER images_fts_insert;
DROP TRIGGER images_fts_delete;
DROP TRIGGER images_fts_update;
DROP TABLE images_name_fts;
CREATE VIRTUAL TABLE images_text_fts USING fts5(search_lower, content='images', content_rowid='rowid', tokenize='trigram');
INSERT INTO images_text_fts(rowid, search_lower) SELECT rowid, search_lower FROM images;
CREATE TRIGGER images_text_fts_insert AFTER INSERT ON images BEGIN
  INSERT INTO images_text_fts(rowid, search_lower) VALUES (new.rowid, new.search_lower);
END;
CREATE TRIGGER images_text_fts_delete AFTER DELETE ON images BEGIN
  INSERT INTO images_text_fts(images_text_fts, rowid, search_lower) VALUES ('delete', old.rowid, old.search_lower);
END;
CREATE TRIGGER images_text_fts_update AFTER UPDATE OF search_lower ON images BEGIN
  INSERT INTO images_text_fts(images_text_fts, rowid, search_lower) VALUES ('delete', old.rowid, old.search_lower);
  INSERT INTO images_text_fts(rowid, search_lower) VALUES (new.rowid, new.search_lower);
END;
