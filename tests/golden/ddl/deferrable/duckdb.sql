-- duckdb: unique constraint parent_code_key: DEFERRABLE INITIALLY DEFERRED dropped (duckdb checks unique constraints at each statement)
-- duckdb: unique constraint parent_slot_key: DEFERRABLE dropped (duckdb checks unique constraints at each statement)

CREATE TABLE parent (
	id INTEGER NOT NULL, 
	code VARCHAR NOT NULL, 
	slot INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT parent_code_key UNIQUE (code), 
	CONSTRAINT parent_slot_key UNIQUE (slot)
);

-- duckdb: foreign key child_parent_fk: ON DELETE CASCADE dropped (duckdb has no FK actions)
-- duckdb: foreign key child_parent_fk: DEFERRABLE INITIALLY DEFERRED dropped (duckdb checks foreign keys at each statement)
-- duckdb: foreign key child_other_fk: DEFERRABLE dropped (duckdb checks foreign keys at each statement)

CREATE TABLE child (
	id INTEGER NOT NULL, 
	parent_id INTEGER, 
	other_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT child_parent_fk FOREIGN KEY(parent_id) REFERENCES parent (id), 
	CONSTRAINT child_other_fk FOREIGN KEY(other_id) REFERENCES parent (id)
);
