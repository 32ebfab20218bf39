-- mysql: partition payment_2022 of payment left out: mysql has no declarative partitioning, so payment holds its rows

CREATE TABLE orders (
	id INTEGER NOT NULL, 
	customer VARCHAR(40) NOT NULL, 
	total NUMERIC(10, 2), 
	note VARCHAR(20), 
	PRIMARY KEY (id)
);

-- mysql: payment is a plain table (PARTITION BY RANGE (paid_at) not kept: no declarative partitioning)

CREATE TABLE payment (
	id INTEGER NOT NULL, 
	paid_at DATE NOT NULL, 
	amount NUMERIC(8, 2)
);

-- mysql: extension pg_trgm left out: postgresql only (kept verbatim, not portable)
-- mysql: function touch() left out: postgresql only (kept verbatim, not portable)
-- mysql: trigger orders_touch left out: postgresql only (kept verbatim, not portable)
-- mysql: trigger orders_touch left out: sqlite only (kept verbatim, not portable)

CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;

-- mysql: materialized view per_customer is a plain view (mysql has no materialized views)

CREATE VIEW per_customer AS SELECT customer, COUNT(*) AS n, SUM(total) AS spent FROM big_orders GROUP BY customer;

CREATE VIEW order_labels AS SELECT id, CONCAT(customer, ':', CAST(id AS CHAR)) AS label FROM orders;

CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.note = 'touched';

DROP VIEW order_labels;

DROP VIEW per_customer;

DROP VIEW big_orders;

-- mysql: trigger orders_touch not dropped here: they go with the tables they belong to, or stay

DROP TABLE payment;

DROP TABLE orders;
