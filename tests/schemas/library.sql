-- A small lending library, written for the stage tests (tests/test_stages.py): integer and char
-- keys, a composite key and a composite foreign key, a self-reference, a foreign-key cycle
-- (branch <-> staff), a table named by a reserved word, a column with a space and a CHECK with
-- BETWEEN. PostgreSQL dialect.
CREATE TABLE branch (
  code CHAR(4) PRIMARY KEY,
  name VARCHAR(80) NOT NULL,
  head_librarian_id INTEGER
);
CREATE TABLE member (
  id INTEGER PRIMARY KEY,
  name VARCHAR(120) NOT NULL,
  home_branch CHAR(4) NOT NULL REFERENCES branch(code),
  referred_by INTEGER REFERENCES member(id),
  "Phone Number" VARCHAR(30)
);
CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  branch_code CHAR(4) NOT NULL REFERENCES branch(code),
  name VARCHAR(80) NOT NULL
);
ALTER TABLE branch ADD CONSTRAINT fk_branch_head FOREIGN KEY (head_librarian_id) REFERENCES staff(id);
CREATE TABLE book (
  isbn CHAR(13) PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  published SMALLINT
);
CREATE TABLE copy (
  isbn CHAR(13) NOT NULL REFERENCES book(isbn),
  copy_no INTEGER NOT NULL,
  branch_code CHAR(4) NOT NULL REFERENCES branch(code),
  PRIMARY KEY (isbn, copy_no)
);
CREATE TABLE "order" (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES member(id),
  isbn CHAR(13) NOT NULL,
  copy_no INTEGER NOT NULL,
  due DATE NOT NULL,
  FOREIGN KEY (isbn, copy_no) REFERENCES copy(isbn, copy_no)
);
CREATE TABLE review (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES member(id),
  isbn CHAR(13) NOT NULL REFERENCES book(isbn),
  stars SMALLINT NOT NULL CHECK (stars BETWEEN 1 AND 5),
  body TEXT
);
