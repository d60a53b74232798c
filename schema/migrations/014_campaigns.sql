-- 014: campaigns — one script called to every order of an incident (or of
-- cases an agent chose), between a start and an end, up to a cap
--
-- Each of its calls is a calls row (campaign_id) scheduled at the
-- customer's best hour inside the script's window, sent by the dispatcher
-- as the robot's line has room.  A paused campaign's calls wait (their
-- outbox rows' next_at is far off) until it resumes; a stopped one's, and
-- those still waiting when it ends, are withdrawn.
--
--   running  its calls go out as their times come
--   paused   they wait
--   stopped  a person stopped it: what was not dialled is withdrawn
--   ended    its end came: likewise

CREATE TABLE IF NOT EXISTS campaigns (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name            VARCHAR(128) NOT NULL,
  script          VARCHAR(32)  NOT NULL,
  incident_id     BIGINT UNSIGNED NULL,                     -- where its cases came from
  state           VARCHAR(16)  NOT NULL,
  starts_at       DATETIME     NOT NULL,
  ends_at         DATETIME     NOT NULL,
  cap             INT UNSIGNED NOT NULL,                    -- calls at most
  asked           INT UNSIGNED NOT NULL DEFAULT 0,          -- cases it was made for
  skipped         INT UNSIGNED NOT NULL DEFAULT 0,          -- of them, not called (and why below)
  skipped_why     VARCHAR(500) NOT NULL DEFAULT '',
  actor_type      VARCHAR(16)  NOT NULL,
  agent_id        BIGINT UNSIGNED NULL,
  actor           VARCHAR(64)  NOT NULL,
  created_at      DATETIME     NOT NULL,
  updated_at      DATETIME     NOT NULL,
  KEY ix_campaigns_state (state, ends_at),
  KEY ix_campaigns_incident (incident_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

ALTER TABLE calls ADD COLUMN IF NOT EXISTS campaign_id BIGINT UNSIGNED NULL AFTER case_id;
ALTER TABLE calls ADD INDEX IF NOT EXISTS ix_calls_campaign (campaign_id, state);
