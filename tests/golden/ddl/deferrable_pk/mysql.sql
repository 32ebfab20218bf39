-- mysql: primary key: DEFERRABLE INITIALLY DEFERRED dropped (mysql checks primary keys at each statement)

CREATE TABLE slot (
	id INTEGER NOT NULL, 
	pos INTEGER NOT NULL, 
	label LONGTEXT, 
	PRIMARY KEY (id)
);

-- mysql: primary key: DEFERRABLE dropped (mysql checks primary keys at each statement)

CREATE TABLE pair (
	a INTEGER NOT NULL, 
	b INTEGER NOT NULL, 
	PRIMARY KEY (a, b)
);

-- mysql: primary key: DEFERRABLE dropped (mysql checks primary keys at each statement)

CREATE TABLE tag (
	id INTEGER NOT NULL, 
	name LONGTEXT, 
	PRIMARY KEY (id)
);

CREATE TABLE plain (
	id INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
