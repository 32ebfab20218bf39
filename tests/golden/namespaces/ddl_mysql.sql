-- mysql: enum types are not stored by name; enum columns are inline ENUM(...) types

CREATE SCHEMA IF NOT EXISTS sales;

CREATE SCHEMA IF NOT EXISTS crm;

CREATE SCHEMA IF NOT EXISTS archive;

CREATE TABLE crm.customers (
	id INTEGER NOT NULL, 
	email VARCHAR(120) NOT NULL, 
	referred_by INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_customers_email UNIQUE (email), 
	CONSTRAINT fk_customers_referred_by_customers FOREIGN KEY(referred_by) REFERENCES crm.customers (id)
);

CREATE TABLE sales.orders (
	id INTEGER NOT NULL, 
	customer_id INTEGER NOT NULL, 
	status ENUM('new','paid') NOT NULL, 
	total NUMERIC(10, 2) NOT NULL, 
	updated_at DATETIME(6), 
	PRIMARY KEY (id), 
	CONSTRAINT fk_orders_customer_id_customers FOREIGN KEY(customer_id) REFERENCES crm.customers (id)
);

CREATE TABLE sales.items (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	qty INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_items_order_id_orders FOREIGN KEY(order_id) REFERENCES sales.orders (id)
);

CREATE TABLE archive.orders (
	id INTEGER NOT NULL, 
	original_id INTEGER, 
	customer_id INTEGER NOT NULL, 
	note LONGTEXT, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_orders_original_id_orders FOREIGN KEY(original_id) REFERENCES sales.orders (id), 
	CONSTRAINT fk_orders_customer_id_customers FOREIGN KEY(customer_id) REFERENCES crm.customers (id)
);

CREATE TABLE archive.items (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	qty INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_items_order_id_orders FOREIGN KEY(order_id) REFERENCES archive.orders (id)
);
