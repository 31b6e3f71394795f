-- An image's focal point (0–1 of the oriented image), which cover crops centre on; both or neither.
ALTER TABLE images
  ADD COLUMN focal_x DOUBLE PRECISION CHECK (focal_x BETWEEN 0 AND 1),
  ADD COLUMN focal_y DOUBLE PRECISION CHECK (focal_y BETWEEN 0 AND 1),
  ADD CONSTRAINT images_focal_point_whole CHECK ((focal_x IS NULL) = (focal_y IS NULL));
