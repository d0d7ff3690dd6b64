-- Indexes of the incident list: every sort of every access branch (all
-- records, one agency's, one country's validated ones) walks an index in
-- order, so that a page reads about as many rows as it shows. See
-- ListIncidents and docs/benchmarks.md.
CREATE INDEX incidents_reference ON incidents (reference, id);
CREATE INDEX incidents_agency_detected ON incidents (agency_id, detected_on, id);
CREATE INDEX incidents_country_detected ON incidents (country, status, detected_on, id);
CREATE INDEX incidents_country_reference ON incidents (country, status, reference, id);
