-- The statistics cube (docs/cube.md). One row per incident, written in the
-- same transaction as the incident: its access attributes and the keys it
-- counts under, without personal data (cube.Unit, binary). A deleted
-- incident keeps a row without unit, so that every server's cube learns
-- of the deletion. seq orders the rows: each write takes the next value
-- of stat_seq, which also serialises writers until they commit, so that a
-- reader who has seen seq n has seen every row up to n.
CREATE TABLE stat_units (
	incident_id BIGINT PRIMARY KEY,
	seq         BIGINT NOT NULL,
	unit        BYTEA
);
CREATE INDEX stat_units_seq ON stat_units (seq);
CREATE TABLE stat_seq (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL
);
INSERT INTO stat_seq (id, seq) VALUES (1, 0);
