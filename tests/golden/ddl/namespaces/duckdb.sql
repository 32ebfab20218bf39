CREATE SCHEMA IF NOT EXISTS sales;

CREATE SCHEMA IF NOT EXISTS archive;

CREATE TYPE sales.status AS ENUM ('new', 'paid');

CREATE SEQUENCE sales.orders_id_seq;

CREATE TABLE customers (
	id INTEGER NOT NULL, 
	email VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);

-- duckdb: foreign key fk_orders_customer_id_customers (customer_id) -> customers left out: duckdb has no foreign keys between schemas (sales -> default)

CREATE TABLE sales.orders (
	id INTEGER DEFAULT NEXTVAL('sales.orders_id_seq') NOT NULL, 
	status sales.status NOT NULL, 
	customer_id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_orders_status ON sales.orders (status);

CREATE TABLE sales.items (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	qty INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_items_qty CHECK (qty > 0), 
	CONSTRAINT fk_items_order_id_orders FOREIGN KEY(order_id) REFERENCES sales.orders (id)
);

CREATE TABLE archive.orders (
	id INTEGER NOT NULL, 
	note VARCHAR, 
	PRIMARY KEY (id)
);
