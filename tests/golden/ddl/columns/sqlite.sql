-- sqlite: sequence film_film_id_seq not created (sqlite has no sequences)
-- sqlite: film.film_id: default nextval('film_film_id_seq') becomes an identity column (sqlite has no sequences)
-- sqlite: film.last_update: ON UPDATE now() not kept (sqlite has no such column attribute; a trigger or the application sets it)
-- sqlite: check film_email left out: sqlite has no regular expressions (REGEXP_I_LIKE(email, '^[a-z0-9._]+@[a-z0-9.-]+$'))
-- sqlite: check film_title_trimmed left out: sqlite has no regular expressions (NOT REGEXP_LIKE(title, '^ '))

CREATE TABLE film (
	film_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	title VARCHAR(255) COLLATE "NOCASE" NOT NULL, 
	rating VARCHAR(5), 
	email VARCHAR(120), 
	last_update DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	CONSTRAINT film_rating CHECK (rating IN ('G', 'PG', 'R'))
);

DROP TABLE film;
