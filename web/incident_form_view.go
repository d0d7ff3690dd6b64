package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"vrs"
	"vrs/refdata"
)

// The incident form's view: every input is described in Go (its name, the
// path of its errors, label, value and options) and drawn by one template
// ("field"), so that labels, errors and ARIA attributes are the same for
// every input of the form.

// fieldView is one input (or group of checkboxes) of the form.
type fieldView struct {
	Name  string // the form name and error path
	ID    string
	Label string
	Hint  string
	Error string
	// Kind: text, textarea, date, number, decimal, select, checks, hidden.
	Kind      string
	Value     string
	Options   []option
	Groups    []optGroup
	Required  bool
	Autofocus bool
	Wide      bool
	// Span takes a whole line on a phone.
	Span     bool
	MaxLen   int
	Min, Max string
	// Refs marks a select of keys of persons ("person") or of persons and
	// organisations ("party"), which the script refreshes when rows change.
	Refs string
	// Autocomplete is "off" for personal data the browser should not keep.
	Autocomplete string
}

// Describedby lists the ids that describe the input: hint and error.
func (f fieldView) Describedby() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// sectionView is a repeatable section: persons, legs, ...
type sectionView struct {
	Name  string
	Title string
	Intro string
	Rows  []rowView
	Add   *addButton
	Error string
	Open  bool
}

// rowView is one row of a section.
type rowView struct {
	Section     string
	Index       int
	ID          string
	Title       string
	Hidden      []fieldView
	Quick       []fieldView
	More        []fieldView
	MoreLabel   string
	MoreOpen    bool
	Traff       []fieldView
	TraffOpen   bool
	TraffLabel  string
	Idents      []identView
	IdentAdd    *addButton
	RemoveOp    string
	RemoveLabel string
	Error       string
	// RefKey and RefLabel let the script offer this row in the selects
	// of documents and transactions.
	RefKind, RefKey, RefLabel string
}

// identView is one identifier row of a person.
type identView struct {
	ID          string
	Fields      []fieldView
	RemoveOp    string
	RemoveLabel string
	Quick       bool
}

// addButton adds a row: a submit button without script, a fetch of the
// row's fragment with htmx.
type addButton struct {
	ID, Label, Op, URL, Target string
	// OOB marks the copy sent with a fragment, which replaces the button
	// in the page (out of band) so that the next add gets the next index.
	OOB bool
}

// formBuilder builds the views of one page or fragment.
type formBuilder struct {
	s    *Server
	r    *http.Request
	errs map[string]string // path → translated message
	raw  map[string]string
	// shown lists the paths drawn, with their label and id, for the
	// error summary.
	shown  map[string]fieldRef
	order  []string
	focus  string
	inc    *vrs.Incident
	lookup *formLookups
}

type fieldRef struct{ ID, Label string }

// formLookups are the options the form offers, computed once per page.
type formLookups struct {
	countries  []optGroup // members first
	currencies []optGroup // the region's first
	names      map[string]string
}

// regionCurrencies are offered first: the currencies of the reporting
// community's members and the usual currencies of smuggling fees.
var regionCurrencies = []string{"USD", "THB", "MYR", "IDR", "MMK", "BDT", "VND", "KHR", "LAK", "PHP", "SGD", "AUD", "NZD",
	"CNY", "HKD", "MOP", "TWD", "JPY", "KRW", "INR", "PKR", "AFN", "IRR", "LKR", "NPR", "BND", "PGK", "FJD", "SBD", "VUV",
	"WST", "TOP", "KPW", "MNT", "TRY", "AED", "SAR", "QAR", "EUR", "GBP"}

func (s *Server) formLookups(r *http.Request) (*formLookups, error) {
	members, others, err := s.splitCountries(r)
	if err != nil {
		return nil, err
	}
	l := &formLookups{names: map[string]string{}}
	for i, list := range [][]*vrs.Country{members, others} {
		g := optGroup{Label: s.tr(r, []string{"admin.countries.members", "admin.countries.others"}[i])}
		for _, c := range list {
			g.Options = append(g.Options, option{Value: c.Alpha2, Label: c.Name})
			l.names[c.Alpha2] = c.Name
		}
		l.countries = append(l.countries, g)
	}
	first := optGroup{Label: s.tr(r, "incident.form.currencies_region")}
	rest := optGroup{Label: s.tr(r, "incident.form.currencies_other")}
	for _, code := range regionCurrencies {
		if lbl := refdata.CodeLabel("currency", code); lbl != "" {
			first.Options = append(first.Options, option{Value: code, Label: code + " – " + lbl})
		}
	}
	if cl, ok := refdata.LookupCodeList("currency"); ok {
		for _, e := range cl.Entries {
			if !slices.Contains(regionCurrencies, e.Code) {
				rest.Options = append(rest.Options, option{Value: e.Code, Label: e.Code + " – " + e.Label})
			}
		}
	}
	l.currencies = []optGroup{first, rest}
	return l, nil
}

// fieldID turns a path into an id: persons[0].age → f-persons-0-age.
func fieldID(path string) string {
	r := strings.NewReplacer("[", "-", "]", "", ".", "-")
	return "f-" + r.Replace(path)
}

func (b *formBuilder) t(key string, args ...any) string { return b.s.tr(b.r, key, args...) }

// field describes one input at path.
func (b *formBuilder) field(path, labelKey, kind, value string) fieldView {
	f := fieldView{Name: path, ID: fieldID(path), Label: b.t(labelKey), Kind: kind, Value: value, Error: b.errs[path]}
	if raw, ok := b.raw[path]; ok {
		f.Value = raw
	}
	if b.focus == path {
		f.Autofocus = true
	}
	b.show(path, f.ID, f.Label)
	switch kind {
	case "text":
		f.MaxLen = vrs.MaxShortText
	case "textarea":
		f.MaxLen = vrs.MaxNarrative
	}
	return f
}

// sel is a select of a code list.
func (b *formBuilder) sel(path, labelKey, list, value string) fieldView {
	f := b.field(path, labelKey, "select", value)
	f.Options = b.codeOptions(list, []string{value}, true)
	return f
}

// checks is a group of checkboxes of a code list.
func (b *formBuilder) checks(path, labelKey, list string, values []string) fieldView {
	f := b.field(path, labelKey, "checks", "")
	f.Options = b.codeOptions(list, values, false)
	f.Wide = true
	return f
}

// country is a select of countries, the reporting community's first.
func (b *formBuilder) country(path, labelKey, value string) fieldView {
	f := b.field(path, labelKey, "select", value)
	f.Options = []option{{Value: "", Label: b.t("admin.choose")}}
	f.Groups = selectIn(b.lookup.countries, value)
	if value != "" && b.lookup.names[value] == "" {
		// A code no longer listed: keep it visible so that its error
		// makes sense.
		f.Options = append(f.Options, option{Value: value, Label: value, Selected: true})
	}
	return f
}

func (b *formBuilder) codeOptions(list string, selected []string, choose bool) []option {
	var out []option
	if choose {
		out = append(out, option{Value: "", Label: b.t("admin.choose")})
	}
	cl, ok := refdata.LookupCodeList(list)
	if !ok {
		return out
	}
	known := false
	for _, e := range cl.Entries {
		label := e.Label
		if list == "offence" {
			label = e.Code + " " + e.Label
		}
		sel := slices.Contains(selected, e.Code)
		known = known || sel
		out = append(out, option{Value: e.Code, Label: label, Selected: sel})
	}
	// A value the list does not hold is kept, so that the user sees what
	// the error is about.
	for _, v := range selected {
		if v != "" && !refdata.HasCode(list, v) {
			out = append(out, option{Value: v, Label: v, Selected: true})
		}
	}
	return out
}

// selectIn copies groups with value selected.
func selectIn(groups []optGroup, value string) []optGroup {
	out := make([]optGroup, len(groups))
	for i, g := range groups {
		out[i] = optGroup{Label: g.Label, Options: slices.Clone(g.Options)}
		for j := range out[i].Options {
			out[i].Options[j].Selected = out[i].Options[j].Value == value
		}
	}
	return out
}

// show records that path is drawn, for the error summary.
func (b *formBuilder) show(path, id, label string) {
	if _, ok := b.shown[path]; !ok {
		b.shown[path] = fieldRef{ID: id, Label: label}
		b.order = append(b.order, path)
	}
}

func intValue(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func floatValue(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func amountValue(a float64) string {
	if a == 0 {
		return ""
	}
	return strconv.FormatFloat(a, 'f', -1, 64)
}

// general describes the incident's own fields.
func (b *formBuilder) general(isNew bool) (basics, place, more []fieldView) {
	inc := b.inc
	typ := b.field("type", "incident.form.f.type", "select", string(inc.Type))
	typ.Options = b.codeOptions("incident_type", []string{string(inc.Type)}, true)
	typ.Required = true
	typ.Autofocus = isNew && b.focus == ""
	ref := b.field("reference", "incident.form.f.reference", "text", inc.Reference)
	ref.Required, ref.MaxLen, ref.Hint = true, 64, b.t("incident.form.h.reference")
	detected := b.field("detected_on", "incident.form.f.detected_on", "date", inc.DetectedOn)
	detected.Required = true
	reported := b.field("reported_on", "incident.form.f.reported_on", "date", inc.ReportedOn)
	reported.Required = true
	occurred := b.field("occurred_on", "incident.form.f.occurred_on", "date", inc.OccurredOn)
	basics = []fieldView{typ, ref, detected, reported, occurred}

	pc := b.country("place.country", "incident.form.f.place_country", inc.Place.Country)
	pc.Required = true
	lat := b.field("place.lat", "incident.form.f.lat", "decimal", floatValue(inc.Place.Lat))
	lat.Hint = b.t("incident.form.h.lat")
	lon := b.field("place.lon", "incident.form.f.lon", "decimal", floatValue(inc.Place.Lon))
	place = []fieldView{pc,
		b.sel("place.kind", "incident.form.f.place_kind", "place_kind", inc.Place.Kind),
		b.field("place.name", "incident.form.f.place_name", "text", inc.Place.Name),
		b.field("place.admin_area", "incident.form.f.admin_area", "text", inc.Place.AdminArea),
		lat, lon,
	}

	src := b.sel("source", "incident.form.f.source", "information_source", inc.Source)
	involved := b.field("persons_involved", "incident.form.f.persons_involved", "number", intValue(inc.PersonsInvolved))
	involved.Min, involved.Max, involved.Hint = "0", strconv.Itoa(vrs.MaxAggregateSum), b.t("incident.form.h.persons_involved")
	narrative := b.field("narrative", "incident.form.f.narrative", "textarea", inc.Narrative)
	narrative.Wide, narrative.Hint = true, b.t("incident.form.h.narrative")
	offences := b.checks("offence_codes", "incident.form.f.offence_codes", "offence", inc.OffenceCodes)
	more = []fieldView{src, involved, b.sel("proceedings", "incident.form.f.proceedings", "proceeding_stage", inc.Proceedings),
		offences, narrative}
	return basics, place, more
}

// rowPath is "persons[2]".
func rowPath(section string, i int) string { return section + "[" + strconv.Itoa(i) + "]" }

// personRow describes person i.
func (b *formBuilder) personRow(p vrs.Person, i int) rowView {
	path := rowPath("persons", i)
	at := func(f string) string { return path + "." + f }
	row := b.row("persons", i, "incident.form.row.person")
	row.Hidden = []fieldView{b.field(at("key"), "incident.form.f.key", "hidden", p.Key)}
	row.RefKind, row.RefKey = "person", p.Key
	row.RefLabel = b.personLabel(p, i)

	role := b.sel(at("role"), "incident.form.f.person_role", "person_role", p.Role)
	role.Required = true
	if b.focus == path {
		role.Autofocus = true
	}
	age := b.field(at("age"), "incident.form.f.age", "number", intValue(p.Age))
	age.Min, age.Max = "0", "120"
	nat := b.country(at("nationalities"), "incident.form.f.nationality", first(p.Nationalities))
	name := b.field(at("name"), "incident.form.f.name", "text", p.Name)
	name.Autocomplete, name.Span = "off", true
	row.Quick = []fieldView{role, b.sel(at("sex"), "incident.form.f.sex", "sex", p.Sex), age, nat, name}

	// Identifiers: the first (a document number by default) among the
	// quick fields, the others below.
	ids := p.Identifiers
	if len(ids) == 0 {
		ids = []vrs.Identifier{{Kind: "document_number"}}
	}
	for j, id := range ids {
		row.Idents = append(row.Idents, b.identRow(i, j, id))
	}
	row.IdentAdd = &addButton{
		ID:     fieldID(path) + "-add-identifier",
		Label:  b.t("incident.form.add.identifier"),
		Op:     "add:" + at("identifiers"),
		URL:    fmt.Sprintf("/incidents/form/row?section=identifiers&person=%d&index=%d", i, len(ids)),
		Target: fieldID(path) + "-identifiers",
	}

	// Further nationalities share the name: the first is the main one.
	more := []fieldView{}
	for k, n := range append(slices.Clone(restOf(p.Nationalities)), "") {
		f := b.country(at("nationalities"), "incident.form.f.other_nationality", n)
		f.ID = fmt.Sprintf("%s-%d", f.ID, k+2)
		f.Error = ""
		more = append(more, f)
	}
	ageGroup := b.sel(at("age_group"), "incident.form.f.age_group", "age_group", p.AgeGroup)
	ageGroup.Hint = b.t("incident.form.h.age_group")
	dob := b.field(at("date_of_birth"), "incident.form.f.date_of_birth", "date", p.DateOfBirth)
	dob.Autocomplete = "off"
	aliases := b.field(at("aliases"), "incident.form.f.aliases", "textarea", strings.Join(p.Aliases, "\n"))
	aliases.Hint, aliases.MaxLen, aliases.Autocomplete = b.t("incident.form.h.aliases"), vrs.MaxListValues*(vrs.MaxShortText+1), "off"
	if aliases.Error == "" {
		for k := range p.Aliases {
			if e := b.errs[fmt.Sprintf("%s[%d]", at("aliases"), k)]; e != "" {
				aliases.Error = e
				break
			}
		}
	}
	row.More = append([]fieldView{b.sel(at("status"), "incident.form.f.person_status", "person_status", p.Status), ageGroup, dob},
		more...)
	row.More = append(row.More, aliases,
		b.checks(at("perpetrator_roles"), "incident.form.f.perpetrator_roles", "perpetrator_role", p.PerpetratorRoles))
	row.Traff = []fieldView{
		b.sel(at("trafficking_status"), "incident.form.f.trafficking_status", "trafficking_status", p.TraffickingStatus),
		b.sel(at("labour_sector"), "incident.form.f.labour_sector", "isic_section", p.LabourSector),
		b.checks(at("exploitation"), "incident.form.f.exploitation", "exploitation_form", p.Exploitation),
		b.checks(at("sex_exploitation"), "incident.form.f.sex_exploitation", "sex_exploitation_type", p.SexExploitation),
		b.checks(at("control_methods"), "incident.form.f.control_methods", "control_method", p.ControlMethods),
		b.checks(at("recruitment_methods"), "incident.form.f.recruitment_methods", "recruitment_method", p.RecruitmentMethods),
	}
	row.MoreLabel = b.t("incident.form.more_person")
	row.TraffLabel = b.t("incident.form.trafficking")
	traffVals := p.TraffickingStatus != "" || p.LabourSector != "" || len(p.Exploitation)+len(p.SexExploitation)+len(p.ControlMethods)+len(p.RecruitmentMethods) > 0
	row.TraffOpen = traffVals || p.Role == vrs.PersonVictim || b.inc.Type == vrs.TypeTrafficking
	for _, f := range row.Traff {
		row.TraffOpen = row.TraffOpen || f.Error != ""
	}
	row.MoreOpen = row.TraffOpen || p.Status != "" || p.DateOfBirth != "" || len(p.Aliases) > 0 || len(p.Nationalities) > 1 ||
		len(p.PerpetratorRoles) > 0 || len(p.Identifiers) > 1 || (p.AgeGroup != "" && p.Age == nil) ||
		strings.HasPrefix(b.focus, path+".identifiers")
	for _, f := range row.More {
		row.MoreOpen = row.MoreOpen || f.Error != ""
	}
	for _, id := range row.Idents[1:] {
		for _, f := range id.Fields {
			row.MoreOpen = row.MoreOpen || f.Error != ""
		}
	}
	return row
}

func first(s []string) string {
	if len(s) > 0 {
		return s[0]
	}
	return ""
}

func restOf(s []string) []string {
	if len(s) > 1 {
		return s[1:]
	}
	return nil
}

// identRow describes identifier j of person i.
func (b *formBuilder) identRow(i, j int, id vrs.Identifier) identView {
	path := fmt.Sprintf("persons[%d].identifiers[%d]", i, j)
	kind := b.sel(path+".kind", "incident.form.f.identifier_kind", "identifier_kind", id.Kind)
	kind.Options = kind.Options[1:] // a kind is always chosen
	value := b.field(path+".value", "incident.form.f.identifier_value", "text", id.Value)
	value.Autocomplete = "off"
	v := identView{ID: fieldID(path), Quick: j == 0, Fields: []fieldView{kind, value}}
	if j > 0 {
		v.Fields = append(v.Fields, b.country(path+".country", "incident.form.f.identifier_country", id.Country))
		v.RemoveOp = fmt.Sprintf("remove:persons[%d].identifiers:%d", i, j)
		v.RemoveLabel = b.t("incident.form.remove.identifier", j+1)
	}
	return v
}

// personLabel names a person in the selects of documents and
// transactions: "Person 1 (p1), Migrant".
func (b *formBuilder) personLabel(p vrs.Person, i int) string {
	l := b.t("incident.form.row.person", i+1)
	if p.Key != "" {
		l += " (" + p.Key + ")"
	}
	if role := refdata.CodeLabel("person_role", p.Role); role != "" {
		l += ", " + role
	}
	return l
}

func (b *formBuilder) row(section string, i int, titleKey string) rowView {
	path := rowPath(section, i)
	b.show(path, fieldID(path), b.t(titleKey, i+1))
	return rowView{Section: section, Index: i, ID: fieldID(path), Title: b.t(titleKey, i+1), Error: b.errs[path],
		RemoveOp: fmt.Sprintf("remove:%s:%d", section, i), RemoveLabel: b.t("incident.form.remove.row", b.t(titleKey, i+1))}
}

func (b *formBuilder) legRow(l vrs.RouteLeg, i int) rowView {
	at := func(f string) string { return rowPath("legs", i) + "." + f }
	row := b.row("legs", i, "incident.form.row.leg")
	c := b.country(at("country"), "incident.form.f.leg_country", l.Country)
	c.Required = true
	role := b.sel(at("role"), "incident.form.f.leg_role", "leg_role", l.Role)
	role.Required = true
	if b.focus == rowPath("legs", i) {
		c.Autofocus = true
	}
	row.Quick = []fieldView{c, role, b.field(at("place"), "incident.form.f.leg_place", "text", l.Place),
		b.sel(at("mode"), "incident.form.f.transport_mode", "transport_mode", l.Mode),
		b.field(at("departed_on"), "incident.form.f.departed_on", "date", l.DepartedOn),
		b.field(at("arrived_on"), "incident.form.f.arrived_on", "date", l.ArrivedOn)}
	return row
}

func (b *formBuilder) organisationRow(o vrs.Organisation, i int) rowView {
	at := func(f string) string { return rowPath("organisations", i) + "." + f }
	row := b.row("organisations", i, "incident.form.row.organisation")
	row.Hidden = []fieldView{b.field(at("key"), "incident.form.f.key", "hidden", o.Key)}
	row.RefKind, row.RefKey = "organisation", o.Key
	row.RefLabel = b.t("incident.form.row.organisation", i+1) + " (" + o.Key + ")"
	if o.Name != "" {
		row.RefLabel += ", " + o.Name
	}
	name := b.field(at("name"), "incident.form.f.org_name", "text", o.Name)
	name.Required, name.Autofocus = true, b.focus == rowPath("organisations", i)
	kind := b.sel(at("kind"), "incident.form.f.org_kind", "organisation_kind", o.Kind)
	kind.Required = true
	reg := b.field(at("registration"), "incident.form.f.registration", "text", o.Registration)
	reg.MaxLen = 64
	row.Quick = []fieldView{name, kind, b.country(at("country"), "incident.form.f.org_country", o.Country), reg}
	return row
}

func (b *formBuilder) vehicleRow(v vrs.Vehicle, i int) rowView {
	at := func(f string) string { return rowPath("vehicles", i) + "." + f }
	row := b.row("vehicles", i, "incident.form.row.vehicle")
	row.Hidden = []fieldView{b.field(at("key"), "incident.form.f.key", "hidden", v.Key)}
	kind := b.sel(at("kind"), "incident.form.f.vehicle_kind", "vehicle_kind", v.Kind)
	kind.Required, kind.Autofocus = true, b.focus == rowPath("vehicles", i)
	reg := b.field(at("registration"), "incident.form.f.registration", "text", v.Registration)
	reg.MaxLen = 64
	desc := b.field(at("description"), "incident.form.f.description", "text", v.Description)
	desc.MaxLen, desc.Wide = 1000, true
	row.Quick = []fieldView{kind, b.field(at("name"), "incident.form.f.vehicle_name", "text", v.Name), reg,
		b.country(at("flag"), "incident.form.f.flag", v.Flag), desc}
	return row
}

func (b *formBuilder) documentRow(d vrs.Document, i int) rowView {
	at := func(f string) string { return rowPath("documents", i) + "." + f }
	row := b.row("documents", i, "incident.form.row.document")
	typ := b.sel(at("type"), "incident.form.f.document_type", "document_type", d.Type)
	typ.Required, typ.Autofocus = true, b.focus == rowPath("documents", i)
	num := b.field(at("number"), "incident.form.f.document_number", "text", d.Number)
	num.MaxLen, num.Autocomplete = 64, "off"
	holder := b.refSelect(at("holder"), "incident.form.f.holder", d.HolderKey, "person")
	row.Quick = []fieldView{typ, b.sel(at("fraud_type"), "incident.form.f.fraud_type", "fraud_type", d.FraudType),
		b.country(at("issuing_country"), "incident.form.f.issuing_country", d.IssuingCountry), num, holder}
	return row
}

func (b *formBuilder) transactionRow(t vrs.Transaction, i int) rowView {
	at := func(f string) string { return rowPath("transactions", i) + "." + f }
	row := b.row("transactions", i, "incident.form.row.transaction")
	amt := b.field(at("amount"), "incident.form.f.amount", "decimal", amountValue(t.Amount))
	amt.Required, amt.Autofocus = true, b.focus == rowPath("transactions", i)
	cur := b.field(at("currency"), "incident.form.f.currency", "select", t.Currency)
	cur.Required = true
	cur.Options = []option{{Value: "", Label: b.t("admin.choose")}}
	cur.Groups = selectIn(b.lookup.currencies, t.Currency)
	method := b.sel(at("method"), "incident.form.f.payment_method", "payment_method", t.Method)
	method.Required = true
	payerAcc := b.field(at("payer_account"), "incident.form.f.payer_account", "text", t.PayerAccount)
	payerAcc.MaxLen, payerAcc.Autocomplete = 64, "off"
	payeeAcc := b.field(at("payee_account"), "incident.form.f.payee_account", "text", t.PayeeAccount)
	payeeAcc.MaxLen, payeeAcc.Autocomplete = 64, "off"
	row.Quick = []fieldView{amt, cur, method, b.sel(at("purpose"), "incident.form.f.purpose", "payment_purpose", t.Purpose),
		b.field(at("date"), "incident.form.f.payment_date", "date", t.Date),
		b.refSelect(at("payer"), "incident.form.f.payer", t.PayerKey, "party"), payerAcc,
		b.refSelect(at("payee"), "incident.form.f.payee", t.PayeeKey, "party"), payeeAcc}
	return row
}

func (b *formBuilder) countRow(c vrs.AggregateCount, i int) rowView {
	at := func(f string) string { return rowPath("counts", i) + "." + f }
	row := b.row("counts", i, "incident.form.row.count")
	role := b.sel(at("role"), "incident.form.f.person_role", "person_role", c.Role)
	role.Required, role.Autofocus = true, b.focus == rowPath("counts", i)
	n := b.field(at("count"), "incident.form.f.count", "number", intValue(&c.Count))
	if c.Count == 0 {
		n.Value = b.raw[at("count")]
	}
	n.Min, n.Max, n.Required = "1", strconv.Itoa(vrs.MaxAggregateSum), true
	row.Quick = []fieldView{role, n, b.country(at("nationality"), "incident.form.f.nationality", c.Nationality),
		b.sel(at("sex"), "incident.form.f.sex", "sex", c.Sex), b.sel(at("age_group"), "incident.form.f.age_group", "age_group", c.AgeGroup),
		b.sel(at("status"), "incident.form.f.person_status", "person_status", c.Status)}
	return row
}

// refSelect offers the keys of the incident's persons ("person") or of its
// persons and organisations ("party").
func (b *formBuilder) refSelect(path, labelKey, value, kind string) fieldView {
	f := b.field(path, labelKey, "select", value)
	f.Refs = kind
	f.Options = []option{{Value: "", Label: b.t("incident.form.nobody")}}
	found := value == ""
	for i, p := range b.inc.Persons {
		if p.Key == "" {
			continue
		}
		f.Options = append(f.Options, option{Value: p.Key, Label: b.personLabel(p, i), Selected: p.Key == value})
		found = found || p.Key == value
	}
	if kind == "party" {
		for i, o := range b.inc.Organisations {
			if o.Key == "" {
				continue
			}
			l := b.t("incident.form.row.organisation", i+1) + " (" + o.Key + ")"
			if o.Name != "" {
				l += ", " + o.Name
			}
			f.Options = append(f.Options, option{Value: o.Key, Label: l, Selected: o.Key == value})
			found = found || o.Key == value
		}
	}
	if !found {
		f.Options = append(f.Options, option{Value: value, Label: value, Selected: true})
	}
	return f
}

// sections describes every repeatable section of the incident.
func (b *formBuilder) sections() []sectionView {
	inc := b.inc
	var out []sectionView
	for _, sec := range formSections {
		v := sectionView{Name: sec.Name, Title: b.t("incident.form.section." + sec.Name), Intro: b.t("incident.form.intro." + sec.Name),
			Error: b.errs[sec.Name]}
		b.show(sec.Name, "section-"+sec.Name, v.Title)
		n := 0
		switch sec.Name {
		case "persons":
			for i, p := range inc.Persons {
				v.Rows = append(v.Rows, b.personRow(p, i))
			}
			n = len(inc.Persons)
		case "legs":
			for i, l := range inc.Legs {
				v.Rows = append(v.Rows, b.legRow(l, i))
			}
			n = len(inc.Legs)
		case "organisations":
			for i, o := range inc.Organisations {
				v.Rows = append(v.Rows, b.organisationRow(o, i))
			}
			n = len(inc.Organisations)
		case "vehicles":
			for i, x := range inc.Vehicles {
				v.Rows = append(v.Rows, b.vehicleRow(x, i))
			}
			n = len(inc.Vehicles)
		case "documents":
			for i, d := range inc.Documents {
				v.Rows = append(v.Rows, b.documentRow(d, i))
			}
			n = len(inc.Documents)
		case "transactions":
			for i, t := range inc.Transactions {
				v.Rows = append(v.Rows, b.transactionRow(t, i))
			}
			n = len(inc.Transactions)
		case "counts":
			for i, c := range inc.Counts {
				v.Rows = append(v.Rows, b.countRow(c, i))
			}
			n = len(inc.Counts)
		}
		v.Add = b.sectionAdd(sec.Name, n, b.rowURL(sec.Name, n))
		v.Open = n > 0 || v.Error != "" || sec.Name == "persons" || sec.Name == "legs"
		out = append(out, v)
	}
	return out
}

// sectionAdd is the add button of a section whose next row is index n.
func (b *formBuilder) sectionAdd(section string, n int, url string) *addButton {
	return &addButton{ID: "add-" + section, Label: b.t("incident.form.add." + section), Op: "add:" + section,
		URL: url, Target: "rows-" + section}
}

// rowURL is the htmx fragment URL of the row at index i; persons and
// organisations also get the next free key.
func (b *formBuilder) rowURL(section string, i int) string {
	u := fmt.Sprintf("/incidents/form/row?section=%s&index=%d", section, i)
	switch section {
	case "persons":
		u += "&key=" + nextKey(b.inc, "p")
	case "organisations":
		u += "&key=" + nextKey(b.inc, "o")
	case "vehicles":
		u += "&key=" + nextKey(b.inc, "v")
	}
	return u
}

// nextKey returns prefix+n for the n above every key prefix+m of the
// incident, so that rows added in the browser (which count up from it)
// never take a key already used.
func nextKey(inc *vrs.Incident, prefix string) string {
	top := 0
	see := func(k string) {
		if n, ok := keyNumber(k, prefix); ok && n > top {
			top = n
		}
	}
	for _, p := range inc.Persons {
		see(p.Key)
	}
	for _, o := range inc.Organisations {
		see(o.Key)
	}
	for _, v := range inc.Vehicles {
		see(v.Key)
	}
	return prefix + strconv.Itoa(top+1)
}

// keyNumber reads n from a key prefix+n.
func keyNumber(key, prefix string) (int, bool) {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return 0, false
	}
	n, ok := whole(rest)
	return n, ok && n < 1_000_000
}

// assignKeys gives keyless persons, organisations and vehicles a key, so
// that documents and transactions can name them before the first save.
func assignKeys(inc *vrs.Incident) {
	for i := range inc.Persons {
		if inc.Persons[i].Key == "" {
			inc.Persons[i].Key = nextKey(inc, "p")
		}
	}
	for i := range inc.Organisations {
		if inc.Organisations[i].Key == "" {
			inc.Organisations[i].Key = nextKey(inc, "o")
		}
	}
	for i := range inc.Vehicles {
		if inc.Vehicles[i].Key == "" {
			inc.Vehicles[i].Key = nextKey(inc, "v")
		}
	}
}

// summaryItem is one line of the error summary: a link to the input.
type summaryItem struct {
	Href, Label, Message string
}

// summary lists every error, in the order of the form, each linked to the
// nearest input drawn: "persons[0].aliases[2]" to the aliases box,
// "counts[1]" to its row.
func (b *formBuilder) summary() []summaryItem {
	order := b.order
	var out []summaryItem
	done := map[string]bool{}
	add := func(path string) {
		msg, ok := b.errs[path]
		if !ok || done[path] {
			return
		}
		done[path] = true
		for p := path; p != ""; p = parentPath(p) {
			if ref, ok := b.shown[p]; ok {
				label := ref.Label
				if row := rowOf2(p); row != "" && row != p {
					if r, ok := b.shown[row]; ok {
						label = r.Label + " – " + label
					}
				}
				out = append(out, summaryItem{Href: "#" + ref.ID, Label: label, Message: msg})
				return
			}
		}
		out = append(out, summaryItem{Label: path, Message: msg})
	}
	for _, p := range order {
		add(p)
	}
	rest := make([]string, 0, len(b.errs))
	for p := range b.errs {
		rest = append(rest, p)
	}
	slices.Sort(rest)
	for _, p := range rest {
		add(p)
	}
	return out
}

// parentPath strips the last step of a path: a[1].b → a[1] → a.
func parentPath(p string) string {
	if i := strings.LastIndexAny(p, ".["); i > 0 {
		return p[:i]
	}
	return ""
}

// rowOf2 returns the row a path is in: persons[0].age → persons[0].
func rowOf2(p string) string {
	if i := strings.Index(p, "]"); i > 0 {
		return p[:i+1]
	}
	return ""
}
