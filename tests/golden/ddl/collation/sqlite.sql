-- sqlite: word.code: varchar(10) collate(postgresql: C): collation C (postgresql) not carried to sqlite (collation names are per engine)

CREATE TABLE word (
	id INTEGER NOT NULL, 
	code VARCHAR(10) NOT NULL, 
	body TEXT COLLATE "NOCASE", 
	plain TEXT, 
	PRIMARY KEY (id)
);
