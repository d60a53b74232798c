-- anomalies.sql: the nine anomaly definitions as plain SQL over the replica
--
-- One SELECT per kind, after a line "-- kind: NAME", giving the order_no of
-- every order in that kind, once.  mend-scan implements exactly these, and
-- the seeder (tools/seed.c) evaluates the same definitions in C for its manifest
-- (bin/seed.c, judge()); tests/harness/check_seed runs this file to compare.
-- The caller sets the clock and the thresholds (seconds, percent) first;
-- with the defaults:
--
--   SET @now = '2026-11-23 10:04:00', @unpaid_timeout = 1800,
--       @not_shipped = 172800, @logistics_stalled = 259200,
--       @refund_stuck = 86400, @price_low_pct = 50, @price_high_pct = 150;
--
-- The latest payment attempt of an order is the one with the greatest
-- created_at, then the greatest id.  payment_failed inhibits
-- unpaid_timeout.

-- kind: unpaid_timeout
SELECT o.order_no FROM orders o
WHERE o.status = 'pending'
  AND o.created_at < @now - INTERVAL @unpaid_timeout SECOND
  AND (EXISTS (SELECT 1 FROM payments p
               WHERE p.order_id = o.id AND p.status = 'success')
       OR COALESCE((SELECT p.status FROM payments p WHERE p.order_id = o.id
                    ORDER BY p.created_at DESC, p.id DESC LIMIT 1), '') <> 'failed');

-- kind: payment_failed
SELECT o.order_no FROM orders o
WHERE o.status = 'pending'
  AND NOT EXISTS (SELECT 1 FROM payments p
                  WHERE p.order_id = o.id AND p.status = 'success')
  AND (SELECT p.status FROM payments p WHERE p.order_id = o.id
       ORDER BY p.created_at DESC, p.id DESC LIMIT 1) = 'failed';

-- kind: duplicate_payment
SELECT o.order_no FROM orders o
JOIN payments p ON p.order_id = o.id AND p.status = 'success'
GROUP BY o.id, o.order_no
HAVING COUNT(*) > 1;

-- kind: not_shipped
SELECT o.order_no FROM orders o
WHERE o.status = 'paid'
  AND o.paid_at < @now - INTERVAL @not_shipped SECOND;

-- kind: logistics_stalled
SELECT DISTINCT o.order_no FROM shipments s
JOIN orders o ON o.id = s.order_id
WHERE s.status = 'in_transit'
  AND (s.last_event_at < @now - INTERVAL @logistics_stalled SECOND
       OR (s.last_event_at IS NULL
           AND s.shipped_at < @now - INTERVAL @logistics_stalled SECOND));

-- kind: stock_shortage
SELECT DISTINCT o.order_no FROM orders o
JOIN order_items i ON i.order_id = o.id
JOIN inventory v ON v.sku = i.sku AND v.warehouse = o.warehouse
WHERE o.status = 'paid'
  AND v.on_hand - v.reserved < 0;

-- kind: price_anomaly
SELECT o.order_no FROM orders o
LEFT JOIN (SELECT i.order_id, SUM(i.amount) AS total,
                  MAX(i.unit_price < i.list_price * @price_low_pct / 100
                      OR i.unit_price > i.list_price * @price_high_pct / 100) AS bad
           FROM order_items i GROUP BY i.order_id) t ON t.order_id = o.id
WHERE COALESCE(t.bad, 0) = 1
   OR o.pay_amount <> o.goods_amount - o.discount_amount - o.coupon_amount + o.shipping_fee
   OR o.goods_amount <> COALESCE(t.total, 0);

-- kind: address_problem
SELECT o.order_no FROM orders o
WHERE o.status NOT IN ('cancelled', 'completed', 'refunded')
  AND (o.receiver_phone NOT REGEXP '^1[3-9][0-9]{9}$'
       OR o.province = '' OR o.city = '' OR o.address_detail = ''
       OR EXISTS (SELECT 1 FROM shipments s
                  JOIN shipment_events e ON e.shipment_id = s.id
                  WHERE s.order_id = o.id AND e.code = 'unreachable'));

-- kind: refund_stuck
SELECT DISTINCT o.order_no FROM refunds r
JOIN orders o ON o.id = r.order_id
WHERE r.status IN ('pending', 'processing')
  AND r.created_at < @now - INTERVAL @refund_stuck SECOND;
