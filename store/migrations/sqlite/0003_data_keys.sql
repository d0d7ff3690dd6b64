-- Data keys encrypt personal data; the index key computes blind indexes.
-- Each is stored wrapped (AES-256-GCM) under the key-encryption key named
-- by kek_id, which lives outside the database. At most one key of each
-- purpose is current (not retired): the active data key and the index key.
CREATE TABLE data_keys (
	id         INTEGER PRIMARY KEY,
	purpose    TEXT NOT NULL CHECK (purpose IN ('data', 'index')),
	wrapped    BLOB NOT NULL,
	kek_id     TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	retired_at BIGINT
);
CREATE UNIQUE INDEX data_keys_current ON data_keys (purpose) WHERE retired_at IS NULL;
