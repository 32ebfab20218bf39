-- duckdb: no domains; each domain column has the domain's base type, NOT NULL, default and CHECKs

CREATE TYPE tags AS ENUM ('a', 'b');

-- duckdb: showcase.money: decimal(10,2) unsigned stored signed (duckdb has no unsigned types)
-- duckdb: showcase.yr: year: stored as smallint (DuckDB has no YEAR type)
-- duckdb: showcase.flags: set(tags) stored as an array of enum tags (duckdb has no SET type)
-- duckdb: showcase.ip: inet: stored as text (DuckDB's INET type needs the inet extension, which is not assumed)
-- duckdb: showcase.net: cidr: stored as text (DuckDB's INET type needs the inet extension, which is not assumed)
-- duckdb: showcase.mac: macaddr: stored as text (DuckDB has no MAC address type)
-- duckdb: showcase.pos: geometry(point): stored as WKB bytes (DuckDB's GEOMETRY needs the spatial extension, which is not assumed)
-- duckdb: showcase.area: geometry(polygon): stored as WKB bytes (DuckDB's GEOMETRY needs the spatial extension, which is not assumed)
-- duckdb: showcase.words: tsvector: stored as text: a full-text search needs DuckDB's fts extension

CREATE TABLE showcase (
	id INTEGER NOT NULL, 
	tiny TINYINT, 
	tiny_u UTINYINT, 
	small_u USMALLINT, 
	int_u UINTEGER, 
	big_u UBIGINT, 
	huge HUGEINT, 
	money NUMERIC(10, 2), 
	yr SMALLINT, 
	flags tags[], 
	ip VARCHAR, 
	net VARCHAR, 
	mac VARCHAR, 
	pos BLOB, 
	area BLOB, 
	words VARCHAR, 
	email VARCHAR COLLATE NOCASE, 
	labels VARCHAR[], 
	moods tags[], 
	release_year INTEGER, 
	hash BLOB, 
	seen TIMESTAMP WITHOUT TIME ZONE, 
	seen_tz TIMESTAMP WITH TIME ZONE, 
	code VARCHAR COLLATE nocase, 
	body VARCHAR, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_showcase_release_year_year_check CHECK ("release_year" >= 1901 AND "release_year" <= 2155)
);
