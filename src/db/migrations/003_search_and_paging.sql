-- Substring search on names without scanning every row: a trigram index kept in step by triggers.
CREATE VIRTUAL TABLE images_name_fts USING fts5(name_lower, content='images', content_rowid='rowid', tokenize='trigram');
INSERT INTO images_name_fts(rowid, name_lower) SELECT rowid, name_lower FROM images;
CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
  INSERT INTO images_name_fts(rowid, name_lower) VALUES (new.rowid, new.name_lower);
END;
CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
  INSERT INTO images_name_fts(images_name_fts, rowid, name_lower) VALUES ('delete', old.rowid, old.name_lower);
END;
CREATE TRIGGER images_fts_update AFTER UPDATE OF name_lower ON images BEGIN
  INSERT INTO images_name_fts(images_name_fts, rowid, name_lower) VALUES ('delete', old.rowid, old.name_lower);
  INSERT INTO images_name_fts(rowid, name_lower) VALUES (new.rowid, new.name_lower);
END;

CREATE VIRTUAL TABLE folders_name_fts USING fts5(name_lower, content='folders', content_rowid='rowid', tokenize='trigram');
INSERT INTO folders_name_fts(rowid, name_lower) SELECT rowid, name_lower FROM folders;
CREATE TRIGGER folders_fts_insert AFTER INSERT ON folders BEGIN
  INSERT INTO folders_name_fts(rowid, name_lower) VALUES (new.rowid, new.name_lower);
END;
CREATE TRIGGER folders_fts_delete AFTER DELETE ON folders BEGIN
  INSERT INTO folders_name_fts(folders_name_fts, rowid, name_lower) VALUES ('delete', old.rowid, old.name_lower);
END;
CREATE TRIGGER folders_fts_update AFTER UPDATE OF name_lower ON folders BEGIN
  INSERT INTO folders_name_fts(folders_name_fts, rowid, name_lower) VALUES ('delete', old.rowid, old.name_lower);
  INSERT INTO folders_name_fts(rowid, name_lower) VALUES (new.rowid, new.name_lower);
END;

-- Newest first with rowid as the tie-break: ascending indexes scanned backwards give exactly
-- `created_at DESC, rowid DESC`, so a page is read off the index without sorting.
DROP INDEX images_client_created;
DROP INDEX images_folder_created;
CREATE INDEX images_client_created ON images(client_id, created_at);
CREATE INDEX images_folder_created ON images(folder_id, created_at);
