CREATE TABLE part (
	id INTEGER NOT NULL, 
	code INTEGER GENERATED ALWAYS AS (id * 3) STORED, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_part_code UNIQUE (code)
);

-- mysql: line.total: NOT NULL kept as CHECK (NOT total IS NULL) (MariaDB and DuckDB take no NOT NULL on a generated column)

CREATE TABLE line (
	id INTEGER NOT NULL, 
	qty INTEGER, 
	price INTEGER, 
	total INTEGER GENERATED ALWAYS AS (qty * price) STORED, 
	part_id INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_line_total CHECK (total >= 0), 
	CONSTRAINT ck_line_qty_price CHECK (qty * price < 1000), 
	CONSTRAINT ck_line_total_2 CHECK (NOT total IS NULL), 
	CONSTRAINT fk_line_part_id_part FOREIGN KEY(part_id) REFERENCES part (id)
);

CREATE TABLE tag (
	id INTEGER NOT NULL, 
	n INTEGER, 
	next_n INTEGER GENERATED ALWAYS AS (n + 1) STORED, 
	PRIMARY KEY (id), 
	CONSTRAINT fk_tag_next_n_part FOREIGN KEY(next_n) REFERENCES part (id)
);
