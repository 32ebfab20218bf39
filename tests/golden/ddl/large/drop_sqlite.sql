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
