CREATE SEQUENCE film_film_id_seq INCREMENT BY 1 START WITH 1 CACHE 1;

CREATE TABLE film (
	film_id INTEGER NOT NULL DEFAULT (NEXTVAL(film_film_id_seq)), 
	title VARCHAR(255) COLLATE utf8mb4_bin NOT NULL, 
	rating VARCHAR(5), 
	email VARCHAR(120), 
	last_update DATETIME ON UPDATE CURRENT_TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, 
	PRIMARY KEY (film_id), 
	CONSTRAINT film_rating CHECK (rating IN ('G', 'PG', 'R')), 
	CONSTRAINT film_email CHECK ((email REGEXP '(?i)^[a-z0-9._]+@[a-z0-9.-]+$')), 
	CONSTRAINT film_title_trimmed CHECK (NOT (title REGEXP '(?-i)^ '))
);

DROP TABLE film;

DROP SEQUENCE film_film_id_seq;
