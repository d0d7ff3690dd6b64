package web

import (
	"net/http"
	"strconv"
	"strings"

	"vrs"
	"vrs/access"
)

// fact is one labelled value of a record; Personal marks personal data,
// Pseudonym a personal value replaced by its pseudonym.
type fact struct {
	Label, Value string
	Personal     bool
	Pseudonym    bool
}

// table is a section shown as a table: a header row and rows of cells.
type table struct {
	Title   string
	Columns []string
	Rows    [][]fact
	// Num marks the columns that hold numbers (right-aligned).
	Num map[int]bool
	// Journey is the route country by country, shown above the legs.
	Journey []string
}

// prune drops the columns that are empty in every row, so that a table
// shows what was recorded, not what was not.
func (tb table) prune() table {
	var keep []int
	for c := range tb.Columns {
		for _, row := range tb.Rows {
			if row[c].Value != "" {
				keep = append(keep, c)
				break
			}
		}
	}
	out := table{Title: tb.Title, Journey: tb.Journey, Num: map[int]bool{}}
	for i, c := range keep {
		out.Columns = append(out.Columns, tb.Columns[c])
		out.Num[i] = tb.Num[c]
	}
	for _, row := range tb.Rows {
		cells := make([]fact, len(keep))
		for i, c := range keep {
			cells[i] = row[c]
		}
		out.Rows = append(out.Rows, cells)
	}
	return out
}

type personView struct {
	Title    string
	Facts    []fact
	Personal []fact
}

// incidentActions are the buttons the user may use on the incident now.
type incidentActions struct {
	Edit, Submit, Withdraw, Review, Delete bool
	// ReviewBlocked explains why a reviewer of the agency may not review.
	ReviewBlocked string
}

// transitionFailure is a refused action to show on the detail page.
type transitionFailure struct {
	Conflict string // a stale or impossible action: message, with a reload link
	Note     string // the return reason as typed
	NoteErr  string
}

type incidentDetailData struct {
	Inc         *vrs.Incident
	TypeLabel   string
	StatusLabel string
	Facts       []fact
	Place       []fact
	Persons     []personView
	Tables      []table
	Actions     incidentActions
	Fail        *transitionFailure
	Created     string
	Updated     string
	Sharing     *recordSharing
}

// incidentDetail shows one incident whole, with the actions the user may take.
func (s *Server) incidentDetail(w http.ResponseWriter, r *http.Request) {
	s.renderIncident(w, r, nil)
}

// renderIncident draws the detail page; fail, when set, shows why an
// action was refused.
func (s *Server) renderIncident(w http.ResponseWriter, r *http.Request, fail *transitionFailure) {
	s.renderIncidentPage(w, r, fail, nil)
}

// renderIncidentPage draws the detail page, with the purpose form's state
// when one was posted (see incidentOpen).
func (s *Server) renderIncidentPage(w http.ResponseWriter, r *http.Request, fail *transitionFailure, pf *purposeForm) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	svc, err := s.incidentService()
	if err != nil {
		s.error(w, r, err)
		return
	}
	inc, err := svc.FindIncident(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := s.incidentView(r, inc)
	if d.Sharing, err = s.recordSharing(r, u, inc, pf, "/incidents/"+strconv.FormatInt(inc.ID, 10)+"/open", true); err != nil {
		s.error(w, r, err)
		return
	}
	d.Actions = incidentActionsFor(u, inc)
	if d.Actions.ReviewBlocked != "" {
		d.Actions.ReviewBlocked = s.tr(r, d.Actions.ReviewBlocked)
	}
	d.Fail = fail
	p := s.newPage(r, "incident.view.title")
	p.Title = s.tr(r, "incident.view.title", inc.Reference)
	p.Flash = s.flash(r)
	p.Data = d
	status := http.StatusOK
	if fail != nil {
		status = http.StatusBadRequest
		if fail.Conflict != "" {
			status = http.StatusConflict
		}
	}
	if pf != nil && len(pf.Errs) > 0 {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "incident_detail", p)
}

// incidentActionsFor decides which buttons to offer; the store checks
// every action again.
func incidentActionsFor(u *vrs.User, inc *vrs.Incident) incidentActions {
	var a incidentActions
	capture := access.CaptureIncident(u, inc.AgencyID) == nil
	switch inc.Status {
	case vrs.StatusDraft:
		a.Edit, a.Submit, a.Delete = capture, capture, capture
	case vrs.StatusReturned:
		a.Edit, a.Submit = capture, capture
	case vrs.StatusSubmitted:
		a.Withdraw = capture
		ref := access.IncidentRef{AgencyID: inc.AgencyID, Country: inc.Country, Status: inc.Status}
		err := access.ReviewIncident(u, ref, inc.UpdatedBy)
		a.Review = err == nil
		if err != nil && u.HasRole(vrs.RoleReviewer) && u.AgencyID == inc.AgencyID {
			a.ReviewBlocked = vrs.AsError(err).Message
		}
	case vrs.StatusValidated:
		a.Edit = capture
	}
	return a
}

// incidentView turns an incident into labelled sections.
func (s *Server) incidentView(r *http.Request, inc *vrs.Incident) *incidentDetailData {
	t := func(key string, args ...any) string { return s.tr(r, key, args...) }
	lbl := func(path string) string { return t(incidentFields[path].Key) }
	d := &incidentDetailData{Inc: inc, TypeLabel: codeLabel("incident_type", string(inc.Type)),
		StatusLabel: codeLabel("incident_status", string(inc.Status))}
	add := func(list *[]fact, label, value string) {
		if value != "" {
			*list = append(*list, fact{Label: label, Value: value})
		}
	}
	add(&d.Facts, lbl("reference"), inc.Reference)
	add(&d.Facts, lbl("type"), d.TypeLabel)
	add(&d.Facts, lbl("agency_id"), inc.AgencyName+" · "+codeText("country", inc.Country))
	add(&d.Facts, lbl("occurred_on"), inc.OccurredOn)
	add(&d.Facts, lbl("detected_on"), inc.DetectedOn)
	add(&d.Facts, lbl("reported_on"), inc.ReportedOn)
	add(&d.Facts, lbl("source"), codeLabel("information_source", inc.Source))
	add(&d.Facts, lbl("offence_codes"), codeList("offence", inc.OffenceCodes))
	add(&d.Facts, lbl("proceedings"), codeLabel("proceeding_stage", inc.Proceedings))
	if inc.PersonsInvolved != nil {
		add(&d.Facts, lbl("persons_involved"), strconv.Itoa(*inc.PersonsInvolved))
	}

	add(&d.Place, lbl("place.name"), inc.Place.Name)
	add(&d.Place, lbl("place.kind"), codeLabel("place_kind", inc.Place.Kind))
	add(&d.Place, lbl("place.admin_area"), inc.Place.AdminArea)
	add(&d.Place, lbl("place.country"), codeText("country", inc.Place.Country))
	if inc.Place.Lat != nil && inc.Place.Lon != nil {
		add(&d.Place, t("incident.view.coordinates"), strconv.FormatFloat(*inc.Place.Lat, 'f', -1, 64)+", "+strconv.FormatFloat(*inc.Place.Lon, 'f', -1, 64))
	}

	refs := s.refLabels(r, inc)
	for i, p := range inc.Persons {
		pv := personView{Title: t("incident.view.item.persons", i+1) + " · " + codeLabel("person_role", p.Role)}
		f := &pv.Facts
		add(f, lbl("persons.perpetrator_roles"), codeList("perpetrator_role", p.PerpetratorRoles))
		add(f, lbl("persons.sex"), codeLabel("sex", p.Sex))
		age := codeLabel("age_group", p.AgeGroup)
		if p.Age != nil {
			age = t("incident.view.age", *p.Age, age)
		}
		add(f, lbl("persons.age"), age)
		add(f, lbl("persons.nationalities"), codeList("country", p.Nationalities))
		add(f, lbl("persons.status"), codeLabel("person_status", p.Status))
		add(f, lbl("persons.trafficking_status"), codeLabel("trafficking_status", p.TraffickingStatus))
		add(f, lbl("persons.exploitation"), codeList("exploitation_form", p.Exploitation))
		add(f, lbl("persons.sex_exploitation"), codeList("sex_exploitation_type", p.SexExploitation))
		add(f, lbl("persons.labour_sector"), codeLabel("isic_section", p.LabourSector))
		add(f, lbl("persons.control_methods"), codeList("control_method", p.ControlMethods))
		add(f, lbl("persons.recruitment_methods"), codeList("recruitment_method", p.RecruitmentMethods))
		pf := &pv.Personal
		add(pf, lbl("persons.name"), p.Name)
		add(pf, lbl("persons.aliases"), strings.Join(p.Aliases, ", "))
		add(pf, lbl("persons.date_of_birth"), p.DateOfBirth)
		for _, id := range p.Identifiers {
			v := id.Value
			if id.Country != "" {
				v += " (" + codeText("country", id.Country) + ")"
			}
			add(pf, codeLabel("identifier_kind", id.Kind), v)
		}
		for j := range pv.Personal {
			pv.Personal[j].Personal = true
		}
		d.Persons = append(d.Persons, pv)
	}

	if len(inc.Legs) > 0 {
		tb := table{Title: t("incident.view.section.route"), Columns: []string{"#", lbl("legs.role"), lbl("legs.country"), lbl("legs.place"),
			lbl("legs.mode"), lbl("legs.departed_on"), lbl("legs.arrived_on")}}
		for i, l := range inc.Legs {
			tb.Journey = append(tb.Journey, l.Country)
			tb.Rows = append(tb.Rows, cells(strconv.Itoa(i+1), codeLabel("leg_role", l.Role), codeText("country", l.Country), l.Place,
				codeLabel("transport_mode", l.Mode), l.DepartedOn, l.ArrivedOn))
		}
		d.Tables = append(d.Tables, tb.prune())
	}
	if len(inc.Organisations) > 0 {
		tb := table{Title: t("incident.view.section.organisations"), Columns: []string{lbl("organisations.name"), lbl("organisations.kind"),
			lbl("organisations.country"), lbl("organisations.registration")}}
		for _, o := range inc.Organisations {
			tb.Rows = append(tb.Rows, cells(o.Name, codeLabel("organisation_kind", o.Kind), codeText("country", o.Country), o.Registration))
		}
		d.Tables = append(d.Tables, tb.prune())
	}
	if len(inc.Vehicles) > 0 {
		tb := table{Title: t("incident.view.section.vehicles"), Columns: []string{lbl("vehicles.kind"), lbl("vehicles.name"),
			lbl("vehicles.registration"), lbl("vehicles.flag"), lbl("vehicles.description")}}
		for _, v := range inc.Vehicles {
			tb.Rows = append(tb.Rows, cells(codeLabel("vehicle_kind", v.Kind), v.Name, v.Registration, codeText("country", v.Flag), v.Description))
		}
		d.Tables = append(d.Tables, tb.prune())
	}
	if len(inc.Documents) > 0 {
		tb := table{Title: t("incident.view.section.documents"), Columns: []string{lbl("documents.type"), lbl("documents.issuing_country"),
			lbl("documents.fraud_type"), lbl("documents.holder"), lbl("documents.number")}}
		for _, doc := range inc.Documents {
			row := cells(codeLabel("document_type", doc.Type), codeText("country", doc.IssuingCountry), codeLabel("fraud_type", doc.FraudType),
				refs[doc.HolderKey], doc.Number)
			row[4].Personal = doc.Number != ""
			tb.Rows = append(tb.Rows, row)
		}
		d.Tables = append(d.Tables, tb.prune())
	}
	if len(inc.Transactions) > 0 {
		tb := table{Title: t("incident.view.section.transactions"), Columns: []string{lbl("transactions.amount"), lbl("transactions.method"),
			lbl("transactions.purpose"), lbl("transactions.payer"), lbl("transactions.payee"), lbl("transactions.date")},
			Num: map[int]bool{0: true}}
		for _, x := range inc.Transactions {
			payer, payee := refs[x.PayerKey], refs[x.PayeeKey]
			row := cells(formatAmount(x.Amount)+" "+x.Currency, codeLabel("payment_method", x.Method), codeLabel("payment_purpose", x.Purpose),
				withAccount(payer, x.PayerAccount), withAccount(payee, x.PayeeAccount), x.Date)
			row[3].Personal, row[4].Personal = x.PayerAccount != "", x.PayeeAccount != ""
			tb.Rows = append(tb.Rows, row)
		}
		d.Tables = append(d.Tables, tb.prune())
	}
	if len(inc.Counts) > 0 {
		tb := table{Title: t("incident.view.section.counts"), Columns: []string{lbl("counts.role"), lbl("counts.nationality"), lbl("counts.sex"),
			lbl("counts.age_group"), lbl("counts.status"), lbl("counts.count")}, Num: map[int]bool{5: true}}
		total := 0
		for _, c := range inc.Counts {
			total += c.Count
			tb.Rows = append(tb.Rows, cells(codeLabel("person_role", c.Role), codeText("country", c.Nationality), codeLabel("sex", c.Sex),
				codeLabel("age_group", c.AgeGroup), codeLabel("person_status", c.Status), strconv.Itoa(c.Count)))
		}
		tb.Rows = append(tb.Rows, cells(t("incident.view.total"), "", "", "", "", strconv.Itoa(total)))
		d.Tables = append(d.Tables, tb.prune())
	}
	if inc.Granularity == vrs.GranPseudonymised {
		markPseudonyms(d)
	}
	d.Created = t("incident.view.created", inc.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"))
	by := inc.UpdatedName
	if by == "" { // another country's officials are not named: their agency is
		by = inc.AgencyName
	}
	d.Updated = t("incident.view.updated", inc.UpdatedAt.UTC().Format("2006-01-02 15:04 UTC"), by)
	return d
}

// refLabels names what documents and payments refer to by key: persons
// ("Person 1 · Migrant (name)"), organisations and vehicles.
func (s *Server) refLabels(r *http.Request, inc *vrs.Incident) map[string]string {
	m := map[string]string{}
	for i, p := range inc.Persons {
		l := s.tr(r, "incident.view.item.persons", i+1) + " · " + codeLabel("person_role", p.Role)
		if p.Name != "" {
			l += " (" + p.Name + ")"
		}
		m[p.Key] = l
	}
	for _, o := range inc.Organisations {
		m[o.Key] = o.Name
	}
	for i, v := range inc.Vehicles {
		l := v.Name
		if l == "" {
			l = s.tr(r, "incident.view.item.vehicles", i+1)
		}
		m[v.Key] = l
	}
	delete(m, "")
	return m
}

func withAccount(who, account string) string {
	switch {
	case account == "":
		return who
	case who == "":
		return account
	}
	return who + " · " + account
}

func cells(values ...string) []fact {
	out := make([]fact, len(values))
	for i, v := range values {
		out[i] = fact{Value: v}
	}
	return out
}

// codeList labels several codes: "Myanmar (MM), Thailand (TH)".
func codeList(list string, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = codeText(list, c)
	}
	return strings.Join(out, ", ")
}

// formatAmount writes an amount with thousands separators: 45,000 or
// 1,234.5.
func formatAmount(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		if len(frac) == 1 {
			frac += "0"
		}
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}
