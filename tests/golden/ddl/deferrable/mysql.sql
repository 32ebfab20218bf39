-- mysql: unique constraint parent_code_key: DEFERRABLE INITIALLY DEFERRED dropped (mysql checks unique constraints at each statement)
-- mysql: unique constraint parent_slot_key: DEFERRABLE dropped (mysql checks unique constraints at each statement)

CREATE TABLE parent (
	id INTEGER NOT NULL, 
	code VARCHAR(20) NOT NULL, 
	slot INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT parent_code_key UNIQUE (code), 
	CONSTRAINT parent_slot_key UNIQUE (slot)
);

-- mysql: foreign key child_parent_fk: DEFERRABLE INITIALLY DEFERRED dropped (mysql checks foreign keys at each statement)
-- mysql: foreign key child_other_fk: DEFERRABLE dropped (mysql checks foreign keys at each statement)

CREATE TABLE child (
	id INTEGER NOT NULL, 
	parent_id INTEGER, 
	other_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT child_parent_fk FOREIGN KEY(parent_id) REFERENCES parent (id) ON DELETE CASCADE, 
	CONSTRAINT child_other_fk FOREIGN KEY(other_id) REFERENCES parent (id)
);
