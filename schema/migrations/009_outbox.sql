-- 009: the outbox — every action that fixes an order at its source
--
-- An action (cancel, refund, compensate, address, price, sms, restock) is a
-- row here, written in the same transaction as its audit row and case
-- event, then sent to its upstream service by mend-dispatch (README: The
-- upstream contract).  Its life:
--
--   approval  over the requester's money limits: waits for a second person
--   queued    to be sent (next_at: not before); a retry waits here too
--   sending   taken by a dispatcher until lease_until; a dispatcher that
--             died leaves it to be taken again when the lease ends
--   sent      the service said done (2xx, or 409: done before); the
--             replica does not show it yet
--   effective the replica shows it (or, for an SMS, the service took it)
--   failed    refused by the service (4xx): its message is last_error
--   dead      not known after max attempts: an agent retries or cancels
--   refused   the approver said no (approval_note says why)
--   cancelled an agent withdrew it before it was sent
--
-- idem_key is the form's idempotency key (or the rule's, derived from rule,
-- case and day): a second POST with it is the same action; with other
-- parameters (request_hash differs) it is refused.  The same key goes to
-- the service on every attempt.

CREATE TABLE IF NOT EXISTS outbox (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  idem_key        VARCHAR(64)  NOT NULL,
  request_hash    CHAR(64)     NOT NULL,                    -- SHA-256 of kind, service, path, body
  kind            VARCHAR(16)  NOT NULL,                    -- cancel refund compensate address price sms restock
  service         VARCHAR(16)  NOT NULL,                    -- order payment coupon inventory sms
  path            VARCHAR(255) NOT NULL,                    -- under the service's URL
  body            TEXT         NOT NULL,                    -- the JSON sent
  order_id        BIGINT UNSIGNED NULL,
  order_no        VARCHAR(32)  NULL,
  case_id         BIGINT UNSIGNED NULL,
  amount          BIGINT       NOT NULL DEFAULT 0,          -- fen it gives back (refund, compensate)
  summary         VARCHAR(255) NOT NULL,                    -- one line for the timeline
  actor_type      VARCHAR(16)  NOT NULL,                    -- agent rule robot cli
  actor           VARCHAR(64)  NOT NULL,                    -- login, rule or robot name
  agent_id        BIGINT UNSIGNED NULL,                     -- the requesting agent
  state           VARCHAR(16)  NOT NULL,
  attempts        INT UNSIGNED NOT NULL DEFAULT 0,
  next_at         DATETIME(3)  NOT NULL,
  lease_until     DATETIME(3)  NULL,
  leased_by       VARCHAR(64)  NULL,
  last_status     INT          NULL,                        -- HTTP status of the last attempt (0: no answer)
  last_error      VARCHAR(500) NULL,
  reply           TEXT         NULL,                        -- the service's answer when done
  ref             VARCHAR(64)  NULL,                        -- what it made: refund_no, coupon code ...
  approver_id     BIGINT UNSIGNED NULL,
  approval_note   VARCHAR(255) NULL,
  decided_at      DATETIME     NULL,
  created_at      DATETIME     NOT NULL,
  sent_at         DATETIME     NULL,
  effective_at    DATETIME     NULL,
  updated_at      DATETIME     NOT NULL,
  UNIQUE KEY ux_outbox_key (idem_key),
  KEY ix_outbox_due (state, next_at),                       -- dispatcher: what to send
  KEY ix_outbox_lease (state, lease_until),                 -- dispatcher: leases that ended
  KEY ix_outbox_order (order_id, created_at),               -- the order's timeline and actions
  KEY ix_outbox_case (case_id),
  KEY ix_outbox_agent (agent_id, created_at)                -- the money an agent moved today
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Asking the inventory service to replenish a SKU is its own permission.
INSERT IGNORE INTO permissions (name, bit, title) VALUES ('act_restock', 14, '申请补货');
INSERT IGNORE INTO role_permissions (role, permission) VALUES
  ('agent', 'act_restock'), ('lead', 'act_restock'), ('admin', 'act_restock');
