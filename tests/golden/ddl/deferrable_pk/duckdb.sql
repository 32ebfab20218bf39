-- duckdb: primary key: DEFERRABLE INITIALLY DEFERRED dropped (duckdb checks primary keys at each statement)

CREATE TABLE slot (
	id INTEGER NOT NULL, 
	pos INTEGER NOT NULL, 
	label VARCHAR, 
	PRIMARY KEY (id)
);

-- duckdb: primary key: DEFERRABLE dropped (duckdb checks primary keys at each statement)

CREATE TABLE pair (
	a INTEGER NOT NULL, 
	b INTEGER NOT NULL, 
	PRIMARY KEY (a, b)
);

-- duckdb: primary key: DEFERRABLE dropped (duckdb checks primary keys at each statement)

CREATE TABLE tag (
	id INTEGER NOT NULL, 
	name VARCHAR, 
	PRIMARY KEY (id)
);

CREATE TABLE plain (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
