-- sqlite: enum types are not stored by name; enum columns are text with a CHECK

CREATE TABLE regions (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	code CHAR(2) NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	CONSTRAINT uq_regions_code UNIQUE (code)
);

CREATE TABLE countries (
	code CHAR(2) NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	region_id INTEGER NOT NULL, 
	PRIMARY KEY (code), 
	CONSTRAINT fk_countries_region_id_regions FOREIGN KEY(region_id) REFERENCES regions (id) ON DELETE RESTRICT
);

CREATE TABLE addresses (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	line1 VARCHAR(200) NOT NULL, 
	line2 VARCHAR(200), 
	city VARCHAR(100) NOT NULL, 
	postcode VARCHAR(16), 
	country_code CHAR(2) NOT NULL, 
	CONSTRAINT fk_addresses_country_code_countries FOREIGN KEY(country_code) REFERENCES countries (code)
);

-- sqlite: table departments comment not stored: Organisational units; parent_id forms the org tree.

CREATE TABLE departments (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	name VARCHAR(100) NOT NULL, 
	budget NUMERIC(14, 2) DEFAULT 0 NOT NULL, 
	manager_id BIGINT, 
	parent_id INTEGER, 
	CONSTRAINT uq_departments_name UNIQUE (name), 
	CONSTRAINT ck_departments_budget CHECK (budget >= 0), 
	CONSTRAINT fk_departments_parent_id_departments FOREIGN KEY(parent_id) REFERENCES departments (id) ON DELETE SET NULL, 
	CONSTRAINT fk_departments_manager_id_employees FOREIGN KEY(manager_id) REFERENCES employees (id) ON DELETE SET NULL
);

CREATE TABLE employees (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	email VARCHAR(255) NOT NULL, 
	full_name VARCHAR(200) NOT NULL, 
	kind VARCHAR(10) DEFAULT 'full_time' NOT NULL, 
	department_id INTEGER, 
	manager_id BIGINT, 
	hired_on DATE NOT NULL, 
	salary NUMERIC(12, 2), 
	active BOOLEAN DEFAULT 1 NOT NULL, 
	address_id BIGINT, 
	created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	left_at DATETIME, 
	CONSTRAINT ck_employees_kind_enum CHECK ("kind" IN ('full_time', 'part_time', 'contractor')), 
	CONSTRAINT uq_employees_email UNIQUE (email), 
	CONSTRAINT ck_employees_salary CHECK (salary > 0), 
	CONSTRAINT fk_employees_department_id_departments FOREIGN KEY(department_id) REFERENCES departments (id) ON DELETE SET NULL, 
	CONSTRAINT fk_employees_manager_id_employees FOREIGN KEY(manager_id) REFERENCES employees (id), 
	CONSTRAINT fk_employees_address_id_addresses FOREIGN KEY(address_id) REFERENCES addresses (id)
);

CREATE INDEX ix_employees_department_id ON employees (department_id);

CREATE INDEX ix_employees_active_email ON employees (email) WHERE active;

-- sqlite: projects.id default uuid() is left to the application (sqlite has no such function)

CREATE TABLE projects (
	id CHAR(36) NOT NULL, 
	code VARCHAR(20) NOT NULL, 
	title VARCHAR(200) NOT NULL, 
	department_id INTEGER NOT NULL, 
	starts_on DATE NOT NULL, 
	ends_on DATE, 
	budget NUMERIC(14, 2), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_projects_code UNIQUE (code), 
	CONSTRAINT ck_projects_dates CHECK (ends_on IS NULL OR ends_on >= starts_on), 
	CONSTRAINT fk_projects_department_id_departments FOREIGN KEY(department_id) REFERENCES departments (id)
);

CREATE TABLE project_members (
	project_id CHAR(36) NOT NULL, 
	employee_id BIGINT NOT NULL, 
	role VARCHAR(50) DEFAULT 'member' NOT NULL, 
	PRIMARY KEY (project_id, employee_id), 
	CONSTRAINT fk_project_members_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE, 
	CONSTRAINT fk_project_members_employee_id_employees FOREIGN KEY(employee_id) REFERENCES employees (id) ON DELETE CASCADE
);

CREATE TABLE milestones (
	project_id CHAR(36) NOT NULL, 
	seq SMALLINT NOT NULL, 
	title VARCHAR(200) NOT NULL, 
	due_on DATE, 
	done BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (project_id, seq), 
	CONSTRAINT ck_milestones_seq CHECK (seq > 0), 
	CONSTRAINT fk_milestones_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);

CREATE TABLE milestone_notes (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	project_id CHAR(36) NOT NULL, 
	seq SMALLINT NOT NULL, 
	body TEXT NOT NULL, 
	created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	CONSTRAINT fk_milestone_notes_project_id_seq_milestones FOREIGN KEY(project_id, seq) REFERENCES milestones (project_id, seq) ON DELETE CASCADE
);

CREATE TABLE customers (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	name VARCHAR(200) NOT NULL, 
	email VARCHAR(255), 
	vat_number VARCHAR(32), 
	billing_address_id BIGINT, 
	notes TEXT, 
	created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at TIMESTAMP, 
	CONSTRAINT fk_customers_billing_address_id_addresses FOREIGN KEY(billing_address_id) REFERENCES addresses (id)
);

CREATE UNIQUE INDEX ux_customers_vat_number ON customers (vat_number) WHERE deleted_at IS NULL;

CREATE TABLE contracts (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	customer_id BIGINT NOT NULL, 
	project_id CHAR(36), 
	signed_on DATE NOT NULL, 
	value NUMERIC(14, 2) NOT NULL, 
	currency CHAR(3) DEFAULT 'EUR' NOT NULL, 
	terms JSON, 
	CONSTRAINT ck_contracts_value CHECK (value >= 0), 
	CONSTRAINT fk_contracts_customer_id_customers FOREIGN KEY(customer_id) REFERENCES customers (id), 
	CONSTRAINT fk_contracts_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE SET NULL
);

CREATE TABLE invoices (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	contract_id BIGINT NOT NULL, 
	number VARCHAR(30) NOT NULL, 
	issued_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	due_on DATE NOT NULL, 
	amount NUMERIC(14, 2) NOT NULL, 
	paid BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT uq_invoices_number UNIQUE (number), 
	CONSTRAINT ck_invoices_amount CHECK (amount >= 0), 
	CONSTRAINT fk_invoices_contract_id_contracts FOREIGN KEY(contract_id) REFERENCES contracts (id)
);

CREATE INDEX ix_invoices_unpaid_due ON invoices (due_on) WHERE NOT paid;

CREATE TABLE invoice_lines (
	invoice_id BIGINT NOT NULL, 
	line_no INTEGER NOT NULL, 
	description VARCHAR(500) NOT NULL, 
	quantity NUMERIC(10, 3) DEFAULT 1 NOT NULL, 
	unit_price NUMERIC(14, 2) NOT NULL, 
	PRIMARY KEY (invoice_id, line_no), 
	CONSTRAINT ck_invoice_lines_line_no CHECK (line_no > 0), 
	CONSTRAINT fk_invoice_lines_invoice_id_invoices FOREIGN KEY(invoice_id) REFERENCES invoices (id) ON DELETE CASCADE
);

-- sqlite: payments.id default uuid() is left to the application (sqlite has no such function)

CREATE TABLE payments (
	id CHAR(36) NOT NULL, 
	invoice_id BIGINT NOT NULL, 
	paid_at TIMESTAMP NOT NULL, 
	amount NUMERIC(14, 2) NOT NULL, 
	method VARCHAR(20) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_payments_amount CHECK (amount > 0), 
	CONSTRAINT ck_payments_method CHECK (method IN ('card', 'transfer', 'cash')), 
	CONSTRAINT fk_payments_invoice_id_invoices FOREIGN KEY(invoice_id) REFERENCES invoices (id)
);

CREATE TABLE tickets (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	customer_id BIGINT NOT NULL, 
	assignee_id BIGINT, 
	priority VARCHAR(6) DEFAULT 'normal' NOT NULL, 
	subject VARCHAR(200) NOT NULL, 
	opened_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	closed_at TIMESTAMP, 
	duplicate_of BIGINT, 
	CONSTRAINT ck_tickets_priority_enum CHECK ("priority" IN ('low', 'normal', 'high', 'urgent')), 
	CONSTRAINT fk_tickets_customer_id_customers FOREIGN KEY(customer_id) REFERENCES customers (id), 
	CONSTRAINT fk_tickets_assignee_id_employees FOREIGN KEY(assignee_id) REFERENCES employees (id) ON DELETE SET NULL, 
	CONSTRAINT fk_tickets_duplicate_of_tickets FOREIGN KEY(duplicate_of) REFERENCES tickets (id)
);

CREATE INDEX ix_tickets_open ON tickets (assignee_id, priority) WHERE closed_at IS NULL;

CREATE TABLE ticket_comments (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	ticket_id BIGINT NOT NULL, 
	author_id BIGINT, 
	body TEXT NOT NULL, 
	created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	CONSTRAINT fk_ticket_comments_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id) ON DELETE CASCADE, 
	CONSTRAINT fk_ticket_comments_author_id_employees FOREIGN KEY(author_id) REFERENCES employees (id)
);

CREATE INDEX ix_ticket_comments_ticket_id_created_at ON ticket_comments (ticket_id, created_at);

CREATE TABLE tags (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	label VARCHAR(50) NOT NULL, 
	color CHAR(7) DEFAULT '#888888', 
	CONSTRAINT uq_tags_label UNIQUE (label)
);

CREATE TABLE ticket_tags (
	ticket_id BIGINT NOT NULL, 
	tag_id INTEGER NOT NULL, 
	PRIMARY KEY (ticket_id, tag_id), 
	CONSTRAINT fk_ticket_tags_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id) ON DELETE CASCADE, 
	CONSTRAINT fk_ticket_tags_tag_id_tags FOREIGN KEY(tag_id) REFERENCES tags (id) ON DELETE CASCADE
);

CREATE TABLE time_entries (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	employee_id BIGINT NOT NULL, 
	project_id CHAR(36) NOT NULL, 
	work_date DATE NOT NULL, 
	hours NUMERIC(4, 2) NOT NULL, 
	billable BOOLEAN DEFAULT 1 NOT NULL, 
	duration VARCHAR(64), 
	note VARCHAR(500), 
	blob BLOB, 
	start_time TIME, 
	ratio REAL, 
	score DOUBLE, 
	small SMALLINT DEFAULT (-1), 
	CONSTRAINT uq_time_entries_employee_id_project_id_work_date UNIQUE (employee_id, project_id, work_date), 
	CONSTRAINT ck_time_entries_hours CHECK (hours > 0 AND hours <= 24), 
	CONSTRAINT fk_time_entries_employee_id_employees FOREIGN KEY(employee_id) REFERENCES employees (id), 
	CONSTRAINT fk_time_entries_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id)
);

CREATE TABLE audit_events (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	occurred_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	actor_id BIGINT, 
	"action" VARCHAR(40) NOT NULL, 
	payload JSON, 
	tag VARCHAR(20) DEFAULT 'x', 
	CONSTRAINT fk_audit_events_actor_id_employees FOREIGN KEY(actor_id) REFERENCES employees (id) ON DELETE SET NULL
);
