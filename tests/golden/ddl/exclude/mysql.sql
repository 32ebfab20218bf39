CREATE TABLE booking (
	id INTEGER NOT NULL, 
	room INTEGER NOT NULL, 
	during text NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE seat (
	code LONGTEXT, 
	`Row` INTEGER, 
	note LONGTEXT, 
	CONSTRAINT seat_note_check CHECK (note <> 'EXCLUDE (x WITH =)')
);

-- mysql: extension btree_gist left out: postgresql only (kept verbatim, not portable)
-- mysql: statement constraint no_overlap on booking left out: postgresql only (kept verbatim, not portable)
-- mysql: statement constraint booking_lower_room_excl on booking left out: postgresql only (kept verbatim, not portable)
-- mysql: statement constraint seat_code_excl on seat left out: postgresql only (kept verbatim, not portable)
-- mysql: statement constraint seat_Row_excl on seat left out: postgresql only (kept verbatim, not portable)
