-- 003: a session carries its agent's permissions
--
-- Worked out once at sign-in instead of joining roles and permissions on
-- every request.  Anything that changes an agent's permissions (roles
-- assigned, a role's permissions edited) ends or updates the sessions
-- concerned in the same transaction.

ALTER TABLE sessions ADD COLUMN IF NOT EXISTS perms BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER csrf_token;
