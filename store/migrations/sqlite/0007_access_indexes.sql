-- Indexes of the access rule's branches (docs/sharing.md; measured with
-- `vrs bench sharing`, docs/benchmarks.md). A branch walks an index in
-- the list's order and decides each row from the index alone: owner
-- country, agency, distribution, type and detection date are in it, so
-- rows another branch or no branch reads are never fetched. The last one
-- gives validated records in detection-date order across countries.
DROP INDEX incidents_status;
CREATE INDEX incidents_status ON incidents (status, updated_at, id, country, agency_id, distribution, type, detected_on);
DROP INDEX incidents_country;
CREATE INDEX incidents_country ON incidents (country, status, updated_at, id, agency_id, distribution, type, detected_on);
DROP INDEX incidents_country_detected;
CREATE INDEX incidents_country_detected ON incidents (country, status, detected_on, id, updated_at, agency_id, distribution, type);
CREATE INDEX incidents_status_detected ON incidents (status, detected_on, id, updated_at, country, agency_id, distribution, type);
