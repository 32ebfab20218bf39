CREATE EXTENSION IF NOT EXISTS citext;

CREATE EXTENSION IF NOT EXISTS cube;

CREATE TYPE tags AS ENUM ('a', 'b');

CREATE DOMAIN year AS INTEGER CONSTRAINT year_check CHECK (value >= 1901 AND value <= 2155);

-- postgresql: showcase.tiny: tinyint: stored as smallint (PostgreSQL has no 1-byte integer)
-- postgresql: showcase.tiny_u: tinyint unsigned stored as smallint (postgresql has no unsigned types; every value fits)
-- postgresql: showcase.small_u: smallint unsigned stored as integer (postgresql has no unsigned types; every value fits)
-- postgresql: showcase.int_u: integer unsigned stored as bigint (postgresql has no unsigned types; every value fits)
-- postgresql: showcase.big_u: bigint unsigned stored as decimal(20,0) (postgresql has no unsigned types; every value fits)
-- postgresql: showcase.huge: hugeint: stored as numeric(39,0) (PostgreSQL has no 128-bit integer)
-- postgresql: showcase.money: decimal(10,2) unsigned stored signed (postgresql has no unsigned types)
-- postgresql: showcase.yr: year: stored as smallint (PostgreSQL has no YEAR type)
-- postgresql: showcase.flags: set(tags) stored as an array of enum tags (postgresql has no SET type)
-- postgresql: showcase.pos: geometry(point): stored as PostgreSQL's point/polygon/path type (no SRID), other shapes as WKB bytea (PostGIS is not assumed)
-- postgresql: showcase.area: geometry(polygon): stored as PostgreSQL's point/polygon/path type (no SRID), other shapes as WKB bytea (PostGIS is not assumed)

CREATE TABLE showcase (
	id INTEGER NOT NULL, 
	tiny SMALLINT, 
	tiny_u SMALLINT, 
	small_u INTEGER, 
	int_u BIGINT, 
	big_u NUMERIC(20, 0), 
	huge NUMERIC(39, 0), 
	money NUMERIC(10, 2), 
	yr SMALLINT, 
	flags tags[], 
	ip INET, 
	net CIDR, 
	mac MACADDR, 
	pos point, 
	area polygon, 
	words TSVECTOR, 
	email CITEXT, 
	labels TEXT[], 
	moods tags[], 
	release_year year, 
	hash BYTEA, 
	seen TIMESTAMP(0) WITHOUT TIME ZONE, 
	seen_tz TIMESTAMP(3) WITH TIME ZONE, 
	code VARCHAR(10) COLLATE "C", 
	body TEXT, 
	box cube, 
	span int4range, 
	PRIMARY KEY (id)
);
