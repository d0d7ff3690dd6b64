package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"vrs"
	"vrs/refdata"
	"vrs/web"
)

// incidentListParams are the query parameters of GET /incidents; type
// and status may be repeated or comma-separated, the others are given
// once.
var incidentListParams = []string{"type", "status", "from", "to", "country", "agency_id", "nationality", "route_country",
	"q", "identifier_kind", "identifier", "sort", "after", "limit"}

// incidentMultiParams may be repeated.
var incidentMultiParams = []string{"type", "status"}

// Bounds of the incident list's parameters: the store's page size and the
// longest search text worth sending.
const (
	maxIncidentLimit = 200
	maxIncidentQuery = 200
)

// identifierSearchKinds are the kinds the blind index knows: names and
// aliases, dates of birth, and the identifier kinds of the code list.
func identifierSearchKind(k string) bool {
	return k == "name" || k == "date_of_birth" || refdata.HasCode("identifier_kind", k)
}

// incidentPage is the answer of GET /incidents.
type incidentPage struct {
	Items []*vrs.IncidentSummary `json:"items"`
	Count int                    `json:"count"`
	Next  string                 `json:"next,omitempty"`
}

// parseIncidentFilter reads the list's query parameters strictly.
func parseIncidentFilter(r *http.Request) (vrs.IncidentFilter, url.Values, error) {
	var f vrs.IncidentFilter
	all, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return f, nil, vrs.Errorf(vrs.EINVALID, "api.error.query_syntax")
	}
	// The repeatable parameters apart, the rest go through parseQuery's
	// checks (known, once, UTF-8).
	single := url.Values{}
	for k, v := range all {
		if !slices.Contains(incidentMultiParams, k) {
			single[k] = v
		}
	}
	q, err := parseQuery(&http.Request{URL: &url.URL{RawQuery: single.Encode()}}, incidentListParams...)
	if err != nil {
		return f, nil, err
	}
	for _, v := range splitValues(all["type"]) {
		t := vrs.IncidentType(v)
		if !slices.Contains(vrs.IncidentTypes, t) {
			return f, nil, queryError("api.error.query_value", "type", "field.incident_type")
		}
		if !slices.Contains(f.Types, t) {
			f.Types = append(f.Types, t)
		}
	}
	for _, v := range splitValues(all["status"]) {
		s := vrs.IncidentStatus(v)
		if !slices.Contains(vrs.IncidentStatuses, s) {
			return f, nil, queryError("api.error.query_value", "status", "api.field.incident_status")
		}
		if !slices.Contains(f.Statuses, s) {
			f.Statuses = append(f.Statuses, s)
		}
	}
	for _, d := range []struct {
		name string
		to   *string
	}{{"from", &f.From}, {"to", &f.To}} {
		s := q.str(d.name)
		if s == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return f, nil, queryError("api.error.query_date", d.name, "field.date")
		}
		*d.to = s
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		return f, nil, queryError("api.error.query_date_order", "to", "api.field.date_order")
	}
	for _, c := range []struct {
		name string
		to   *string
	}{{"country", &f.Country}, {"nationality", &f.Nationality}, {"route_country", &f.RouteCountry}} {
		if *c.to, err = q.country(c.name); err != nil {
			return f, nil, err
		}
	}
	if f.AgencyID, err = q.int64("agency_id", 1, 1<<53); err != nil {
		return f, nil, err
	}
	for _, t := range []struct {
		name string
		to   *string
	}{{"q", &f.Text}, {"identifier", &f.Identifier}, {"after", &f.After}} {
		s := q.str(t.name)
		if utf8.RuneCountInString(s) > maxIncidentQuery {
			return f, nil, queryError("api.error.query_too_long", t.name, "field.text_too_long", maxIncidentQuery)
		}
		*t.to = s
	}
	if k := q.str("identifier_kind"); k != "" {
		if !identifierSearchKind(k) {
			return f, nil, queryError("api.error.query_value", "identifier_kind", "api.field.identifier_kind")
		}
		if f.Identifier == "" {
			return f, nil, queryError("api.error.identifier_kind_alone", "identifier_kind", "api.field.identifier_kind_alone")
		}
		f.IdentifierKind = k
	}
	f.Sort = q.str("sort")
	limit, err := q.int64("limit", 1, maxIncidentLimit)
	if err != nil {
		return f, nil, err
	}
	f.Limit = int(limit)
	return f, all, nil
}

// splitValues splits comma-separated values and drops blanks.
func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// incidentList answers one page of the incidents the caller may see,
// without personal data, and the cursor of the next page.
func (a *API) incidentList(w http.ResponseWriter, r *http.Request) {
	svc, err := a.incidents()
	if err != nil {
		a.error(w, r, err)
		return
	}
	f, all, err := parseIncidentFilter(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	page, err := svc.ListIncidents(r.Context(), f)
	if err != nil {
		a.error(w, r, err)
		return
	}
	out := incidentPage{Items: nonNil(page.Items), Count: len(page.Items), Next: page.Next}
	if page.Next != "" {
		all.Set("after", page.Next)
		w.Header().Set("Link", "<"+Prefix+"/incidents?"+all.Encode()+`>; rel="next"`)
	}
	web.WriteJSON(w, http.StatusOK, out)
}
