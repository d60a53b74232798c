-- 012: escalation to a team
--
-- An agent who cannot fix a case hands it on ("升级"): to a lead, who then
-- holds it, or to a team's queue — payment, warehouse, carrier — where it
-- waits, unclaimed, for one of the team (/queue?team=carrier).  The case
-- keeps its SLA clock; the hand-over is a case event with the note.

ALTER TABLE cases ADD COLUMN IF NOT EXISTS team VARCHAR(16) NULL AFTER assignee_id;
ALTER TABLE cases ADD INDEX IF NOT EXISTS ix_cases_team (team, live, resolve_due_at);
