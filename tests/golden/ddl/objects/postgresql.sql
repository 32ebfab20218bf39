CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE orders (
	id INTEGER NOT NULL, 
	customer VARCHAR(40) NOT NULL, 
	total NUMERIC(10, 2), 
	note VARCHAR(20), 
	PRIMARY KEY (id)
);

CREATE TABLE payment (
	id INTEGER NOT NULL, 
	paid_at DATE NOT NULL, 
	amount NUMERIC(8, 2)
)
 PARTITION BY RANGE (paid_at);

CREATE TABLE payment_2022 (
	id INTEGER NOT NULL, 
	paid_at DATE NOT NULL, 
	amount NUMERIC(8, 2)
);

ALTER TABLE payment ATTACH PARTITION payment_2022 FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');

-- postgresql: trigger orders_touch left out: mysql only (kept verbatim, not portable)
-- postgresql: trigger orders_touch left out: sqlite only (kept verbatim, not portable)

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.note = 'touched';
    RETURN NEW;
END $$;

CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;

CREATE MATERIALIZED VIEW per_customer AS SELECT customer, COUNT(*) AS n, SUM(total) AS spent FROM big_orders GROUP BY customer;

CREATE VIEW order_labels AS SELECT id, customer || ':' || id::text AS label FROM orders;

CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();

DROP VIEW order_labels;

DROP MATERIALIZED VIEW per_customer;

DROP VIEW big_orders;

-- postgresql: function touch(), trigger orders_touch not dropped here: they go with the tables they belong to, or stay

DROP TABLE payment_2022;

DROP TABLE payment;

DROP TABLE orders;
