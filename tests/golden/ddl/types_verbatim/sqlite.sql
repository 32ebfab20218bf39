CREATE TABLE point (
	id INTEGER NOT NULL, 
	at text, 
	span text, 
	PRIMARY KEY (id)
);

-- sqlite: type complex left out: postgresql only (kept verbatim, not portable)
-- sqlite: type floatrange left out: postgresql only (kept verbatim, not portable)

DROP TABLE point;
