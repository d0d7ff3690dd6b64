package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"vrs"
	"vrs/access"
	"vrs/refdata"
)

// The incident form: create (GET /incidents/new, POST /incidents) and edit
// (GET /incidents/{id}/edit, POST /incidents/{id}). Add and remove buttons
// post the whole form back without script; with htmx, add buttons fetch
// one row (GET /incidents/form/row) and remove buttons drop the row in the
// page. Form values are personal data: nothing here logs them.

// incidentFormData is what the template receives.
type incidentFormData struct {
	New       bool
	ID        int64
	Version   int
	Action    string
	Reference string
	Status    string
	// AgencyName is shown when fixed; Agencies is offered when the user
	// captures for several.
	AgencyName  string
	Agencies    *fieldView
	Basics      []fieldView
	Place       []fieldView
	More        []fieldView
	MoreOpen    bool
	Sections    []sectionView
	Sharing     *sharingFormView
	Summary     []summaryItem
	Error       string
	Conflict    bool
	ReloadURL   string
	CancelURL   string
	SubmitLabel string
}

// incidentService is the store's incident side.
func (s *Server) incidentService() (vrs.IncidentService, error) {
	if is, ok := s.store.(vrs.IncidentService); ok {
		return is, nil
	}
	return nil, vrs.Errorf(vrs.EINTERNAL, "error.internal")
}

// requireCapture returns the signed-in user if they may enter incidents
// for some agency.
func requireCapture(r *http.Request) (*vrs.User, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	if !u.HasRole(vrs.RoleReporter) || len(u.CaptureAgencies()) == 0 {
		return nil, vrs.Errorf(vrs.EFORBIDDEN, "error.incident_capture")
	}
	return u, nil
}

// localToday is the date to offer by default: the server's own calendar
// day, which is the region's when the server is in it.
func (s *Server) localToday() string { return s.cfg.Now().Format(time.DateOnly) }

// latestToday is the latest date anyone in the region may be living
// (UTC+14), as the store's validation has it.
func (s *Server) latestToday() string {
	return s.cfg.Now().UTC().Add(14 * time.Hour).Format(time.DateOnly)
}

// incidentNew shows an empty form laid out for a quick interception
// report: today's dates, the user's country, one person and one leg.
func (s *Server) incidentNew(w http.ResponseWriter, r *http.Request) {
	u, err := requireCapture(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	today := s.localToday()
	inc := &vrs.Incident{AgencyID: u.CaptureAgencies()[0], DetectedOn: today, ReportedOn: today,
		Place:   vrs.Place{Country: u.Country},
		Persons: []vrs.Person{{}}, Legs: []vrs.RouteLeg{{}}}
	if t := vrs.IncidentType(r.URL.Query().Get("type")); refdata.HasCode("incident_type", string(t)) {
		inc.Type = t
	}
	f := &incidentForm{Inc: inc, Raw: map[string]string{}, Errs: map[string]string{}}
	s.renderIncidentForm(w, r, u, f, nil)
}

// incidentCreate saves a new incident as a draft, or draws the form again
// with its errors, or with a row added or removed.
func (s *Server) incidentCreate(w http.ResponseWriter, r *http.Request) {
	u, err := requireCapture(r)
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := parseIncidentForm(r.PostForm)
	f.Inc.ID, f.Version = 0, 0
	if f.Inc.AgencyID == 0 && len(u.CaptureAgencies()) == 1 {
		f.Inc.AgencyID = u.CaptureAgencies()[0]
	}
	if f.Op != nil {
		s.renderIncidentForm(w, r, u, f, s.parseFailure(r, f, false))
		return
	}
	if fail := s.parseFailure(r, f, true); fail != nil {
		s.renderIncidentForm(w, r, u, f, fail)
		return
	}
	is, err := s.incidentService()
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := is.CreateIncident(r.Context(), f.Inc); err != nil {
		if fail := s.asFormFailure(r, err); fail != nil {
			s.renderIncidentForm(w, r, u, f, fail)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/incidents/"+strconv.FormatInt(f.Inc.ID, 10), "incident_form_created")
}

// incidentEdit shows the form for an incident the user may change.
func (s *Server) incidentEdit(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	var id int64
	if err == nil {
		id, err = pathID(r, "id")
	}
	var is vrs.IncidentService
	if err == nil {
		is, err = s.incidentService()
	}
	var inc *vrs.Incident
	if err == nil {
		inc, err = is.FindIncident(r.Context(), id)
	}
	if err == nil {
		err = access.CaptureIncident(u, inc.AgencyID)
	}
	if err == nil && !inc.Status.Editable() {
		err = vrs.Errorf(vrs.ECONFLICT, "error.incident_in_review")
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := &incidentForm{Inc: inc, Version: inc.Version, Raw: map[string]string{}, Errs: map[string]string{}}
	s.renderIncidentForm(w, r, u, f, nil)
}

// incidentUpdate saves a new version of the incident edited from version
// f.Version; if someone saved meanwhile, the form comes back with the
// user's input and a link to reload.
func (s *Server) incidentUpdate(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	var id int64
	if err == nil {
		id, err = pathID(r, "id")
	}
	if err == nil {
		err = parseForm(r)
	}
	var is vrs.IncidentService
	if err == nil {
		is, err = s.incidentService()
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := parseIncidentForm(r.PostForm)
	f.Inc.ID = id
	// The record's agency stays: the edit form does not offer it, and the
	// store refuses one posted that is not the incident's own.
	if f.Op != nil {
		s.renderIncidentForm(w, r, u, f, s.parseFailure(r, f, false))
		return
	}
	if fail := s.parseFailure(r, f, true); fail != nil {
		s.renderIncidentForm(w, r, u, f, fail)
		return
	}
	if err := is.UpdateIncident(r.Context(), f.Inc, f.Version); err != nil {
		if fail := s.asFormFailure(r, err); fail != nil {
			s.renderIncidentForm(w, r, u, f, fail)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/incidents/"+strconv.FormatInt(id, 10), "incident_form_saved")
}

// parseFailure turns the parser's errors into a form failure. With
// validate, the incident is also checked as the store would, so that one
// round shows every problem; nothing is saved while the form has errors.
func (s *Server) parseFailure(r *http.Request, f *incidentForm, validate bool) *formFailure {
	if len(f.Errs) == 0 {
		return nil
	}
	keys := map[string]string{}
	if validate {
		probe := *f.Inc
		probe.Normalize()
		if probe.AgencyID == 0 {
			probe.AgencyID = -1 // the store fills it on update; do not report it
		}
		if err := probe.Validate(refdata.Checker{}, s.latestToday()); err != nil {
			for k, v := range vrs.AsError(err).Fields {
				if k != "agency_id" || f.Inc.AgencyID != 0 {
					keys[k] = v
				}
			}
		}
	}
	for k, v := range f.Errs {
		keys[k] = v
	}
	return s.fieldFailure(r, keys)
}

// renderIncidentForm draws the form for f, with fail's errors if any.
func (s *Server) renderIncidentForm(w http.ResponseWriter, r *http.Request, u *vrs.User, f *incidentForm, fail *formFailure) {
	lookups, err := s.formLookups(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	inc := f.Inc
	assignKeys(inc)
	isNew := inc.ID == 0
	p := s.newPage(r, "incident.form.title_new")
	b := &formBuilder{s: s, r: r, errs: map[string]string{}, raw: f.Raw, shown: map[string]fieldRef{}, focus: f.Focus, inc: inc, lookup: lookups}
	d := &incidentFormData{New: isNew, ID: inc.ID, Version: f.Version, Reference: inc.Reference, Status: string(inc.Status),
		AgencyName: inc.AgencyName, Action: "/incidents", CancelURL: "/", SubmitLabel: s.tr(r, "incident.form.create")}
	if !isNew {
		p.Title = s.tr(r, "incident.form.title_edit")
		d.Action = "/incidents/" + strconv.FormatInt(inc.ID, 10)
		d.CancelURL = d.Action
		d.ReloadURL = d.Action + "/edit"
		d.SubmitLabel = s.tr(r, "incident.form.save")
	}
	status := http.StatusOK
	if fail != nil {
		status = fail.Status
		d.Error = fail.Error
		b.errs = fail.Fields
		d.Conflict = fail.Status == http.StatusConflict && !isNew && b.errs["reference"] == ""
	}
	if isNew {
		if err := s.agencyChoice(r, u, b, d); err != nil {
			s.error(w, r, err)
			return
		}
	}
	d.Basics, d.Place, d.More = b.general(isNew)
	for _, f := range d.More {
		d.MoreOpen = d.MoreOpen || f.Error != ""
	}
	inc2 := inc
	d.MoreOpen = d.MoreOpen || inc2.Source != "" || inc2.PersonsInvolved != nil || inc2.Proceedings != "" ||
		len(inc2.OffenceCodes) > 0 || inc2.Narrative != ""
	d.Sections = b.sections()
	if d.Sharing, err = b.sharing(); err != nil {
		s.error(w, r, err)
		return
	}
	d.Summary = b.summary()
	p.Data = d
	s.render(w, r, status, "incident_form", p)
}

// agencyChoice offers the agencies the user captures for, or names the
// one.
func (s *Server) agencyChoice(r *http.Request, u *vrs.User, b *formBuilder, d *incidentFormData) error {
	ids := u.CaptureAgencies()
	if len(ids) == 1 && ids[0] == u.AgencyID {
		d.AgencyName = u.AgencyName
		if e := b.errs["agency_id"]; e != "" {
			b.show("agency_id", "f-agency_id", s.tr(r, "label.agency"))
		}
		return nil
	}
	list, err := s.store.ListAgencies(r.Context(), vrs.AgencyFilter{})
	if err != nil {
		return err
	}
	f := b.field("agency_id", "label.agency", "select", strconv.FormatInt(b.inc.AgencyID, 10))
	f.Required = true
	for _, a := range list {
		for _, id := range ids {
			if a.ID == id {
				f.Options = append(f.Options, option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Selected: a.ID == b.inc.AgencyID})
			}
		}
	}
	if len(f.Options) == 1 {
		d.AgencyName = f.Options[0].Label
		return nil
	}
	d.Agencies = &f
	return nil
}

// incidentFormRow answers htmx with one new row: the row and, out of
// band, the add button with the next index.
func (s *Server) incidentFormRow(w http.ResponseWriter, r *http.Request) {
	if _, err := requireCapture(r); err != nil {
		s.error(w, r, err)
		return
	}
	q := r.URL.Query()
	section := q.Get("section")
	index, err := strconv.Atoi(q.Get("index"))
	person := 0
	if section == "identifiers" {
		if person, err = strconv.Atoi(q.Get("person")); err == nil && (person < 0 || person >= vrs.MaxPersons) {
			err = strconv.ErrRange
		}
	}
	max := sectionMax(section)
	if section == "identifiers" {
		max = vrs.MaxListValues
	}
	if err != nil || max == 0 || index < 0 || index >= max {
		s.error(w, r, vrs.NotFound("page"))
		return
	}
	lookups, err := s.formLookups(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	inc := &vrs.Incident{}
	prefix := map[string]string{"persons": "p", "organisations": "o", "vehicles": "v"}[section]
	key := q.Get("key")
	n, ok := keyNumber(key, prefix)
	if prefix == "" || !ok || n == 0 {
		n = index + 1
	}
	key = prefix + strconv.Itoa(n)
	b := &formBuilder{s: s, r: r, errs: map[string]string{}, raw: map[string]string{}, shown: map[string]fieldRef{}, inc: inc, lookup: lookups}
	data := struct {
		T    func(string, ...any) string
		Row  rowView
		ID   identView
		Add  *addButton
		Kind string
	}{T: func(k string, a ...any) string { return s.tr(r, k, a...) }}
	if section == "identifiers" {
		b.focus = ""
		data.Kind = "identifier"
		data.ID = b.identRow(person, index, vrs.Identifier{Kind: "document_number"})
		data.ID.Fields[0].Autofocus = true
		data.Add = &addButton{ID: fieldID(rowPath("persons", person)) + "-add-identifier", Label: s.tr(r, "incident.form.add.identifier"),
			Op: "add:" + rowPath("persons", person) + ".identifiers", Target: fieldID(rowPath("persons", person)) + "-identifiers"}
		data.Add.URL = "/incidents/form/row?section=identifiers&person=" + strconv.Itoa(person) + "&index=" + strconv.Itoa(index+1)
		data.Add.OOB = true
	} else {
		b.focus = rowPath(section, index)
		data.Kind = "row"
		switch section {
		case "persons":
			data.Row = b.personRow(vrs.Person{Key: key}, index)
			inc.Persons = []vrs.Person{{Key: key}}
		case "legs":
			data.Row = b.legRow(vrs.RouteLeg{}, index)
		case "organisations":
			data.Row = b.organisationRow(vrs.Organisation{Key: key}, index)
			inc.Organisations = []vrs.Organisation{{Key: key}}
		case "vehicles":
			data.Row = b.vehicleRow(vrs.Vehicle{Key: key}, index)
			inc.Vehicles = []vrs.Vehicle{{Key: key}}
		case "documents":
			data.Row = b.documentRow(vrs.Document{}, index)
		case "transactions":
			data.Row = b.transactionRow(vrs.Transaction{}, index)
		case "counts":
			data.Row = b.countRow(vrs.AggregateCount{}, index)
		}
		next := "/incidents/form/row?section=" + section + "&index=" + strconv.Itoa(index+1)
		if prefix != "" {
			next += "&key=" + prefix + strconv.Itoa(n+1)
		}
		data.Add = b.sectionAdd(section, index+1, next)
		data.Add.OOB = true
	}
	var buf bytes.Buffer
	if err := s.pages["incident_form"].ExecuteTemplate(&buf, "incident_form_fragment", data); err != nil {
		s.log.Error("render", "template", "incident_form_fragment", "err", err)
		s.error(w, r, vrs.Errorf(vrs.EINTERNAL, "error.internal"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
