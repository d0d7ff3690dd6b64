package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"vrs"
	"vrs/i18n"
	"vrs/refdata"
)

// fieldErrs returns the field errors of err, failing when err is not a
// validation error.
func fieldErrs(t *testing.T, err error) map[string]string {
	t.Helper()
	var e *vrs.Error
	if !errors.As(err, &e) || e.Code != vrs.EINVALID {
		t.Fatalf("err = %v, want an EINVALID *vrs.Error", err)
	}
	return e.Fields
}

func TestMappingValidate(t *testing.T) {
	ok := func() Mapping {
		return Mapping{
			DateFormats: []string{"02/01/2006", "2006-01-02", DateExcel},
			Columns: []Column{
				{Source: "Case no", Field: "reference"},
				{Source: "Nationality 1", Field: "persons[].nationalities"},
				{Source: "Nationality 2", Field: "persons[].nationalities"},
				{Source: "Gender", Field: "persons[].sex", Values: map[string]string{"M": "male", "F": "female", "?": ""}},
				{Source: "Notes", Field: ""},
			},
		}
	}
	tests := []struct {
		name   string
		edit   func(m *Mapping)
		fields map[string]string
	}{
		{"OK", func(m *Mapping) {}, nil},
		{"OKCommaSemicolon", func(m *Mapping) { m.Decimal, m.Delimiter, m.MultiSeparator, m.Encoding = ",", ";", "|", "Windows-1252" }, nil},
		{"ErrFieldUnknown", func(m *Mapping) { m.Columns[0].Field = "persons.sex" },
			map[string]string{"columns[0].field": "import.mapping_field_unknown"}},
		{"ErrFieldTwice", func(m *Mapping) { m.Columns[4].Field = "reference" },
			map[string]string{"columns[0].field": "import.mapping_field_twice", "columns[4].field": "import.mapping_field_twice"}},
		{"ErrSourceEmpty", func(m *Mapping) { m.Columns[4].Source = "  " },
			map[string]string{"columns[4].source": "import.mapping_source_empty"}},
		{"ErrSourceTwice", func(m *Mapping) { m.Columns[4].Source = " case  NO" },
			map[string]string{"columns[4].source": "import.mapping_source_twice"}},
		{"ErrDateLayoutNoDay", func(m *Mapping) { m.DateFormats = []string{"2006-01", "02/01/2006"} },
			map[string]string{"date_formats[0]": "import.mapping_date_format"}},
		{"ErrDateLayoutText", func(m *Mapping) { m.DateFormats = []string{"dd/mm/yyyy"} },
			map[string]string{"date_formats[0]": "import.mapping_date_format"}},
		{"ErrDateLayoutEmpty", func(m *Mapping) { m.DateFormats = []string{""} },
			map[string]string{"date_formats[0]": "import.mapping_date_format"}},
		{"ErrDecimal", func(m *Mapping) { m.Decimal = ";" },
			map[string]string{"decimal": "import.mapping_decimal"}},
		{"ErrMultiSameAsDecimal", func(m *Mapping) { m.Decimal, m.MultiSeparator = ",", "," },
			map[string]string{"multi_separator": "import.mapping_multi_separator"}},
		{"ErrMultiBlank", func(m *Mapping) { m.MultiSeparator = " " },
			map[string]string{"multi_separator": "import.mapping_multi_separator"}},
		{"ErrDelimiter", func(m *Mapping) { m.Delimiter = "::" },
			map[string]string{"delimiter": "import.mapping_delimiter"}},
		{"ErrEncoding", func(m *Mapping) { m.Encoding = "ebcdic" },
			map[string]string{"encoding": "import.mapping_encoding"}},
		{"ErrValueTwice", func(m *Mapping) { m.Columns[3].Values["m "] = "female" },
			map[string]string{"columns[3].values": "import.mapping_value_twice"}},
		{"OKValueTwiceSameTarget", func(m *Mapping) { m.Columns[3].Values["m "] = "male" }, nil},
		{"ErrValueCode", func(m *Mapping) { m.Columns[3].Values["X"] = "xx" },
			map[string]string{"columns[3].values": "import.mapping_value_code"}},
	}
	cat := i18n.MustLoad()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok()
			tt.edit(&m)
			err := m.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			got := fieldErrs(t, err)
			if !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
			for _, k := range got {
				if !strings.HasPrefix(k, "import.") || !cat.Has(i18n.Fallback, k) {
					t.Errorf("key %q is not an import. key of the English catalogue", k)
				}
			}
		})
	}
}

func TestMappingSaveLoad(t *testing.T) {
	m := &Mapping{
		Sheet: "Cases", Delimiter: ";", Encoding: "utf-8", DateFormats: []string{"1/2/2006", DateExcel},
		Decimal: ",", MultiSeparator: "|",
		Columns: []Column{
			{Source: "Pays", Field: "place.country", Values: map[string]string{"Viêt Nam": "VN"}},
			{Source: "Ignored"},
		},
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := LoadMapping(&buf)
	if err != nil {
		t.Fatalf("LoadMapping: %v", err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip: got %+v, want %+v", got, m)
	}

	for name, in := range map[string]string{
		"ErrUnknownKey": `{"columns": [], "decimals": ","}`,
		"ErrNotJSON":    `{"columns": [`,
		"ErrType":       `{"columns": "x"}`,
		"ErrTrailing":   `{"columns": []} {"columns": []}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadMapping(strings.NewReader(in))
			if !hasKey(err, "import.mapping_json") {
				t.Errorf("err = %v, want import.mapping_json", err)
			}
		})
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := LoadMapping(strings.NewReader(`{"columns": [{"source": "a", "field": "nope"}]}`))
		if f := fieldErrs(t, err); f["columns[0].field"] != "import.mapping_field_unknown" {
			t.Errorf("fields = %v", f)
		}
	})
}

// TestFieldsMatchIncident: every field path names a field of vrs.Incident
// (by its JSON name) and every code list exists.
func TestFieldsMatchIncident(t *testing.T) {
	for _, f := range Fields {
		typ := reflect.TypeFor[vrs.Incident]()
		if strings.HasPrefix(f.Path, "route.") {
			// The journey in one row: each becomes a leg (see TestAssemble).
			typ = reflect.TypeFor[struct {
				Route struct {
					Origin      string   `json:"origin"`
					Transit     []string `json:"transit"`
					Destination string   `json:"destination"`
					Mode        string   `json:"mode"`
				} `json:"route"`
			}]()
		}
		for seg := range strings.SplitSeq(f.Path, ".") {
			seg = strings.TrimSuffix(seg, "[]")
			found := false
			for i := range typ.NumField() {
				sf := typ.Field(i)
				if name, _, _ := strings.Cut(sf.Tag.Get("json"), ","); name == seg {
					typ, found = sf.Type, true
					break
				}
			}
			if !found {
				t.Errorf("%s: no field %q in vrs.Incident", f.Path, seg)
				break
			}
			for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer {
				typ = typ.Elem()
			}
		}
		if f.Kind == KindCode {
			if _, ok := refdata.LookupCodeList(f.List); !ok {
				t.Errorf("%s: no code list %q", f.Path, f.List)
			}
		}
	}
}

// TestMappingKeysExist: every catalogue key of the mapping files exists in
// English, and the mapping's catalogue file holds only "import." keys.
func TestMappingKeysExist(t *testing.T) {
	cat := i18n.MustLoad()
	re := regexp.MustCompile(`"(import\.[a-z0-9_.]*[a-z0-9_])"`)
	n := 0
	for _, f := range []string{"mapping.go", "values.go", "suggest.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			n++
			if !cat.Has(i18n.Fallback, string(m[1])) {
				t.Errorf("%s: key %q is not in the English catalogue", f, m[1])
			}
		}
	}
	if n < 10 {
		t.Errorf("found only %d keys", n)
	}
	b, err := fs.ReadFile(os.DirFS("../i18n/messages/en"), "import_mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(?m)^\s*"([^"]+)"\s*:`).FindAllSubmatch(b, -1) {
		if !strings.HasPrefix(string(m[1]), "import.") {
			t.Errorf("import_mapping.json: key %q does not start with import.", m[1])
		}
	}
}

func ExampleLoadMapping() {
	m, err := LoadMapping(strings.NewReader(`{
  "delimiter": ";",
  "date_formats": ["02/01/2006", "excel"],
  "decimal": ",",
  "multi_separator": "|",
  "columns": [
    {"source": "N° dossier", "field": "reference"},
    {"source": "Date interception", "field": "detected_on"},
    {"source": "Nationalité", "field": "persons[].nationalities", "values": {"Viêt Nam": "VN"}},
    {"source": "Sexe", "field": "persons[].sex", "values": {"H": "male", "F": "female"}},
    {"source": "Observations", "field": ""}
  ]
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	header := []string{"N° dossier", "Date interception", "Nationalité", "Sexe", "Observations"}
	vals, errs, err := m.ApplyRow(header, []string{"2025/17", "31/03/2025", "Viêt Nam|KHM|Atlantide", "H", "…"})
	fmt.Println(vals, err)
	for _, e := range errs {
		fmt.Printf("%s %q: %s\n", e.Column, e.Value, e.Message)
	}
	// Output:
	// map[detected_on:[2025-03-31] persons[].nationalities:[VN KH] persons[].sex:[male] reference:[2025/17]] <nil>
	// Nationalité "Atlantide": import.value_unknown_code
}
