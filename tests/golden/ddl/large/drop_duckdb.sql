DROP TABLE audit_events;

DROP TABLE time_entries;

DROP TABLE ticket_tags;

DROP TABLE tags;

DROP TABLE ticket_comments;

DROP TABLE tickets;

DROP TABLE payments;

DROP TABLE invoice_lines;

DROP TABLE invoices;

DROP TABLE contracts;

DROP TABLE customers;

DROP TABLE milestone_notes;

DROP TABLE milestones;

DROP TABLE project_members;

DROP TABLE projects;

DROP TABLE employees;

DROP TABLE departments;

DROP TABLE addresses;

DROP TABLE countries;

DROP TABLE regions;

DROP SEQUENCE regions_id_seq;

DROP SEQUENCE addresses_id_seq;

DROP SEQUENCE departments_id_seq;

DROP SEQUENCE employees_id_seq;

DROP SEQUENCE milestone_notes_id_seq;

DROP SEQUENCE customers_id_seq;

DROP SEQUENCE contracts_id_seq;

DROP SEQUENCE invoices_id_seq;

DROP SEQUENCE tickets_id_seq;

DROP SEQUENCE ticket_comments_id_seq;

DROP SEQUENCE tags_id_seq;

DROP SEQUENCE time_entries_id_seq;

DROP SEQUENCE audit_events_id_seq;

DROP TYPE employment_kind;

DROP TYPE ticket_priority;
