-- 005: anomaly cases, their events and notes, incidents, silences, the
-- scanner's state and the anomaly rules

-- The thresholds and SLA targets per kind.  The scanner fills a missing
-- row from the [anomaly] config section and lib/cases.c's defaults; from
-- then on an admin edits them here.
CREATE TABLE IF NOT EXISTS anomaly_rules (
  kind            VARCHAR(32)  NOT NULL PRIMARY KEY,
  title           VARCHAR(64)  NOT NULL,
  threshold       INT UNSIGNED NOT NULL,          -- seconds, or percent for price_anomaly
  threshold_high  INT UNSIGNED NULL,              -- price_anomaly: the upper percent
  ack_minutes     INT UNSIGNED NOT NULL,          -- acknowledge within
  resolve_minutes INT UNSIGNED NOT NULL,          -- resolve within
  enabled         TINYINT(1)   NOT NULL DEFAULT 1,
  updated_at      DATETIME     NOT NULL,
  updated_by      BIGINT UNSIGNED NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Related cases: same carrier, SKU, warehouse, or payment channel and error.
-- Ten or more opened within an hour make the group an incident.
CREATE TABLE IF NOT EXISTS incidents (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind          VARCHAR(32)  NOT NULL,
  group_key     VARCHAR(96)  NOT NULL,
  label         VARCHAR(128) NOT NULL,
  state         VARCHAR(16)  NOT NULL,           -- open resolved
  members       INT UNSIGNED NOT NULL DEFAULT 0, -- live member cases
  opened_at     DATETIME     NOT NULL,
  resolved_at   DATETIME     NULL,
  live          TINYINT(1) AS (IF(state = 'open', 1, NULL)) VIRTUAL,
  UNIQUE KEY ux_incidents_live (group_key, live),
  KEY ix_incidents_state (state, opened_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS silences (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind          VARCHAR(32)  NULL,               -- matchers: NULL matches anything
  carrier       VARCHAR(16)  NULL,
  sku           VARCHAR(32)  NULL,
  warehouse     VARCHAR(16)  NULL,
  user_id       BIGINT UNSIGNED NULL,
  order_no      VARCHAR(32)  NULL,
  reason        VARCHAR(255) NOT NULL,
  created_by    BIGINT UNSIGNED NOT NULL,
  created_at    DATETIME     NOT NULL,
  ends_at       DATETIME     NOT NULL,
  ended_at      DATETIME     NULL,               -- ended early by hand
  cases_only    TINYINT(1)   NOT NULL DEFAULT 0, -- silences only the cases it was put on
  KEY ix_silences_ends (ends_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS cases (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind            VARCHAR(32)  NOT NULL,
  order_id        BIGINT UNSIGNED NOT NULL,
  order_no        VARCHAR(32)  NOT NULL,
  user_id         BIGINT UNSIGNED NOT NULL,
  order_created_at DATETIME    NOT NULL,          -- the order's, for newest-first lists
  -- open acknowledged waiting | resolved auto_resolved dismissed
  state           VARCHAR(16)  NOT NULL,
  severity        TINYINT UNSIGNED NOT NULL,      -- 1 low .. 4 critical
  amount          BIGINT       NOT NULL,          -- the order's amount payable, fen
  since           DATETIME     NOT NULL,          -- when the trouble began (a threshold crossed)
  warehouse       VARCHAR(16)  NULL,              -- for grouping and silences
  carrier         VARCHAR(16)  NULL,
  sku             VARCHAR(32)  NULL,
  group_key       VARCHAR(96)  NULL,
  group_label     VARCHAR(128) NULL,
  incident_id     BIGINT UNSIGNED NULL,
  silence_id      BIGINT UNSIGNED NULL,
  facts           VARCHAR(500) NOT NULL,          -- one line, for the queue
  assignee_id     BIGINT UNSIGNED NULL,
  opened_at       DATETIME     NOT NULL,
  acknowledged_at DATETIME     NULL,
  ack_due_at      DATETIME     NOT NULL,
  resolve_due_at  DATETIME     NOT NULL,
  escalated_at    DATETIME     NULL,
  waiting_since   DATETIME     NULL,              -- the SLA clock is paused
  resolved_at     DATETIME     NULL,
  resolved_by     BIGINT UNSIGNED NULL,           -- NULL: the system
  resolution      VARCHAR(255) NULL,
  cleared_at      DATETIME     NULL,              -- closed by an agent, then the condition went away
  reopened        INT UNSIGNED NOT NULL DEFAULT 0,
  updated_at      DATETIME     NOT NULL,
  -- at most one live case per kind and order
  live            TINYINT(1) AS (IF(state IN ('open', 'acknowledged', 'waiting'), 1, NULL)) VIRTUAL,
  UNIQUE KEY ux_cases_live (kind, order_id, live),
  KEY ix_cases_order (order_id),
  KEY ix_cases_user (user_id, live),
  KEY ix_cases_newest (live, order_created_at, order_id),
  -- the queue: the counts per kind (covered), and each sort over all
  -- kinds and over one: the index order is the sort's order, ties by id
  KEY ix_cases_queue (live, kind, silence_id, incident_id, state, resolve_due_at,
                      escalated_at),
  KEY ix_cases_due (live, resolve_due_at),
  KEY ix_cases_since (live, since),
  KEY ix_cases_amount (live, amount),
  KEY ix_cases_severity (live, severity DESC, resolve_due_at),
  KEY ix_cases_kind_due (live, kind, resolve_due_at),
  KEY ix_cases_kind_since (live, kind, since),
  KEY ix_cases_kind_amount (live, kind, amount),
  KEY ix_cases_kind_severity (live, kind, severity DESC, resolve_due_at),
  KEY ix_cases_closed (resolved_at),
  KEY ix_cases_assignee (assignee_id, live),
  KEY ix_cases_incident (incident_id),
  KEY ix_cases_group (group_key, since),
  KEY ix_cases_resolved (kind, resolved_at),
  KEY ix_cases_ack (state, ack_due_at),
  -- the scanner: open cases due to be escalated, without reading the
  -- ones escalated already (most open cases, once a few hours old)
  KEY ix_cases_escalate (state, escalated_at, ack_due_at),
  KEY ix_cases_silence (silence_id, live),
  KEY ix_cases_kind_order (kind, order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS case_events (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id     BIGINT UNSIGNED NOT NULL,
  order_id    BIGINT UNSIGNED NOT NULL,
  at          DATETIME     NOT NULL,
  actor_type  VARCHAR(16)  NOT NULL,              -- system agent rule
  agent_id    BIGINT UNSIGNED NULL,
  kind        VARCHAR(24)  NOT NULL,              -- opened updated acknowledged assigned waiting ...
  detail      VARCHAR(1000) NOT NULL DEFAULT '',
  KEY ix_case_events_case (case_id, at),
  KEY ix_case_events_order (order_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Where the scanner has got to, and what each pass did.
CREATE TABLE IF NOT EXISTS scan_state (
  name        VARCHAR(32)  NOT NULL PRIMARY KEY,  -- one row per watermark
  mark        DATETIME     NOT NULL,
  updated_at  DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS scan_runs (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  started_at  DATETIME(3)  NOT NULL,
  ms          INT UNSIGNED NOT NULL,
  full        TINYINT(1)   NOT NULL,
  examined    INT UNSIGNED NOT NULL,              -- orders looked at
  opened      INT UNSIGNED NOT NULL,
  updated     INT UNSIGNED NOT NULL,
  resolved    INT UNSIGNED NOT NULL,
  reopened    INT UNSIGNED NOT NULL,
  host        VARCHAR(64)  NOT NULL,
  KEY ix_scan_runs_started (started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
