package api

import (
	"slices"
	"strings"

	"vrs"
)

// addStatsAPI adds GET /stats and its schema to doc.
func addStatsAPI(doc obj) {
	dims := make([]string, len(vrs.StatDimensions))
	for i, d := range vrs.StatDimensions {
		dims[i] = string(d)
	}
	line := obj{"type": "object", "required": []string{"keys", "value"}, "properties": obj{
		"keys": arrayOf(str(""), "The cell's keys, in the order of the rows then the columns; \"\" is not recorded; _T in a margin stands for all values of that dimension."),
		"value": obj{"type": []string{"number", "null"},
			"description": "The count (or sum of fees); null when withheld."},
		"suppressed": obj{"type": "string", "enum": []string{"primary", "secondary"},
			"description": "Why the value is withheld: primary, below min_cell; secondary, so that a primary value cannot be worked out from the others."},
	}}
	doc["components"].(obj)["schemas"].(obj)["StatLine"] = line
	lines := func(desc string) obj { return arrayOf(schemaRef("StatLine"), desc) }
	doc["components"].(obj)["schemas"].(obj)["StatResult"] = obj{"type": "object", "properties": obj{
		"query":            obj{"type": "object", "description": "The query answered (rows, cols, filters, measure, from, to)."},
		"cells":            lines("The cells that count something or are withheld, sorted by keys; missing cells are zero."),
		"row_totals":       lines("Totals by the row dimensions alone. A unit with several keys counts once in each cell but once in a total, so cells may add up to more than their total."),
		"col_totals":       lines("Totals by the column dimensions alone."),
		"total":            obj{"type": []string{"number", "null"}, "description": "Every unit passing the filters, once; null when withheld."},
		"total_suppressed": obj{"type": "string", "enum": []string{"primary", "secondary"}},
		"protected":        boolean("Whether small cells were withheld: always, unless the query filters country to exactly the caller's own country."),
		"min_cell":         integer("The threshold k, the installation setting stats.min_cell: counts from 1 to k-1 are withheld, with enough others that none can be worked out."),
	}}
	params := []obj{
		queryParam("measure", enum(vrs.StatMeasures, "What is counted: incidents, persons by role, dead or missing, fees (count, sum, quartiles and median). Amounts in the currency paid (fees_sum, fees_q1, fees_median, fees_q3) need the currency dimension or a filter of one currency; the _usd measures convert each fee at the average rate of the year paid and leave out currencies without a rate."), "Required."),
		queryParam("rows", obj{"type": "string"}, "Comma-separated dimensions of the rows: "+strings.Join(dims, ", ")+"."),
		queryParam("cols", obj{"type": "string"}, "Comma-separated dimensions of the columns (at most three dimensions in all)."),
		{"name": "filter.{dimension}", "in": "query", "required": false, "schema": obj{"type": "string"},
			"description": "Comma-separated codes of a dimension (e.g. filter.nationality=AF,MM); a unit passes when one of its keys is among them. An empty value selects units with nothing recorded. Filters on several dimensions all apply."},
		queryParam("from", obj{"type": "string", "format": "date"}, "First detection date counted (inclusive)."),
		queryParam("to", obj{"type": "string", "format": "date"}, "Last detection date counted (inclusive)."),
		queryParam("format", withDefault(obj{"type": "string", "enum": statsFormats}, "json"),
			"json: the StatResult. csv and xlsx: one line per cell and margin, the dimensions then value and suppressed; a withheld value is empty. "+
				"sdmx-csv: an SDMX-CSV 2.0 message of the VRS dataflow, withheld values empty with CONF_STATUS A (primary) or D (secondary); a view the dataflow cannot express (agency, person status, dead and missing together, review status other than validated, a period neither broken down nor bounded at both ends) is a 400."),
	}
	doc["components"].(obj)["schemas"].(obj)["StatRecords"] = obj{"type": "object", "required": []string{"ids", "total"}, "properties": obj{
		"ids":   arrayOf(integer(""), "Incidents counted in the cell that you may open, newest detection first, at most limit."),
		"total": integer("How many incidents counted in the cell you may open; those you may only count are neither listed nor counted here."),
	}}
	recordParams := append(slices.Clone(params[:len(params)-1]),
		queryParam("cell", obj{"type": "string"}, "Required. The cell's keys, comma-separated, one per row then column dimension; empty for a query without dimensions (its total). A margin is a cell of the query without the other dimensions."),
		queryParam("limit", withDefault(obj{"type": "integer", "minimum": 1, "maximum": 1000}, 1000), "How many ids to list."))
	doc["paths"].(obj)[Prefix+"/stats/records"] = obj{"get": obj{
		"operationId": "getStatisticsRecords", "tags": []string{"statistics"},
		"summary":     "List the incidents behind one cell of a statistics query (drill-down)",
		"description": "The incidents counted in the cell, by the same rules as GET /stats, that you may read at pseudonymised granularity or finer: a record shared with you for statistics only is counted there but never listed here. Read each with GET /incidents/{id}.",
		"parameters":  recordParams,
		"responses": obj{"200": obj{"description": "The records.", "content": obj{"application/json": obj{"schema": schemaRef("StatRecords")}}},
			"400": responseRef("BadRequest"), "401": responseRef("Unauthorized"), "default": responseRef("Internal")},
	}}
	doc["paths"].(obj)[Prefix+"/stats"] = obj{"get": obj{
		"operationId": "getStatistics", "tags": []string{"statistics"},
		"summary": "Count incidents, persons or fees by up to three dimensions",
		"description": "Counts over the records you may see at aggregate granularity or finer, never more: your agency's and country's, " +
			"and other countries' as agreements, groups and statistics sharing allow. When the view may include another country's records, " +
			"counts below min_cell are withheld, with enough other cells and totals that none can be worked out.",
		"parameters": params,
		"responses": obj{"200": obj{"description": "The table.", "content": obj{
			"application/json": obj{"schema": schemaRef("StatResult")},
			"text/csv":         obj{"schema": obj{"type": "string"}},
			"application/vnd.sdmx.data+csv; version=2.0.0":                      obj{"schema": obj{"type": "string"}},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": obj{"schema": obj{"type": "string", "format": "binary"}},
		}}, "400": responseRef("BadRequest"), "401": responseRef("Unauthorized"), "default": responseRef("Internal")},
	}}
}
