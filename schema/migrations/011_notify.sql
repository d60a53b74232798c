-- 011: notification channels — the team's chat
--
-- A lead keeps them at /admin/notifications: a WeCom, DingTalk or
-- Slack-compatible webhook each, and which happenings go there (incident
-- opened, cases escalated, an action dead, an action waiting for approval).
-- The messages themselves are outbox rows (kind 'notify', service 'chat').

CREATE TABLE IF NOT EXISTS notify_channels (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name            VARCHAR(64)  NOT NULL,
  kind            VARCHAR(16)  NOT NULL,                    -- wecom dingtalk slack
  url             VARCHAR(500) NOT NULL,
  secret          VARCHAR(128) NOT NULL DEFAULT '',         -- DingTalk's signing secret
  events          VARCHAR(100) NOT NULL,                    -- incident sla dead approval
  enabled         TINYINT(1)   NOT NULL DEFAULT 1,
  created_at      DATETIME     NOT NULL,
  updated_at      DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
