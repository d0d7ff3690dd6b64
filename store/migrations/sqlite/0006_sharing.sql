-- Voluntary sharing (docs/sharing.md). Every record carries its
-- distribution (how far it may travel) and its TLP label; agencies carry
-- the defaults of new records. A record distributed to partners names
-- them in incident_share_countries and incident_share_groups.
ALTER TABLE incidents ADD COLUMN distribution TEXT NOT NULL DEFAULT 'country';
ALTER TABLE incidents ADD COLUMN tlp TEXT NOT NULL DEFAULT 'AMBER';
ALTER TABLE agencies ADD COLUMN default_distribution TEXT NOT NULL DEFAULT 'country';
ALTER TABLE agencies ADD COLUMN default_tlp TEXT NOT NULL DEFAULT 'AMBER';
-- Whether a country contributes records beyond its borders (reciprocity).
CREATE INDEX incidents_distribution ON incidents (country, distribution, status);

CREATE TABLE incident_share_countries (
	incident_id BIGINT NOT NULL,
	country     TEXT NOT NULL,
	PRIMARY KEY (incident_id, country)
) WITHOUT ROWID;
CREATE TABLE incident_share_groups (
	incident_id BIGINT NOT NULL,
	group_id    BIGINT NOT NULL,
	PRIMARY KEY (incident_id, group_id)
) WITHOUT ROWID;

-- Mutual agreements between two countries; types is a comma-separated
-- list of incident types, granularity 1 aggregate, 2 pseudonymised, 3 full.
CREATE TABLE sharing_agreements (
	id          INTEGER PRIMARY KEY,
	proposer    TEXT NOT NULL REFERENCES countries (alpha2),
	partner     TEXT NOT NULL REFERENCES countries (alpha2),
	types       TEXT NOT NULL,
	granularity INTEGER NOT NULL,
	data_from   TEXT NOT NULL DEFAULT '',
	data_to     TEXT NOT NULL DEFAULT '',
	starts      TEXT NOT NULL,
	ends        TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	proposed_by BIGINT NOT NULL,
	proposed_at BIGINT NOT NULL,
	decided_by  BIGINT NOT NULL DEFAULT 0,
	decided_at  BIGINT NOT NULL DEFAULT 0,
	revoked_by  BIGINT NOT NULL DEFAULT 0,
	revoked_at  BIGINT NOT NULL DEFAULT 0,
	CHECK (proposer <> partner)
);
CREATE INDEX sharing_agreements_proposer ON sharing_agreements (proposer, status);
CREATE INDEX sharing_agreements_partner ON sharing_agreements (partner, status);

CREATE TABLE sharing_groups (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL,
	releasability TEXT NOT NULL,
	owner         TEXT NOT NULL REFERENCES countries (alpha2),
	created_by    BIGINT NOT NULL,
	created_at    BIGINT NOT NULL,
	updated_at    BIGINT NOT NULL,
	UNIQUE (owner, name)
);
-- A member is a country (agency_id 0) or an agency (country '').
CREATE TABLE sharing_group_members (
	group_id  BIGINT NOT NULL REFERENCES sharing_groups (id) ON DELETE CASCADE,
	country   TEXT NOT NULL DEFAULT '',
	agency_id BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (group_id, country, agency_id)
);
CREATE INDEX sharing_group_members_country ON sharing_group_members (country, group_id);
CREATE INDEX sharing_group_members_agency ON sharing_group_members (agency_id, group_id);

-- Who viewed a country's records (ListRecordViews): its foreign reads.
CREATE INDEX audit_log_action_country ON audit_log (action, country, seq);
