-- Indexes of the incident list (see ListIncidents and docs/benchmarks.md).
-- Every sort of every access branch (all records, one agency's, one
-- country's validated ones) walks an index in order, so that a page reads
-- about as many index entries as it shows. The detection-date indexes
-- also hold updated_at, so that a period sorted by last change is read
-- and sorted from the index alone.
CREATE INDEX incidents_reference ON incidents (reference, id);
CREATE INDEX incidents_agency_detected ON incidents (agency_id, detected_on, id, updated_at);
CREATE INDEX incidents_country_detected ON incidents (country, status, detected_on, id, updated_at);
CREATE INDEX incidents_country_reference ON incidents (country, status, reference, id);
-- When a facet, identifier or text filter drives the search, each match
-- is looked up by id: here, rather than in the table's 4 KB rows, with
-- what the branches filter and sort on.
CREATE INDEX incidents_list ON incidents (id, updated_at, detected_on, country, status, agency_id, type);
