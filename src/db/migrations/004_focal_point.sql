-- An image's focal point (0–1 of the oriented image), which cover crops centre on; both or neither.
ALTER TABLE images ADD COLUMN focal_x REAL CHECK (focal_x BETWEEN 0 AND 1);
ALTER TABLE images ADD COLUMN focal_y REAL CHECK (focal_y BETWEEN 0 AND 1 AND (focal_x IS NULL) = (focal_y IS NULL));
