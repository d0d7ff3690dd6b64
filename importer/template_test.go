package importer

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"vrs"
	"vrs/i18n"
	"vrs/refdata"
)

func english() Translate {
	cat := i18n.MustLoad()
	return func(key string, args ...any) string { return cat.T(i18n.Fallback, key, args...) }
}

// checkText fails on a message that is a raw key or a formatting slip.
func checkText(t *testing.T, where, s string) {
	t.Helper()
	if strings.HasPrefix(s, "import.template.") || strings.Contains(s, "%!") {
		t.Errorf("%s: %q", where, s)
	}
}

func TestTemplateXLSX(t *testing.T) {
	tr := english()
	for _, typ := range vrs.IncidentTypes {
		t.Run(string(typ), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTemplateXLSX(&buf, typ, tr); err != nil {
				t.Fatal(err)
			}
			x, err := ReadXLSX(bytes.NewReader(buf.Bytes()), int64(buf.Len()), XLSXOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if x.Sheet() != TemplateDataSheet {
				t.Errorf("first sheet %q", x.Sheet())
			}
			want := TemplateHeader(typ)
			if !slices.Equal(x.Header(), want) {
				t.Fatalf("header %q, want %q", x.Header(), want)
			}
			if _, err := x.Next(); err != io.EOF {
				t.Errorf("a data row in an empty template: %v", err)
			}
			m := IdentityMapping(x.Header())
			if _, err := m.Bind(x.Header()); err != nil {
				t.Fatalf("bind: %v", err)
			}
			for _, c := range m.Columns {
				if c.Field != c.Source {
					t.Errorf("column %q mapped to %q", c.Source, c.Field)
				}
			}

			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if vis, _ := f.GetSheetVisible(TemplateListsSheet); vis {
				t.Error("the Lists sheet is visible")
			}
			if p, err := f.GetPanes(TemplateDataSheet); err != nil || !p.Freeze || p.YSplit != 1 {
				t.Errorf("header not frozen: %+v %v", p, err)
			}
			dvs, err := f.GetDataValidations(TemplateDataSheet)
			if err != nil {
				t.Fatal(err)
			}
			byCol := map[string]*excelize.DataValidation{}
			for _, dv := range dvs {
				col := strings.TrimRight(strings.SplitN(dv.Sqref, ":", 2)[0], "0123456789")
				byCol[col] = dv
			}
			for i, c := range TemplateColumns(typ) {
				col, _ := excelize.ColumnNumberToName(i + 1)
				if c.Field.Kind != KindCode {
					continue
				}
				dv := byCol[col]
				if dv == nil || dv.Type != "list" {
					t.Errorf("%s (%s): no drop-down", c.Field.Path, col)
					continue
				}
				got := rangeValues(t, f, dv.Formula1)
				l, _ := refdata.LookupCodeList(c.Field.List)
				var codes []string
				for _, e := range l.Entries {
					codes = append(codes, e.Code)
				}
				if !slices.Equal(got, codes) {
					t.Errorf("%s: drop-down %d values, list %s has %d (first %q)", c.Field.Path, len(got), c.Field.List, len(codes), got[:min(3, len(got))])
				}
				if c.Field.Multi == (dv.ShowErrorMessage && dv.ErrorStyle != nil && *dv.ErrorStyle == "stop") {
					t.Errorf("%s: multi %v but refusing error %v", c.Field.Path, c.Field.Multi, dv.ShowErrorMessage)
				}
			}
			if c := slices.IndexFunc(TemplateColumns(typ), func(c TemplateColumn) bool { return c.Field.Path == "detected_on" }); c >= 0 {
				col, _ := excelize.ColumnNumberToName(c + 1)
				st, _ := f.GetCellStyle(TemplateDataSheet, col+"5")
				s, _ := f.GetStyle(st)
				if s == nil || s.CustomNumFmt == nil || *s.CustomNumFmt != "yyyy-mm-dd" {
					t.Errorf("date column %s not formatted: %+v", col, s)
				}
			}

			rows, err := f.GetRows(TemplateInstructionsSheet)
			if err != nil {
				t.Fatal(err)
			}
			described := map[string][]string{}
			for _, r := range rows {
				for _, s := range r {
					checkText(t, "instructions", s)
				}
				if len(r) == 4 {
					described[r[0]] = r
				}
			}
			for _, c := range TemplateColumns(typ) {
				r := described[c.Field.Path]
				if r == nil {
					t.Errorf("%s: not described", c.Field.Path)
					continue
				}
				if (c.Required != Optional) == (r[2] == "No") {
					t.Errorf("%s: required %d, described %q", c.Field.Path, c.Required, r[2])
				}
			}
		})
	}
}

// rangeValues reads the cells of a reference such as 'Lists'!$A$2:$A$9.
func rangeValues(t *testing.T, f *excelize.File, ref string) []string {
	t.Helper()
	m := regexp.MustCompile(`^'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$`).FindStringSubmatch(ref)
	if m == nil || m[2] != m[4] {
		t.Fatalf("reference %q", ref)
	}
	cols, err := f.GetCols(m[1])
	if err != nil {
		t.Fatal(err)
	}
	n, _ := excelize.ColumnNameToNumber(m[2])
	from, to := atoiT(t, m[3]), atoiT(t, m[5])
	col := cols[n-1]
	if to > len(col) {
		t.Fatalf("range %q beyond the column's %d cells", ref, len(col))
	}
	return col[from-1 : to]
}

func atoiT(t *testing.T, s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// TestTemplateXLSXFilled: a template filled as a spreadsheet program
// would (a date typed as a date, codes from the drop-down) imports.
func TestTemplateXLSXFilled(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplateXLSX(&buf, vrs.TypeTrafficking, english()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	h := TemplateHeader(vrs.TypeTrafficking)
	set := func(path string, v any) {
		col, _ := excelize.ColumnNumberToName(slices.Index(h, path) + 1)
		if err := f.SetCellValue(TemplateDataSheet, col+"2", v); err != nil {
			t.Fatal(err)
		}
	}
	set("reference", "R-1")
	set("type", "trafficking_in_persons")
	set("detected_on", 45747.0) // 2025-03-31 as a spreadsheet date
	set("reported_on", "2025-04-01")
	set("place.country", "TH")
	set("persons[].role", "victim")
	set("persons[].age_group", "12-17")
	set("persons[].nationalities", "LA;KH")
	set("persons[].control_methods", "debt_bondage")
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	x, err := ReadXLSX(bytes.NewReader(out.Bytes()), int64(out.Len()), XLSXOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	a, err := IdentityMapping(x.Header()).Bind(x.Header())
	if err != nil {
		t.Fatal(err)
	}
	row, err := x.Next()
	if err != nil {
		t.Fatal(err)
	}
	vals, errs := a.Apply(row.Cells)
	if len(errs) > 0 {
		t.Fatalf("cell errors %+v", errs)
	}
	for path, want := range map[string]string{"reference": "R-1", "detected_on": "2025-03-31", "reported_on": "2025-04-01",
		"persons[].age_group": "12-17", "persons[].nationalities": "LA KH", "persons[].control_methods": "debt_bondage"} {
		if got := strings.Join(vals[path], " "); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}

func TestTemplateCSV(t *testing.T) {
	tr := english()
	for _, typ := range vrs.IncidentTypes {
		t.Run(string(typ), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTemplateCSV(&buf, typ); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
				t.Error("no UTF-8 BOM")
			}
			r, err := NewCSVReader(bytes.NewReader(buf.Bytes()), CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Header(), TemplateHeader(typ)) {
				t.Fatalf("header %q", r.Header())
			}
			a, err := IdentityMapping(r.Header()).Bind(r.Header())
			if err != nil {
				t.Fatal(err)
			}
			if len(a.cols) != len(r.Header()) {
				t.Errorf("%d of %d columns bound", len(a.cols), len(r.Header()))
			}

			buf.Reset()
			if err := WriteTemplateColumns(&buf, typ, tr); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(TemplateHeader(typ))+1 {
				t.Fatalf("%d description rows for %d columns", len(recs)-1, len(TemplateHeader(typ)))
			}
			for i, rec := range recs[1:] {
				if rec[0] != TemplateHeader(typ)[i] {
					t.Errorf("row %d describes %q", i+1, rec[0])
				}
				for _, s := range rec {
					checkText(t, rec[0], s)
				}
			}
		})
	}
}

func TestTemplateColumnsPerType(t *testing.T) {
	for _, tc := range []struct {
		typ      vrs.IncidentType
		has, not []string
	}{
		{vrs.TypeTrafficking, []string{"persons[].trafficking_status", "persons[].labour_sector", "transactions[].amount"}, nil},
		{vrs.TypeMigrantSmuggling, []string{"persons[].perpetrator_roles", "transactions[].amount"}, []string{"persons[].exploitation"}},
		{vrs.TypeDocumentFraud, []string{"documents[].type", "documents[].fraud_type", "route.origin"}, []string{"persons[].trafficking_status"}},
		{vrs.TypeIrregularMigration, []string{"persons[].nationalities"}, []string{"persons[].perpetrator_roles", "transactions[].amount", "persons[].control_methods"}},
	} {
		t.Run(string(tc.typ), func(t *testing.T) {
			h := TemplateHeader(tc.typ)
			for _, p := range tc.has {
				if !slices.Contains(h, p) {
					t.Errorf("lacks %s", p)
				}
			}
			for _, p := range tc.not {
				if slices.Contains(h, p) {
					t.Errorf("has %s", p)
				}
			}
		})
	}
}

func TestTemplateJSONL(t *testing.T) {
	for _, typ := range vrs.IncidentTypes {
		t.Run(string(typ), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTemplateJSONL(&buf, typ); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if len(lines) != 1 {
				t.Fatalf("%d lines", len(lines))
			}
			dec := json.NewDecoder(strings.NewReader(lines[0]))
			dec.DisallowUnknownFields()
			var inc vrs.Incident
			if err := dec.Decode(&inc); err != nil {
				t.Fatal(err)
			}
			if inc.Type != typ || inc.ID != 0 || strings.Contains(lines[0], `"agency_id"`) {
				t.Errorf("type %q id %d in %s", inc.Type, inc.ID, lines[0])
			}
			inc.AgencyID = 1 // the importing agency
			inc.Normalize()
			if err := inc.Validate(refdata.Checker{}, "2026-01-01"); err != nil {
				t.Errorf("example invalid: %v %v", err, vrs.AsError(err).Fields)
			}
		})
	}
}

func TestIdentityMapping(t *testing.T) {
	m := IdentityMapping([]string{"\ufeffreference", " Persons[].Sex ", "my notes", "", "reference"})
	want := []Column{{Source: "reference", Field: "reference"}, {Source: "Persons[].Sex", Field: "persons[].sex"}, {Source: "my notes"}}
	if len(m.Columns) != len(want) {
		t.Fatalf("columns %+v", m.Columns)
	}
	for i, c := range want {
		if m.Columns[i].Source != c.Source || m.Columns[i].Field != c.Field {
			t.Errorf("column %d = %+v, want %+v", i, m.Columns[i], c)
		}
	}
	if err := m.Validate(); err != nil {
		t.Error(err)
	}
}

// TestTemplateKeysExist: every catalogue key the template files name exists
// in English.
func TestTemplateKeysExist(t *testing.T) {
	cat := i18n.MustLoad()
	re := regexp.MustCompile(`"(import\.template\.[a-z0-9_.]*[a-z0-9_])"`)
	for _, f := range []string{"template.go", "template_xlsx.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			if !cat.Has(i18n.Fallback, string(m[1])) {
				t.Errorf("%s: key %q missing", f, m[1])
			}
		}
	}
	for _, typ := range vrs.IncidentTypes {
		for _, k := range []string{"import.template.note.type.", "import.template.req.record."} {
			if !cat.Has(i18n.Fallback, k+string(typ)) {
				t.Errorf("key %q missing", k+string(typ))
			}
		}
	}
	for _, f := range Fields {
		if !cat.Has(i18n.Fallback, columnKey(f.Path)) {
			t.Errorf("no meaning for %s", f.Path)
		}
	}
}
