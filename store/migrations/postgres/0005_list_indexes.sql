-- Indexes of the incident list: see the SQLite migration of the same number.
CREATE INDEX incidents_reference ON incidents (reference, id);
CREATE INDEX incidents_agency_detected ON incidents (agency_id, detected_on, id, updated_at);
CREATE INDEX incidents_country_detected ON incidents (country, status, detected_on, id, updated_at);
CREATE INDEX incidents_country_reference ON incidents (country, status, reference, id);
