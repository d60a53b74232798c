-- 015: keys of the console's own, made once, never shown
--
-- 'dnc': the key of the do-not-call list's hashes (lib/domain/calls.c).

CREATE TABLE IF NOT EXISTS console_keys (
  name            VARCHAR(32)  NOT NULL PRIMARY KEY,
  value           BINARY(32)   NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
INSERT IGNORE INTO console_keys (name, value) VALUES ('dnc', RANDOM_BYTES(32));
