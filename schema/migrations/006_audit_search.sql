-- 006: the audit log searched by agent and kind together (/admin/audit)
--
-- The other filters each have their index from 001: (agent_id, at),
-- (order_no, at), (kind, at), (at); an agent's entries of one kind, newest
-- first, need both in one index to be read in order without a filter.

ALTER TABLE audit_log ADD INDEX IF NOT EXISTS ix_audit_agent_kind (agent_id, kind, at);
