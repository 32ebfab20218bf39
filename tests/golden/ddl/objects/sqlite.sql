-- sqlite: partition payment_2022 of payment left out: sqlite has no declarative partitioning, so payment holds its rows

CREATE TABLE orders (
	id INTEGER NOT NULL, 
	customer VARCHAR(40) NOT NULL, 
	total NUMERIC(10, 2), 
	note VARCHAR(20), 
	PRIMARY KEY (id)
);

-- sqlite: payment is a plain table (PARTITION BY RANGE (paid_at) not kept: no declarative partitioning)

CREATE TABLE payment (
	id INTEGER NOT NULL, 
	paid_at DATE NOT NULL, 
	amount NUMERIC(8, 2)
);

-- sqlite: extension pg_trgm left out: postgresql only (kept verbatim, not portable)
-- sqlite: function touch() left out: postgresql only (kept verbatim, not portable)
-- sqlite: trigger orders_touch left out: postgresql only (kept verbatim, not portable)
-- sqlite: trigger orders_touch left out: mysql only (kept verbatim, not portable)

CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 100;

-- sqlite: materialized view per_customer is a plain view (sqlite has no materialized views)

CREATE VIEW per_customer AS SELECT customer, COUNT(*) AS n, SUM(total) AS spent FROM big_orders GROUP BY customer;

CREATE VIEW order_labels AS SELECT id, customer || ':' || CAST(id AS TEXT) AS label FROM orders;

CREATE TRIGGER orders_touch AFTER UPDATE OF total ON orders FOR EACH ROW BEGIN
    UPDATE orders SET note = 'touched' WHERE id = NEW.id;
END;

DROP VIEW order_labels;

DROP VIEW per_customer;

DROP VIEW big_orders;

-- sqlite: trigger orders_touch not dropped here: they go with the tables they belong to, or stay

DROP TABLE payment;

DROP TABLE orders;
