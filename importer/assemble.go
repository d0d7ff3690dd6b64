package importer

import (
	"hash/maphash"
	"slices"
	"strconv"
	"strings"

	"vrs"
)

// Entry is one incident read from a file, with where it came from.
type Entry struct {
	Item   *vrs.ImportItem
	origin *origin
}

// Problems returns why the entry is rejected, located in the file: the
// file's own problems, or the store's field errors turned into rows and
// columns. None when it is not rejected.
func (e *Entry) Problems() Problems {
	if e.Item.Err == nil {
		return nil
	}
	return problemsOf(e.Item.Err, e.origin)
}

// Assembler turns the rows of a flat file (one person, document or
// payment per row) into incidents: consecutive rows with the same
// reference are one incident, whose own fields may be repeated on each of
// its rows but must then agree.
type Assembler struct {
	ap      *Applier
	columns map[string]string
	seen    *refSet // the references of finished incidents
	cur     *Entry
	curRef  string
	first   map[string]string // incident-level field -> value, for the current incident
	errs    Problems
}

// NewAssembler assembles rows mapped by ap.
func NewAssembler(ap *Applier) *Assembler {
	cols := make(map[string]string, len(ap.cols))
	for _, c := range ap.cols {
		if _, ok := cols[c.field.Path]; !ok {
			cols[c.field.Path] = c.name
		}
	}
	return &Assembler{ap: ap, columns: cols, seen: newRefSet()}
}

// Add reads one row; it returns the previous incident when this row
// starts a new one.
func (a *Assembler) Add(row Row) *Entry {
	vals, cellErrs := a.ap.Apply(row.Cells)
	ref := ""
	if v := vals["reference"]; len(v) > 0 {
		ref = v[0]
	}
	var done *Entry
	if a.cur == nil || ref != a.curRef || ref == "" {
		done = a.Flush()
		a.start(row.Number, ref)
	} else {
		a.cur.origin.rows = append(a.cur.origin.rows, row.Number)
		a.cur.Item.Rows = append(a.cur.Item.Rows, row.Number)
	}
	for _, ce := range cellErrs {
		a.errs = append(a.errs, Problem{Row: row.Number, Column: ce.Column, Value: ce.Value, Message: ce.Message})
	}
	a.apply(row.Number, vals)
	return done
}

func (a *Assembler) start(row int, ref string) {
	inc := &vrs.Incident{}
	a.cur = &Entry{Item: &vrs.ImportItem{Rows: []int{row}, Incident: inc},
		origin: &origin{rows: []int{row}, columns: a.columns}}
	a.curRef, a.first, a.errs = ref, map[string]string{}, nil
	if ref == "" {
		a.errs = append(a.errs, Problem{Row: row, Column: a.columns["reference"], Message: "import.reference_missing"})
		return
	}
	if first, dup := a.seen.add(ref, row); dup {
		a.errs = append(a.errs, Problem{Row: row, Column: a.columns["reference"], Value: ref, Message: "import.reference_split",
			Args: vrs.MessageArgs{first}})
	}
}

// Flush finishes the current incident, if any.
func (a *Assembler) Flush() *Entry {
	e := a.cur
	if e == nil {
		return nil
	}
	a.cur = nil
	if len(a.errs) > 0 {
		e.Item.Incident, e.Item.Action, e.Item.Err = nil, vrs.ImportReject, a.errs
	}
	return e
}

// apply sets the row's values on the current incident.
func (a *Assembler) apply(row int, vals map[string][]string) {
	inc, o := a.cur.Item.Incident, a.cur.origin
	var person *vrs.Person
	var doc *vrs.Document
	var tx *vrs.Transaction
	// In the order of Fields, so that errors come out in a stable order.
	for _, f := range Fields {
		v, ok := vals[f.Path]
		if !ok || len(v) == 0 {
			continue
		}
		switch {
		case strings.HasPrefix(f.Path, "persons[]."):
			if person == nil {
				inc.Persons = append(inc.Persons, vrs.Person{})
				person = &inc.Persons[len(inc.Persons)-1]
				o.persons = append(o.persons, row)
			}
			setPerson(person, f.Path[len("persons[]."):], v)
		case strings.HasPrefix(f.Path, "documents[]."):
			if doc == nil {
				inc.Documents = append(inc.Documents, vrs.Document{})
				doc = &inc.Documents[len(inc.Documents)-1]
				o.docs = append(o.docs, row)
			}
			setDocument(doc, f.Path[len("documents[]."):], v)
		case strings.HasPrefix(f.Path, "transactions[]."):
			if tx == nil {
				inc.Transactions = append(inc.Transactions, vrs.Transaction{})
				tx = &inc.Transactions[len(inc.Transactions)-1]
				o.trans = append(o.trans, row)
			}
			setTransaction(tx, f.Path[len("transactions[]."):], v)
		default:
			joined := strings.Join(v, "\x00")
			if prev, seen := a.first[f.Path]; seen {
				if prev != joined {
					a.errs = append(a.errs, Problem{Row: row, Column: a.columns[f.Path], Value: strings.Join(v, "; "),
						Message: "import.value_conflict", Args: vrs.MessageArgs{strings.ReplaceAll(prev, "\x00", "; "), o.rows[0]}})
				}
				continue
			}
			a.first[f.Path] = joined
			setIncident(inc, f.Path, v)
		}
	}
	if person != nil && person.Key == "" {
		person.Key = "p" + strconv.Itoa(len(inc.Persons))
	}
	if doc != nil && doc.HolderKey == "" && person != nil {
		doc.HolderKey = person.Key
	}
}

func atoi(s string) *int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil
	}
	return &n
}

func atof(s string) *float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil
	}
	return &f
}

// setIncident sets an incident-level field; values were checked by Apply.
func setIncident(inc *vrs.Incident, path string, v []string) {
	s := v[0]
	switch path {
	case "reference":
		inc.Reference = s
	case "type":
		inc.Type = vrs.IncidentType(s)
	case "occurred_on":
		inc.OccurredOn = s
	case "detected_on":
		inc.DetectedOn = s
	case "reported_on":
		inc.ReportedOn = s
	case "place.country":
		inc.Place.Country = s
	case "place.admin_area":
		inc.Place.AdminArea = s
	case "place.name":
		inc.Place.Name = s
	case "place.kind":
		inc.Place.Kind = s
	case "place.lat":
		inc.Place.Lat = atof(s)
	case "place.lon":
		inc.Place.Lon = atof(s)
	case "narrative":
		inc.Narrative = strings.Join(v, "\n\n")
	case "source":
		inc.Source = s
	case "offence_codes":
		inc.OffenceCodes = slices.Clone(v)
	case "proceedings":
		inc.Proceedings = s
	case "persons_involved":
		inc.PersonsInvolved = atoi(s)
	case "route.origin":
		inc.Legs = slices.Insert(inc.Legs, 0, vrs.RouteLeg{Country: s, Role: "origin"})
	case "route.transit":
		for _, c := range v {
			inc.Legs = append(inc.Legs, vrs.RouteLeg{Country: c, Role: "transit"})
		}
	case "route.destination":
		inc.Legs = append(inc.Legs, vrs.RouteLeg{Country: s, Role: "destination"})
	case "route.mode":
		// Fields come in order: the legs exist by now.
		for i := range inc.Legs {
			inc.Legs[i].Mode = s
		}
	}
}

func setPerson(p *vrs.Person, field string, v []string) {
	s := v[0]
	switch field {
	case "key":
		p.Key = s
	case "role":
		p.Role = s
	case "perpetrator_roles":
		p.PerpetratorRoles = slices.Clone(v)
	case "sex":
		p.Sex = s
	case "age":
		p.Age = atoi(s)
	case "age_group":
		p.AgeGroup = s
	case "nationalities":
		p.Nationalities = slices.Clone(v)
	case "status":
		p.Status = s
	case "trafficking_status":
		p.TraffickingStatus = s
	case "exploitation":
		p.Exploitation = slices.Clone(v)
	case "sex_exploitation":
		p.SexExploitation = slices.Clone(v)
	case "labour_sector":
		p.LabourSector = s
	case "control_methods":
		p.ControlMethods = slices.Clone(v)
	case "recruitment_methods":
		p.RecruitmentMethods = slices.Clone(v)
	case "name":
		p.Name = s
	case "aliases":
		p.Aliases = slices.Clone(v)
	case "date_of_birth":
		p.DateOfBirth = s
	}
}

func setDocument(d *vrs.Document, field string, v []string) {
	switch field {
	case "type":
		d.Type = v[0]
	case "issuing_country":
		d.IssuingCountry = v[0]
	case "fraud_type":
		d.FraudType = v[0]
	case "number":
		d.Number = v[0]
	}
}

func setTransaction(t *vrs.Transaction, field string, v []string) {
	s := v[0]
	switch field {
	case "amount":
		if f := atof(s); f != nil {
			t.Amount = *f
		}
	case "currency":
		t.Currency = s
	case "date":
		t.Date = s
	case "method":
		t.Method = s
	case "purpose":
		t.Purpose = s
	}
}

// refSet remembers references by a 64-bit hash and the row that gave them
// first: 12 bytes or so a reference, the one thing an import holds that
// grows with the file.
type refSet struct {
	seed maphash.Seed
	rows map[uint64]int32
}

func newRefSet() *refSet { return &refSet{seed: maphash.MakeSeed(), rows: map[uint64]int32{}} }

// add records ref at row; when it was there already it returns its first
// row and true.
func (s *refSet) add(ref string, row int) (int, bool) {
	h := maphash.String(s.seed, ref)
	if first, ok := s.rows[h]; ok {
		return int(first), true
	}
	s.rows[h] = int32(row)
	return 0, false
}
