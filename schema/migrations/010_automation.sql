-- 010: guarded automation — rules that make the safe, repetitive fixes by
-- themselves, within limits a lead sets at /admin/automation
--
-- The scanner evaluates the enabled rules after each pass
-- (lib/domain/automation.c) and puts their actions into the outbox under
-- the rule's code as the actor (actor_type 'rule').  A rule's conditions
-- are matchers on a live case (NULL or 0: anything); its action is fixed
-- (cancel, refund, soothe, restock) and has its own parameters; its caps
-- bound what it does in one pass and in one day.  The kill switch
-- (automation_switch) stops every rule at once, whatever each one's own
-- switch says.

CREATE TABLE IF NOT EXISTS automation_rules (
  code            VARCHAR(32)  NOT NULL PRIMARY KEY,        -- the actor: rule:<code>
  action          VARCHAR(16)  NOT NULL,                    -- cancel refund soothe restock
  position        TINYINT UNSIGNED NOT NULL,                -- the list's order
  -- conditions on the case
  kind            VARCHAR(32)  NULL,
  min_amount      BIGINT       NULL,                        -- fen, the case's amount at least
  max_amount      BIGINT       NULL,                        -- fen, the case's amount below
  min_age         INT UNSIGNED NOT NULL DEFAULT 0,          -- seconds the trouble has lasted
  carrier         VARCHAR(16)  NULL,
  sku             VARCHAR(32)  NULL,
  warehouse       VARCHAR(16)  NULL,
  channel         VARCHAR(16)  NULL,                        -- the order's channel (replica)
  -- the action's parameters
  sms_template    VARCHAR(32)  NULL,                        -- soothe: the text
  coupon_amount   BIGINT       NULL,                        -- soothe: fen
  coupon_days     INT UNSIGNED NULL,                        -- soothe: the coupon's validity
  min_orders      INT UNSIGNED NULL,                        -- restock: short orders of one SKU
  -- caps
  pass_cap        INT UNSIGNED NOT NULL,                    -- things done in one pass
  day_count       INT UNSIGNED NOT NULL,                    -- things done in a day
  day_amount      BIGINT       NOT NULL,                    -- fen given back in a day
  enabled         TINYINT(1)   NOT NULL DEFAULT 0,
  updated_at      DATETIME     NOT NULL,
  updated_by      BIGINT UNSIGNED NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The four standard rules, all off.  Their names are in lib/domain/shop.c
-- (actor_names), where the timeline and the audit log find them.
INSERT IGNORE INTO automation_rules (code, action, position, kind, max_amount, min_age,
  carrier, sms_template, coupon_amount, coupon_days, min_orders, pass_cap, day_count,
  day_amount, enabled, updated_at) VALUES
  ('auto_cancel_unpaid', 'cancel', 1, 'unpaid_timeout', 20000, 7200,
   NULL, NULL, NULL, NULL, NULL, 20, 200, 0, 0, NOW()),
  ('auto_refund_duplicate', 'refund', 2, 'duplicate_payment', NULL, 0,
   NULL, NULL, NULL, NULL, NULL, 10, 50, 500000, 0, NOW()),
  ('auto_soothe_stalled', 'soothe', 3, 'logistics_stalled', NULL, 345600,
   NULL, 'logistics', 500, 30, NULL, 20, 100, 50000, 0, NOW()),
  ('auto_restock_shortage', 'restock', 4, 'stock_shortage', NULL, 0,
   NULL, NULL, NULL, NULL, 3, 5, 20, 0, 0, NOW());

-- One row: the kill switch.
CREATE TABLE IF NOT EXISTS automation_switch (
  id              TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  stopped         TINYINT(1)   NOT NULL DEFAULT 0,
  updated_at      DATETIME     NOT NULL,
  updated_by      BIGINT UNSIGNED NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
INSERT IGNORE INTO automation_switch (id, stopped, updated_at) VALUES (1, 0, NOW());

-- What each rule did: one row per thing done (a case's order, or a SKU at
-- a warehouse), per day.  The daily caps count it; the unique key keeps a
-- rule from doing the same thing twice in a day, whatever happens to the
-- scanner, and (rule, order_id) from doing an order twice at all.
CREATE TABLE IF NOT EXISTS automation_actions (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  rule            VARCHAR(32)  NOT NULL,
  day             DATE         NOT NULL,
  target          VARCHAR(96)  NOT NULL,                    -- case:ID or stock:SKU@WAREHOUSE
  order_id        BIGINT UNSIGNED NOT NULL,
  order_no        VARCHAR(32)  NOT NULL,
  case_id         BIGINT UNSIGNED NULL,
  outbox_id       BIGINT UNSIGNED NULL,                     -- its (main) request
  amount          BIGINT       NOT NULL DEFAULT 0,          -- fen given back
  summary         VARCHAR(255) NOT NULL,
  created_at      DATETIME     NOT NULL,
  UNIQUE KEY ux_automation_once (rule, target, day),
  KEY ix_automation_day (day, rule),                        -- the caps, the list's today
  KEY ix_automation_order (rule, order_id)                  -- once per order
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The backtest reads the cases of the last days by when they opened.
ALTER TABLE cases ADD KEY IF NOT EXISTS ix_cases_kind_opened (kind, opened_at);
ALTER TABLE cases ADD KEY IF NOT EXISTS ix_cases_opened (opened_at);

-- Leads (and admins) manage the rules and the chat notifications
-- (/admin/notifications); the anomaly rules stay the admins'.
INSERT IGNORE INTO permissions (name, bit, title) VALUES ('manage_automation', 15, '管理自动处理与通知');
INSERT IGNORE INTO role_permissions (role, permission) VALUES
  ('lead', 'manage_automation'), ('admin', 'manage_automation');
