-- mysql: enum types are not stored by name; enum columns are inline ENUM(...) types
-- mysql: no domains; each domain column has the domain's base type, NOT NULL, default and CHECKs
-- mysql: showcase.huge: hugeint: stored as DECIMAL(39,0) (MySQL has no 128-bit integer)
-- mysql: showcase.net: cidr: stored as text (MySQL has no network type)
-- mysql: showcase.mac: macaddr: stored as text (MySQL has no MAC address type)
-- mysql: showcase.words: tsvector: stored as text: a full-text search needs a FULLTEXT index on the source columns
-- mysql: showcase.labels: text[]: stored as a JSON array (MySQL has no array types)
-- mysql: showcase.moods: enum(tags)[]: stored as a JSON array (MySQL has no array types)

CREATE TABLE showcase (
	id INTEGER NOT NULL, 
	tiny TINYINT, 
	tiny_u TINYINT UNSIGNED, 
	small_u SMALLINT UNSIGNED, 
	int_u INTEGER UNSIGNED, 
	big_u BIGINT UNSIGNED, 
	huge DECIMAL(39, 0), 
	money NUMERIC(10, 2) UNSIGNED, 
	yr YEAR, 
	flags SET('a','b'), 
	ip INET6, 
	net VARCHAR(49), 
	mac VARCHAR(17), 
	pos POINT, 
	area POLYGON, 
	words LONGTEXT, 
	email LONGTEXT, 
	labels JSON, 
	moods JSON, 
	release_year INTEGER, 
	hash VARBINARY(64), 
	seen DATETIME, 
	seen_tz TIMESTAMP(3) NULL, 
	code VARCHAR(10) COLLATE utf8mb4_bin, 
	`body` mediumtext, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_showcase_release_year_year_check CHECK (`release_year` >= 1901 AND `release_year` <= 2155)
);
