CREATE SEQUENCE a_id_seq;

CREATE SEQUENCE b_id_seq;

CREATE SEQUENCE c_id_seq;

CREATE SEQUENCE d_id_seq;

-- duckdb: a.id: identity(always) is a plain identity here (duckdb has no GENERATED ALWAYS AS IDENTITY or identity options)

CREATE TABLE a (
	id INTEGER DEFAULT NEXTVAL('a_id_seq') NOT NULL, 
	n INTEGER, 
	PRIMARY KEY (id)
);

-- duckdb: b.id: identity(start 10, increment 5, cache 3) is a plain identity here (duckdb has no GENERATED ALWAYS AS IDENTITY or identity options)

CREATE TABLE b (
	id BIGINT DEFAULT NEXTVAL('b_id_seq') NOT NULL, 
	PRIMARY KEY (id)
);

-- duckdb: c.id: identity(always, start 100, cycle) is a plain identity here (duckdb has no GENERATED ALWAYS AS IDENTITY or identity options)

CREATE TABLE c (
	id SMALLINT DEFAULT NEXTVAL('c_id_seq') NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE d (
	id INTEGER DEFAULT NEXTVAL('d_id_seq') NOT NULL, 
	PRIMARY KEY (id)
);
