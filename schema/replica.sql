-- replica.sql: the reporting replica as ordermend reads it
--
-- The shop's order, payment, logistics and stock systems own these tables;
-- ordermend only ever reads them (through a SELECT-only user).  Times are
-- DATETIME in the shop's time zone (Asia/Shanghai), money is BIGINT fen.
-- The indexes are the ones the console's queries need; each names the page
-- or daemon that relies on it.  A replica may carry indexes and virtual
-- columns its primary does not have (row-based replication fills the
-- primary's columns; a VIRTUAL column at the end of a table is computed on
-- the replica): orders.receiver_phone_tail is one.
--
-- inventory_moves.qty is signed: on_hand is the sum of inbound, outbound
-- and adjust moves, reserved the sum of reserve, release and outbound.

CREATE TABLE users (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  name            VARCHAR(64)  NOT NULL,
  phone           VARCHAR(20)  NOT NULL,
  level           VARCHAR(16)  NOT NULL DEFAULT 'normal',   -- normal silver gold plus
  city            VARCHAR(32)  NOT NULL DEFAULT '',
  registered_at   DATETIME     NOT NULL,
  updated_at      DATETIME     NOT NULL,
  KEY ix_users_phone (phone),                               -- search by phone
  KEY ix_users_name (name)                                  -- search by name (the account's)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE products (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  sku             VARCHAR(32)  NOT NULL,
  name            VARCHAR(200) NOT NULL,
  spec            VARCHAR(64)  NOT NULL DEFAULT '',
  category        VARCHAR(32)  NOT NULL,
  brand           VARCHAR(64)  NOT NULL DEFAULT '',
  list_price      BIGINT       NOT NULL,
  status          VARCHAR(16)  NOT NULL DEFAULT 'on_sale',  -- on_sale off_sale
  updated_at      DATETIME     NOT NULL,
  UNIQUE KEY ux_products_sku (sku),
  KEY ix_products_updated (updated_at)                      -- product name index refresh
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE orders (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  order_no        VARCHAR(32)  NOT NULL,
  user_id         BIGINT UNSIGNED NOT NULL,
  -- pending paid shipped delivered completed cancelled refunding refunded
  status          VARCHAR(16)  NOT NULL,
  channel         VARCHAR(16)  NOT NULL,                    -- app web miniprogram h5
  goods_amount    BIGINT       NOT NULL,                    -- sum of item amounts
  discount_amount BIGINT       NOT NULL DEFAULT 0,          -- promotions
  coupon_amount   BIGINT       NOT NULL DEFAULT 0,
  shipping_fee    BIGINT       NOT NULL DEFAULT 0,
  pay_amount      BIGINT       NOT NULL,                    -- goods - discount - coupon + shipping
  paid_amount     BIGINT       NOT NULL DEFAULT 0,
  refunded_amount BIGINT       NOT NULL DEFAULT 0,
  receiver_name   VARCHAR(64)  NOT NULL,
  receiver_phone  VARCHAR(20)  NOT NULL,
  province        VARCHAR(32)  NOT NULL,
  city            VARCHAR(32)  NOT NULL,
  district        VARCHAR(32)  NOT NULL,
  address_detail  VARCHAR(255) NOT NULL,
  warehouse       VARCHAR(16)  NOT NULL,
  remark          VARCHAR(255) NOT NULL DEFAULT '',         -- the buyer's note
  cancel_reason   VARCHAR(64)  NULL,
  created_at      DATETIME     NOT NULL,
  paid_at         DATETIME     NULL,
  shipped_at      DATETIME     NULL,
  delivered_at    DATETIME     NULL,
  completed_at    DATETIME     NULL,
  cancelled_at    DATETIME     NULL,
  updated_at      DATETIME     NOT NULL,
  receiver_phone_tail CHAR(4) AS (RIGHT(receiver_phone, 4)) VIRTUAL,
  UNIQUE KEY ux_orders_no (order_no),                       -- order page, search by number
  -- search by user; the customer panel's counts and recent orders, from the index alone
  KEY ix_orders_user (user_id, created_at, status, pay_amount, refunded_amount, order_no),
  KEY ix_orders_phone (receiver_phone, created_at),         -- search by phone
  KEY ix_orders_tail (receiver_phone_tail, created_at),     -- search by the phone's last four digits
  KEY ix_orders_receiver (receiver_name, created_at),       -- search by name (the receiver's)
  KEY ix_orders_status (status, created_at),                -- search by status, scanner
  KEY ix_orders_created (created_at),                       -- latest orders, newest first
  KEY ix_orders_amount (pay_amount, created_at),            -- search by amount
  KEY ix_orders_updated (updated_at)                        -- scanner watermark
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE order_items (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  order_id        BIGINT UNSIGNED NOT NULL,
  product_id      BIGINT UNSIGNED NOT NULL,
  sku             VARCHAR(32)  NOT NULL,
  product_name    VARCHAR(200) NOT NULL,                    -- as sold
  spec            VARCHAR(64)  NOT NULL DEFAULT '',
  list_price      BIGINT       NOT NULL,                    -- list price when sold
  unit_price      BIGINT       NOT NULL,
  qty             INT          NOT NULL,
  amount          BIGINT       NOT NULL,                    -- unit_price * qty
  KEY ix_items_order (order_id),                            -- order page
  KEY ix_items_product (product_id, order_id)               -- search by product
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE order_status_history (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  order_id        BIGINT UNSIGNED NOT NULL,
  from_status     VARCHAR(16)  NULL,
  to_status       VARCHAR(16)  NOT NULL,
  actor_type      VARCHAR(16)  NOT NULL,                    -- system customer agent rule robot
  actor           VARCHAR(64)  NOT NULL DEFAULT '',
  note            VARCHAR(255) NOT NULL DEFAULT '',
  changed_at      DATETIME     NOT NULL,
  KEY ix_history_order (order_id, changed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE payments (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  order_id        BIGINT UNSIGNED NOT NULL,
  payment_no      VARCHAR(32)  NOT NULL,
  channel         VARCHAR(16)  NOT NULL,                    -- alipay wechat unionpay balance
  trade_no        VARCHAR(64)  NULL,                        -- the channel's number
  amount          BIGINT       NOT NULL,
  status          VARCHAR(16)  NOT NULL,                    -- pending success failed closed
  failure_code    VARCHAR(32)  NULL,
  failure_message VARCHAR(255) NULL,
  created_at      DATETIME     NOT NULL,
  paid_at         DATETIME     NULL,
  updated_at      DATETIME     NOT NULL,
  KEY ix_payments_order (order_id, created_at),
  KEY ix_payments_trade (trade_no),                         -- search by trade number
  KEY ix_payments_no (payment_no),                          -- search by payment number
  KEY ix_payments_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE refunds (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  order_id        BIGINT UNSIGNED NOT NULL,
  payment_id      BIGINT UNSIGNED NULL,
  refund_no       VARCHAR(32)  NOT NULL,
  amount          BIGINT       NOT NULL,
  reason          VARCHAR(255) NOT NULL DEFAULT '',
  status          VARCHAR(16)  NOT NULL,                    -- pending processing success failed
  created_at      DATETIME     NOT NULL,
  completed_at    DATETIME     NULL,
  updated_at      DATETIME     NOT NULL,
  KEY ix_refunds_order (order_id),
  KEY ix_refunds_status (status, created_at),               -- scanner: refund_stuck
  KEY ix_refunds_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE shipments (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  order_id        BIGINT UNSIGNED NOT NULL,
  carrier         VARCHAR(16)  NOT NULL,                    -- SF ZTO YTO YD STO JD EMS
  tracking_no     VARCHAR(32)  NOT NULL,
  warehouse       VARCHAR(16)  NOT NULL,
  status          VARCHAR(16)  NOT NULL,                    -- created in_transit delivered exception returned
  shipped_at      DATETIME     NOT NULL,
  delivered_at    DATETIME     NULL,
  last_event_at   DATETIME     NULL,
  updated_at      DATETIME     NOT NULL,
  KEY ix_shipments_order (order_id),
  KEY ix_shipments_tracking (tracking_no),                  -- search by tracking number
  KEY ix_shipments_status (status, last_event_at),          -- scanner: logistics_stalled
  KEY ix_shipments_carrier (carrier, order_id),             -- search by carrier
  KEY ix_shipments_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE shipment_events (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  shipment_id     BIGINT UNSIGNED NOT NULL,
  event_time      DATETIME     NOT NULL,
  -- picked_up in_transit arrived out_for_delivery delivered unreachable returned
  code            VARCHAR(24)  NOT NULL,
  location        VARCHAR(64)  NOT NULL DEFAULT '',
  description     VARCHAR(255) NOT NULL DEFAULT '',
  KEY ix_events_shipment (shipment_id, event_time),
  KEY ix_events_time (event_time)                           -- scanner watermark
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE inventory (
  sku             VARCHAR(32)  NOT NULL,
  warehouse       VARCHAR(16)  NOT NULL,
  on_hand         INT          NOT NULL,
  reserved        INT          NOT NULL,
  restock_at      DATETIME     NULL,                        -- when more is expected (short stock)
  updated_at      DATETIME     NOT NULL,
  PRIMARY KEY (sku, warehouse),
  KEY ix_inventory_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE inventory_moves (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  sku             VARCHAR(32)  NOT NULL,
  warehouse       VARCHAR(16)  NOT NULL,
  order_id        BIGINT UNSIGNED NULL,
  kind            VARCHAR(16)  NOT NULL,                    -- reserve release outbound inbound adjust
  qty             INT          NOT NULL,                    -- signed
  created_at      DATETIME     NOT NULL,
  KEY ix_moves_order (order_id),
  KEY ix_moves_sku (sku, warehouse, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE coupons (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  code            VARCHAR(32)  NOT NULL,
  name            VARCHAR(64)  NOT NULL,
  kind            VARCHAR(16)  NOT NULL,                    -- fixed percent
  value           BIGINT       NOT NULL,                    -- fen, or percent off
  min_spend       BIGINT       NOT NULL DEFAULT 0,
  valid_from      DATETIME     NOT NULL,
  valid_to        DATETIME     NOT NULL,
  UNIQUE KEY ux_coupons_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE coupon_usages (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  coupon_id       BIGINT UNSIGNED NOT NULL,
  user_id         BIGINT UNSIGNED NOT NULL,
  order_id        BIGINT UNSIGNED NOT NULL,
  amount          BIGINT       NOT NULL,
  used_at         DATETIME     NOT NULL,
  KEY ix_usages_order (order_id),
  KEY ix_usages_user (user_id, used_at),
  KEY ix_usages_coupon (coupon_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Coupons the coupon service granted to make up for a troubled order (the
-- console's compensate action, README: The upstream contract): one row a
-- grant, naming the coupon, the user and the order it was for.
CREATE TABLE coupon_grants (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  coupon_id       BIGINT UNSIGNED NOT NULL,
  user_id         BIGINT UNSIGNED NOT NULL,
  order_id        BIGINT UNSIGNED NOT NULL,
  amount          BIGINT       NOT NULL,                    -- fen, the coupon's value
  reason          VARCHAR(255) NOT NULL DEFAULT '',
  granted_at      DATETIME     NOT NULL,
  KEY ix_grants_order (order_id),                           -- order page, and the dispatcher seeing a grant take effect
  KEY ix_grants_user (user_id, granted_at)                  -- customer panel: what the user was given
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE user_events (
  id              BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  user_id         BIGINT UNSIGNED NOT NULL,
  order_id        BIGINT UNSIGNED NULL,
  -- app_open login view_product add_cart checkout pay_click pay_cancel
  -- contact_service view_logistics apply_refund confirm_receipt
  kind            VARCHAR(24)  NOT NULL,
  detail          VARCHAR(255) NOT NULL DEFAULT '',
  device          VARCHAR(32)  NOT NULL DEFAULT '',
  created_at      DATETIME     NOT NULL,
  KEY ix_user_events_user (user_id, created_at),            -- activity around an order
  KEY ix_user_events_order (order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
