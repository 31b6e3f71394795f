-- Listings by name, size and width read each page off an index, as newest-first does
-- (scanned backwards for the descending orders); the id breaks ties.
CREATE INDEX images_client_name ON images(client_id, name_lower, id);
CREATE INDEX images_client_bytes ON images(client_id, bytes, id);
CREATE INDEX images_client_width ON images(client_id, width, id);
