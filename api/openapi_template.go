package api

import (
	"strings"

	"vrs"
	"vrs/importer"
)

// addTemplateAPI adds the template endpoints and schemas to doc.
func addTemplateAPI(doc obj) {
	types := make([]string, len(vrs.IncidentTypes))
	for i, t := range vrs.IncidentTypes {
		types[i] = string(t)
	}
	op := operation{id: "getImportTemplate", tag: "templates", summary: "Download the import template of an incident type", status: 200,
		description: "A file to fill and import: its column headers are the importer's field paths (reference, persons[].nationalities, ...), " +
			"so a filled template imports without a mapping. One row per person, the incident's columns repeated on each row of the same reference, " +
			"payment columns adding one payment. Columns are those the type uses. xlsx: a Data sheet with drop-down lists from the code lists " +
			"(on a hidden Lists sheet) and an Instructions sheet describing each column (meaning, whether required, values and format); " +
			"csv: the header row, UTF-8 with a byte-order mark; columns: the CSV's column descriptions as CSV (column, meaning, required, values and format); " +
			"jsonl: one example incident of the type on one line, in the shape of the incident API, valid as it stands. " +
			"Reporters with an agency to record for (403 otherwise). An unknown type answers 404, an unknown format 400.",
		query: []obj{queryParam("format", obj{"type": "string", "enum": importer.TemplateFormats, "default": importer.TemplateXLSX}, "The file's format.")},
		errs:  []string{"403"},
	}
	o := op.build(nil, false)
	o["parameters"] = append([]obj{{"name": "type", "in": "path", "required": true, "description": "Incident type; an unknown type answers 404.",
		"schema": obj{"type": "string", "enum": types}}}, o["parameters"].([]obj)...)
	rs := o["responses"].(obj)
	rs["404"] = responseRef("NotFound")
	file := func(desc string) obj { return obj{"schema": obj{"type": "string", "description": desc}} }
	rs["200"] = obj{
		"description": "The template, with Content-Disposition: attachment and a file name (vrs-template-TYPE.xlsx, .csv, -columns.csv, .jsonl).",
		"content": obj{
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": obj{"schema": obj{"type": "string", "contentMediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
			"text/csv":          file("format=csv or format=columns."),
			"application/jsonl": file("format=jsonl: one JSON incident per line."),
		},
	}
	paths := doc["paths"].(obj)
	p := Prefix + "/import-templates/{type}"
	if paths[p] == nil {
		paths[p] = obj{}
	}
	paths[p].(obj)["get"] = o
	for _, t := range doc["tags"].([]obj) {
		if strings.EqualFold(t["name"].(string), "templates") {
			return
		}
	}
	doc["tags"] = append(doc["tags"].([]obj), obj{"name": "templates"})
}
