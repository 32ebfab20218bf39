CREATE TABLE point (
	id INTEGER NOT NULL, 
	at json, 
	span json, 
	PRIMARY KEY (id)
);

-- mysql: type complex left out: postgresql only (kept verbatim, not portable)
-- mysql: type floatrange left out: postgresql only (kept verbatim, not portable)

DROP TABLE point;
