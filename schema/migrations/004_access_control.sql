-- 004: access control — money limits, service accounts, API tokens, sign-in
-- throttling

-- What an agent may refund or compensate without approval, in fen: one
-- request, and all requests of one day.  Agents made before this had none.
UPDATE agents SET max_refund = 20000 WHERE max_refund IS NULL;
UPDATE agents SET daily_refund = 100000 WHERE daily_refund IS NULL;
ALTER TABLE agents MODIFY max_refund BIGINT NOT NULL DEFAULT 20000;
ALTER TABLE agents MODIFY daily_refund BIGINT NOT NULL DEFAULT 100000;
-- A service account is used by scripts through API tokens; it never signs in.
ALTER TABLE agents ADD COLUMN IF NOT EXISTS service TINYINT(1) NOT NULL DEFAULT 0 AFTER display_name;

CREATE TABLE IF NOT EXISTS api_tokens (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agent_id      BIGINT UNSIGNED NOT NULL,
  name          VARCHAR(64)  NOT NULL,
  token_hash    BINARY(32)   NOT NULL,                      -- BLAKE2b of the token
  perms         BIGINT UNSIGNED NOT NULL,                   -- a subset of the agent's
  created_by    BIGINT UNSIGNED NOT NULL,
  created_at    DATETIME     NOT NULL,
  expires_at    DATETIME     NOT NULL,
  last_used_at  DATETIME     NULL,
  revoked_at    DATETIME     NULL,
  UNIQUE KEY ux_tokens_hash (token_hash),
  KEY ix_tokens_agent (agent_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Failed sign-ins per login and per address: growing delays, never a
-- lock a stranger could keep closed.
CREATE TABLE IF NOT EXISTS login_throttle (
  subject       VARCHAR(120) NOT NULL PRIMARY KEY,          -- "login:<name>" or "ip:<address>"
  failures      INT UNSIGNED NOT NULL,
  window_start  DATETIME     NOT NULL,
  blocked_until DATETIME(3)  NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
