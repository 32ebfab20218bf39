-- Migration: old.yaml -> new.yaml, 1 step(s), dialect sqlite
-- Reverse: lossless
-- Lint: 0 error(s), 1 warning(s), 0 info (BC102)

-- unit 1 (transaction; step 1)
BEGIN;
ALTER TABLE customers RENAME COLUMN name TO full_name;
COMMIT;
