-- A rotated signing secret keeps verifying URLs until the grace period ends: stored as the
-- current one is (HMAC needs the secret itself), with the time it stops counting.
ALTER TABLE clients ADD COLUMN previous_signing_secret TEXT;
ALTER TABLE clients ADD COLUMN previous_secret_valid_until TEXT;
