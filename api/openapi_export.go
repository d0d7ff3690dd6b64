package api

import (
	"slices"

	"vrs/export"
)

// addExportAPI adds the export endpoints and schemas to doc.
func addExportAPI(doc obj) {
	paths := doc["paths"].(obj)
	// The list's filters, documented once with the list (addIncidentAPI
	// runs first); the export pages by itself, so sort, after and limit
	// are not among them.
	var params []obj
	if list, ok := paths[Prefix+"/incidents"].(obj)["get"].(obj); ok {
		ps, _ := list["parameters"].([]obj)
		for _, p := range ps {
			if !slices.Contains(exportPagingParams, p["name"].(string)) {
				params = append(params, p)
			}
		}
	}
	params = append([]obj{queryParam("format", obj{"type": "string", "enum": export.Names(), "default": export.JSONL},
		"jsonl: one incident per line, each exactly as GET /incidents/{id} answers it (the lossless form, which an import takes back). "+
			"csv: a ZIP of CSV tables (UTF-8 with a byte-order mark): incidents.csv, persons.csv, identifiers.csv, legs.csv, transactions.csv, "+
			"organisations.csv, vehicles.csv, documents.csv, counts.csv; each related row carries incident_id and incident_reference, and its own key "+
			"(persons p1..., organisations o1..., vehicles v1...) or seq, so that the tables join. xlsx: the same tables as the sheets of one workbook. "+
			"Multi-valued codes are separated by semicolons. In csv and xlsx, a text cell that begins with =, +, -, @, a tab or a carriage return "+
			"is prefixed with a single quote so that no spreadsheet reads it as a formula; numbers stay numbers.")}, params...)
	params = append(params, purposeParam)
	download := func(types ...string) obj {
		c := obj{}
		for _, t := range types {
			c[t] = obj{"schema": obj{"type": "string", "format": "binary"}}
		}
		return c
	}
	ok := obj{"description": "The file, streamed. An error after the first byte cuts the connection: a file that does not end properly " +
		"(a ZIP without its directory, JSON Lines without the last newline) is not whole.",
		"headers": obj{"Content-Disposition": obj{"description": "attachment; filename=\"vrs-incidents-<UTC time>.<jsonl|zip|xlsx>\"",
			"schema": obj{"type": "string"}}},
		"content": download("application/x-ndjson", "application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
	paths[Prefix+"/incidents/export"] = obj{"get": obj{
		"operationId": "exportIncidents", "tags": []string{"incidents"},
		"summary": "Export the incidents a filter selects, as a file",
		"description": "Every incident that the list's filters select and that you may read as a record, each as you may read it: " +
			"pseudonymised where that is your granularity, and other countries' records without their owners' sharing lists, officials and review notes; " +
			"another country's record that an agreement lets you read in full needs " + PurposeHeader + ", else it is exported pseudonymised with purpose_required. " +
			"In ascending id order, without paging. A bad format or filter answers 400 before anything is sent. " +
			"The export is recorded in the audit log with its filter and count, and each other country's record in it is logged for that country.",
		"parameters": params,
		"responses":  obj{"200": ok, "400": responseRef("BadRequest"), "401": responseRef("Unauthorized"), "default": responseRef("Internal")},
	}}
}
