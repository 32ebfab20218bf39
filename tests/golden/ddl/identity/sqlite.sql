-- sqlite: a.id: identity(always) is a plain identity here (sqlite has no GENERATED ALWAYS AS IDENTITY or identity options)

CREATE TABLE a (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	n INTEGER
);

-- sqlite: b.id: identity(start 10, increment 5, cache 3) is a plain identity here (sqlite has no GENERATED ALWAYS AS IDENTITY or identity options)

CREATE TABLE b (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT
);

-- sqlite: c.id: identity(always, start 100, cycle) is a plain identity here (sqlite has no GENERATED ALWAYS AS IDENTITY or identity options)

CREATE TABLE c (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT
);

CREATE TABLE d (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT
);
