-- mysql: word.code: varchar(10) collate(postgresql: C): collation C (postgresql) not carried to mysql (collation names are per engine)
-- mysql: word.body: text collate(postgresql: POSIX, sqlite: NOCASE): collation POSIX (postgresql), NOCASE (sqlite) not carried to mysql (collation names are per engine)

CREATE TABLE word (
	id INTEGER NOT NULL, 
	code VARCHAR(10) NOT NULL, 
	`body` LONGTEXT, 
	plain LONGTEXT, 
	PRIMARY KEY (id)
);
