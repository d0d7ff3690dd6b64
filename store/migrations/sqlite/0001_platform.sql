CREATE TABLE countries (
	alpha2     TEXT PRIMARY KEY,
	alpha3     TEXT NOT NULL UNIQUE,
	numeric    TEXT NOT NULL,
	name       TEXT NOT NULL,
	region     TEXT NOT NULL,
	sub_region TEXT NOT NULL,
	member     BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE agencies (
	id         INTEGER PRIMARY KEY,
	country    TEXT NOT NULL REFERENCES countries (alpha2),
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	disabled   BOOLEAN NOT NULL DEFAULT FALSE,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (country, name)
);

CREATE TABLE units (
	id         INTEGER PRIMARY KEY,
	agency_id  BIGINT NOT NULL REFERENCES agencies (id),
	name       TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (agency_id, name)
);

CREATE TABLE users (
	id               INTEGER PRIMARY KEY,
	name             TEXT NOT NULL UNIQUE,
	full_name        TEXT NOT NULL DEFAULT '',
	email            TEXT NOT NULL DEFAULT '',
	agency_id        BIGINT NOT NULL REFERENCES agencies (id),
	roles            TEXT NOT NULL,
	capture_agencies TEXT NOT NULL DEFAULT '',
	view_scope       TEXT NOT NULL,
	password_hash    TEXT NOT NULL,
	totp_secret      TEXT NOT NULL DEFAULT '',
	totp_last_step   BIGINT NOT NULL DEFAULT 0,
	disabled         BOOLEAN NOT NULL DEFAULT FALSE,
	created_at       BIGINT NOT NULL,
	updated_at       BIGINT NOT NULL
);
CREATE INDEX users_agency ON users (agency_id);

CREATE TABLE recovery_codes (
	user_id BIGINT NOT NULL REFERENCES users (id),
	hash    TEXT NOT NULL,
	used_at BIGINT,
	PRIMARY KEY (user_id, hash)
);

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	user_id      BIGINT NOT NULL REFERENCES users (id),
	csrf_token   TEXT NOT NULL,
	mfa_passed   BOOLEAN NOT NULL DEFAULT FALSE,
	created_at   BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	client_ip    TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_id      BIGINT NOT NULL REFERENCES users (id),
	name         TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	hash         TEXT NOT NULL UNIQUE,
	created_at   BIGINT NOT NULL,
	last_used_at BIGINT,
	expires_at   BIGINT,
	revoked_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
	seq         BIGINT PRIMARY KEY,
	at          BIGINT NOT NULL,
	actor_id    BIGINT NOT NULL,
	actor_name  TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	country     TEXT NOT NULL,
	detail      TEXT NOT NULL,
	client_ip   TEXT NOT NULL,
	via         TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
CREATE INDEX audit_log_country ON audit_log (country, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
