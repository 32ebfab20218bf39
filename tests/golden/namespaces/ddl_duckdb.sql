CREATE SCHEMA IF NOT EXISTS sales;

CREATE SCHEMA IF NOT EXISTS crm;

CREATE SCHEMA IF NOT EXISTS archive;

CREATE TYPE sales.status AS ENUM ('new', 'paid');

CREATE TABLE crm.customers (
	id INTEGER NOT NULL, 
	email VARCHAR NOT NULL, 
	referred_by INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_customers_email UNIQUE (email), 
	CONSTRAINT fk_customers_referred_by_customers FOREIGN KEY(referred_by) REFERENCES crm.customers (id)
);

-- duckdb: foreign key fk_orders_customer_id_customers (customer_id) -> crm.customers left out: duckdb has no foreign keys between schemas (sales -> crm)

CREATE TABLE sales.orders (
	id INTEGER NOT NULL, 
	customer_id INTEGER NOT NULL, 
	status sales.status NOT NULL, 
	total NUMERIC(10, 2) NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id)
);

CREATE TABLE sales.items (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	qty INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_items_order_id_orders FOREIGN KEY(order_id) REFERENCES sales.orders (id)
);

-- duckdb: foreign key fk_orders_original_id_orders (original_id) -> sales.orders left out: duckdb has no foreign keys between schemas (archive -> sales)
-- duckdb: foreign key fk_orders_customer_id_customers (customer_id) -> crm.customers left out: duckdb has no foreign keys between schemas (archive -> crm)

CREATE TABLE archive.orders (
	id INTEGER NOT NULL, 
	original_id INTEGER, 
	customer_id INTEGER NOT NULL, 
	note VARCHAR, 
	PRIMARY KEY (id)
);

CREATE TABLE archive.items (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	qty INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_items_order_id_orders FOREIGN KEY(order_id) REFERENCES archive.orders (id)
);
