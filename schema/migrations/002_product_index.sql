-- 002: the product name index, for searching orders by product name
--
-- Every two-character piece of every product name (ASCII lowercased),
-- kept from the replica's products by `mendctl index` (and the scanner).
-- A search term's pieces find the candidate products in a few index
-- reads instead of a LIKE scan of the whole catalogue.

CREATE TABLE IF NOT EXISTS product_grams (
  gram        VARCHAR(2) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  product_id  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (gram, product_id),
  KEY ix_grams_product (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Where each derived index has got to in its source.
CREATE TABLE IF NOT EXISTS index_state (
  name          VARCHAR(32)  NOT NULL PRIMARY KEY,
  watermark     DATETIME     NOT NULL,
  items         BIGINT UNSIGNED NOT NULL DEFAULT 0,
  refreshed_at  DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
