-- mysql: a.id: identity(always) is a plain identity here (mysql has no GENERATED ALWAYS AS IDENTITY or identity options)

CREATE TABLE a (
	id INTEGER NOT NULL AUTO_INCREMENT, 
	n INTEGER, 
	PRIMARY KEY (id)
);

-- mysql: b.id: identity(start 10, increment 5, cache 3) is a plain identity here (mysql has no GENERATED ALWAYS AS IDENTITY or identity options)

CREATE TABLE b (
	id BIGINT NOT NULL AUTO_INCREMENT, 
	PRIMARY KEY (id)
);

-- mysql: c.id: identity(always, start 100, cycle) is a plain identity here (mysql has no GENERATED ALWAYS AS IDENTITY or identity options)

CREATE TABLE c (
	id SMALLINT NOT NULL AUTO_INCREMENT, 
	PRIMARY KEY (id)
);

CREATE TABLE d (
	id INTEGER NOT NULL AUTO_INCREMENT, 
	PRIMARY KEY (id)
);
