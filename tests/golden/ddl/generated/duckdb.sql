-- duckdb: unique constraint uq_part_code of part left out (duckdb has no constraints on generated columns; a unique index would hold it)

CREATE TABLE part (
	id INTEGER NOT NULL, 
	code INTEGER GENERATED ALWAYS AS (id * 3) VIRTUAL, 
	PRIMARY KEY (id)
);

-- duckdb: check ck_line_total of line: generated columns written as their expressions (duckdb has no constraints on generated columns)
-- duckdb: line.total: NOT NULL kept as CHECK (NOT (qty * price) IS NULL) (MariaDB and DuckDB take no NOT NULL on a generated column)

CREATE TABLE line (
	id INTEGER NOT NULL, 
	qty INTEGER, 
	price INTEGER, 
	total INTEGER GENERATED ALWAYS AS (qty * price) VIRTUAL, 
	part_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_line_total CHECK ((qty * price) >= 0), 
	CONSTRAINT ck_line_qty_price CHECK (qty * price < 1000), 
	CONSTRAINT ck_line_qty_price_2 CHECK (NOT (qty * price) IS NULL), 
	CONSTRAINT fk_line_part_id_part FOREIGN KEY(part_id) REFERENCES part (id)
);

-- duckdb: foreign key fk_tag_next_n_part of tag left out (duckdb has no constraints on generated columns: next_n generated)

CREATE TABLE tag (
	id INTEGER NOT NULL, 
	n INTEGER, 
	next_n INTEGER GENERATED ALWAYS AS (n + 1) VIRTUAL, 
	PRIMARY KEY (id)
);
