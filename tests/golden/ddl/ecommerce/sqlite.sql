-- sqlite: enum types are not stored by name; enum columns are text with a CHECK
-- sqlite: users.id default uuid() is left to the application (sqlite has no such function)
-- sqlite: table users comment not stored: People who sign in: customers and staff.

CREATE TABLE users (
	id CHAR(36) NOT NULL, 
	email VARCHAR(255) NOT NULL, 
	password_hash VARCHAR(255) NOT NULL, 
	first_name VARCHAR(100) NOT NULL, 
	last_name VARCHAR(100) NOT NULL, 
	phone VARCHAR(32), 
	role VARCHAR(8) DEFAULT 'customer' NOT NULL, 
	is_active BOOLEAN DEFAULT 1 NOT NULL, 
	email_verified_at TIMESTAMP, 
	last_login_at TIMESTAMP, 
	created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at TIMESTAMP, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_users_role_enum CHECK ("role" IN ('customer', 'staff', 'admin')), 
	CONSTRAINT uq_users_email UNIQUE (email)
);

CREATE INDEX ix_users_role ON users (role);

-- sqlite: categories.id default uuid() is left to the application (sqlite has no such function)
-- sqlite: table categories comment not stored: A tree of product categories.

CREATE TABLE categories (
	id CHAR(36) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	slug VARCHAR(100) NOT NULL, 
	description TEXT, 
	parent_id CHAR(36), 
	sort_order INTEGER DEFAULT 0 NOT NULL, 
	created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at TIMESTAMP, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_categories_name UNIQUE (name), 
	CONSTRAINT uq_categories_slug UNIQUE (slug), 
	CONSTRAINT fk_categories_parent_id_categories FOREIGN KEY(parent_id) REFERENCES categories (id) ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE INDEX ix_categories_parent_id ON categories (parent_id);

-- sqlite: products.id default uuid() is left to the application (sqlite has no such function)
-- sqlite: table products comment not stored: Things we sell.

CREATE TABLE products (
	id CHAR(36) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	description TEXT, 
	price NUMERIC(10, 2) NOT NULL, 
	currency CHAR(3) DEFAULT 'USD' NOT NULL, 
	image_url VARCHAR(500), 
	stock_quantity INTEGER DEFAULT 0 NOT NULL, 
	sku VARCHAR(100) NOT NULL, 
	is_active BOOLEAN DEFAULT 1 NOT NULL, 
	category_id CHAR(36) NOT NULL, 
	created_by CHAR(36) NOT NULL, 
	updated_by CHAR(36), 
	created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at TIMESTAMP, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_products_price CHECK (price >= 0 AND price <= 999999), 
	CONSTRAINT ck_products_stock_quantity CHECK (stock_quantity >= 0), 
	CONSTRAINT fk_products_category_id_categories FOREIGN KEY(category_id) REFERENCES categories (id) ON DELETE RESTRICT ON UPDATE CASCADE, 
	CONSTRAINT fk_products_created_by_users FOREIGN KEY(created_by) REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE, 
	CONSTRAINT fk_products_updated_by_users FOREIGN KEY(updated_by) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE UNIQUE INDEX ux_products_sku ON products (sku) WHERE deleted_at IS NULL;

CREATE INDEX ix_products_category_id_price ON products (category_id, price);

CREATE INDEX ix_products_created_at ON products (created_at);

CREATE INDEX ix_products_created_by ON products (created_by);

CREATE INDEX ix_products_updated_by ON products (updated_by);

-- sqlite: orders.id default uuid() is left to the application (sqlite has no such function)
-- sqlite: table orders comment not stored: A customer's order; money in the order's currency.

CREATE TABLE orders (
	id CHAR(36) NOT NULL, 
	order_number VARCHAR(50) NOT NULL, 
	user_id CHAR(36) NOT NULL, 
	status VARCHAR(9) DEFAULT 'pending' NOT NULL, 
	subtotal NUMERIC(10, 2) NOT NULL, 
	tax NUMERIC(10, 2) DEFAULT 0 NOT NULL, 
	total NUMERIC(10, 2) NOT NULL, 
	currency CHAR(3) DEFAULT 'USD' NOT NULL, 
	shipping_address JSON, 
	placed_at TIMESTAMP, 
	created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_orders_status_enum CHECK ("status" IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')), 
	CONSTRAINT uq_orders_order_number UNIQUE (order_number), 
	CONSTRAINT ck_orders_subtotal CHECK (subtotal >= 0), 
	CONSTRAINT ck_orders_tax CHECK (tax >= 0), 
	CONSTRAINT ck_orders_total CHECK (total >= 0), 
	CONSTRAINT fk_orders_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE INDEX ix_orders_user_id_created_at ON orders (user_id, created_at);

CREATE INDEX ix_orders_status ON orders (status);

-- sqlite: order_items.id default uuid() is left to the application (sqlite has no such function)
-- sqlite: table order_items comment not stored: One product line of an order.

CREATE TABLE order_items (
	id CHAR(36) NOT NULL, 
	order_id CHAR(36) NOT NULL, 
	product_id CHAR(36) NOT NULL, 
	quantity INTEGER NOT NULL, 
	unit_price NUMERIC(10, 2) NOT NULL, 
	subtotal NUMERIC(10, 2) NOT NULL, 
	created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_order_items_order_id_product_id UNIQUE (order_id, product_id), 
	CONSTRAINT ck_order_items_quantity CHECK (quantity > 0), 
	CONSTRAINT ck_order_items_unit_price CHECK (unit_price >= 0), 
	CONSTRAINT ck_order_items_subtotal CHECK (subtotal >= 0), 
	CONSTRAINT fk_order_items_order_id_orders FOREIGN KEY(order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE, 
	CONSTRAINT fk_order_items_product_id_products FOREIGN KEY(product_id) REFERENCES products (id) ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE INDEX ix_order_items_product_id ON order_items (product_id);
