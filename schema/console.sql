-- console.sql: the console's own schema starts here
--
-- ordermend keeps what it owns (agents, sessions, the audit log, and later
-- cases, the outbox, calls) in its own database.  This file creates the
-- version table; everything else is in migrations/NNN_name.sql, applied in
-- order by `mendctl migrate`, each exactly once.  A migration is never
-- edited after it has shipped: a change is a new migration.

CREATE TABLE IF NOT EXISTS schema_migrations (
  version     INT UNSIGNED NOT NULL PRIMARY KEY,
  name        VARCHAR(128) NOT NULL,
  applied_at  DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
