-- A day in the life of the e-commerce model: weights are executions per minute.
-- Parameters (:name) take their values from the JSON lists on the "-- params:" lines.

-- name: recent_orders  weight: 120
-- params: [{"status": "paid"}, {"status": "shipped"}]
SELECT id, order_number, total, created_at
FROM orders
WHERE status = :status
ORDER BY created_at DESC
LIMIT 20;

-- name: order_lines  weight: 300
SELECT oi.quantity, oi.unit_price, p.name
FROM order_items oi
JOIN products p ON p.id = oi.product_id
WHERE oi.quantity >= 5
ORDER BY oi.unit_price DESC
LIMIT 50;

-- name: catalog_page  weight: 40
SELECT id, name, price FROM products
WHERE is_active AND deleted_at IS NULL
ORDER BY created_at DESC
LIMIT 24 OFFSET 4800;

-- name: search_products  weight: 30
SELECT id, name, price FROM products WHERE name LIKE '%lamp%' LIMIT 50;

-- name: user_by_email  weight: 15
SELECT * FROM users WHERE lower(email) = 'james.smith1@example.com';

-- name: sales_by_category  weight: 2
SELECT c.name, count(*) AS items, sum(oi.subtotal) AS revenue
FROM order_items oi
JOIN products p ON p.id = oi.product_id
JOIN categories c ON c.id = p.category_id
GROUP BY c.name
ORDER BY revenue DESC;

-- name: expire_stale_orders  weight: 1
-- (DuckDB rewrites an UPDATE of an indexed column as delete + insert, which its foreign keys
-- refuse while order_items reference the row; this one touches an unindexed column)
UPDATE orders SET placed_at = NULL
WHERE status = 'pending' AND created_at < '2023-06-01';

-- name: restock  weight: 5
UPDATE products SET stock_quantity = stock_quantity + 10 WHERE stock_quantity < 5;
