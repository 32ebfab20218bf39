CREATE SEQUENCE film_film_id_seq AS INTEGER INCREMENT BY 1 START WITH 1 CACHE 1;

-- postgresql: film.last_update: ON UPDATE now() not kept (postgresql has no such column attribute; a trigger or the application sets it)

CREATE TABLE film (
	film_id INTEGER DEFAULT NEXTVAL('film_film_id_seq') NOT NULL, 
	title VARCHAR(255) COLLATE "C" NOT NULL, 
	rating VARCHAR(5), 
	email VARCHAR(120), 
	last_update TIMESTAMP(0) WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (film_id), 
	CONSTRAINT film_rating CHECK (rating IN ('G', 'PG', 'R')), 
	CONSTRAINT film_email CHECK (email ~* '^[a-z0-9._]+@[a-z0-9.-]+$'), 
	CONSTRAINT film_title_trimmed CHECK (NOT title ~ '^ ')
);

ALTER SEQUENCE film_film_id_seq OWNED BY film.film_id;

DROP TABLE film;
