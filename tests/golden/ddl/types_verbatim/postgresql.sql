CREATE TYPE public.complex AS (
    r double precision,
    i double precision
);

CREATE TYPE public.floatrange AS RANGE (
    subtype = double precision,
    subtype_diff = float8mi
);

CREATE TABLE point (
	id INTEGER NOT NULL, 
	at complex, 
	span floatrange, 
	PRIMARY KEY (id)
);

DROP TABLE point;

DROP TYPE floatrange;

DROP TYPE complex;
