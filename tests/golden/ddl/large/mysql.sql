-- mysql: enum types are not stored by name; enum columns are inline ENUM(...) types

CREATE TABLE regions (
	id INTEGER NOT NULL AUTO_INCREMENT, 
	code CHAR(2) NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	PRIMARY KEY (id), 
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
	id BIGINT NOT NULL AUTO_INCREMENT, 
	line1 VARCHAR(200) NOT NULL, 
	line2 VARCHAR(200), 
	city VARCHAR(100) NOT NULL, 
	postcode VARCHAR(16), 
	country_code CHAR(2) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_addresses_country_code_countries FOREIGN KEY(country_code) REFERENCES countries (code)
);

CREATE TABLE departments (
	id INTEGER NOT NULL AUTO_INCREMENT, 
	name VARCHAR(100) NOT NULL, 
	budget NUMERIC(14, 2) NOT NULL DEFAULT 0, 
	manager_id BIGINT, 
	parent_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_departments_name UNIQUE (name), 
	CONSTRAINT ck_departments_budget CHECK (budget >= 0), 
	CONSTRAINT fk_departments_parent_id_departments FOREIGN KEY(parent_id) REFERENCES departments (id) ON DELETE SET NULL
)COMMENT='Organisational units; parent_id forms the org tree.';

-- mysql: index ix_employees_active_email: mysql has no partial indexes; WHERE active dropped

CREATE TABLE employees (
	id BIGINT NOT NULL AUTO_INCREMENT, 
	email VARCHAR(255) NOT NULL, 
	full_name VARCHAR(200) NOT NULL, 
	kind ENUM('full_time','part_time','contractor') NOT NULL DEFAULT 'full_time', 
	department_id INTEGER, 
	manager_id BIGINT, 
	hired_on DATE NOT NULL, 
	salary NUMERIC(12, 2), 
	active BOOL NOT NULL DEFAULT true, 
	address_id BIGINT, 
	created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	left_at DATETIME(6), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_employees_email UNIQUE (email), 
	CONSTRAINT ck_employees_salary CHECK (salary > 0), 
	CONSTRAINT fk_employees_department_id_departments FOREIGN KEY(department_id) REFERENCES departments (id) ON DELETE SET NULL, 
	CONSTRAINT fk_employees_manager_id_employees FOREIGN KEY(manager_id) REFERENCES employees (id), 
	CONSTRAINT fk_employees_address_id_addresses FOREIGN KEY(address_id) REFERENCES addresses (id)
);

CREATE INDEX ix_employees_department_id ON employees (department_id);

CREATE INDEX ix_employees_active_email ON employees (email);

CREATE TABLE projects (
	id CHAR(36) NOT NULL DEFAULT (uuid()), 
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
	`role` VARCHAR(50) NOT NULL DEFAULT 'member', 
	PRIMARY KEY (project_id, employee_id), 
	CONSTRAINT fk_project_members_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE, 
	CONSTRAINT fk_project_members_employee_id_employees FOREIGN KEY(employee_id) REFERENCES employees (id) ON DELETE CASCADE
);

CREATE TABLE milestones (
	project_id CHAR(36) NOT NULL, 
	seq SMALLINT NOT NULL, 
	title VARCHAR(200) NOT NULL, 
	due_on DATE, 
	done BOOL NOT NULL DEFAULT false, 
	PRIMARY KEY (project_id, seq), 
	CONSTRAINT ck_milestones_seq CHECK (seq > 0), 
	CONSTRAINT fk_milestones_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE CASCADE
);

CREATE TABLE milestone_notes (
	id BIGINT NOT NULL AUTO_INCREMENT, 
	project_id CHAR(36) NOT NULL, 
	seq SMALLINT NOT NULL, 
	`body` LONGTEXT NOT NULL, 
	created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	PRIMARY KEY (id), 
	CONSTRAINT fk_milestone_notes_project_id_seq_milestones FOREIGN KEY(project_id, seq) REFERENCES milestones (project_id, seq) ON DELETE CASCADE
);

-- mysql: index ux_customers_vat_number: mysql has no partial indexes; WHERE deleted_at IS NULL dropped and the index made non-unique (a full unique index would reject rows the model allows)

CREATE TABLE customers (
	id BIGINT NOT NULL AUTO_INCREMENT, 
	name VARCHAR(200) NOT NULL, 
	email VARCHAR(255), 
	vat_number VARCHAR(32), 
	billing_address_id BIGINT, 
	notes LONGTEXT, 
	created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	deleted_at TIMESTAMP(6) NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_customers_billing_address_id_addresses FOREIGN KEY(billing_address_id) REFERENCES addresses (id)
);

CREATE INDEX ux_customers_vat_number ON customers (vat_number);

CREATE TABLE contracts (
	id BIGINT NOT NULL AUTO_INCREMENT, 
	customer_id BIGINT NOT NULL, 
	project_id CHAR(36), 
	signed_on DATE NOT NULL, 
	value NUMERIC(14, 2) NOT NULL, 
	currency CHAR(3) NOT NULL DEFAULT 'EUR', 
	terms JSON, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_contracts_value CHECK (value >= 0), 
	CONSTRAINT fk_contracts_customer_id_customers FOREIGN KEY(customer_id) REFERENCES customers (id), 
	CONSTRAINT fk_contracts_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE SET NULL
);

-- mysql: index ix_invoices_unpaid_due: mysql has no partial indexes; WHERE NOT paid dropped

CREATE TABLE invoices (
	id BIGINT NOT NULL AUTO_INCREMENT, 
	contract_id BIGINT NOT NULL, 
	number VARCHAR(30) NOT NULL, 
	issued_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	due_on DATE NOT NULL, 
	amount NUMERIC(14, 2) NOT NULL, 
	paid BOOL NOT NULL DEFAULT false, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_invoices_number UNIQUE (number), 
	CONSTRAINT ck_invoices_amount CHECK (amount >= 0), 
	CONSTRAINT fk_invoices_contract_id_contracts FOREIGN KEY(contract_id) REFERENCES contracts (id)
);

CREATE INDEX ix_invoices_unpaid_due ON invoices (due_on);

CREATE TABLE invoice_lines (
	invoice_id BIGINT NOT NULL, 
	line_no INTEGER NOT NULL, 
	description VARCHAR(500) NOT NULL, 
	quantity NUMERIC(10, 3) NOT NULL DEFAULT 1, 
	unit_price NUMERIC(14, 2) NOT NULL, 
	PRIMARY KEY (invoice_id, line_no), 
	CONSTRAINT ck_invoice_lines_line_no CHECK (line_no > 0), 
	CONSTRAINT fk_invoice_lines_invoice_id_invoices FOREIGN KEY(invoice_id) REFERENCES invoices (id) ON DELETE CASCADE
);

CREATE TABLE payments (
	id CHAR(36) NOT NULL DEFAULT (uuid()), 
	invoice_id BIGINT NOT NULL, 
	paid_at TIMESTAMP(6) NOT NULL, 
	amount NUMERIC(14, 2) NOT NULL, 
	method VARCHAR(20) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_payments_amount CHECK (amount > 0), 
	CONSTRAINT ck_payments_method CHECK (method IN ('card', 'transfer', 'cash')), 
	CONSTRAINT fk_payments_invoice_id_invoices FOREIGN KEY(invoice_id) REFERENCES invoices (id)
);

-- mysql: index ix_tickets_open: mysql has no partial indexes; WHERE closed_at IS NULL dropped

CREATE TABLE tickets (
	id BIGINT NOT NULL AUTO_INCREMENT, 
	customer_id BIGINT NOT NULL, 
	assignee_id BIGINT, 
	priority ENUM('low','normal','high','urgent') NOT NULL DEFAULT 'normal', 
	subject VARCHAR(200) NOT NULL, 
	opened_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	closed_at TIMESTAMP(6) NULL, 
	duplicate_of BIGINT, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_tickets_customer_id_customers FOREIGN KEY(customer_id) REFERENCES customers (id), 
	CONSTRAINT fk_tickets_assignee_id_employees FOREIGN KEY(assignee_id) REFERENCES employees (id) ON DELETE SET NULL, 
	CONSTRAINT fk_tickets_duplicate_of_tickets FOREIGN KEY(duplicate_of) REFERENCES tickets (id)
);

CREATE INDEX ix_tickets_open ON tickets (assignee_id, priority);

CREATE TABLE ticket_comments (
	id BIGINT NOT NULL AUTO_INCREMENT, 
	ticket_id BIGINT NOT NULL, 
	author_id BIGINT, 
	`body` LONGTEXT NOT NULL, 
	created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	PRIMARY KEY (id), 
	CONSTRAINT fk_ticket_comments_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id) ON DELETE CASCADE, 
	CONSTRAINT fk_ticket_comments_author_id_employees FOREIGN KEY(author_id) REFERENCES employees (id)
);

CREATE INDEX ix_ticket_comments_ticket_id_created_at ON ticket_comments (ticket_id, created_at);

CREATE TABLE tags (
	id INTEGER NOT NULL AUTO_INCREMENT, 
	label VARCHAR(50) NOT NULL, 
	color CHAR(7) DEFAULT '#888888', 
	PRIMARY KEY (id), 
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
	id BIGINT NOT NULL AUTO_INCREMENT, 
	employee_id BIGINT NOT NULL, 
	project_id CHAR(36) NOT NULL, 
	work_date DATE NOT NULL, 
	hours NUMERIC(4, 2) NOT NULL, 
	billable BOOL NOT NULL DEFAULT true, 
	duration VARCHAR(64), 
	note VARCHAR(500), 
	`blob` LONGBLOB, 
	start_time TIME(6), 
	ratio FLOAT, 
	score DOUBLE, 
	small SMALLINT DEFAULT (-1), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_time_entries_employee_id_project_id_work_date UNIQUE (employee_id, project_id, work_date), 
	CONSTRAINT ck_time_entries_hours CHECK (hours > 0 AND hours <= 24), 
	CONSTRAINT fk_time_entries_employee_id_employees FOREIGN KEY(employee_id) REFERENCES employees (id), 
	CONSTRAINT fk_time_entries_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id)
);

CREATE TABLE audit_events (
	id BIGINT NOT NULL AUTO_INCREMENT, 
	occurred_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), 
	actor_id BIGINT, 
	action VARCHAR(40) NOT NULL, 
	payload JSON, 
	tag VARCHAR(20) DEFAULT 'x', 
	PRIMARY KEY (id), 
	CONSTRAINT fk_audit_events_actor_id_employees FOREIGN KEY(actor_id) REFERENCES employees (id) ON DELETE SET NULL
);

ALTER TABLE departments ADD CONSTRAINT fk_departments_manager_id_employees FOREIGN KEY(manager_id) REFERENCES employees (id) ON DELETE SET NULL;
