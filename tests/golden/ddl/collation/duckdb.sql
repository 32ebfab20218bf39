-- duckdb: word.code: varchar(10) collate(postgresql: C): collation C (postgresql) not carried to duckdb (collation names are per engine)
-- duckdb: word.body: text collate(postgresql: POSIX, sqlite: NOCASE): collation POSIX (postgresql), NOCASE (sqlite) not carried to duckdb (collation names are per engine)

CREATE TABLE word (
	id INTEGER NOT NULL, 
	code VARCHAR NOT NULL, 
	body VARCHAR, 
	plain VARCHAR, 
	PRIMARY KEY (id)
);
