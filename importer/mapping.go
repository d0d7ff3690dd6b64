package importer

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"vrs"
)

// Mapping says how a file that does not use VRS's names maps onto VRS
// fields. It is saved and loaded as JSON (vrs import --mapping FILE).
type Mapping struct {
	// Sheet is the XLSX sheet to read; "" takes the first.
	Sheet string `json:"sheet,omitempty"`
	// Delimiter is the CSV field delimiter: ",", ";", "\t" or "|"; ""
	// lets the reader detect it.
	Delimiter string `json:"delimiter,omitempty"`
	// Encoding of a CSV file: "utf-8", "utf-16", "windows-1252" or
	// "tis-620"; "" lets the reader detect it.
	Encoding string `json:"encoding,omitempty"`
	// DateFormats are the layouts dates may take, tried in order, in Go's
	// reference-time notation ("02/01/2006"), or DateExcel for spreadsheet
	// serial numbers. Empty accepts ISO dates (2006-01-02) only.
	DateFormats []string `json:"date_formats,omitempty"`
	// Decimal is the decimal separator of numbers: "." (the default) or ",".
	Decimal string `json:"decimal,omitempty"`
	// MultiSeparator splits a cell of a multi-valued field ("VN;KH");
	// "" means ";".
	MultiSeparator string `json:"multi_separator,omitempty"`
	// Columns maps source columns, by header name, to fields.
	Columns []Column `json:"columns"`
	// Defaults give fields a value on every row where no column gives one
	// (the incident type of a file of trafficking cases, a country).
	Defaults map[string]string `json:"defaults,omitempty"`
}

// Column maps one source column.
type Column struct {
	// Source is the column's name in the file's header row.
	Source string `json:"source"`
	// Field is the target field path (see Fields), or "" to ignore the column.
	Field string `json:"field"`
	// Values maps source values to VRS values (codes for code fields),
	// applied before the value is checked. A source value is matched
	// exactly first, then ignoring case and surrounding space. Mapping a
	// value to "" leaves the cell empty.
	Values map[string]string `json:"values,omitempty"`
}

// DateExcel in DateFormats accepts spreadsheet serial day numbers
// (45000 is 2023-03-15).
const DateExcel = "excel"

// DefaultMultiSeparator splits multi-valued cells when a mapping names none.
const DefaultMultiSeparator = ";"

// Kind is the type of value a field takes.
type Kind int

const (
	KindText    Kind = iota // free text on one line
	KindCode                // a code of List
	KindDate                // a date, stored YYYY-MM-DD
	KindInt                 // a whole number
	KindDecimal             // a decimal number
)

// Field is a target of a mapping: a path into vrs.Incident as its JSON
// names it, with "[]" where one row holds one element of a list (a
// person, a transaction).
type Field struct {
	Path  string
	Kind  Kind
	List  string // code list, for KindCode
	Multi bool   // holds several values; several columns may map to it
}

// Fields lists every field a column may map to.
var Fields = []Field{
	{Path: "reference"},
	{Path: "type", Kind: KindCode, List: "incident_type"},
	{Path: "occurred_on", Kind: KindDate},
	{Path: "detected_on", Kind: KindDate},
	{Path: "reported_on", Kind: KindDate},
	{Path: "place.country", Kind: KindCode, List: "country"},
	{Path: "place.admin_area"},
	{Path: "place.name"},
	{Path: "place.kind", Kind: KindCode, List: "place_kind"},
	{Path: "place.lat", Kind: KindDecimal},
	{Path: "place.lon", Kind: KindDecimal},
	{Path: "narrative", Multi: true},
	{Path: "source", Kind: KindCode, List: "information_source"},
	{Path: "offence_codes", Kind: KindCode, List: "offence", Multi: true},
	{Path: "proceedings", Kind: KindCode, List: "proceeding_stage"},
	{Path: "persons_involved", Kind: KindInt},

	{Path: "persons[].key"},
	{Path: "persons[].role", Kind: KindCode, List: "person_role"},
	{Path: "persons[].perpetrator_roles", Kind: KindCode, List: "perpetrator_role", Multi: true},
	{Path: "persons[].sex", Kind: KindCode, List: "sex"},
	{Path: "persons[].age", Kind: KindInt},
	{Path: "persons[].age_group", Kind: KindCode, List: "age_group"},
	{Path: "persons[].nationalities", Kind: KindCode, List: "country", Multi: true},
	{Path: "persons[].status", Kind: KindCode, List: "person_status"},
	{Path: "persons[].trafficking_status", Kind: KindCode, List: "trafficking_status"},
	{Path: "persons[].exploitation", Kind: KindCode, List: "exploitation_form", Multi: true},
	{Path: "persons[].sex_exploitation", Kind: KindCode, List: "sex_exploitation_type", Multi: true},
	{Path: "persons[].labour_sector", Kind: KindCode, List: "isic_section"},
	{Path: "persons[].control_methods", Kind: KindCode, List: "control_method", Multi: true},
	{Path: "persons[].recruitment_methods", Kind: KindCode, List: "recruitment_method", Multi: true},
	{Path: "persons[].name"},
	{Path: "persons[].aliases", Multi: true},
	{Path: "persons[].date_of_birth", Kind: KindDate},

	{Path: "route.origin", Kind: KindCode, List: "country"},
	{Path: "route.transit", Kind: KindCode, List: "country", Multi: true},
	{Path: "route.destination", Kind: KindCode, List: "country"},
	{Path: "route.mode", Kind: KindCode, List: "transport_mode"},

	{Path: "documents[].type", Kind: KindCode, List: "document_type"},
	{Path: "documents[].issuing_country", Kind: KindCode, List: "country"},
	{Path: "documents[].fraud_type", Kind: KindCode, List: "fraud_type"},
	{Path: "documents[].number"},

	{Path: "transactions[].amount", Kind: KindDecimal},
	{Path: "transactions[].currency", Kind: KindCode, List: "currency"},
	{Path: "transactions[].date", Kind: KindDate},
	{Path: "transactions[].method", Kind: KindCode, List: "payment_method"},
	{Path: "transactions[].purpose", Kind: KindCode, List: "payment_purpose"},
}

var fieldIndex = func() map[string]int {
	m := make(map[string]int, len(Fields))
	for i, f := range Fields {
		m[f.Path] = i
	}
	return m
}()

// LookupField finds a target field by path.
func LookupField(path string) (Field, bool) {
	i, ok := fieldIndex[path]
	if !ok {
		return Field{}, false
	}
	return Fields[i], true
}

// Limits on a mapping, so that a saved file cannot exhaust memory.
const (
	MaxColumns     = 1000
	MaxDateFormats = 20
	MaxValueMap    = 10000
	MaxNameLen     = 200
)

// LoadMapping reads a mapping from JSON and validates it. Unknown JSON
// keys are an error, so that a typo does not silently drop a setting.
func LoadMapping(r io.Reader) (*Mapping, error) {
	dec := json.NewDecoder(io.LimitReader(r, 16<<20))
	dec.DisallowUnknownFields()
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		return nil, vrs.Errorf(vrs.EINVALID, "import.mapping_json", err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, vrs.Errorf(vrs.EINVALID, "import.mapping_json", "data after the mapping")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Save writes the mapping as indented JSON.
func (m *Mapping) Save(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// Validate checks the mapping itself: known field paths, at most one
// column per single-valued field, usable date layouts and separators, and
// codes that exist as targets of value maps. Errors name the offending
// part of the mapping ("columns[2].field", "date_formats[0]").
func (m *Mapping) Validate() error {
	fe := map[string]string{}
	switch m.Delimiter {
	case "", ",", ";", "\t", "|":
	default:
		fe["delimiter"] = "import.mapping_delimiter"
	}
	// The names the readers accept (ParseEncoding), kept here so that a
	// mapping is checked when it is saved.
	switch strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(m.Encoding))) {
	case "", "auto", "utf8", "utf8bom", "utf16", "utf16le", "ucs2", "ucs2le", "unicode", "utf16be", "ucs2be", "unicodebe",
		"windows1252", "cp1252", "latin1", "iso88591", "l1", "ansi", "tis620", "iso885911", "windows874", "cp874", "thai":
	default:
		fe["encoding"] = "import.mapping_encoding"
	}
	if len([]rune(m.Sheet)) > MaxNameLen {
		fe["sheet"] = "import.mapping_too_long"
	}
	switch m.Decimal {
	case "", ".", ",":
	default:
		fe["decimal"] = "import.mapping_decimal"
	}
	sep := m.multiSeparator()
	if strings.TrimSpace(sep) == "" || len([]rune(sep)) > 3 || (fe["decimal"] == "" && sep == m.decimal()) {
		fe["multi_separator"] = "import.mapping_multi_separator"
	}
	if len(m.DateFormats) > MaxDateFormats {
		fe["date_formats"] = "import.mapping_too_many"
	}
	for i, l := range m.DateFormats {
		if !validLayout(l) {
			fe[fmt.Sprintf("date_formats[%d]", i)] = "import.mapping_date_format"
		}
	}
	if len(m.Columns) > MaxColumns {
		fe["columns"] = "import.mapping_too_many"
	}
	sources := map[string]int{}
	targets := map[string]int{}
	for i, c := range m.Columns {
		p := fmt.Sprintf("columns[%d]", i)
		src := normHeader(c.Source)
		switch {
		case src == "":
			fe[p+".source"] = "import.mapping_source_empty"
		case len([]rune(c.Source)) > MaxNameLen:
			fe[p+".source"] = "import.mapping_too_long"
		default:
			if _, dup := sources[src]; dup {
				fe[p+".source"] = "import.mapping_source_twice"
			}
			sources[src] = i
		}
		if c.Field == "" {
			continue
		}
		f, ok := LookupField(c.Field)
		if !ok {
			fe[p+".field"] = "import.mapping_field_unknown"
			continue
		}
		if j, dup := targets[f.Path]; dup && !f.Multi {
			fe[p+".field"] = "import.mapping_field_twice"
			fe[fmt.Sprintf("columns[%d].field", j)] = "import.mapping_field_twice"
		}
		targets[f.Path] = i
		if len(c.Values) > MaxValueMap {
			fe[p+".values"] = "import.mapping_too_many"
			continue
		}
		// Two source values that differ only in case or spacing must
		// not map to different targets: which one a cell takes would
		// depend on chance.
		folded := make(map[string]string, len(c.Values))
		for from, to := range c.Values {
			to = strings.TrimSpace(to)
			if f.Kind == KindCode && to != "" && !hasCode(f.List, to) {
				fe[p+".values"] = "import.mapping_value_code"
				break
			}
			k := normHeader(from)
			if prev, dup := folded[k]; dup && prev != to {
				fe[p+".values"] = "import.mapping_value_twice"
				break
			}
			folded[k] = to
		}
	}
	if len(fe) > 0 {
		return vrs.FieldErrors(fe)
	}
	return nil
}

func (m *Mapping) multiSeparator() string {
	if m.MultiSeparator == "" {
		return DefaultMultiSeparator
	}
	return m.MultiSeparator
}

func (m *Mapping) decimal() string {
	if m.Decimal == "" {
		return "."
	}
	return m.Decimal
}

func (m *Mapping) dateFormats() []string {
	if len(m.DateFormats) == 0 {
		return []string{time.DateOnly}
	}
	return m.DateFormats
}

// validLayout reports whether a date layout names a day, a month and a
// year and reads back what it writes, so that "2006-01" or "hello" are
// refused rather than silently parsing every date as January 1st.
func validLayout(l string) bool {
	if l == DateExcel {
		return true
	}
	if l == "" || len(l) > 64 {
		return false
	}
	for _, d := range []time.Time{
		time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 28, 0, 0, 0, 0, time.UTC),
	} {
		t, err := time.Parse(l, d.Format(l))
		if err != nil || t.Year() != d.Year() || t.Month() != d.Month() || t.Day() != d.Day() {
			return false
		}
	}
	return true
}

// normHeader is how header names are compared: trimmed, case-folded,
// inner space collapsed.
func normHeader(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
