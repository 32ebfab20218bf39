CREATE TYPE user_role AS ENUM ('customer', 'staff', 'admin');

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');

CREATE TABLE users (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	email VARCHAR NOT NULL, 
	password_hash VARCHAR NOT NULL, 
	first_name VARCHAR NOT NULL, 
	last_name VARCHAR NOT NULL, 
	phone VARCHAR, 
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

-- duckdb: foreign key fk_categories_parent_id_categories: ON DELETE SET NULL, ON UPDATE CASCADE dropped (duckdb has no FK actions)

CREATE TABLE categories (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	name VARCHAR NOT NULL, 
	slug VARCHAR NOT NULL, 
	description VARCHAR, 
	parent_id UUID, 
	sort_order INTEGER DEFAULT 0 NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_categories_name UNIQUE (name), 
	CONSTRAINT uq_categories_slug UNIQUE (slug), 
	CONSTRAINT fk_categories_parent_id_categories FOREIGN KEY(parent_id) REFERENCES categories (id)
);

CREATE INDEX ix_categories_parent_id ON categories (parent_id);

COMMENT ON TABLE categories IS 'A tree of product categories.';

-- duckdb: foreign key fk_products_category_id_categories: ON DELETE RESTRICT, ON UPDATE CASCADE dropped (duckdb has no FK actions)
-- duckdb: foreign key fk_products_created_by_users: ON DELETE RESTRICT, ON UPDATE CASCADE dropped (duckdb has no FK actions)
-- duckdb: foreign key fk_products_updated_by_users: ON DELETE SET NULL, ON UPDATE CASCADE dropped (duckdb has no FK actions)
-- duckdb: index ux_products_sku: duckdb has no partial indexes; WHERE deleted_at IS NULL dropped and the index made non-unique (a full unique index would reject rows the model allows)

CREATE TABLE products (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	name VARCHAR NOT NULL, 
	description VARCHAR, 
	price NUMERIC(10, 2) NOT NULL, 
	currency VARCHAR DEFAULT 'USD' NOT NULL, 
	image_url VARCHAR, 
	stock_quantity INTEGER DEFAULT 0 NOT NULL, 
	sku VARCHAR NOT NULL, 
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
	CONSTRAINT fk_products_category_id_categories FOREIGN KEY(category_id) REFERENCES categories (id), 
	CONSTRAINT fk_products_created_by_users FOREIGN KEY(created_by) REFERENCES users (id), 
	CONSTRAINT fk_products_updated_by_users FOREIGN KEY(updated_by) REFERENCES users (id)
);

CREATE INDEX ux_products_sku ON products (sku);

CREATE INDEX ix_products_category_id_price ON products (category_id, price);

CREATE INDEX ix_products_created_at ON products (created_at);

CREATE INDEX ix_products_created_by ON products (created_by);

CREATE INDEX ix_products_updated_by ON products (updated_by);

COMMENT ON TABLE products IS 'Things we sell.';

-- duckdb: foreign key fk_orders_user_id_users: ON DELETE RESTRICT, ON UPDATE CASCADE dropped (duckdb has no FK actions)

CREATE TABLE orders (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	order_number VARCHAR NOT NULL, 
	user_id UUID NOT NULL, 
	status order_status DEFAULT 'pending' NOT NULL, 
	subtotal NUMERIC(10, 2) NOT NULL, 
	tax NUMERIC(10, 2) DEFAULT 0 NOT NULL, 
	total NUMERIC(10, 2) NOT NULL, 
	currency VARCHAR DEFAULT 'USD' NOT NULL, 
	shipping_address JSON, 
	placed_at TIMESTAMP WITH TIME ZONE, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_orders_order_number UNIQUE (order_number), 
	CONSTRAINT ck_orders_subtotal CHECK (subtotal >= 0), 
	CONSTRAINT ck_orders_tax CHECK (tax >= 0), 
	CONSTRAINT ck_orders_total CHECK (total >= 0), 
	CONSTRAINT fk_orders_user_id_users FOREIGN KEY(user_id) REFERENCES users (id)
);

CREATE INDEX ix_orders_user_id_created_at ON orders (user_id, created_at);

CREATE INDEX ix_orders_status ON orders (status);

COMMENT ON TABLE orders IS 'A customer''s order; money in the order''s currency.';

-- duckdb: foreign key fk_order_items_order_id_orders: ON DELETE CASCADE, ON UPDATE CASCADE dropped (duckdb has no FK actions)
-- duckdb: foreign key fk_order_items_product_id_products: ON DELETE RESTRICT, ON UPDATE CASCADE dropped (duckdb has no FK actions)

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
	CONSTRAINT fk_order_items_order_id_orders FOREIGN KEY(order_id) REFERENCES orders (id), 
	CONSTRAINT fk_order_items_product_id_products FOREIGN KEY(product_id) REFERENCES products (id)
);

CREATE INDEX ix_order_items_product_id ON order_items (product_id);

COMMENT ON TABLE order_items IS 'One product line of an order.';
