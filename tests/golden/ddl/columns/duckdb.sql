CREATE SEQUENCE film_film_id_seq INCREMENT BY 1 START WITH 1;

-- duckdb: film.last_update: ON UPDATE now() not kept (duckdb has no such column attribute; a trigger or the application sets it)

CREATE TABLE film (
	film_id INTEGER DEFAULT NEXTVAL('film_film_id_seq') NOT NULL, 
	title VARCHAR COLLATE nocase NOT NULL, 
	rating VARCHAR, 
	email VARCHAR, 
	last_update TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (film_id), 
	CONSTRAINT film_rating CHECK (rating IN ('G', 'PG', 'R')), 
	CONSTRAINT film_email CHECK (REGEXP_MATCHES(email, '^[a-z0-9._]+@[a-z0-9.-]+$', 'i')), 
	CONSTRAINT film_title_trimmed CHECK (NOT REGEXP_MATCHES(title, '^ '))
);

DROP TABLE film;

DROP SEQUENCE film_film_id_seq;
