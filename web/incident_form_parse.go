package web

import (
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"vrs"
)

// The incident form names every input by the path the validation uses for
// its errors ("persons[0].nationalities", "legs[1].country"), so that an
// error from the store lands next to the input it is about.
//
// Repeatable rows may come with gaps in their indexes (the browser removes
// rows without asking the server) and with rows left blank. The parser
// keeps the rows in the order of their posted indexes, drops blank rows,
// and numbers the rest 0, 1, 2...; the page is then drawn again from the
// parsed incident, with the new numbers, so that its inputs and the
// errors (the parser's and the store's) use the same paths.

// incidentForm is a parsed incident form.
type incidentForm struct {
	Inc     *vrs.Incident
	Version int
	// Op is an add or remove button pressed without script: the page is
	// drawn again with the change and nothing is saved.
	Op *formOp
	// Raw holds what was typed in inputs whose value did not parse (a
	// number that is not one), by path, so that the page shows it again.
	Raw map[string]string
	// Errs are the parser's field errors: path → catalogue key.
	Errs map[string]string
	// Focus is the path of the input to focus after an add.
	Focus string
}

// formOp is an add or remove button: Section is "persons" or
// "persons[0].identifiers"; Index is the posted index of the row to remove.
type formOp struct {
	Add     bool
	Section string
	Index   int
}

// Parser error keys.
const (
	errUnknownField = "incident.form.err_unknown_field"
	errRepeated     = "incident.form.err_repeated"
	errWholeNumber  = "incident.form.err_whole_number"
	errNumber       = "incident.form.err_number"
	errIndex        = "incident.form.err_index"
	errOp           = "incident.form.err_op"
)

// maxUnknownErrors bounds the errors reported for unknown fields, so that
// a junk request cannot make a page of them.
const maxUnknownErrors = 10

// formSections lists the repeatable sections, with the highest index each
// accepts, in the order the form shows them.
var formSections = []struct {
	Name string
	Max  int
}{
	{"persons", vrs.MaxPersons},
	{"legs", vrs.MaxLegs},
	{"organisations", vrs.MaxSubItems},
	{"vehicles", vrs.MaxSubItems},
	{"documents", vrs.MaxSubItems},
	{"transactions", vrs.MaxSubItems},
	{"counts", vrs.MaxSubItems},
}

func sectionMax(name string) int {
	for _, s := range formSections {
		if s.Name == name {
			return s.Max
		}
	}
	return 0
}

// Fields of each section and whether they take several values.
var sectionFields = map[string]map[string]bool{
	"persons": {"key": false, "role": false, "perpetrator_roles": true, "sex": false, "age": false, "age_group": false,
		"nationalities": true, "status": false, "trafficking_status": false, "exploitation": true, "sex_exploitation": true,
		"labour_sector": false, "control_methods": true, "recruitment_methods": true, "name": false, "aliases": false,
		"date_of_birth": false},
	"legs":          {"country": false, "place": false, "role": false, "mode": false, "departed_on": false, "arrived_on": false},
	"organisations": {"key": false, "name": false, "kind": false, "country": false, "registration": false},
	"vehicles":      {"key": false, "kind": false, "name": false, "registration": false, "flag": false, "description": false},
	"documents":     {"type": false, "issuing_country": false, "fraud_type": false, "number": false, "holder": false},
	"transactions": {"payer": false, "payee": false, "amount": false, "currency": false, "date": false, "method": false,
		"purpose": false, "payer_account": false, "payee_account": false},
	"counts": {"role": false, "nationality": false, "sex": false, "age_group": false, "status": false, "count": false},
}

var identifierFields = map[string]bool{"kind": false, "value": false, "country": false}

// keyFields are set by the form, not typed: they do not make a row non-blank.
var keyFields = map[string]bool{"key": true}

var (
	rowNameRE   = regexp.MustCompile(`^([a-z]+)\[(\d{1,6})\]\.([a-z_]+)$`)
	identNameRE = regexp.MustCompile(`^persons\[(\d{1,6})\]\.identifiers\[(\d{1,6})\]\.([a-z_]+)$`)
	wholeRE     = regexp.MustCompile(`^\d{1,9}$`)
	amountRE    = regexp.MustCompile(`^(\d{1,13}|\d{1,3}(,\d{3}){1,4})(\.\d{1,6})?$`)
	degreesRE   = regexp.MustCompile(`^[+-]?\d{1,3}(\.\d{1,12})?$`)
	opRE        = regexp.MustCompile(`^(add|remove):(persons\[(\d{1,6})\]\.identifiers|[a-z]+)(?::(\d{1,6}))?$`)
)

// formRow is one posted row: field → values, and its identifier rows.
type formRow struct {
	vals  url.Values
	ident map[int]url.Values
}

// parseIncidentForm reads the incident form strictly: every field known,
// every number a number, every index in range. It never fails: what is
// wrong becomes a field error, and the rest is read.
func parseIncidentForm(form url.Values) *incidentForm {
	f := &incidentForm{Inc: &vrs.Incident{}, Raw: map[string]string{}, Errs: map[string]string{}}
	inc := f.Inc
	rows := map[string]map[int]*formRow{}
	unknown := 0
	bad := func(name, key string) {
		if key == errUnknownField {
			if unknown++; unknown > maxUnknownErrors {
				return
			}
			name = shortName(name)
		}
		if _, ok := f.Errs[name]; !ok {
			f.Errs[name] = key
		}
	}
	// Read the names in a fixed order, so that the same form always gives
	// the same errors.
	names := slices.Sorted(maps.Keys(form))
	for _, name := range names {
		vals := form[name]
		if m := identNameRE.FindStringSubmatch(name); m != nil {
			p, _ := strconv.Atoi(m[1])
			j, _ := strconv.Atoi(m[2])
			multi, ok := identifierFields[m[3]]
			switch {
			case !ok:
				bad(name, errUnknownField)
			case p >= vrs.MaxPersons:
				bad("persons", errIndex)
			case j >= vrs.MaxListValues:
				bad("persons["+m[1]+"].identifiers", errIndex)
			case !multi && len(vals) > 1:
				bad(name, errRepeated)
			default:
				r := rowOf(rows, "persons", p)
				if r.ident == nil {
					r.ident = map[int]url.Values{}
				}
				if r.ident[j] == nil {
					r.ident[j] = url.Values{}
				}
				if r.ident[j][m[3]] != nil {
					bad(name, errRepeated) // "01" and "1" name the same row
					continue
				}
				r.ident[j][m[3]] = vals
			}
			continue
		}
		if m := rowNameRE.FindStringSubmatch(name); m != nil {
			fields, ok := sectionFields[m[1]]
			if !ok {
				bad(name, errUnknownField)
				continue
			}
			i, _ := strconv.Atoi(m[2])
			multi, ok := fields[m[3]]
			switch {
			case !ok:
				bad(name, errUnknownField)
			case i >= sectionMax(m[1]):
				bad(m[1], errIndex)
			case !multi && len(vals) > 1:
				bad(name, errRepeated)
			default:
				r := rowOf(rows, m[1], i)
				if r.vals[m[3]] != nil {
					bad(name, errRepeated)
					continue
				}
				r.vals[m[3]] = vals
			}
			continue
		}
		multi, ok := topFields[name]
		if !ok {
			bad(name, errUnknownField)
			continue
		}
		if !multi && len(vals) > 1 {
			bad(name, errRepeated)
			continue
		}
		v := strings.TrimSpace(vals[0])
		switch name {
		case "csrf":
		case "op":
			if f.Op = parseOp(v); f.Op == nil && v != "" {
				bad("op", errOp)
			}
		case "version":
			if v != "" {
				if n, ok := whole(v); ok {
					f.Version = n
				} else {
					bad(name, errWholeNumber)
				}
			}
		case "agency_id":
			if v != "" {
				if n, ok := whole(v); ok {
					inc.AgencyID = int64(n)
				} else {
					bad(name, errWholeNumber)
				}
			}
		case "type":
			inc.Type = vrs.IncidentType(v)
		case "reference":
			inc.Reference = v
		case "occurred_on":
			inc.OccurredOn = v
		case "detected_on":
			inc.DetectedOn = v
		case "reported_on":
			inc.ReportedOn = v
		case "place.country":
			inc.Place.Country = v
		case "place.admin_area":
			inc.Place.AdminArea = v
		case "place.name":
			inc.Place.Name = v
		case "place.kind":
			inc.Place.Kind = v
		case "place.lat", "place.lon":
			if v == "" {
				continue
			}
			d, ok := degrees(v)
			if !ok {
				bad(name, errNumber)
				f.Raw[name] = vals[0]
				continue
			}
			if name == "place.lat" {
				inc.Place.Lat = &d
			} else {
				inc.Place.Lon = &d
			}
		case "narrative":
			inc.Narrative = vals[0]
		case "source":
			inc.Source = v
		case "offence_codes":
			inc.OffenceCodes = nonEmpty(vals)
		case "proceedings":
			inc.Proceedings = v
		case "persons_involved":
			if v == "" {
				continue
			}
			n, ok := whole(v)
			if !ok {
				bad(name, errWholeNumber)
				f.Raw[name] = vals[0]
				continue
			}
			inc.PersonsInvolved = &n
		case "distribution":
			inc.Distribution = vrs.Distribution(v)
		case "tlp":
			inc.TLP = vrs.TLP(v)
		case "narrative_shareable":
			inc.NarrativeShareable = v != ""
		case "share_countries":
			// As the domain's Normalize has them (upper case, first
			// occurrence kept), so that its errors' indexes name the
			// same countries as the page's.
			for _, c := range nonEmpty(vals) {
				if c = strings.ToUpper(c); !slices.Contains(inc.ShareCountries, c) {
					inc.ShareCountries = append(inc.ShareCountries, c)
				}
			}
		case "share_groups":
			for _, g := range nonEmpty(vals) {
				n, ok := whole(g)
				if !ok || n == 0 {
					bad(name, "field.group_unknown")
					continue
				}
				inc.ShareGroups = append(inc.ShareGroups, int64(n))
			}
			slices.Sort(inc.ShareGroups)
			inc.ShareGroups = slices.Compact(inc.ShareGroups)
		}
	}
	// The row removed by a remove button, by its posted index.
	removed := func(section string, i int) bool {
		return f.Op != nil && !f.Op.Add && f.Op.Section == section && f.Op.Index == i
	}
	personAt := map[int]int{} // posted index → new index
	for _, sec := range formSections {
		for _, i := range slices.Sorted(maps.Keys(rows[sec.Name])) {
			r := rows[sec.Name][i]
			if removed(sec.Name, i) || r.blank() {
				continue
			}
			switch sec.Name {
			case "persons":
				personAt[i] = len(inc.Persons)
				inc.Persons = append(inc.Persons, f.person(r, i, len(inc.Persons)))
			case "legs":
				v := r.vals
				inc.Legs = append(inc.Legs, vrs.RouteLeg{Country: one(v, "country"), Place: one(v, "place"), Role: one(v, "role"),
					Mode: one(v, "mode"), DepartedOn: one(v, "departed_on"), ArrivedOn: one(v, "arrived_on")})
			case "organisations":
				v := r.vals
				inc.Organisations = append(inc.Organisations, vrs.Organisation{Key: one(v, "key"), Name: one(v, "name"),
					Kind: one(v, "kind"), Country: one(v, "country"), Registration: one(v, "registration")})
			case "vehicles":
				v := r.vals
				inc.Vehicles = append(inc.Vehicles, vrs.Vehicle{Key: one(v, "key"), Kind: one(v, "kind"), Name: one(v, "name"),
					Registration: one(v, "registration"), Flag: one(v, "flag"), Description: one(v, "description")})
			case "documents":
				v := r.vals
				inc.Documents = append(inc.Documents, vrs.Document{Type: one(v, "type"), IssuingCountry: one(v, "issuing_country"),
					FraudType: one(v, "fraud_type"), Number: one(v, "number"), HolderKey: one(v, "holder")})
			case "transactions":
				v := r.vals
				t := vrs.Transaction{PayerKey: one(v, "payer"), PayeeKey: one(v, "payee"), Currency: one(v, "currency"),
					Date: one(v, "date"), Method: one(v, "method"), Purpose: one(v, "purpose"),
					PayerAccount: one(v, "payer_account"), PayeeAccount: one(v, "payee_account")}
				path := "transactions[" + strconv.Itoa(len(inc.Transactions)) + "].amount"
				if a := one(v, "amount"); a != "" {
					if n, ok := amount(a); ok {
						t.Amount = n
					} else {
						f.Errs[path] = errNumber
						f.Raw[path] = a
					}
				}
				inc.Transactions = append(inc.Transactions, t)
			case "counts":
				v := r.vals
				c := vrs.AggregateCount{Role: one(v, "role"), Nationality: one(v, "nationality"), Sex: one(v, "sex"),
					AgeGroup: one(v, "age_group"), Status: one(v, "status")}
				path := "counts[" + strconv.Itoa(len(inc.Counts)) + "].count"
				if n := one(v, "count"); n != "" {
					if x, ok := whole(n); ok {
						c.Count = x
					} else {
						f.Errs[path] = errWholeNumber
						f.Raw[path] = n
					}
				}
				inc.Counts = append(inc.Counts, c)
			}
		}
	}
	if op := f.Op; op != nil && op.Add {
		f.applyAdd(op, personAt)
	}
	return f
}

// topFields are the fields outside the repeatable sections, and whether
// they take several values.
var topFields = map[string]bool{
	"csrf": false, "op": false, "version": false, "agency_id": false,
	"type": false, "reference": false, "occurred_on": false, "detected_on": false, "reported_on": false,
	"place.country": false, "place.admin_area": false, "place.name": false, "place.kind": false,
	"place.lat": false, "place.lon": false, "narrative": false, "source": false, "offence_codes": true,
	"proceedings": false, "persons_involved": false,
	"distribution": false, "tlp": false, "share_countries": true, "share_groups": true, "narrative_shareable": false,
}

func rowOf(rows map[string]map[int]*formRow, section string, i int) *formRow {
	if rows[section] == nil {
		rows[section] = map[int]*formRow{}
	}
	r := rows[section][i]
	if r == nil {
		r = &formRow{vals: url.Values{}}
		rows[section][i] = r
	}
	return r
}

// blank reports whether nothing was typed or chosen in the row: a row
// added and left empty is no row.
func (r *formRow) blank() bool {
	for k, vs := range r.vals {
		if keyFields[k] {
			continue
		}
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				return false
			}
		}
	}
	for _, id := range r.ident {
		if !identBlank(id) {
			return false
		}
	}
	return true
}

// identBlank: an identifier row without a value or country is blank, even
// with its kind chosen (the kind has a default).
func identBlank(v url.Values) bool {
	return one(v, "value") == "" && one(v, "country") == ""
}

// person reads a person row posted as index posted, now at index i.
func (f *incidentForm) person(r *formRow, posted, i int) vrs.Person {
	v := r.vals
	p := vrs.Person{Key: one(v, "key"), Role: one(v, "role"), PerpetratorRoles: nonEmpty(v["perpetrator_roles"]),
		Sex: one(v, "sex"), AgeGroup: one(v, "age_group"), Nationalities: nonEmpty(v["nationalities"]), Status: one(v, "status"),
		TraffickingStatus: one(v, "trafficking_status"), Exploitation: nonEmpty(v["exploitation"]),
		SexExploitation: nonEmpty(v["sex_exploitation"]), LabourSector: one(v, "labour_sector"),
		ControlMethods: nonEmpty(v["control_methods"]), RecruitmentMethods: nonEmpty(v["recruitment_methods"]),
		Name: one(v, "name"), DateOfBirth: one(v, "date_of_birth")}
	path := "persons[" + strconv.Itoa(i) + "]"
	if a := one(v, "age"); a != "" {
		if n, ok := whole(a); ok {
			p.Age = &n
		} else {
			f.Errs[path+".age"] = errWholeNumber
			f.Raw[path+".age"] = a
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(one(v, "aliases"), "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			p.Aliases = append(p.Aliases, line)
		}
	}
	section := "persons[" + strconv.Itoa(posted) + "].identifiers"
	for _, j := range slices.Sorted(maps.Keys(r.ident)) {
		id := r.ident[j]
		if identBlank(id) || (f.Op != nil && !f.Op.Add && f.Op.Section == section && f.Op.Index == j) {
			continue
		}
		p.Identifiers = append(p.Identifiers, vrs.Identifier{Kind: one(id, "kind"), Value: one(id, "value"), Country: one(id, "country")})
	}
	return p
}

// applyAdd appends the blank row an add button asks for.
func (f *incidentForm) applyAdd(op *formOp, personAt map[int]int) {
	inc := f.Inc
	n := 0
	switch op.Section {
	case "persons":
		if n = len(inc.Persons); n < vrs.MaxPersons {
			inc.Persons = append(inc.Persons, vrs.Person{})
		}
	case "legs":
		if n = len(inc.Legs); n < vrs.MaxLegs {
			inc.Legs = append(inc.Legs, vrs.RouteLeg{})
		}
	case "organisations":
		if n = len(inc.Organisations); n < vrs.MaxSubItems {
			inc.Organisations = append(inc.Organisations, vrs.Organisation{})
		}
	case "vehicles":
		if n = len(inc.Vehicles); n < vrs.MaxSubItems {
			inc.Vehicles = append(inc.Vehicles, vrs.Vehicle{})
		}
	case "documents":
		if n = len(inc.Documents); n < vrs.MaxSubItems {
			inc.Documents = append(inc.Documents, vrs.Document{})
		}
	case "transactions":
		if n = len(inc.Transactions); n < vrs.MaxSubItems {
			inc.Transactions = append(inc.Transactions, vrs.Transaction{})
		}
	case "counts":
		if n = len(inc.Counts); n < vrs.MaxSubItems {
			inc.Counts = append(inc.Counts, vrs.AggregateCount{})
		}
	default:
		// persons[P].identifiers: P is the person's posted index.
		m := opRE.FindStringSubmatch("add:" + op.Section)
		posted, _ := strconv.Atoi(m[3])
		i, ok := personAt[posted]
		if !ok {
			return
		}
		p := &inc.Persons[i]
		if len(p.Identifiers) == 0 {
			// The first row stands among the quick fields, drawn even
			// when empty: the new one comes after it.
			p.Identifiers = []vrs.Identifier{{Kind: "document_number"}}
		}
		if n = len(p.Identifiers); n < vrs.MaxListValues {
			p.Identifiers = append(p.Identifiers, vrs.Identifier{})
		}
		f.Focus = "persons[" + strconv.Itoa(i) + "].identifiers[" + strconv.Itoa(n) + "].kind"
		return
	}
	f.Focus = op.Section + "[" + strconv.Itoa(n) + "]"
}

// parseOp reads an add or remove button's value.
func parseOp(v string) *formOp {
	m := opRE.FindStringSubmatch(v)
	if m == nil {
		return nil
	}
	op := &formOp{Add: m[1] == "add", Section: m[2]}
	if m[3] == "" && sectionMax(op.Section) == 0 {
		return nil
	}
	if op.Add != (m[4] == "") {
		return nil
	}
	if !op.Add {
		op.Index, _ = strconv.Atoi(m[4])
	}
	return op
}

func one(v url.Values, k string) string {
	if vs := v[k]; len(vs) > 0 {
		return strings.TrimSpace(vs[0])
	}
	return ""
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func whole(s string) (int, bool) {
	if !wholeRE.MatchString(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// amount reads a decimal amount: digits, optionally grouped by commas in
// thousands, and a decimal point ("1,500.50").
func amount(s string) (float64, bool) {
	if !amountRE.MatchString(s) {
		return 0, false
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return n, err == nil
}

// degrees reads a latitude or longitude in decimal degrees.
func degrees(s string) (float64, bool) {
	if !degreesRE.MatchString(s) {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

// shortName keeps an unknown field's name short and printable for the
// error summary.
func shortName(name string) string {
	name = strings.ToValidUTF8(name, "?")
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 60 {
		name = string(r[:60]) + "…"
	}
	return name
}
