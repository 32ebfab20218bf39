-- mysql: enum types are not stored by name; enum columns are inline ENUM(...) types

CREATE TABLE users (
	id CHAR(36) NOT NULL DEFAULT (uuid()), 
	email VARCHAR(255) NOT NULL, 
	password_hash VARCHAR(255) NOT NULL, 
	first_name VARCHAR(100) NOT NULL, 
	last_name VARCHAR(100) NOT NULL, 
	phone VARCHAR(32), 
	`role` ENUM('customer','staff','admin') NOT NULL DEFAULT 'customer', 
	is_active BOOL NOT NULL DEFAULT true, 
	email_verified_at TIMESTAMP(6) NULL, 
	last_login_at TIMESTAMP(6) NULL, 
	created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	deleted_at TIMESTAMP(6) NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_users_email UNIQUE (email)
)COMMENT='People who sign in: customers and staff.';

CREATE INDEX ix_users_role ON users (`role`);

CREATE TABLE categories (
	id CHAR(36) NOT NULL DEFAULT (uuid()), 
	name VARCHAR(100) NOT NULL, 
	slug VARCHAR(100) NOT NULL, 
	description LONGTEXT, 
	parent_id CHAR(36), 
	sort_order INTEGER NOT NULL DEFAULT 0, 
	created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	deleted_at TIMESTAMP(6) NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_categories_name UNIQUE (name), 
	CONSTRAINT uq_categories_slug UNIQUE (slug), 
	CONSTRAINT fk_categories_parent_id_categories FOREIGN KEY(parent_id) REFERENCES categories (id) ON DELETE SET NULL ON UPDATE CASCADE
)COMMENT='A tree of product categories.';

CREATE INDEX ix_categories_parent_id ON categories (parent_id);

-- mysql: index ux_products_sku: mysql has no partial indexes; WHERE deleted_at IS NULL dropped and the index made non-unique (a full unique index would reject rows the model allows)

CREATE TABLE products (
	id CHAR(36) NOT NULL DEFAULT (uuid()), 
	name VARCHAR(200) NOT NULL, 
	description LONGTEXT, 
	price NUMERIC(10, 2) NOT NULL, 
	currency CHAR(3) NOT NULL DEFAULT 'USD', 
	image_url VARCHAR(500), 
	stock_quantity INTEGER NOT NULL DEFAULT 0, 
	sku VARCHAR(100) NOT NULL, 
	is_active BOOL NOT NULL DEFAULT true, 
	category_id CHAR(36) NOT NULL, 
	created_by CHAR(36) NOT NULL, 
	updated_by CHAR(36), 
	created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	deleted_at TIMESTAMP(6) NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_products_price CHECK (price >= 0 AND price <= 999999), 
	CONSTRAINT ck_products_stock_quantity CHECK (stock_quantity >= 0), 
	CONSTRAINT fk_products_category_id_categories FOREIGN KEY(category_id) REFERENCES categories (id) ON DELETE RESTRICT ON UPDATE CASCADE, 
	CONSTRAINT fk_products_created_by_users FOREIGN KEY(created_by) REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE, 
	CONSTRAINT fk_products_updated_by_users FOREIGN KEY(updated_by) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE
)COMMENT='Things we sell.';

CREATE INDEX ux_products_sku ON products (sku);

CREATE INDEX ix_products_category_id_price ON products (category_id, price);

CREATE INDEX ix_products_created_at ON products (created_at);

CREATE INDEX ix_products_created_by ON products (created_by);

CREATE INDEX ix_products_updated_by ON products (updated_by);

CREATE TABLE orders (
	id CHAR(36) NOT NULL DEFAULT (uuid()), 
	order_number VARCHAR(50) NOT NULL, 
	user_id CHAR(36) NOT NULL, 
	status ENUM('pending','paid','shipped','delivered','cancelled','refunded') NOT NULL DEFAULT 'pending', 
	subtotal NUMERIC(10, 2) NOT NULL, 
	tax NUMERIC(10, 2) NOT NULL DEFAULT 0, 
	total NUMERIC(10, 2) NOT NULL, 
	currency CHAR(3) NOT NULL DEFAULT 'USD', 
	shipping_address JSON, 
	placed_at TIMESTAMP(6) NULL, 
	created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_orders_order_number UNIQUE (order_number), 
	CONSTRAINT ck_orders_subtotal CHECK (subtotal >= 0), 
	CONSTRAINT ck_orders_tax CHECK (tax >= 0), 
	CONSTRAINT ck_orders_total CHECK (total >= 0), 
	CONSTRAINT fk_orders_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE
)COMMENT='A customer''s order; money in the order''s currency.';

CREATE INDEX ix_orders_user_id_created_at ON orders (user_id, created_at);

CREATE INDEX ix_orders_status ON orders (status);

CREATE TABLE order_items (
	id CHAR(36) NOT NULL DEFAULT (uuid()), 
	order_id CHAR(36) NOT NULL, 
	product_id CHAR(36) NOT NULL, 
	quantity INTEGER NOT NULL, 
	unit_price NUMERIC(10, 2) NOT NULL, 
	subtotal NUMERIC(10, 2) NOT NULL, 
	created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_order_items_order_id_product_id UNIQUE (order_id, product_id), 
	CONSTRAINT ck_order_items_quantity CHECK (quantity > 0), 
	CONSTRAINT ck_order_items_unit_price CHECK (unit_price >= 0), 
	CONSTRAINT ck_order_items_subtotal CHECK (subtotal >= 0), 
	CONSTRAINT fk_order_items_order_id_orders FOREIGN KEY(order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE, 
	CONSTRAINT fk_order_items_product_id_products FOREIGN KEY(product_id) REFERENCES products (id) ON DELETE RESTRICT ON UPDATE CASCADE
)COMMENT='One product line of an order.';

CREATE INDEX ix_order_items_product_id ON order_items (product_id);
