-- 013: the phone robot — scripts, calls, the robot's callbacks, and the
-- numbers never to call
--
-- A call is one attempt to reach an order's customer with a script: a row
-- here and an outbox row (kind 'call') that mend-dispatch sends to the
-- robot at or after scheduled_at (README: The phone robot).  Its life:
--
--   scheduled  waiting for its time (inside the calling window)
--   dialling   the dispatcher took it; the robot has it
--   answered   the customer answered: intent says what they want, and
--              follow_up what the console did about it
--   no_answer busy voicemail   not reached: the next attempt is a new
--              row, scheduled after the outcome's delay
--   invalid    an empty, suspended or out-of-service number: no retry
--   failed     the robot refused it, or it was never answered for
--   cancelled  withdrawn before it was dialled

CREATE TABLE IF NOT EXISTS call_scripts (
  code            VARCHAR(32)  NOT NULL PRIMARY KEY,
  name            VARCHAR(64)  NOT NULL,
  purpose         VARCHAR(255) NOT NULL,
  text            TEXT         NOT NULL,                    -- {{VAR}} filled from the order
  text_en         TEXT         NOT NULL,
  -- what the robot may answer, and what the console does next:
  -- {"intent": {"label": "…", "do": "resolve|wait|substitute|cancel|price|address|handoff|survey"}}
  intents         TEXT         NOT NULL,
  window_start    CHAR(5)      NULL,                        -- HH:MM; NULL: [robot] window_start
  window_end      CHAR(5)      NULL,
  enabled         TINYINT(1)   NOT NULL DEFAULT 1,
  position        TINYINT UNSIGNED NOT NULL DEFAULT 0,
  updated_at      DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO call_scripts (code, name, purpose, text, text_en, intents, position, updated_at) VALUES
('order_confirm', '订单确认', '大额或异常订单发货前，与客户核对商品、地址和配送',
 '您好，这里是商城客服。您尾号{{ORDER_TAIL}}的订单购买了{{ITEMS}}，将配送至{{ADDRESS}}，请问信息是否正确？',
 'Hello, this is customer service. Your order ending {{ORDER_TAIL}} contains {{ITEMS}} and will be delivered to {{ADDRESS}}. Is that correct?',
 '{"confirmed": {"label": "确认无误", "do": "resolve"}, "change_address": {"label": "要改地址", "do": "address"}, "cancel": {"label": "要取消", "do": "cancel"}}',
 1, NOW()),
('stock_shortage', '缺货沟通', '商品缺货时，请客户选择等待补货、换购或取消',
 '您好，您购买的{{PRODUCT}}目前库存紧张，预计需要{{DAYS}}天补货后发货，您是否愿意等待或者更换其他商品？',
 'Hello, the {{PRODUCT}} you ordered is short of stock and should ship after a restock in about {{DAYS}} days. Would you rather wait, or choose another product?',
 '{"wait": {"label": "愿意等待", "do": "wait"}, "substitute": {"label": "换购其他商品", "do": "substitute"}, "cancel": {"label": "取消订单", "do": "cancel"}}',
 2, NOW()),
('price_correction', '价格更正', '标价错误时，说明原因和正确价格，征得客户同意',
 '您好，您订单中的{{PRODUCT}}因系统标价错误显示为{{PRICE}}元，正确价格为{{CORRECT_PRICE}}元。请问您是否同意按正确价格继续购买？',
 'Hello, the {{PRODUCT}} in your order was shown at {{PRICE}} yuan by a pricing error; the correct price is {{CORRECT_PRICE}} yuan. Do you agree to continue at the correct price?',
 '{"accept": {"label": "同意改价", "do": "price"}, "reject": {"label": "不同意", "do": "handoff"}}',
 3, NOW()),
('address_confirm', '地址确认', '地址可能有误时，向客户复述地址并记录新地址',
 '您好，您的订单将配送至{{ADDRESS}}，收货人{{NAME}}，请问地址是否正确？',
 'Hello, your order will be delivered to {{ADDRESS}} for {{NAME}}. Is the address correct?',
 '{"confirmed": {"label": "地址正确", "do": "resolve"}, "new_address": {"label": "给了新地址", "do": "address"}}',
 4, NOW()),
('logistics_delay', '物流延误致歉', '包裹延误时致歉并告知新的预计送达时间',
 '您好，非常抱歉，您的包裹在运输途中有所延误，预计{{ESTIMATE}}前送达。请问您是否可以接受？',
 'Hello, we are sorry: your parcel has been delayed and should arrive by {{ESTIMATE}}. Is that all right with you?',
 '{"ok": {"label": "可以接受", "do": "resolve"}, "wants_refund": {"label": "要求退款", "do": "handoff"}, "wants_human": {"label": "要求人工", "do": "handoff"}}',
 5, NOW()),
('satisfaction_survey', '满意度回访', '签收后请客户打分（1–5 分）并说说意见',
 '您好，您的订单已经签收，请问您对这次购物满意吗？请用1到5分打分，也欢迎说说您的意见。',
 'Hello, your order has been delivered. How satisfied are you with it, from 1 to 5? Any comments are welcome.',
 '{"rated": {"label": "已评分", "do": "survey"}}',
 6, NOW());

CREATE TABLE IF NOT EXISTS calls (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id        BIGINT UNSIGNED NOT NULL,
  order_no        VARCHAR(32)  NOT NULL,
  user_id         BIGINT UNSIGNED NOT NULL,                 -- whose number (the best time to call)
  case_id         BIGINT UNSIGNED NULL,
  script          VARCHAR(32)  NOT NULL,
  attempt         TINYINT UNSIGNED NOT NULL,               -- of this order and script
  state           VARCHAR(16)  NOT NULL,
  scheduled_at    DATETIME     NOT NULL,
  why_then        VARCHAR(255) NOT NULL,                    -- why at that time
  outbox_id       BIGINT UNSIGNED NULL,
  dialled_at      DATETIME     NULL,
  job_id          VARCHAR(64)  NULL,
  -- the robot's result
  status          VARCHAR(16)  NULL,
  intent          VARCHAR(32)  NULL,
  confidence      TINYINT UNSIGNED NULL,                    -- percent
  slots           TEXT         NULL,                        -- JSON, as the robot captured it
  duration        INT UNSIGNED NULL,                        -- seconds
  transcript_url  VARCHAR(500) NULL,
  ended_at        DATETIME     NULL,
  follow_up       VARCHAR(255) NULL,                        -- what the console did next
  score           TINYINT UNSIGNED NULL,                    -- satisfaction_survey: 1..5
  tags            VARCHAR(255) NULL,                        -- satisfaction_survey: size,quality …
  actor_type      VARCHAR(16)  NOT NULL,                    -- who asked for it
  agent_id        BIGINT UNSIGNED NULL,
  actor           VARCHAR(64)  NOT NULL,
  created_at      DATETIME     NOT NULL,
  updated_at      DATETIME     NOT NULL,
  KEY ix_calls_order (order_id, script),
  KEY ix_calls_case (case_id),
  KEY ix_calls_state (state, scheduled_at),
  KEY ix_calls_user (user_id, state),
  KEY ix_calls_ended (ended_at),
  KEY ix_calls_outbox (outbox_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Each callback the robot sent, once.
CREATE TABLE IF NOT EXISTS robot_callbacks (
  callback_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
  call_id         BIGINT UNSIGNED NOT NULL,
  received_at     DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Numbers never to call: kept by leads, and added when a customer asks
-- during a call.  The number is kept as its HMAC-SHA256 under a key of the
-- console's own (console_keys 'dnc', migration 015) and its last four
-- digits: enough to match and to show, not to read back, not even by
-- trying every mobile.
CREATE TABLE IF NOT EXISTS dnc (
  phone_hash      CHAR(64)     NOT NULL PRIMARY KEY,
  phone_tail      CHAR(4)      NOT NULL,
  reason          VARCHAR(255) NOT NULL,
  actor_type      VARCHAR(16)  NOT NULL,
  agent_id        BIGINT UNSIGNED NULL,
  actor           VARCHAR(64)  NOT NULL,
  created_at      DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
