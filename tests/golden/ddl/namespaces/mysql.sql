-- mysql: enum types are not stored by name; enum columns are inline ENUM(...) types

CREATE SCHEMA IF NOT EXISTS sales;

CREATE SCHEMA IF NOT EXISTS shop;

CREATE SCHEMA IF NOT EXISTS archive;

CREATE SEQUENCE sales.orders_id_seq;

CREATE TABLE shop.customers (
	id INTEGER NOT NULL, 
	email VARCHAR(120) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE sales.orders (
	id INTEGER NOT NULL DEFAULT (NEXTVAL(sales.orders_id_seq)), 
	status ENUM('new','paid') NOT NULL, 
	customer_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_orders_customer_id_customers FOREIGN KEY(customer_id) REFERENCES shop.customers (id)
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
	note LONGTEXT, 
	PRIMARY KEY (id)
);
