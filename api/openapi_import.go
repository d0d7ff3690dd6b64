package api

import (
	"strings"

	"vrs"
)

// The import part of the OpenAPI document: upload and run, follow, read
// the problems, download the error report, cancel, commit.

func importSchemas() obj {
	statuses := []vrs.ImportJobStatus{vrs.JobQueued, vrs.JobRunning, vrs.JobDone, vrs.JobFailed, vrs.JobCancelled, vrs.JobInterrupted}
	count := func(desc string) obj { return obj{"type": "integer", "description": desc} }
	return obj{
		"ImportCounts": object("What the run does (a dry run: would do) with the file's incidents.", obj{
			"rows":          count("Rows read so far."),
			"created":       count("Incidents with a reference the agency does not have yet."),
			"updated":       count("Changed incidents: each becomes a new version of its record."),
			"unchanged":     count("Incidents identical to the stored record: nothing is written."),
			"rejected":      count("Invalid incidents, or records that cannot change now; nothing of them is written."),
			"rejected_rows": count("The file's rows that belong to rejected incidents."),
		}, "rows", "created", "updated", "unchanged", "rejected", "rejected_rows"),
		"ImportJob": object("One run of an import, dry or committing.", obj{
			"id":            integer("Job id."),
			"agency_id":     integer("The agency that owns the records."),
			"country":       str("The agency's country."),
			"user_id":       integer("Who started it; only they can follow it (to anyone else it does not exist)."),
			"file_name":     str("The uploaded file's name."),
			"format":        obj{"type": "string", "enum": []string{"csv", "xlsx", "jsonl"}, "description": "The file's format."},
			"commit":        boolean("true: the run writes; false: a dry run, which writes nothing."),
			"record_status": enum([]vrs.IncidentStatus{vrs.StatusDraft, vrs.StatusSubmitted, vrs.StatusValidated}, "The status new records take."),
			"status": enum(statuses, "queued (uploaded, not started), running, done, failed (error says why; nothing was written by a failed dry run, "+
				"and a commit reads the whole file before it writes), cancelled (committed chunks stay: run the file again to finish), "+
				"interrupted (the server stopped: run the file again)."),
			"rows_total": count("The file's data rows when known (a commit counts them first; a dry run knows them at its end); 0 before."),
			"rows_done":  count("Rows done so far."),
			"counts":     schemaRef("ImportCounts"),
			"error":      str("Catalogue key of why the job failed."),
			"error_args": arrayOf(obj{"type": "string"}, "Its arguments."),
			"created_at": dateTime("When it was created."),
			"started_at": dateTime("When it started running; absent before."),
			"ended_at":   dateTime("When it finished; absent before."),
		}, "id", "agency_id", "country", "user_id", "file_name", "format", "commit", "record_status", "status", "rows_total", "rows_done", "counts", "created_at"),
		"ImportStatus": object("A job with its pace.", obj{
			"job":               schemaRef("ImportJob"),
			"percent":           obj{"type": "integer", "minimum": 0, "maximum": 100, "description": "Share done (100 once done; 0 while the total is unknown)."},
			"rows_per_second":   obj{"type": "number", "description": "Rows per second since the job started."},
			"remaining_seconds": obj{"type": "integer", "description": "Estimated seconds left; -1 while unknown."},
		}, "job", "percent", "rows_per_second", "remaining_seconds"),
		"ImportStatusList": listOf("ImportStatus", "Your import jobs, newest first."),
		"ImportProblem": object("One reason an incident of the file is rejected, located in the file.", obj{
			"row":     count("The file's row (1 is the header; JSON Lines: the line)."),
			"column":  str("The file's column at fault, when known."),
			"field":   str("The incident field at fault, when the check names one."),
			"value":   str("The cell's value, when one is at fault."),
			"message": str("Catalogue key of the reason."),
			"args":    arrayOf(obj{"type": "string"}, "Its arguments."),
			"reason":  str("The reason in words."),
		}, "row", "message", "reason"),
		"ImportProblemPage": object("A page of a job's problems, in file order.", obj{
			"items":  arrayOf(schemaRef("ImportProblem"), ""),
			"count":  obj{"type": "integer", "description": "Problems on this page."},
			"total":  obj{"type": "integer", "description": "Problems of the job; they are written as the job goes, complete once it has finished."},
			"offset": obj{"type": "integer", "description": "Index of the first problem on this page."},
		}, "items", "count", "total", "offset"),
	}
}

func importOperations() []struct {
	method, path string
	op           obj
} {
	const who = "Reporters with an agency to record for (403 otherwise). A job of another user answers 404, like one that does not exist."
	type entry struct {
		method, path string
		pathParams   []string
		op           operation
	}
	entries := []entry{
		{"GET", "/imports", nil, operation{id: "listImports", tag: "imports", summary: "List your import jobs", status: 200, result: "ImportStatusList",
			description: who, errs: []string{"403"},
			query: []obj{queryParam("limit", obj{"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "Jobs to list.")}}},
		{"POST", "/imports", nil, operation{id: "createImport", tag: "imports", summary: "Upload a file and start its dry run (or its commit)", status: 202, result: "ImportStatus",
			description: "The file is the body (any content type but multipart), or the part file of a multipart/form-data body, which may also carry a part mapping: " +
				"a saved column and value mapping (JSON, as the import page downloads it and vrs import --mapping reads it). Without a mapping, CSV and XLSX files " +
				"use VRS's column names (the import templates). The file is kept encrypted while its jobs need it, and the run goes on in the background: " +
				"follow it at Location. A dry run checks every row and writes nothing; commit=true writes the valid incidents in chunks, idempotently by " +
				"(agency, reference). The file's own errors (not CSV, a corrupt or truncated workbook, a zip bomb) fail the job with the reason; " +
				"rows that cannot be read (ragged rows, bad values) are rejected with their row, column and reason (see problems). " +
				"A body over 2 GiB answers 413; a multipart body other than multipart/form-data with a boundary, 415. " + who,
			query: []obj{
				queryParam("agency_id", obj{"type": "integer", "format": "int64", "minimum": 1}, "The agency that owns the records; required when you record for several."),
				queryParam("format", obj{"type": "string", "enum": []string{"csv", "xlsx", "jsonl"}}, "The file's format; default: from file_name or the part's file name."),
				queryParam("file_name", obj{"type": "string", "maxLength": 200}, "The file's name, shown on the job."),
				queryParam("commit", obj{"type": "boolean", "default": false}, "true: commit at once, without a dry run first."),
				queryParam("status", obj{"type": "string", "enum": []string{"draft", "submitted"}, "default": "draft"}, "The status new records take."),
			}, errs: []string{"403", "413", "415"}}},
		{"GET", "/imports/{id}", []string{"id"}, operation{id: "getImport", tag: "imports", summary: "One import job with its progress", status: 200, result: "ImportStatus",
			description: "Poll it while the job runs. " + who, errs: []string{"403"}}},
		{"GET", "/imports/{id}/problems", []string{"id"}, operation{id: "listImportProblems", tag: "imports", summary: "The problems of an import job's rejected rows",
			status: 200, result: "ImportProblemPage", description: who, errs: []string{"403"},
			query: []obj{
				queryParam("offset", obj{"type": "integer", "minimum": 0, "default": 0}, "Problems to skip."),
				queryParam("limit", obj{"type": "integer", "minimum": 1, "maximum": maxProblems, "default": defaultProblems}, "Problems per page."),
			}}},
		{"GET", "/imports/{id}/errors", []string{"id"}, operation{id: "getImportErrorReport", tag: "imports", summary: "Download an import job's error report",
			status: 200, description: "The rejected rows as the file had them, with an errors column saying what to fix: correct them there and import the report " +
				"(the errors column is ignored). For JSON Lines files, one row per problem (line, errors). Text cells that begin with =, +, -, @ are neutralised " +
				"against formula injection. " + who,
			errs:  []string{"403"},
			query: []obj{queryParam("format", obj{"type": "string", "enum": []string{"csv", "xlsx"}, "default": "csv"}, "The report's format.")}}},
		{"POST", "/imports/{id}/cancel", []string{"id"}, operation{id: "cancelImport", tag: "imports", summary: "Cancel a queued or running import job", status: 200, result: "ImportStatus",
			description: "It stops at its next chunk; committed chunks stay (running the file again finishes the work without duplicates). " +
				"A finished job answers 409. " + who, errs: []string{"403", "409"}}},
		{"POST", "/imports/{id}/commit", []string{"id"}, operation{id: "commitImport", tag: "imports", summary: "Commit the file of a finished dry run",
			status: 202, result: "ImportStatus",
			description: "Starts a new job that commits the same file with the dry run's mapping; follow it at Location. Anything but a finished dry run answers 409. " + who,
			errs:        []string{"403", "409"}}},
	}
	var out []struct {
		method, path string
		op           obj
	}
	for _, e := range entries {
		o := e.op.build(e.pathParams, false)
		rs := o["responses"].(obj)
		switch e.op.id {
		case "createImport", "commitImport":
			ok := rs["202"].(obj)
			ok["description"] = "Accepted: the job runs in the background."
			ok["headers"] = obj{"Location": obj{"description": "Address of the job.", "schema": obj{"type": "string"}}}
		case "getImportErrorReport":
			rs["200"] = obj{"description": "The report, with Content-Disposition: attachment; filename=\"vrs-import-ID-errors.csv|xlsx\".",
				"content": obj{
					"text/csv": obj{"schema": obj{"type": "string"}},
					"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": obj{"schema": obj{"type": "string", "format": "binary"}},
				}}
		}
		if e.op.id == "createImport" {
			o["requestBody"] = obj{"required": true, "content": obj{
				"application/octet-stream": obj{"schema": obj{"type": "string", "format": "binary", "description": "The file itself (text/csv, application/x-ndjson... are read alike)."}},
				"multipart/form-data": obj{"schema": obj{"type": "object", "properties": obj{
					"file":    obj{"type": "string", "format": "binary", "description": "The file; its file name gives the format unless format is given."},
					"mapping": obj{"type": "string", "description": "A saved mapping, JSON. Send it before the file, so that the upload's own job runs (otherwise the run is a second job of the same file)."},
				}, "required": []string{"file"}}},
			}}
		}
		out = append(out, struct {
			method, path string
			op           obj
		}{e.method, e.path, o})
	}
	return out
}

// addImportAPI adds the import endpoints and schemas to doc.
func addImportAPI(doc obj) {
	paths := doc["paths"].(obj)
	for _, e := range importOperations() {
		p := Prefix + e.path
		if paths[p] == nil {
			paths[p] = obj{}
		}
		paths[p].(obj)[strings.ToLower(e.method)] = e.op
	}
	for k, v := range importSchemas() {
		doc["components"].(obj)["schemas"].(obj)[k] = v
	}
	doc["tags"] = append(doc["tags"].([]obj), obj{"name": "imports"})
}
