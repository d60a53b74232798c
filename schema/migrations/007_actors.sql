-- 007: every case event and audit row names its actor
--
-- Pages, the scanner, automation rules, the phone robot and mendctl all
-- change cases and write audit rows through the same functions
-- (lib/domain); each row records who acted: the actor's type and, for
-- anyone but an agent (whose id is agent_id), the name (a rule's, the
-- robot's, the operating-system user of mendctl).

ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS
  actor_type VARCHAR(16) NOT NULL DEFAULT 'agent' AFTER at;
UPDATE audit_log SET actor_type = IF(ip = 'mendctl', 'cli', 'visitor')
  WHERE agent_id IS NULL AND actor_type = 'agent';
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS
  actor VARCHAR(64) NOT NULL DEFAULT '' AFTER agent_id;
