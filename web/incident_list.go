package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"vrs"
	"vrs/access"
	"vrs/refdata"
)

// incidentSorts are the store's sort names, in the order the list offers them.
var incidentSorts = []string{"-updated", "updated", "-detected", "detected", "reference"}

// identifierKinds are the kinds of personal value the identifier search
// finds by exact match: names (and aliases), dates of birth and the
// identifier kinds.
var identifierKinds = []string{"name", "document_number", "phone", "account", "address", "email", "social_media", "date_of_birth"}

// incidentRow is one line of a list of incidents.
type incidentRow struct {
	*vrs.IncidentSummary
	TypeLabel    string
	StatusLabel  string
	CountryLabel string
	PlaceLabel   string
	Updated      string
	// Waiting says how long a submitted incident has waited for review.
	Waiting string
	// Pseudonymised: the reader opens it with pseudonyms (another
	// country's record in full too, until a purpose is stated).
	Pseudonymised bool
	TLPClass      string
}

// listFilter is the list's query string as typed, to show it again.
type listFilter struct {
	Type, Status, From, To, Country, Agency, Nationality, Route, Q, Sort string
	After, Limit                                                         string
}

// findForm is the identifier search as typed. It is posted, never put in
// an address: proxies and browser histories keep addresses, and personal
// values must not be kept there.
type findForm struct {
	Kind, Value string
}

type incidentListData struct {
	Form         listFilter
	Find         findForm
	Errs         map[string]string
	Types        []option
	Statuses     []option
	Countries    []option // member countries: owning country
	AllCountries []option // every country: nationality, route
	Routes       []option
	Agencies     []optGroup
	Sorts        []option
	IDKinds      []option
	Rows         []incidentRow
	Next         string // URL of the next page, if any
	First        string // URL of the first page, when not on it
	Filtered     bool
	CanCreate    bool
	Searched     bool // an identifier search was made
	// More says the search found more than the page shows.
	More bool
	// FindOpen opens the identifier search: it was used or refused.
	FindOpen bool
}

// maxFind is how many incidents an identifier search shows: exact matches
// are few, so one page of the store's largest size, without a pager (a
// page link would have to carry the identifier).
const maxFind = 200

// incidentList shows the incidents the user may see, filtered and paged.
func (s *Server) incidentList(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !u.HasDataRole() {
		s.error(w, r, vrs.Forbidden())
		return
	}
	svc, err := s.incidentService()
	if err != nil {
		s.error(w, r, err)
		return
	}
	q := r.URL.Query()
	form := listFilter{
		Type: q.Get("type"), Status: q.Get("status"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
		Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), Agency: q.Get("agency"),
		Nationality: strings.ToUpper(strings.TrimSpace(q.Get("nationality"))), Route: strings.ToUpper(strings.TrimSpace(q.Get("route"))),
		Q: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"),
		After: q.Get("after"), Limit: q.Get("limit"),
	}
	f, errs := parseListFilter(q, form)
	d := &incidentListData{Form: form, Errs: map[string]string{}, CanCreate: access.CaptureIncident(u, u.AgencyID) == nil}
	for _, key := range []string{"type", "status", "from", "to", "country", "agency", "nationality", "route", "q"} {
		if q.Get(key) != "" {
			d.Filtered = true
		}
	}
	// An identifier in the address (an old bookmark, a hand-made link) is
	// refused rather than ignored, which would show an unfiltered list as
	// if it were the answer; the value is not shown back.
	refused := false
	for _, key := range []string{"identifier", "identifier_kind"} {
		if _, ok := q[key]; ok {
			refused = true
		}
	}
	if refused {
		d.FindOpen = true
	}
	if err := s.listOptions(r, d); err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "incident.list.title")
	p.Flash = s.flash(r)
	status := http.StatusOK
	switch {
	case refused:
		status = http.StatusBadRequest
	case len(errs) == 0:
		page, err := svc.ListIncidents(r.Context(), f)
		if err != nil {
			if vrs.ErrorCode(err) != vrs.EINVALID {
				s.error(w, r, err)
				return
			}
			_, fields := s.cat.Error(p.Lang, err)
			for k, v := range fields {
				d.Errs[k] = v
			}
			status = http.StatusBadRequest
		} else {
			d.Rows = s.incidentRows(r, page.Items)
			if page.Next != "" {
				next := cleanQuery(q)
				next.Set("after", page.Next)
				d.Next = "/incidents?" + next.Encode()
			}
		}
	default:
		for k, key := range errs {
			d.Errs[k] = s.tr(r, key)
		}
		status = http.StatusBadRequest
	}
	if form.After != "" {
		first := cleanQuery(q)
		first.Del("after")
		d.First = "/incidents"
		if len(first) > 0 {
			d.First += "?" + first.Encode()
		}
	}
	if status != http.StatusOK && refused {
		p.Error = s.tr(r, "incident.list.identifier_in_address")
	} else if status != http.StatusOK {
		p.Error = s.tr(r, "incident.list.bad_filter")
		// A cursor that does not read is shown by the pager.
		if msg, ok := d.Errs["after"]; ok {
			p.Error = msg
			if d.First == "" {
				d.First = "/incidents"
			}
		}
		for _, k := range []string{"sort", "limit"} {
			if msg, ok := d.Errs[k]; ok {
				p.Error = msg
			}
		}
	}
	p.Data = d
	s.render(w, r, status, "incident_list", p)
}

// incidentFind shows the incidents holding a personal identifier: the
// value comes in the body of a POST, and the page it answers links to
// nothing that carries it.
func (s *Server) incidentFind(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err == nil && !u.HasDataRole() {
		err = vrs.Forbidden()
	}
	if err == nil {
		err = parseForm(r)
	}
	var svc vrs.IncidentService
	if err == nil {
		svc, err = s.incidentService()
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	find := findForm{Kind: r.PostFormValue("identifier_kind"), Value: strings.TrimSpace(r.PostFormValue("identifier"))}
	if find.Kind == "" {
		find.Kind = "name"
	}
	d := &incidentListData{Find: find, Errs: map[string]string{}, CanCreate: access.CaptureIncident(u, u.AgencyID) == nil,
		Searched: true, FindOpen: true}
	switch {
	case !slices.Contains(identifierKinds, find.Kind):
		d.Errs["identifier_kind"] = s.tr(r, "field.code_identifier_kind")
	case find.Value == "":
		d.Errs["identifier"] = s.tr(r, "field.required")
	case len([]rune(find.Value)) > 200:
		d.Errs["identifier"] = s.tr(r, "field.text_too_long")
	}
	if err := s.listOptions(r, d); err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "incident.find.title")
	status := http.StatusOK
	if len(d.Errs) == 0 {
		page, err := svc.ListIncidents(r.Context(), vrs.IncidentFilter{IdentifierKind: find.Kind, Identifier: find.Value, Limit: maxFind})
		if err != nil {
			if vrs.ErrorCode(err) != vrs.EINVALID {
				s.error(w, r, err)
				return
			}
			_, fields := s.cat.Error(p.Lang, err)
			for k, v := range fields {
				d.Errs[k] = v
			}
		} else {
			d.Rows = s.incidentRows(r, page.Items)
			d.More = page.Next != ""
		}
	}
	if len(d.Errs) > 0 {
		status = http.StatusBadRequest
		p.Error = s.tr(r, "incident.find.bad")
	}
	p.Data = d
	s.render(w, r, status, "incident_list", p)
}

// cleanQuery copies a list query without empty values, flash and any
// identifier, so that page links stay short and hold no personal value.
func cleanQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		if k == "flash" || k == "identifier" || k == "identifier_kind" {
			continue
		}
		for _, v := range vs {
			if v != "" {
				out.Add(k, v)
			}
		}
	}
	return out
}

// parseListFilter reads the list's query string into a store filter; errs
// maps each bad parameter to a catalogue key.
func parseListFilter(q url.Values, form listFilter) (vrs.IncidentFilter, map[string]string) {
	errs := map[string]string{}
	f := vrs.IncidentFilter{Text: form.Q, Sort: form.Sort, After: form.After}
	for _, t := range q["type"] {
		switch {
		case t == "":
		case slices.Contains(vrs.IncidentTypes, vrs.IncidentType(t)):
			f.Types = append(f.Types, vrs.IncidentType(t))
		default:
			errs["type"] = "incident.list.err_type"
		}
	}
	for _, st := range q["status"] {
		switch {
		case st == "":
		case slices.Contains(vrs.IncidentStatuses, vrs.IncidentStatus(st)):
			f.Statuses = append(f.Statuses, vrs.IncidentStatus(st))
		default:
			errs["status"] = "incident.list.err_status"
		}
	}
	day := func(name, v string) string {
		if v == "" {
			return ""
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil || len(v) != 10 {
			errs[name] = "field.date"
			return ""
		}
		return v
	}
	f.From, f.To = day("from", form.From), day("to", form.To)
	if f.From != "" && f.To != "" && f.From > f.To {
		errs["to"] = "incident.list.err_period"
	}
	country := func(name, v string) string {
		if v != "" && !refdata.HasCode("country", v) {
			errs[name] = "field.code_country"
			return ""
		}
		return v
	}
	f.Country, f.Nationality, f.RouteCountry = country("country", form.Country), country("nationality", form.Nationality), country("route", form.Route)
	if form.Agency != "" {
		id, err := strconv.ParseInt(form.Agency, 10, 64)
		if err != nil || id <= 0 {
			errs["agency"] = "incident.list.err_agency"
		}
		f.AgencyID = id
	}
	if form.Sort != "" && !slices.Contains(incidentSorts, form.Sort) {
		errs["sort"] = "field.sort"
	}
	if form.Limit != "" {
		n, err := strconv.Atoi(form.Limit)
		if err != nil || n < 1 || n > 200 {
			errs["limit"] = "field.page_size"
		}
		f.Limit = n
	}
	if len([]rune(form.Q)) > 200 {
		errs["q"] = "field.text_too_long"
	}
	return f, errs
}

// listOptions fills the filter form's choices.
func (s *Server) listOptions(r *http.Request, d *incidentListData) error {
	ctx := r.Context()
	d.Types = append(d.Types, option{Value: "", Label: s.tr(r, "incident.list.all_types")})
	for _, t := range vrs.IncidentTypes {
		d.Types = append(d.Types, option{Value: string(t), Label: codeLabel("incident_type", string(t)), Selected: d.Form.Type == string(t)})
	}
	d.Statuses = append(d.Statuses, option{Value: "", Label: s.tr(r, "incident.list.all_statuses")})
	for _, st := range vrs.IncidentStatuses {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: codeLabel("incident_status", string(st)), Selected: d.Form.Status == string(st)})
	}
	countries, err := s.store.ListCountries(ctx, vrs.CountryFilter{})
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, c := range countries {
		names[c.Alpha2] = c.Name
		label := c.Name + " (" + c.Alpha2 + ")"
		if c.Member {
			d.Countries = append(d.Countries, option{Value: c.Alpha2, Label: label, Selected: d.Form.Country == c.Alpha2})
		}
		d.AllCountries = append(d.AllCountries, option{Value: c.Alpha2, Label: label, Selected: d.Form.Nationality == c.Alpha2})
		d.Routes = append(d.Routes, option{Value: c.Alpha2, Label: label, Selected: d.Form.Route == c.Alpha2})
	}
	agencies, err := s.store.ListAgencies(ctx, vrs.AgencyFilter{})
	if err != nil {
		return err
	}
	selected, _ := strconv.ParseInt(d.Form.Agency, 10, 64)
	d.Agencies = agencyGroups(agencies, names, []int64{selected})
	for _, so := range incidentSorts {
		d.Sorts = append(d.Sorts, option{Value: so, Label: s.tr(r, "incident.list.sort."+strings.TrimPrefix(so, "-")+sortDir(so)), Selected: d.Form.Sort == so})
	}
	for _, k := range identifierKinds {
		d.IDKinds = append(d.IDKinds, option{Value: k, Label: s.identifierKindLabel(r, k), Selected: d.Find.Kind == k})
	}
	return nil
}

func sortDir(name string) string {
	if strings.HasPrefix(name, "-") {
		return "_desc"
	}
	return ""
}

// identifierKindLabel names a kind of searchable value.
func (s *Server) identifierKindLabel(r *http.Request, kind string) string {
	switch kind {
	case "name":
		return s.tr(r, "incident.list.kind_name")
	case "date_of_birth":
		return s.tr(r, "incident.list.kind_dob")
	}
	return codeLabel("identifier_kind", kind)
}

// incidentRows labels a page of summaries.
func (s *Server) incidentRows(r *http.Request, items []*vrs.IncidentSummary) []incidentRow {
	now := s.cfg.Now()
	rows := make([]incidentRow, len(items))
	for i, it := range items {
		row := incidentRow{IncidentSummary: it, TypeLabel: codeLabel("incident_type", string(it.Type)),
			StatusLabel: codeLabel("incident_status", string(it.Status)), CountryLabel: codeLabel("country", it.Place),
			Updated: it.UpdatedAt.UTC().Format("2006-01-02 15:04")}
		row.PlaceLabel = row.CountryLabel
		if it.PlaceName != "" {
			row.PlaceLabel = it.PlaceName + ", " + row.CountryLabel
		}
		row.Waiting = s.since(r, now.Sub(it.UpdatedAt))
		foreign := access.Foreign(stateOf(r).user, access.IncidentRef{AgencyID: it.AgencyID, Country: it.Country})
		row.Pseudonymised = it.Granularity == vrs.GranPseudonymised || it.Granularity == vrs.GranFull && foreign
		row.TLPClass = tlpClass(it.TLP)
		rows[i] = row
	}
	return rows
}

// since says how long ago, roughly, for the review queue.
func (s *Server) since(r *http.Request, d time.Duration) string {
	switch {
	case d < time.Hour:
		return s.tr(r, "incident.review.minutes", max(int(d.Minutes()), 0))
	case d < 48*time.Hour:
		return s.tr(r, "incident.review.hours", int(d.Hours()))
	}
	return s.tr(r, "incident.review.days", int(d.Hours()/24))
}

// codeLabel labels a code from a code list, falling back to the code
// itself when the list does not know it.
func codeLabel(list, code string) string {
	if code == "" {
		return ""
	}
	if l := refdata.CodeLabel(list, code); l != "" {
		return l
	}
	return code
}
