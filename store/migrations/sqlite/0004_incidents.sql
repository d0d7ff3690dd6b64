-- Incidents: the current version in incidents, superseded versions in
-- incident_versions. body is the incident as JSON without personal data;
-- personal is the personal data, sealed with AES-256-GCM under data key
-- key_id (see package crypt), bound to "incident:<id>:v<version>".
CREATE TABLE incidents (
	id            INTEGER PRIMARY KEY,
	agency_id     BIGINT NOT NULL REFERENCES agencies (id),
	country       TEXT NOT NULL,
	reference     TEXT NOT NULL,
	type          TEXT NOT NULL,
	status        TEXT NOT NULL,
	version       INTEGER NOT NULL,
	detected_on   TEXT NOT NULL,
	place_country TEXT NOT NULL,
	place_name    TEXT NOT NULL DEFAULT '',
	persons       INTEGER NOT NULL DEFAULT 0,
	body          TEXT NOT NULL,
	personal      BLOB,
	key_id        BIGINT NOT NULL DEFAULT 0,
	search_text   TEXT NOT NULL DEFAULT '',
	action        TEXT NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	created_by    BIGINT NOT NULL,
	created_at    BIGINT NOT NULL,
	updated_by    BIGINT NOT NULL,
	updated_at    BIGINT NOT NULL,
	UNIQUE (agency_id, reference)
);
CREATE INDEX incidents_updated ON incidents (updated_at, id);
CREATE INDEX incidents_detected ON incidents (detected_on, id);
CREATE INDEX incidents_country ON incidents (country, status, updated_at, id);
CREATE INDEX incidents_agency ON incidents (agency_id, updated_at, id);
CREATE INDEX incidents_status ON incidents (status, updated_at, id);

CREATE TABLE incident_versions (
	incident_id BIGINT NOT NULL,
	version     INTEGER NOT NULL,
	status      TEXT NOT NULL,
	body        TEXT NOT NULL,
	personal    BLOB,
	key_id      BIGINT NOT NULL DEFAULT 0,
	action      TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	author_id   BIGINT NOT NULL,
	at          BIGINT NOT NULL,
	PRIMARY KEY (incident_id, version)
);

-- What list filters look for beyond the incidents row: nationalities of
-- persons and counts ('nat') and the countries of the route and place ('route').
CREATE TABLE incident_facets (
	facet       TEXT NOT NULL,
	value       TEXT NOT NULL,
	incident_id BIGINT NOT NULL,
	PRIMARY KEY (facet, value, incident_id)
) WITHOUT ROWID;
CREATE INDEX incident_facets_incident ON incident_facets (incident_id);

-- Keyed blind index of normalised personal identifiers: exact search
-- without decrypting. digest = HMAC(index key, kind, normalised value).
CREATE TABLE identifier_index (
	digest      BLOB NOT NULL,
	incident_id BIGINT NOT NULL,
	PRIMARY KEY (digest, incident_id)
) WITHOUT ROWID;
CREATE INDEX identifier_index_incident ON identifier_index (incident_id);

CREATE VIRTUAL TABLE incident_fts USING fts5 (search_text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');

-- Cross-field validation rules an installation adds to the built-in ones.
CREATE TABLE validation_rules (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	definition  TEXT NOT NULL,
	disabled    BOOLEAN NOT NULL DEFAULT FALSE,
	created_at  BIGINT NOT NULL,
	updated_at  BIGINT NOT NULL
);
