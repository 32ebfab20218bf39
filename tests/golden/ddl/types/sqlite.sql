-- sqlite: enum types are not stored by name; enum columns are text with a CHECK
-- sqlite: no domains; each domain column has the domain's base type, NOT NULL, default and CHECKs
-- sqlite: showcase.tiny_u: tinyint unsigned stored as smallint (sqlite has no unsigned types; every value fits)
-- sqlite: showcase.small_u: smallint unsigned stored as integer (sqlite has no unsigned types; every value fits)
-- sqlite: showcase.int_u: integer unsigned stored as bigint (sqlite has no unsigned types; every value fits)
-- sqlite: showcase.big_u: bigint unsigned stored as decimal(20,0) (sqlite has no unsigned types; every value fits)
-- sqlite: showcase.huge: hugeint: stored as NUMERIC(39, 0) (SQLite keeps 64-bit integers; larger values become REAL)
-- sqlite: showcase.money: decimal(10,2) unsigned stored signed (sqlite has no unsigned types)
-- sqlite: showcase.yr: year: stored as an integer (SQLite has no YEAR type)
-- sqlite: showcase.flags: set(tags) stored as comma-separated text (sqlite has no SET or array type)
-- sqlite: showcase.ip: inet: stored as text (SQLite has no network types)
-- sqlite: showcase.net: cidr: stored as text (SQLite has no network types)
-- sqlite: showcase.mac: macaddr: stored as text (SQLite has no MAC address type)
-- sqlite: showcase.pos: geometry(point): stored as WKB bytes (SQLite has no spatial types)
-- sqlite: showcase.area: geometry(polygon): stored as WKB bytes (SQLite has no spatial types)
-- sqlite: showcase.words: tsvector: stored as text: a full-text search needs an FTS5 table
-- sqlite: showcase.email: citext: stored as TEXT COLLATE NOCASE (ASCII letters only compare case-insensitively)
-- sqlite: showcase.labels: text[]: stored as JSON text (SQLite has no array types)
-- sqlite: showcase.moods: enum(tags)[]: stored as JSON text (SQLite has no array types)

CREATE TABLE showcase (
	id INTEGER NOT NULL, 
	tiny TINYINT, 
	tiny_u SMALLINT, 
	small_u INTEGER, 
	int_u BIGINT, 
	big_u NUMERIC(20, 0), 
	huge NUMERIC(39, 0), 
	money NUMERIC(10, 2), 
	yr SMALLINT, 
	flags TEXT, 
	ip VARCHAR(45), 
	net VARCHAR(49), 
	mac VARCHAR(17), 
	pos BLOB, 
	area BLOB, 
	words TEXT, 
	email TEXT COLLATE NOCASE, 
	labels JSON, 
	moods JSON, 
	release_year INTEGER, 
	hash BLOB, 
	seen DATETIME, 
	seen_tz TIMESTAMP, 
	code VARCHAR(10) COLLATE nocase, 
	body TEXT, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_showcase_release_year_year_check CHECK ("release_year" >= 1901 AND "release_year" <= 2155)
);
