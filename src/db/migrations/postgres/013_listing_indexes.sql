-- Listings by name, size and width read each page off an index, as newest-first does
-- (scanned backwards for the descending orders); the id breaks ties. Names compare
-- byte-wise (COLLATE "C"), as SQLite does, so both databases list them in one order.
CREATE INDEX images_client_name ON images(client_id, name_lower COLLATE "C", id);
CREATE INDEX images_client_bytes ON images(client_id, bytes, id);
CREATE INDEX images_client_width ON images(client_id, width, id);
