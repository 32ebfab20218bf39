CREATE TYPE employment_kind AS ENUM ('full_time', 'part_time', 'contractor');

CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high', 'urgent');

CREATE SEQUENCE regions_id_seq;

CREATE SEQUENCE addresses_id_seq;

CREATE SEQUENCE departments_id_seq;

CREATE SEQUENCE employees_id_seq;

CREATE SEQUENCE milestone_notes_id_seq;

CREATE SEQUENCE customers_id_seq;

CREATE SEQUENCE contracts_id_seq;

CREATE SEQUENCE invoices_id_seq;

CREATE SEQUENCE tickets_id_seq;

CREATE SEQUENCE ticket_comments_id_seq;

CREATE SEQUENCE tags_id_seq;

CREATE SEQUENCE time_entries_id_seq;

CREATE SEQUENCE audit_events_id_seq;

CREATE TABLE regions (
	id INTEGER DEFAULT NEXTVAL('regions_id_seq') NOT NULL, 
	code VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_regions_code UNIQUE (code)
);

-- duckdb: foreign key fk_countries_region_id_regions: ON DELETE RESTRICT dropped (duckdb has no FK actions)

CREATE TABLE countries (
	code VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	region_id INTEGER NOT NULL, 
	PRIMARY KEY (code), 
	CONSTRAINT fk_countries_region_id_regions FOREIGN KEY(region_id) REFERENCES regions (id)
);

CREATE TABLE addresses (
	id BIGINT DEFAULT NEXTVAL('addresses_id_seq') NOT NULL, 
	line1 VARCHAR NOT NULL, 
	line2 VARCHAR, 
	city VARCHAR NOT NULL, 
	postcode VARCHAR, 
	country_code VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_addresses_country_code_countries FOREIGN KEY(country_code) REFERENCES countries (code)
);

-- duckdb: foreign key fk_departments_parent_id_departments: ON DELETE SET NULL dropped (duckdb has no FK actions)
-- duckdb: foreign key fk_departments_manager_id_employees: ON DELETE SET NULL dropped (duckdb has no FK actions)
-- duckdb: foreign key fk_departments_manager_id_employees (manager_id) -> employees closes a cycle and duckdb cannot add it after the tables exist; it is left out

CREATE TABLE departments (
	id INTEGER DEFAULT NEXTVAL('departments_id_seq') NOT NULL, 
	name VARCHAR NOT NULL, 
	budget NUMERIC(14, 2) DEFAULT 0 NOT NULL, 
	manager_id BIGINT, 
	parent_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_departments_name UNIQUE (name), 
	CONSTRAINT ck_departments_budget CHECK (budget >= 0), 
	CONSTRAINT fk_departments_parent_id_departments FOREIGN KEY(parent_id) REFERENCES departments (id)
);

COMMENT ON TABLE departments IS 'Organisational units; parent_id forms the org tree.';

-- duckdb: foreign key fk_employees_department_id_departments: ON DELETE SET NULL dropped (duckdb has no FK actions)
-- duckdb: index ix_employees_active_email: duckdb has no partial indexes; WHERE active dropped

CREATE TABLE employees (
	id BIGINT DEFAULT NEXTVAL('employees_id_seq') NOT NULL, 
	email VARCHAR NOT NULL, 
	full_name VARCHAR NOT NULL, 
	kind employment_kind DEFAULT 'full_time' NOT NULL, 
	department_id INTEGER, 
	manager_id BIGINT, 
	hired_on DATE NOT NULL, 
	salary NUMERIC(12, 2), 
	active BOOLEAN DEFAULT true NOT NULL, 
	address_id BIGINT, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	left_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_employees_email UNIQUE (email), 
	CONSTRAINT ck_employees_salary CHECK (salary > 0), 
	CONSTRAINT fk_employees_department_id_departments FOREIGN KEY(department_id) REFERENCES departments (id), 
	CONSTRAINT fk_employees_manager_id_employees FOREIGN KEY(manager_id) REFERENCES employees (id), 
	CONSTRAINT fk_employees_address_id_addresses FOREIGN KEY(address_id) REFERENCES addresses (id)
);

CREATE INDEX ix_employees_department_id ON employees (department_id);

CREATE INDEX ix_employees_active_email ON employees (email);

CREATE TABLE projects (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	code VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	department_id INTEGER NOT NULL, 
	starts_on DATE NOT NULL, 
	ends_on DATE, 
	budget NUMERIC(14, 2), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_projects_code UNIQUE (code), 
	CONSTRAINT ck_projects_dates CHECK (ends_on IS NULL OR ends_on >= starts_on), 
	CONSTRAINT fk_projects_department_id_departments FOREIGN KEY(department_id) REFERENCES departments (id)
);

-- duckdb: foreign key fk_project_members_project_id_projects: ON DELETE CASCADE dropped (duckdb has no FK actions)
-- duckdb: foreign key fk_project_members_employee_id_employees: ON DELETE CASCADE dropped (duckdb has no FK actions)

CREATE TABLE project_members (
	project_id UUID NOT NULL, 
	employee_id BIGINT NOT NULL, 
	role VARCHAR DEFAULT 'member' NOT NULL, 
	PRIMARY KEY (project_id, employee_id), 
	CONSTRAINT fk_project_members_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id), 
	CONSTRAINT fk_project_members_employee_id_employees FOREIGN KEY(employee_id) REFERENCES employees (id)
);

-- duckdb: foreign key fk_milestones_project_id_projects: ON DELETE CASCADE dropped (duckdb has no FK actions)

CREATE TABLE milestones (
	project_id UUID NOT NULL, 
	seq SMALLINT NOT NULL, 
	title VARCHAR NOT NULL, 
	due_on DATE, 
	done BOOLEAN DEFAULT false NOT NULL, 
	PRIMARY KEY (project_id, seq), 
	CONSTRAINT ck_milestones_seq CHECK (seq > 0), 
	CONSTRAINT fk_milestones_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id)
);

-- duckdb: foreign key fk_milestone_notes_project_id_seq_milestones: ON DELETE CASCADE dropped (duckdb has no FK actions)

CREATE TABLE milestone_notes (
	id BIGINT DEFAULT NEXTVAL('milestone_notes_id_seq') NOT NULL, 
	project_id UUID NOT NULL, 
	seq SMALLINT NOT NULL, 
	body VARCHAR NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_milestone_notes_project_id_seq_milestones FOREIGN KEY(project_id, seq) REFERENCES milestones (project_id, seq)
);

-- duckdb: index ux_customers_vat_number: duckdb has no partial indexes; WHERE deleted_at IS NULL dropped and the index made non-unique (a full unique index would reject rows the model allows)

CREATE TABLE customers (
	id BIGINT DEFAULT NEXTVAL('customers_id_seq') NOT NULL, 
	name VARCHAR NOT NULL, 
	email VARCHAR, 
	vat_number VARCHAR, 
	billing_address_id BIGINT, 
	notes VARCHAR, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_customers_billing_address_id_addresses FOREIGN KEY(billing_address_id) REFERENCES addresses (id)
);

CREATE INDEX ux_customers_vat_number ON customers (vat_number);

-- duckdb: foreign key fk_contracts_project_id_projects: ON DELETE SET NULL dropped (duckdb has no FK actions)

CREATE TABLE contracts (
	id BIGINT DEFAULT NEXTVAL('contracts_id_seq') NOT NULL, 
	customer_id BIGINT NOT NULL, 
	project_id UUID, 
	signed_on DATE NOT NULL, 
	value NUMERIC(14, 2) NOT NULL, 
	currency VARCHAR DEFAULT 'EUR' NOT NULL, 
	terms JSON, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_contracts_value CHECK (value >= 0), 
	CONSTRAINT fk_contracts_customer_id_customers FOREIGN KEY(customer_id) REFERENCES customers (id), 
	CONSTRAINT fk_contracts_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id)
);

-- duckdb: index ix_invoices_unpaid_due: duckdb has no partial indexes; WHERE NOT paid dropped

CREATE TABLE invoices (
	id BIGINT DEFAULT NEXTVAL('invoices_id_seq') NOT NULL, 
	contract_id BIGINT NOT NULL, 
	number VARCHAR NOT NULL, 
	issued_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	due_on DATE NOT NULL, 
	amount NUMERIC(14, 2) NOT NULL, 
	paid BOOLEAN DEFAULT false NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_invoices_number UNIQUE (number), 
	CONSTRAINT ck_invoices_amount CHECK (amount >= 0), 
	CONSTRAINT fk_invoices_contract_id_contracts FOREIGN KEY(contract_id) REFERENCES contracts (id)
);

CREATE INDEX ix_invoices_unpaid_due ON invoices (due_on);

-- duckdb: foreign key fk_invoice_lines_invoice_id_invoices: ON DELETE CASCADE dropped (duckdb has no FK actions)

CREATE TABLE invoice_lines (
	invoice_id BIGINT NOT NULL, 
	line_no INTEGER NOT NULL, 
	description VARCHAR NOT NULL, 
	quantity NUMERIC(10, 3) DEFAULT 1 NOT NULL, 
	unit_price NUMERIC(14, 2) NOT NULL, 
	PRIMARY KEY (invoice_id, line_no), 
	CONSTRAINT ck_invoice_lines_line_no CHECK (line_no > 0), 
	CONSTRAINT fk_invoice_lines_invoice_id_invoices FOREIGN KEY(invoice_id) REFERENCES invoices (id)
);

CREATE TABLE payments (
	id UUID DEFAULT gen_random_uuid() NOT NULL, 
	invoice_id BIGINT NOT NULL, 
	paid_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	amount NUMERIC(14, 2) NOT NULL, 
	method VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_payments_amount CHECK (amount > 0), 
	CONSTRAINT ck_payments_method CHECK (method IN ('card', 'transfer', 'cash')), 
	CONSTRAINT fk_payments_invoice_id_invoices FOREIGN KEY(invoice_id) REFERENCES invoices (id)
);

-- duckdb: foreign key fk_tickets_assignee_id_employees: ON DELETE SET NULL dropped (duckdb has no FK actions)
-- duckdb: index ix_tickets_open: duckdb has no partial indexes; WHERE closed_at IS NULL dropped

CREATE TABLE tickets (
	id BIGINT DEFAULT NEXTVAL('tickets_id_seq') NOT NULL, 
	customer_id BIGINT NOT NULL, 
	assignee_id BIGINT, 
	priority ticket_priority DEFAULT 'normal' NOT NULL, 
	subject VARCHAR NOT NULL, 
	opened_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	closed_at TIMESTAMP WITH TIME ZONE, 
	duplicate_of BIGINT, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_tickets_customer_id_customers FOREIGN KEY(customer_id) REFERENCES customers (id), 
	CONSTRAINT fk_tickets_assignee_id_employees FOREIGN KEY(assignee_id) REFERENCES employees (id), 
	CONSTRAINT fk_tickets_duplicate_of_tickets FOREIGN KEY(duplicate_of) REFERENCES tickets (id)
);

CREATE INDEX ix_tickets_open ON tickets (assignee_id, priority);

-- duckdb: foreign key fk_ticket_comments_ticket_id_tickets: ON DELETE CASCADE dropped (duckdb has no FK actions)

CREATE TABLE ticket_comments (
	id BIGINT DEFAULT NEXTVAL('ticket_comments_id_seq') NOT NULL, 
	ticket_id BIGINT NOT NULL, 
	author_id BIGINT, 
	body VARCHAR NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_ticket_comments_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id), 
	CONSTRAINT fk_ticket_comments_author_id_employees FOREIGN KEY(author_id) REFERENCES employees (id)
);

CREATE INDEX ix_ticket_comments_ticket_id_created_at ON ticket_comments (ticket_id, created_at);

CREATE TABLE tags (
	id INTEGER DEFAULT NEXTVAL('tags_id_seq') NOT NULL, 
	label VARCHAR NOT NULL, 
	color VARCHAR DEFAULT '#888888', 
	PRIMARY KEY (id), 
	CONSTRAINT uq_tags_label UNIQUE (label)
);

-- duckdb: foreign key fk_ticket_tags_ticket_id_tickets: ON DELETE CASCADE dropped (duckdb has no FK actions)
-- duckdb: foreign key fk_ticket_tags_tag_id_tags: ON DELETE CASCADE dropped (duckdb has no FK actions)

CREATE TABLE ticket_tags (
	ticket_id BIGINT NOT NULL, 
	tag_id INTEGER NOT NULL, 
	PRIMARY KEY (ticket_id, tag_id), 
	CONSTRAINT fk_ticket_tags_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id), 
	CONSTRAINT fk_ticket_tags_tag_id_tags FOREIGN KEY(tag_id) REFERENCES tags (id)
);

CREATE TABLE time_entries (
	id BIGINT DEFAULT NEXTVAL('time_entries_id_seq') NOT NULL, 
	employee_id BIGINT NOT NULL, 
	project_id UUID NOT NULL, 
	work_date DATE NOT NULL, 
	hours NUMERIC(4, 2) NOT NULL, 
	billable BOOLEAN DEFAULT true NOT NULL, 
	duration INTERVAL, 
	note VARCHAR, 
	blob BLOB, 
	start_time TIME WITHOUT TIME ZONE, 
	ratio REAL, 
	score DOUBLE PRECISION, 
	small SMALLINT DEFAULT -1, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_time_entries_employee_id_project_id_work_date UNIQUE (employee_id, project_id, work_date), 
	CONSTRAINT ck_time_entries_hours CHECK (hours > 0 AND hours <= 24), 
	CONSTRAINT fk_time_entries_employee_id_employees FOREIGN KEY(employee_id) REFERENCES employees (id), 
	CONSTRAINT fk_time_entries_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id)
);

-- duckdb: foreign key fk_audit_events_actor_id_employees: ON DELETE SET NULL dropped (duckdb has no FK actions)

CREATE TABLE audit_events (
	id BIGINT DEFAULT NEXTVAL('audit_events_id_seq') NOT NULL, 
	occurred_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	actor_id BIGINT, 
	action VARCHAR NOT NULL, 
	payload JSON, 
	tag VARCHAR DEFAULT 'x', 
	PRIMARY KEY (id), 
	CONSTRAINT fk_audit_events_actor_id_employees FOREIGN KEY(actor_id) REFERENCES employees (id)
);
