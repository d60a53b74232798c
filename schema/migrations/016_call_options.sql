-- 016: what a stock-shortage call offers instead
--
-- The console proposes up to three substitutes for the short item (same
-- category, price within 20%, in stock at the order's warehouse); the
-- robot reads them out, and the customer's choice becomes a prepared
-- substitution an agent confirms.  The call keeps what it offered.

ALTER TABLE calls ADD COLUMN IF NOT EXISTS options TEXT NULL AFTER why_then;
