-- sqlite: primary key: DEFERRABLE INITIALLY DEFERRED dropped (sqlite checks primary keys at each statement)

CREATE TABLE slot (
	id INTEGER NOT NULL, 
	pos INTEGER NOT NULL, 
	label TEXT, 
	PRIMARY KEY (id)
);

-- sqlite: primary key: DEFERRABLE dropped (sqlite checks primary keys at each statement)

CREATE TABLE pair (
	a INTEGER NOT NULL, 
	b INTEGER NOT NULL, 
	PRIMARY KEY (a, b)
);

-- sqlite: primary key: DEFERRABLE dropped (sqlite checks primary keys at each statement)

CREATE TABLE tag (
	id INTEGER NOT NULL, 
	name TEXT, 
	PRIMARY KEY (id)
);

CREATE TABLE plain (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
