-- sqlite: enum types are not stored by name; enum columns are text with a CHECK
-- sqlite: schema sales is an attached database: run ATTACH DATABASE 'file' AS sales before these statements (dbmodel apply: the URL's ?attach=sales=FILE)
-- sqlite: schema archive is an attached database: run ATTACH DATABASE 'file' AS archive before these statements (dbmodel apply: the URL's ?attach=archive=FILE)
-- sqlite: sequence sales.orders_id_seq not created (sqlite has no sequences)

CREATE TABLE customers (
	id INTEGER NOT NULL, 
	email VARCHAR(120) NOT NULL, 
	PRIMARY KEY (id)
);

-- sqlite: sales.orders.id: default nextval('sales.orders_id_seq') becomes an identity column (sqlite has no sequences)

CREATE TABLE sales.orders (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	status VARCHAR(4) NOT NULL, 
	customer_id INTEGER NOT NULL, 
	CONSTRAINT ck_orders_status_enum CHECK ("status" IN ('new', 'paid'))
);

CREATE INDEX sales.ix_orders_status ON orders (status);

CREATE TABLE sales.items (
	id INTEGER NOT NULL, 
	order_id INTEGER NOT NULL, 
	qty INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_items_qty CHECK (qty > 0), 
	CONSTRAINT fk_items_order_id_orders FOREIGN KEY(order_id) REFERENCES orders (id)
);

CREATE TABLE archive.orders (
	id INTEGER NOT NULL, 
	note TEXT, 
	PRIMARY KEY (id)
);
