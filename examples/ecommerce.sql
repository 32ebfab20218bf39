CREATE TYPE user_role AS ENUM ('customer', 'staff', 'admin');

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');

CREATE TABLE users (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	email VARCHAR(255) NOT NULL, 
	password_hash VARCHAR(255) NOT NULL, 
	first_name VARCHAR(100) NOT NULL, 
	last_name VARCHAR(100) NOT NULL, 
	phone VARCHAR(32), 
	role user_role DEFAULT 'customer' NOT NULL, 
	is_active BOOLEAN DEFAULT true NOT NULL, 
	email_verified_at TIMESTAMP WITH TIME ZONE, 
	last_login_at TIMESTAMP WITH TIME ZONE, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_users_email UNIQUE (email)
);

CREATE INDEX ix_users_role ON users (role);

COMMENT ON TABLE users IS 'People who sign in: customers and staff.';

CREATE TABLE categories (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	slug VARCHAR(100) NOT NULL, 
	description TEXT, 
	parent_id UUID, 
	sort_order INTEGER DEFAULT 0 NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_categories_name UNIQUE (name), 
	CONSTRAINT uq_categories_slug UNIQUE (slug), 
	CONSTRAINT fk_categories_parent_id_categories FOREIGN KEY(parent_id) REFERENCES categories (id) ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE INDEX ix_categories_parent_id ON categories (parent_id);

COMMENT ON TABLE categories IS 'A tree of product categories.';

CREATE TABLE products (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	description TEXT, 
	price NUMERIC(10, 2) NOT NULL, 
	currency CHAR(3) DEFAULT 'USD' NOT NULL, 
	image_url VARCHAR(500), 
	stock_quantity INTEGER DEFAULT 0 NOT NULL, 
	sku VARCHAR(100) NOT NULL, 
	is_active BOOLEAN DEFAULT true NOT NULL, 
	category_id UUID NOT NULL, 
	created_by UUID NOT NULL, 
	updated_by UUID, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at TIMESTAMP WITH TIME ZONE, 
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

COMMENT ON TABLE products IS 'Things we sell.';

CREATE TABLE orders (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	order_number VARCHAR(50) NOT NULL, 
	user_id UUID NOT NULL, 
	status order_status DEFAULT 'pending' NOT NULL, 
	subtotal NUMERIC(10, 2) NOT NULL, 
	tax NUMERIC(10, 2) DEFAULT 0 NOT NULL, 
	total NUMERIC(10, 2) NOT NULL, 
	currency CHAR(3) DEFAULT 'USD' NOT NULL, 
	shipping_address JSONB, 
	placed_at TIMESTAMP WITH TIME ZONE, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_orders_order_number UNIQUE (order_number), 
	CONSTRAINT ck_orders_subtotal CHECK (subtotal >= 0), 
	CONSTRAINT ck_orders_tax CHECK (tax >= 0), 
	CONSTRAINT ck_orders_total CHECK (total >= 0), 
	CONSTRAINT fk_orders_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE INDEX ix_orders_user_id_created_at ON orders (user_id, created_at);

CREATE INDEX ix_orders_status ON orders (status);

COMMENT ON TABLE orders IS 'A customer''s order; money in the order''s currency.';

CREATE TABLE order_items (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	order_id UUID NOT NULL, 
	product_id UUID NOT NULL, 
	quantity INTEGER NOT NULL, 
	unit_price NUMERIC(10, 2) NOT NULL, 
	subtotal NUMERIC(10, 2) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_order_items_order_id_product_id UNIQUE (order_id, product_id), 
	CONSTRAINT ck_order_items_quantity CHECK (quantity > 0), 
	CONSTRAINT ck_order_items_unit_price CHECK (unit_price >= 0), 
	CONSTRAINT ck_order_items_subtotal CHECK (subtotal >= 0), 
	CONSTRAINT fk_order_items_order_id_orders FOREIGN KEY(order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE, 
	CONSTRAINT fk_order_items_product_id_products FOREIGN KEY(product_id) REFERENCES products (id) ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE INDEX ix_order_items_product_id ON order_items (product_id);

COMMENT ON TABLE order_items IS 'One product line of an order.';
