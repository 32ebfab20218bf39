CREATE TABLE point (
	id INTEGER NOT NULL, 
	"at" json, 
	span json, 
	PRIMARY KEY (id)
);

-- duckdb: type complex left out: postgresql only (kept verbatim, not portable)
-- duckdb: type floatrange left out: postgresql only (kept verbatim, not portable)

DROP TABLE point;
