-- sqlite: schema audit is an attached database: run ATTACH DATABASE 'file' AS audit before these statements (dbmodel apply: the URL's ?attach=audit=FILE)

CREATE TABLE customers (
	id INTEGER NOT NULL, 
	email VARCHAR(120) COLLATE "NOCASE" NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE audit.log (
	id INTEGER NOT NULL, 
	at TIMESTAMP NOT NULL, 
	note TEXT, 
	PRIMARY KEY (id)
);

CREATE TABLE audit.entries (
	id INTEGER NOT NULL, 
	log_id INTEGER NOT NULL, 
	qty INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_entries_qty CHECK (qty > 0), 
	CONSTRAINT fk_entries_log_id_log FOREIGN KEY(log_id) REFERENCES log (id) ON DELETE CASCADE
);

CREATE INDEX audit.ix_entries_qty ON entries (qty);

CREATE VIEW audit.recent AS SELECT id FROM log;

CREATE TRIGGER "audit".stamp AFTER INSERT ON log BEGIN UPDATE log SET note = 'new' WHERE id = new.id; END;
