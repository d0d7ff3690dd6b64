package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"vrs"
	"vrs/refdata"
	"vrs/web"
)

// incidentListParams are the query parameters of GET /incidents; type
// and status may be repeated or comma-separated, the others are given
// once. Identifier search is not among them: a personal value in an
// address ends up in proxy logs and browser history, so it goes in the
// body of POST /incidents/search.
var incidentListParams = []string{"type", "status", "from", "to", "country", "agency_id", "nationality", "route_country",
	"q", "sort", "after", "limit"}

// identifierParams are refused in a query string, with a pointer to the
// search endpoint.
var identifierParams = []string{"identifier", "identifier_kind"}

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

// incidentPage is the answer of GET /incidents and POST /incidents/search.
type incidentPage struct {
	Items []*vrs.IncidentSummary `json:"items"`
	Count int                    `json:"count"`
	Next  string                 `json:"next,omitempty"`
}

// filterError builds the error for one bad filter, as queryError does: key
// and args make the message (the name comes first), fieldKey the message
// under the name.
type filterError func(key, name, fieldKey string, args ...any) error

// parseIncidentFilter reads the list's query parameters strictly.
func parseIncidentFilter(r *http.Request) (vrs.IncidentFilter, url.Values, error) {
	var f vrs.IncidentFilter
	all, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return f, nil, vrs.Errorf(vrs.EINVALID, "api.error.query_syntax")
	}
	// Refused before anything else, and without repeating the value.
	for _, k := range identifierParams {
		if _, ok := all[k]; ok {
			return f, nil, queryError("api.error.identifier_in_query", k, "api.field.identifier_in_query", Prefix+"/incidents/search")
		}
	}
	// The repeatable parameters apart, the rest go through parseQuery's
	// checks (known, once, UTF-8).
	single := url.Values{}
	for k, v := range all {
		if !slices.Contains(incidentMultiParams, k) {
			single[k] = v
		}
	}
	if _, err := parseQuery(&http.Request{URL: &url.URL{RawQuery: single.Encode()}}, incidentListParams...); err != nil {
		return f, nil, err
	}
	f, err = incidentFilter(all, queryError)
	return f, all, err
}

// incidentFilter checks the list's filters, given as text, into a store
// filter: the query string of GET /incidents, or the body of POST
// /incidents/search turned into the same values.
func incidentFilter(all url.Values, bad filterError) (vrs.IncidentFilter, error) {
	var f vrs.IncidentFilter
	for _, v := range splitValues(all["type"]) {
		t := vrs.IncidentType(v)
		if !slices.Contains(vrs.IncidentTypes, t) {
			return f, bad("api.error.query_value", "type", "field.incident_type")
		}
		if !slices.Contains(f.Types, t) {
			f.Types = append(f.Types, t)
		}
	}
	for _, v := range splitValues(all["status"]) {
		s := vrs.IncidentStatus(v)
		if !slices.Contains(vrs.IncidentStatuses, s) {
			return f, bad("api.error.query_value", "status", "api.field.incident_status")
		}
		if !slices.Contains(f.Statuses, s) {
			f.Statuses = append(f.Statuses, s)
		}
	}
	for _, d := range []struct {
		name string
		to   *string
	}{{"from", &f.From}, {"to", &f.To}} {
		s := all.Get(d.name)
		if s == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return f, bad("api.error.query_date", d.name, "field.date")
		}
		*d.to = s
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		return f, bad("api.error.query_date_order", "to", "api.field.date_order")
	}
	for _, c := range []struct {
		name string
		to   *string
	}{{"country", &f.Country}, {"nationality", &f.Nationality}, {"route_country", &f.RouteCountry}} {
		s := all.Get(c.name)
		if s == "" {
			continue
		}
		if !isAlpha2(s) {
			return f, bad("api.error.query_value", c.name, "field.country_code")
		}
		*c.to = strings.ToUpper(s)
	}
	var err error
	if f.AgencyID, err = integerFilter(all, "agency_id", 1, 1<<53, bad); err != nil {
		return f, err
	}
	for _, t := range []struct {
		name string
		to   *string
	}{{"q", &f.Text}, {"identifier", &f.Identifier}, {"after", &f.After}} {
		s := all.Get(t.name)
		if utf8.RuneCountInString(s) > maxIncidentQuery {
			return f, bad("api.error.query_too_long", t.name, "field.text_too_long", maxIncidentQuery)
		}
		*t.to = s
	}
	if k := all.Get("identifier_kind"); k != "" {
		if !identifierSearchKind(k) {
			return f, bad("api.error.query_value", "identifier_kind", "api.field.identifier_kind")
		}
		if f.Identifier == "" {
			return f, bad("api.error.identifier_kind_alone", "identifier_kind", "api.field.identifier_kind_alone")
		}
		f.IdentifierKind = k
	}
	f.Sort = all.Get("sort")
	limit, err := integerFilter(all, "limit", 1, maxIncidentLimit, bad)
	if err != nil {
		return f, err
	}
	f.Limit = int(limit)
	return f, nil
}

// integerFilter reads a whole number in [lo, hi], 0 when absent.
func integerFilter(all url.Values, name string, lo, hi int64, bad filterError) (int64, error) {
	s := all.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, bad("api.error.query_integer", name, "api.field.type_integer", lo, hi)
	}
	return n, nil
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
	// A search reaches other countries' records only for a stated purpose.
	pr, err := withPurpose(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	r = pr
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

// incidentSearchRequest is the body of POST /incidents/search: an exact
// identifier search, with the list's filters and paging.
type incidentSearchRequest struct {
	IdentifierKind string   `json:"identifier_kind"`
	Identifier     string   `json:"identifier"`
	Type           []string `json:"type"`
	Status         []string `json:"status"`
	From           string   `json:"from"`
	To             string   `json:"to"`
	Country        string   `json:"country"`
	AgencyID       *int64   `json:"agency_id"`
	Nationality    string   `json:"nationality"`
	RouteCountry   string   `json:"route_country"`
	Q              string   `json:"q"`
	Sort           string   `json:"sort"`
	After          string   `json:"after"`
	Limit          *int64   `json:"limit"`
}

// bodyFilterError names a bad field of the search body; the field's
// message says what is wrong with it.
func bodyFilterError(key, name, fieldKey string, args ...any) error {
	if name == "limit" {
		fieldKey = "api.field.search_limit"
	}
	return vrs.FieldErrors(map[string]string{name: fieldKey})
}

// incidentSearch answers one page of the incidents the caller may see
// that hold a personal identifier, sent in the body so that it stays out
// of addresses and logs. The answer is the list's; the next page is asked
// with the same body and after set to next.
func (a *API) incidentSearch(w http.ResponseWriter, r *http.Request) {
	svc, err := a.incidents()
	if err != nil {
		a.error(w, r, err)
		return
	}
	// A search reaches other countries' records only for a stated purpose.
	pr, err := withPurpose(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	r = pr
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	var req incidentSearchRequest
	if err := decodeJSON(r, &req); err != nil {
		a.error(w, r, err)
		return
	}
	all := url.Values{"type": req.Type, "status": req.Status}
	for k, v := range map[string]string{"identifier_kind": req.IdentifierKind, "identifier": req.Identifier, "from": req.From, "to": req.To,
		"country": req.Country, "nationality": req.Nationality, "route_country": req.RouteCountry, "q": req.Q, "sort": req.Sort, "after": req.After} {
		all.Set(k, v)
	}
	if req.AgencyID != nil {
		all.Set("agency_id", strconv.FormatInt(*req.AgencyID, 10))
	}
	if req.Limit != nil {
		all.Set("limit", strconv.FormatInt(*req.Limit, 10))
	}
	if strings.TrimSpace(req.Identifier) == "" {
		a.error(w, r, vrs.FieldErrors(map[string]string{"identifier": "field.required"}))
		return
	}
	if req.IdentifierKind == "" {
		all.Set("identifier_kind", "name")
	}
	f, err := incidentFilter(all, bodyFilterError)
	if err != nil {
		a.error(w, r, err)
		return
	}
	page, err := svc.ListIncidents(r.Context(), f)
	if err != nil {
		a.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, incidentPage{Items: nonNil(page.Items), Count: len(page.Items), Next: page.Next})
}
