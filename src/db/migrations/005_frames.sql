-- Frames of an animated GIF or WebP; 1 for a still. Images stored before animation support keep
-- 1 (their first frame, as they were delivered) until their file is replaced.
ALTER TABLE images ADD COLUMN frames INTEGER NOT NULL DEFAULT 1 CHECK (frames >= 1);
