-- 001: agents, roles and permissions, sessions, the audit log

CREATE TABLE IF NOT EXISTS permissions (
  name        VARCHAR(32)  NOT NULL PRIMARY KEY,
  bit         TINYINT UNSIGNED NOT NULL,                    -- auth.h enum perm
  title       VARCHAR(64)  NOT NULL,
  UNIQUE KEY ux_permissions_bit (bit)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO permissions (name, bit, title) VALUES
  ('view_orders', 0, '查看订单'),
  ('view_pii', 1, '查看完整个人信息'),
  ('act_cancel', 2, '取消订单'),
  ('act_refund', 3, '退款'),
  ('act_compensate', 4, '补偿'),
  ('act_address', 5, '修改地址'),
  ('act_price', 6, '修改价格'),
  ('act_sms', 7, '发送短信'),
  ('call_request', 8, '发起外呼'),
  ('run_campaign', 9, '外呼任务'),
  ('approve', 10, '审批'),
  ('manage_rules', 11, '管理规则'),
  ('view_reports', 12, '查看报表'),
  ('admin', 13, '系统管理');

CREATE TABLE IF NOT EXISTS roles (
  name        VARCHAR(32)  NOT NULL PRIMARY KEY,
  title       VARCHAR(64)  NOT NULL,
  created_at  DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO roles (name, title, created_at) VALUES
  ('agent', '客服', NOW()),
  ('lead', '客服主管', NOW()),
  ('admin', '管理员', NOW());

CREATE TABLE IF NOT EXISTS role_permissions (
  role        VARCHAR(32)  NOT NULL,
  permission  VARCHAR(32)  NOT NULL,
  PRIMARY KEY (role, permission)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO role_permissions (role, permission) VALUES
  ('agent', 'view_orders'), ('agent', 'act_cancel'), ('agent', 'act_refund'),
  ('agent', 'act_compensate'), ('agent', 'act_address'), ('agent', 'act_sms'),
  ('agent', 'call_request'),
  ('lead', 'view_orders'), ('lead', 'view_pii'), ('lead', 'act_cancel'),
  ('lead', 'act_refund'), ('lead', 'act_compensate'), ('lead', 'act_address'),
  ('lead', 'act_price'), ('lead', 'act_sms'), ('lead', 'call_request'),
  ('lead', 'run_campaign'), ('lead', 'approve'), ('lead', 'view_reports');
INSERT IGNORE INTO role_permissions (role, permission)
  SELECT 'admin', name FROM permissions;

CREATE TABLE IF NOT EXISTS agents (
  id                    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  login                 VARCHAR(64)  NOT NULL,
  display_name          VARCHAR(64)  NOT NULL,
  password_hash         VARCHAR(255) NOT NULL,
  must_change_password  TINYINT(1)   NOT NULL DEFAULT 0,
  max_refund            BIGINT       NULL,                  -- fen per request, NULL: role default
  daily_refund          BIGINT       NULL,                  -- fen per day
  created_at            DATETIME     NOT NULL,
  updated_at            DATETIME     NOT NULL,
  disabled_at           DATETIME     NULL,
  UNIQUE KEY ux_agents_login (login)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS agent_roles (
  agent_id    BIGINT UNSIGNED NOT NULL,
  role        VARCHAR(32)  NOT NULL,
  PRIMARY KEY (agent_id, role),
  KEY ix_agent_roles_role (role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS sessions (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash    BINARY(32)   NOT NULL,                      -- BLAKE2b of the cookie
  agent_id      BIGINT UNSIGNED NOT NULL,
  csrf_token    CHAR(43)     NOT NULL,
  created_at    DATETIME     NOT NULL,
  last_seen_at  DATETIME     NOT NULL,
  revoked_at    DATETIME     NULL,
  ip            VARCHAR(45)  NOT NULL DEFAULT '',
  user_agent    VARCHAR(255) NOT NULL DEFAULT '',
  UNIQUE KEY ux_sessions_token (token_hash),
  KEY ix_sessions_agent (agent_id, revoked_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS audit_log (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at          DATETIME(6)  NOT NULL,
  agent_id    BIGINT UNSIGNED NULL,
  login       VARCHAR(64)  NULL,
  kind        VARCHAR(32)  NOT NULL,
  order_no    VARCHAR(32)  NULL,
  target      VARCHAR(255) NULL,
  detail      VARCHAR(1000) NULL,
  ip          VARCHAR(45)  NOT NULL DEFAULT '',
  request_id  VARCHAR(64)  NOT NULL DEFAULT '',
  KEY ix_audit_at (at),
  KEY ix_audit_agent (agent_id, at),
  KEY ix_audit_order (order_no, at),
  KEY ix_audit_kind (kind, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
