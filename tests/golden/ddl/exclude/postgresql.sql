CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE booking (
	id INTEGER NOT NULL, 
	room INTEGER NOT NULL, 
	during tsrange NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE seat (
	code TEXT, 
	"Row" INTEGER, 
	note TEXT, 
	CONSTRAINT seat_note_check CHECK (note <> 'EXCLUDE (x WITH =)')
);

ALTER TABLE ONLY booking ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (room > 0);

ALTER TABLE ONLY booking ADD CONSTRAINT booking_lower_room_excl EXCLUDE USING gist (lower(during) WITH =, room WITH =) DEFERRABLE;

ALTER TABLE ONLY seat ADD CONSTRAINT seat_code_excl EXCLUDE USING btree (code WITH =);

ALTER TABLE ONLY seat ADD CONSTRAINT "seat_Row_excl" EXCLUDE USING btree ("Row" WITH =);
