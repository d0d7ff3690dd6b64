-- Imports (docs/import.md). content_digest is an HMAC of a record's
-- content (personal data included, bookkeeping excluded) under the index
-- key: an import leaves a record whose digest equals the file's alone.
ALTER TABLE incidents ADD COLUMN content_digest BLOB;

-- One run of an import, dry or committing. The uploaded file is kept
-- encrypted under file_key (itself sealed under data key key_id) until
-- the job is deleted; counts advance in the same transaction as the
-- records of each chunk.
CREATE TABLE import_jobs (
	id            INTEGER PRIMARY KEY,
	agency_id     BIGINT NOT NULL REFERENCES agencies (id),
	country       TEXT NOT NULL,
	user_id       BIGINT NOT NULL,
	file_name     TEXT NOT NULL,
	format        TEXT NOT NULL,
	mapping       TEXT NOT NULL DEFAULT '',
	commit_rows   INTEGER NOT NULL,
	record_status TEXT NOT NULL DEFAULT 'draft',
	status        TEXT NOT NULL,
	rows_total    BIGINT NOT NULL DEFAULT 0,
	rows_done     BIGINT NOT NULL DEFAULT 0,
	created       BIGINT NOT NULL DEFAULT 0,
	updated       BIGINT NOT NULL DEFAULT 0,
	unchanged     BIGINT NOT NULL DEFAULT 0,
	rejected      BIGINT NOT NULL DEFAULT 0,
	rejected_rows BIGINT NOT NULL DEFAULT 0,
	error         TEXT NOT NULL DEFAULT '',
	error_args    TEXT NOT NULL DEFAULT '[]',
	file_key      BLOB,
	key_id        BIGINT NOT NULL DEFAULT 0,
	created_at    BIGINT NOT NULL,
	started_at    BIGINT NOT NULL DEFAULT 0,
	ended_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX import_jobs_user ON import_jobs (user_id, id);
CREATE INDEX import_jobs_agency ON import_jobs (agency_id, id);
