package importer

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"vrs"
	"vrs/refdata"
)

// Templates are the files an agency downloads, fills and imports: their
// column headers are the field paths of Fields, so that a filled template
// binds with IdentityMapping and needs no mapping work.

// Translate returns the message of a catalogue key (i18n.Catalog.T bound
// to a language), so that templates are written in the user's language.
type Translate func(key string, args ...any) string

// Requirement says when a template column must be filled.
type Requirement int

const (
	Optional          Requirement = iota
	RequiredAlways                // on every row
	RequiredPerson                // on every row that describes a person
	RequiredPayment               // on every row that describes a payment
	RequiredPerRecord             // at least once per incident (see the type's note)
	RequiredDocument              // on every row that describes a document
)

// TemplateColumn is one column of the flat template of a type.
type TemplateColumn struct {
	Field    Field
	Required Requirement
}

// trafficking-only person fields: the HTCDS victim context.
var traffickingFields = []string{
	"persons[].trafficking_status", "persons[].exploitation", "persons[].sex_exploitation",
	"persons[].labour_sector", "persons[].control_methods", "persons[].recruitment_methods",
}

// TemplateColumns lists the columns of the template of an incident type,
// in the order of Fields, without those the type does not use: the victim
// context is for trafficking only; perpetrator roles, proceedings and
// payments do not apply to irregular migration alone.
func TemplateColumns(t vrs.IncidentType) []TemplateColumn {
	var out []TemplateColumn
	for _, f := range Fields {
		if slices.Contains(traffickingFields, f.Path) && t != vrs.TypeTrafficking {
			continue
		}
		if t == vrs.TypeIrregularMigration && (f.Path == "persons[].perpetrator_roles" || f.Path == "proceedings" ||
			strings.HasPrefix(f.Path, "transactions[]")) {
			continue
		}
		c := TemplateColumn{Field: f}
		switch f.Path {
		case "reference", "type", "detected_on", "reported_on", "place.country":
			c.Required = RequiredAlways
		case "persons[].role":
			c.Required = RequiredPerson
			if t != vrs.TypeDocumentFraud && t != vrs.TypeRelatedConduct {
				c.Required = RequiredPerRecord
			}
		case "transactions[].amount", "transactions[].currency", "transactions[].method":
			c.Required = RequiredPayment
		case "documents[].type":
			c.Required = RequiredDocument
		case "documents[].fraud_type":
			if t == vrs.TypeDocumentFraud {
				c.Required = RequiredPerRecord
			}
		case "offence_codes":
			if t == vrs.TypeRelatedConduct {
				c.Required = RequiredPerRecord
			}
		}
		out = append(out, c)
	}
	return out
}

// TemplateHeader is the header row of the template of a type.
func TemplateHeader(t vrs.IncidentType) []string {
	cols := TemplateColumns(t)
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.Field.Path
	}
	return h
}

// ValidTemplateType reports whether t names an incident type.
func ValidTemplateType(t vrs.IncidentType) bool { return slices.Contains(vrs.IncidentTypes, t) }

// IdentityMapping maps every header column named by a field path to that
// field and ignores the others; dates may be ISO text or spreadsheet day
// numbers, as a filled XLSX template holds them.
func IdentityMapping(header []string) *Mapping {
	m := &Mapping{DateFormats: []string{"2006-01-02", DateExcel}, Columns: []Column{}}
	seen := map[string]bool{}
	for _, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		k := normHeader(h)
		if k == "" || seen[k] || len([]rune(h)) > MaxNameLen || len(m.Columns) >= MaxColumns {
			continue
		}
		seen[k] = true
		c := Column{Source: h}
		if f, ok := LookupField(k); ok {
			c.Field = f.Path
		}
		m.Columns = append(m.Columns, c)
	}
	return m
}

// columnKey is the catalogue key of a column's meaning.
func columnKey(path string) string {
	return "import.template.col." + strings.ReplaceAll(path, "[]", "")
}

// RequirementText is the localised "required" cell of a column.
func (c TemplateColumn) RequirementText(tr Translate, t vrs.IncidentType) string {
	switch c.Required {
	case RequiredAlways:
		return tr("import.template.req.always")
	case RequiredPerson:
		return tr("import.template.req.person")
	case RequiredPayment:
		return tr("import.template.req.payment")
	case RequiredDocument:
		return tr("import.template.req.document")
	case RequiredPerRecord:
		return tr("import.template.req.record." + string(t))
	}
	return tr("import.template.req.optional")
}

// inlineCodes is the size up to which a code list is written out in full
// in the column description of the CSV template.
const inlineCodes = 40

// ValuesText describes the values a column takes: its codes (or the list
// name, for long lists) and the format.
func (c TemplateColumn) ValuesText(tr Translate) string {
	f := c.Field
	var s string
	switch f.Kind {
	case KindCode:
		l, _ := refdata.LookupCodeList(f.List)
		if l != nil && len(l.Entries) <= inlineCodes {
			codes := make([]string, len(l.Entries))
			for i, e := range l.Entries {
				codes[i] = e.Code
			}
			s = tr("import.template.fmt.codes", f.List, strings.Join(codes, ", "))
		} else {
			s = tr("import.template.fmt.code_list", f.List)
		}
	case KindDate:
		s = tr("import.template.fmt.date")
	case KindInt:
		s = tr("import.template.fmt.int")
	case KindDecimal:
		s = tr("import.template.fmt.decimal")
	default:
		s = tr("import.template.fmt.text")
	}
	if f.Multi {
		if f.Path == "narrative" {
			return s + " " + tr("import.template.fmt.joined")
		}
		s += " " + tr("import.template.fmt.multi", DefaultMultiSeparator)
	}
	return s
}

// utf8BOM lets Excel open the CSV as UTF-8 rather than the system code page.
const utf8BOM = "\ufeff"

// WriteTemplateCSV writes the CSV template: the header row alone.
func WriteTemplateCSV(w io.Writer, t vrs.IncidentType) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(TemplateHeader(t))
	cw.Flush()
	return cw.Error()
}

// WriteTemplateColumns writes the description of the template's columns
// as CSV: column, meaning, required, values and format.
func WriteTemplateColumns(w io.Writer, t vrs.IncidentType, tr Translate) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{tr("import.template.h.column"), tr("import.template.h.meaning"), tr("import.template.h.required"), tr("import.template.h.values")})
	for _, c := range TemplateColumns(t) {
		cw.Write([]string{c.Field.Path, tr(columnKey(c.Field.Path)), c.RequirementText(tr, t), c.ValuesText(tr)})
	}
	cw.Flush()
	return cw.Error()
}

// serverSet are the keys of the incident JSON that the server fills in;
// the JSON Lines example leaves them out.
var serverSet = []string{"id", "agency_id", "agency_name", "country", "status", "version", "created_by", "created_at",
	"updated_by", "updated_at", "updated_by_name", "granularity", "purpose_required", "review_note"}

// WriteTemplateJSONL writes the JSON Lines template: one example incident
// of the type, in the API's incident shape, on one line.
func WriteTemplateJSONL(w io.Writer, t vrs.IncidentType) error {
	b, err := json.Marshal(TemplateExample(t))
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for _, k := range serverSet {
		delete(m, k)
	}
	for k, v := range m {
		if a, ok := v.([]any); ok && len(a) == 0 {
			delete(m, k) // empty lists say nothing in an example
		}
	}
	b, err = json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// TemplateExample is a small, valid incident of the type (see
// vrs.Incident.Validate), made up for the templates.
func TemplateExample(t vrs.IncidentType) *vrs.Incident {
	age := func(n int) *int { return &n }
	inc := &vrs.Incident{
		Reference: "EX-2025-001", Type: t,
		OccurredOn: "2025-03-01", DetectedOn: "2025-03-02", ReportedOn: "2025-03-03",
		Place:     vrs.Place{Country: "TH", Name: "Mae Sot", Kind: "border_crossing"},
		Narrative: fmt.Sprintf("Example of a %s incident.", strings.ReplaceAll(string(t), "_", " ")),
		Source:    "patrol",
	}
	if !refdata.HasCode("place_kind", inc.Place.Kind) {
		inc.Place.Kind = ""
	}
	if !refdata.HasCode("information_source", inc.Source) {
		inc.Source = ""
	}
	switch t {
	case vrs.TypeIrregularMigration:
		inc.Persons = []vrs.Person{{Key: "p1", Role: vrs.PersonMigrant, Sex: "male", Age: age(24), Nationalities: []string{"MM"}, Status: "intercepted"}}
	case vrs.TypeMigrantSmuggling:
		inc.Persons = []vrs.Person{
			{Key: "p1", Role: vrs.PersonMigrant, Sex: "female", Age: age(31), Nationalities: []string{"MM"}, Status: "intercepted"},
			{Key: "p2", Role: vrs.PersonSuspect, Sex: "male", Nationalities: []string{"TH"}, PerpetratorRoles: []string{"transporter"}, Status: "detained"},
		}
		inc.Legs = []vrs.RouteLeg{{Country: "MM", Role: vrs.LegOrigin}, {Country: "TH", Role: vrs.LegInterception, Mode: "car"}}
		inc.Transactions = []vrs.Transaction{{PayerKey: "p1", PayeeKey: "p2", Amount: 15000, Currency: "THB", Method: "cash", Purpose: "smuggling_fee"}}
	case vrs.TypeTrafficking:
		inc.Persons = []vrs.Person{
			{Key: "p1", Role: vrs.PersonVictim, Sex: "female", Age: age(17), Nationalities: []string{"LA"}, Status: "rescued",
				TraffickingStatus: "actual_victim", Exploitation: []string{"forced_labour"}, LabourSector: "C",
				ControlMethods: []string{"debt_bondage", "withholds_documents"}, RecruitmentMethods: []string{"friends_or_social_events"}},
			{Key: "p2", Role: vrs.PersonSuspect, Sex: "male", Nationalities: []string{"TH"}, PerpetratorRoles: []string{"recruiter"}},
		}
	case vrs.TypeDocumentFraud:
		inc.Persons = []vrs.Person{{Key: "p1", Role: vrs.PersonMigrant, Sex: "male", Nationalities: []string{"VN"}}}
		inc.Documents = []vrs.Document{{Type: "passport", IssuingCountry: "VN", FraudType: "counterfeit", HolderKey: "p1"}}
	case vrs.TypeRelatedConduct:
		inc.OffenceCodes = []string{"07023"} // forgery of documents
		if !refdata.HasCode("offence", inc.OffenceCodes[0]) {
			inc.OffenceCodes = []string{firstOffence()}
		}
		inc.Persons = []vrs.Person{{Key: "p1", Role: vrs.PersonSuspect, Sex: "male", Nationalities: []string{"TH"}}}
	}
	// Codes that a later edition of a list might drop are checked, so
	// that the example stays valid; a test holds it so.
	for i := range inc.Transactions {
		tx := &inc.Transactions[i]
		if !refdata.HasCode("payment_purpose", tx.Purpose) {
			tx.Purpose = ""
		}
	}
	return inc
}

// firstOffence is a leaf code of the offence list (ICCS), for the example.
func firstOffence() string {
	l, ok := refdata.LookupCodeList("offence")
	if !ok || len(l.Entries) == 0 {
		return ""
	}
	parents := map[string]bool{}
	for _, e := range l.Entries {
		parents[e.Parent] = true
	}
	for _, e := range l.Entries {
		if !parents[e.Code] {
			return e.Code
		}
	}
	return l.Entries[0].Code
}

// Template formats, as the download addresses name them.
const (
	TemplateXLSX       = "xlsx"
	TemplateCSV        = "csv"
	TemplateJSONL      = "jsonl"
	TemplateColumnsCSV = "columns" // the CSV template's column descriptions
)

// TemplateFormats lists the formats in the order pages offer them.
var TemplateFormats = []string{TemplateXLSX, TemplateCSV, TemplateColumnsCSV, TemplateJSONL}

// TemplateFile checks a type and a format and names the download: its
// media type and file name. An unknown type is ENOTFOUND, an unknown
// format EINVALID.
func TemplateFile(t vrs.IncidentType, format string) (contentType, filename string, err error) {
	if !ValidTemplateType(t) {
		names := make([]string, len(vrs.IncidentTypes))
		for i, x := range vrs.IncidentTypes {
			names[i] = string(x)
		}
		return "", "", vrs.Errorf(vrs.ENOTFOUND, "import.template.error.type", truncate(string(t), 80), strings.Join(names, ", "))
	}
	base := "vrs-template-" + string(t)
	switch format {
	case TemplateXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", base + ".xlsx", nil
	case TemplateCSV:
		return "text/csv; charset=utf-8", base + ".csv", nil
	case TemplateColumnsCSV:
		return "text/csv; charset=utf-8", base + "-columns.csv", nil
	case TemplateJSONL:
		return "application/jsonl; charset=utf-8", base + ".jsonl", nil
	}
	return "", "", vrs.Errorf(vrs.EINVALID, "import.template.error.format", truncate(format, 80))
}

// WriteTemplate writes the template of a type in a format (see
// TemplateFile, which it checks first).
func WriteTemplate(w io.Writer, t vrs.IncidentType, format string, tr Translate) error {
	if _, _, err := TemplateFile(t, format); err != nil {
		return err
	}
	switch format {
	case TemplateXLSX:
		return WriteTemplateXLSX(w, t, tr)
	case TemplateCSV:
		return WriteTemplateCSV(w, t)
	case TemplateColumnsCSV:
		return WriteTemplateColumns(w, t, tr)
	}
	return WriteTemplateJSONL(w, t)
}
