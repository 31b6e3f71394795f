-- A width-set preset's widths (JSON array of integers, ascending); NULL for a preset without.
ALTER TABLE presets ADD COLUMN widths TEXT;
