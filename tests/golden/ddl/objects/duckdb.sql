-- duckdb: partition payment_2022 of payment left out: duckdb has no declarative partitioning, so payment holds its rows

CREATE TABLE orders (
	id INTEGER NOT NULL, 
	customer VARCHAR NOT NULL, 
	total NUMERIC(10, 2), 
	note VARCHAR, 
	PRIMARY KEY (id)
);

-- duckdb: payment is a plain table (PARTITION BY RANGE (paid_at) not kept: no declarative partitioning)

CREATE TABLE payment (
	id INTEGER NOT NULL, 
	paid_at DATE NOT NULL, 
	amount NUMERIC(8, 2)
);

-- duckdb: extension pg_trgm left out: postgresql only (kept verbatim, not portable)
-- duckdb: function touch() left out: postgresql only (kept verbatim, not portable)
-- duckdb: trigger orders_touch left out: postgresql only (kept verbatim, not portable)
-- duckdb: trigger orders_touch left out: mysql only (kept verbatim, not portable)
-- duckdb: trigger orders_touch left out: sqlite only (kept verbatim, not portable)

CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;

-- duckdb: materialized view per_customer is a plain view (duckdb has no materialized views)

CREATE VIEW per_customer AS SELECT customer, COUNT(*) AS n, SUM(total) AS spent FROM big_orders GROUP BY customer;

CREATE VIEW order_labels AS SELECT id, customer || ':' || CAST(id AS TEXT) AS label FROM orders;

DROP VIEW order_labels;

DROP VIEW per_customer;

DROP VIEW big_orders;

DROP TABLE payment;

DROP TABLE orders;
