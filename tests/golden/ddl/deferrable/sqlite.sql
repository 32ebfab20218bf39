-- sqlite: unique constraint parent_code_key: DEFERRABLE INITIALLY DEFERRED dropped (sqlite checks unique constraints at each statement)
-- sqlite: unique constraint parent_slot_key: DEFERRABLE dropped (sqlite checks unique constraints at each statement)

CREATE TABLE parent (
	id INTEGER NOT NULL, 
	code VARCHAR(20) NOT NULL, 
	slot INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT parent_code_key UNIQUE (code), 
	CONSTRAINT parent_slot_key UNIQUE (slot)
);

CREATE TABLE child (
	id INTEGER NOT NULL, 
	parent_id INTEGER, 
	other_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT child_parent_fk FOREIGN KEY(parent_id) REFERENCES parent (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, 
	CONSTRAINT child_other_fk FOREIGN KEY(other_id) REFERENCES parent (id) DEFERRABLE
);
