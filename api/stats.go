package api

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"vrs"
	"vrs/pivot"
	"vrs/refdata"
	"vrs/sdmx"
	"vrs/web"
)

// statsFormats are the forms GET /stats answers in.
var statsFormats = []string{"json", "csv", "xlsx", "sdmx-csv"}

// stats answers a statistics query over the records the caller may count,
// small cells withheld when the view may include another country's
// records (pivot.MayIncludeForeign), as the pivot page shows it.
func (a *API) stats(w http.ResponseWriter, r *http.Request) {
	u := vrs.UserFromContext(r.Context())
	v, format, err := parseStatsQuery(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	q := pivot.ParseQuery(v)
	if err := q.Validate(refdata.Checker{}); err != nil {
		a.error(w, r, err)
		return
	}
	settings, err := a.store.Settings(r.Context())
	if err != nil {
		a.error(w, r, err)
		return
	}
	// Any country may raise the threshold for views that count its records.
	countries, err := a.store.ListCountries(r.Context(), vrs.CountryFilter{})
	if err != nil {
		a.error(w, r, err)
		return
	}
	t, err := pivot.Run(r.Context(), a.store, u, q, pivot.ViewMinCell(settings, countries, q))
	if err != nil {
		a.error(w, r, err)
		return
	}
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="vrs-statistics.csv"`)
		_ = t.WriteCSV(w)
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="vrs-statistics.xlsx"`)
		_ = t.WriteXLSX(w)
	case "sdmx-csv":
		// Written whole first: a view SDMX cannot express is a 400.
		var b bytes.Buffer
		if err := t.WriteSDMX(&b); err != nil {
			a.error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", sdmx.ContentType)
		w.Header().Set("Content-Disposition", `attachment; filename="vrs-statistics.sdmx.csv"`)
		_, _ = w.Write(b.Bytes())
	default:
		web.WriteJSON(w, http.StatusOK, t.JSON())
	}
}

// parseStatsQuery refuses parameters the query does not know and repeated
// ones (but filters, whose values may come one by one).
func parseStatsQuery(r *http.Request) (url.Values, string, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, "", vrs.Errorf(vrs.EINVALID, "api.error.query_syntax")
	}
	for k, vs := range v {
		if strings.HasPrefix(k, pivot.FilterPrefix) {
			continue
		}
		switch k {
		case "rows", "cols", "measure", "from", "to", "format":
		default:
			return nil, "", queryError("api.error.query_unknown", k, "api.field.unknown")
		}
		if len(vs) > 1 {
			return nil, "", queryError("api.error.query_repeated", k, "api.field.duplicate")
		}
	}
	format := v.Get("format")
	if format == "" {
		format = "json"
	}
	ok := false
	for _, f := range statsFormats {
		ok = ok || f == format
	}
	if !ok {
		return nil, "", queryError("export.error.format", "format", "export.field.format", strings.Join(statsFormats, ", "))
	}
	v.Del("format")
	return v, format, nil
}

// statsRecordsLimit bounds the records listed behind one cell.
const statsRecordsLimit = 1000

// statsRecords lists the records behind one cell of a statistics query
// (drill-down): those the caller may read at pseudonymised granularity or
// finer. cell gives the cell's keys, comma-separated, in the order of the
// rows then the columns; limit (default and most 1000) how many ids.
func (a *API) statsRecords(w http.ResponseWriter, r *http.Request) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		a.error(w, r, vrs.Errorf(vrs.EINVALID, "api.error.query_syntax"))
		return
	}
	cell, hasCell := v["cell"]
	limit := statsRecordsLimit
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > statsRecordsLimit {
			a.error(w, r, queryError("api.error.query_value", "limit", "api.field.stats_limit"))
			return
		}
		limit = n
	}
	v.Del("cell")
	v.Del("limit")
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = v.Encode()
	qv, format, err := parseStatsQuery(r2)
	if err != nil {
		a.error(w, r, err)
		return
	}
	if format != "json" || !hasCell || len(cell) != 1 {
		a.error(w, r, queryError("api.error.query_value", "cell", "api.field.stats_cell"))
		return
	}
	q := pivot.ParseQuery(qv)
	var keys []string
	if len(q.Dimensions()) > 0 {
		keys = strings.Split(cell[0], ",")
	}
	recs, err := a.store.StatsRecords(r.Context(), q, keys, limit)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, recs)
}
