-- 008: waiting has an end
--
-- A case put to wait says until when; then it comes back to the queue, to
-- its owner, marked as a reminder until someone acts on it.  The scanner
-- finds the waits that ended through ix_cases_wake.

ALTER TABLE cases ADD COLUMN IF NOT EXISTS wait_until DATETIME NULL AFTER waiting_since;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS reminded TINYINT(1) NOT NULL DEFAULT 0 AFTER wait_until;
ALTER TABLE cases ADD INDEX IF NOT EXISTS ix_cases_wake (state, wait_until);
-- a case that waits without an end (before this) gets one a day from now
UPDATE cases SET wait_until = NOW() + INTERVAL 1 DAY WHERE state = 'waiting' AND wait_until IS NULL;
