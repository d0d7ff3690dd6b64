package htcds

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"vrs"
	"vrs/importer"
)

const dataDir = "../../shared/data/htcds"

func sample() []*vrs.Incident {
	age, lat, lon := 17, 13.75, -100.5
	return []*vrs.Incident{
		{Reference: "TH-T-1", Type: vrs.TypeTrafficking, OccurredOn: "2025-01-10", DetectedOn: "2025-02-01", ReportedOn: "2025-02-03",
			Place:     vrs.Place{Country: "TH", AdminArea: "Tak", Name: "=Mae Sot", Lat: &lat, Lon: &lon},
			Narrative: "Recruited through friends; debt of 30,000 THB.",
			Persons: []vrs.Person{
				{Key: "p1", Role: "victim", Sex: "female", Age: &age, AgeGroup: "12-17", Nationalities: []string{"LA", "KH"}, Status: "rescued",
					TraffickingStatus: "actual_victim", Exploitation: []string{"forced_labour", "sexual_exploitation"}, SexExploitation: []string{"prostitution"},
					LabourSector: "C", ControlMethods: []string{"debt_bondage", "withholds_documents"}, RecruitmentMethods: []string{"friends_or_social_events"},
					Name: "Noy Phommachanh", DateOfBirth: "2007-05-04"},
				{Key: "p2", Role: "suspect", Sex: "male", Nationalities: []string{"TH"}, PerpetratorRoles: []string{"recruiter", "exploiter"}, Status: "deceased"},
			}},
		{Reference: "TH-S-1", Type: vrs.TypeMigrantSmuggling, DetectedOn: "2025-02-01", ReportedOn: "2025-02-01", Place: vrs.Place{Country: "TH"},
			Persons: []vrs.Person{{Key: "p1", Role: "migrant"}}},
	}
}

// want is what an import of the person's row gives, field by field.
func want(inc *vrs.Incident, p *vrs.Person) map[string][]string {
	m := map[string][]string{}
	set := func(path string, v ...string) {
		for _, s := range v {
			if s != "" {
				m[path] = append(m[path], s)
			}
		}
	}
	set("reference", inc.Reference)
	set("occurred_on", inc.OccurredOn)
	set("detected_on", inc.DetectedOn)
	set("reported_on", inc.ReportedOn)
	set("place.country", inc.Place.Country)
	set("place.admin_area", inc.Place.AdminArea)
	// The writer quotes it against formulas; the import takes the quote off.
	set("place.name", inc.Place.Name)
	set("place.lat", "13.75")
	set("place.lon", "-100.5")
	set("narrative", inc.Narrative)
	set("persons[].key", p.Key)
	set("persons[].role", p.Role)
	set("persons[].sex", p.Sex)
	if p.Age != nil {
		set("persons[].age", "17")
	}
	set("persons[].age_group", p.AgeGroup)
	set("persons[].nationalities", p.Nationalities...)
	set("persons[].status", p.Status)
	set("persons[].trafficking_status", p.TraffickingStatus)
	set("persons[].exploitation", p.Exploitation...)
	set("persons[].sex_exploitation", p.SexExploitation...)
	set("persons[].labour_sector", p.LabourSector)
	set("persons[].control_methods", p.ControlMethods...)
	set("persons[].recruitment_methods", p.RecruitmentMethods...)
	set("persons[].perpetrator_roles", p.PerpetratorRoles...)
	set("persons[].name", p.Name)
	set("persons[].date_of_birth", p.DateOfBirth)
	return m
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		new  func(io.Writer) (*Writer, error)
		read func([]byte) (importer.RowReader, error)
	}{
		{"CSV", NewCSV, func(b []byte) (importer.RowReader, error) {
			return importer.NewCSVReader(bytes.NewReader(b), importer.CSVOptions{})
		}},
		{"XLSX", NewXLSX, func(b []byte) (importer.RowReader, error) {
			return importer.ReadXLSX(bytes.NewReader(b), int64(len(b)), importer.XLSXOptions{})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := tc.new(&buf)
			if err != nil {
				t.Fatal(err)
			}
			incs := sample()
			for _, inc := range incs {
				if err := w.Write(inc); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			rr, err := tc.read(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rr.Header(), Header()) {
				t.Fatalf("header %q", rr.Header())
			}
			if u := Unmapped(rr.Header()); len(u) != 0 {
				t.Errorf("own columns unmapped: %q", u)
			}
			a, err := Mapping(rr.Header()).Bind(rr.Header())
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for {
				row, err := rr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if n >= len(incs[0].Persons) {
					t.Fatalf("row %d: the smuggling incident was written", row.Number)
				}
				got, errs := a.Apply(row.Cells)
				if len(errs) > 0 {
					t.Errorf("row %d: %+v", row.Number, errs)
				}
				exp := want(incs[0], &incs[0].Persons[n])
				for _, f := range importer.Fields {
					if !slices.Equal(got[f.Path], exp[f.Path]) {
						t.Errorf("row %d %s = %q, want %q", row.Number, f.Path, got[f.Path], exp[f.Path])
					}
				}
				n++
			}
			if n != 2 {
				t.Errorf("%d rows", n)
			}
		})
	}
}

// TestFormulaNeutralised: a text cell that begins like a formula is
// written as text.
func TestFormulaNeutralised(t *testing.T) {
	inc := sample()[0]
	inc.Persons[0].Name = "@SUM(A1)"
	inc.Reference = "+1-2"
	row := Row(inc, &inc.Persons[0])
	h := Header()
	for name, want := range map[string]string{"prs_FirstName": "'@SUM(A1)", "vrs_Reference": "'+1-2", "hte_City": "'=Mae Sot", "hte_Longitude": "-100.5"} {
		if got := row[slices.Index(h, name)]; got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestValueTables: every value name and label of the mapped picklists
// reads as a VRS code, and the table of labels is the standard's.
func TestValueTables(t *testing.T) {
	ods := readODS(t)
	for _, f := range Fields {
		if f.List == "" {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			pairs := valueLabels[f.Name]
			if len(pairs) == 0 {
				t.Fatal("no values")
			}
			if ods != nil && !slices.Equal(ods[f.Name], pairs) {
				t.Errorf("table differs from the .ods:\n%q\n%q", pairs, ods[f.Name])
			}
			codes := Codes(f)
			h := []string{f.Name}
			a, err := Mapping(h).Bind(h)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pairs {
				for _, v := range p {
					if codes[v] == "" {
						t.Errorf("%q maps to no code", v)
					}
					got, errs := a.Apply([]string{v})
					if len(errs) > 0 || len(got[f.Path]) != 1 || got[f.Path][0] != codes[v] {
						t.Errorf("%q applies as %q %+v", v, got[f.Path], errs)
					}
				}
				if ValueName(f.List, codes[p[0]]) != p[0] && p[0] != "Other" {
					t.Errorf("%s: code %s writes back as %q", p[0], codes[p[0]], ValueName(f.List, codes[p[0]]))
				}
			}
		})
	}
}

// readODS reads the value names and labels of the field list, or nil when
// the standard's files are not there.
func readODS(t *testing.T) map[string][][2]string {
	zr, err := zip.OpenReader(filepath.Join(dataDir, "HTCDS Field Standards 2.0.ods"))
	if os.IsNotExist(err) {
		t.Log("no .ods: value tables not compared")
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	fh, err := zr.Open("content.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	type cell struct {
		Repeat int      `xml:"number-columns-repeated,attr"`
		Paras  []string `xml:"p"`
	}
	type row struct {
		Cells []cell `xml:"table-cell"`
	}
	out := map[string][][2]string{}
	dec := xml.NewDecoder(fh)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "table-row" {
			continue
		}
		var r row
		if err := dec.DecodeElement(&r, &se); err != nil {
			t.Fatal(err)
		}
		var cells [][]string
		for _, c := range r.Cells {
			for i := 0; i < max(1, min(c.Repeat, 20)); i++ {
				cells = append(cells, c.Paras)
			}
		}
		if len(cells) < 11 || len(cells[6]) == 0 {
			continue
		}
		name := strings.TrimSpace(cells[6][0])
		var names, labels []string
		for _, s := range cells[9] {
			if s = strings.TrimSpace(s); s != "" {
				names = append(names, s)
			}
		}
		for _, s := range cells[10] {
			if s = strings.TrimSpace(s); s != "" {
				labels = append(labels, s)
			}
		}
		if len(names) == len(labels) && len(names) > 0 {
			for i := range names {
				out[name] = append(out[name], [2]string{names[i], labels[i]})
			}
		}
	}
	return out
}

// TestStandardWorkbooks: the standard's own templates open, bind and their
// rows (the label row, numbered empty rows) apply without errors; their
// unmapped columns are the documented ones.
func TestStandardWorkbooks(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(dataDir, "HTCDS Excel*.xlsx"))
	if len(files) == 0 {
		t.Skip("no HTCDS templates in " + dataDir)
	}
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			x, err := importer.OpenXLSX(p, importer.XLSXOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			m := Mapping(x.Header())
			a, err := m.Bind(x.Header())
			if err != nil {
				t.Fatal(err)
			}
			mapped := 0
			for _, c := range m.Columns {
				if c.Field != "" {
					mapped++
				}
			}
			if mapped < 8 {
				t.Errorf("only %d columns mapped", mapped)
			}
			for _, u := range Unmapped(x.Header()) {
				if NotCarried[u] == "" {
					t.Errorf("column %q unmapped and undocumented", u)
				}
			}
			for {
				row, err := x.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				vals, errs := a.Apply(row.Cells)
				if len(errs) > 0 || len(vals) > 0 {
					t.Fatalf("row %d: %q %+v", row.Number, vals, errs)
				}
			}
		})
	}
}

// TestValidationLists: every value the standard's template offers in its
// drop-downs imports through Mapping.
func TestValidationLists(t *testing.T) {
	p := filepath.Join(dataDir, "HTCDS Excel Spreadsheet single select with validation v2.0.xlsx")
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	header, err := f.GetRows("Case Sheet")
	if err != nil {
		t.Fatal(err)
	}
	h := header[0]
	a, err := Mapping(h).Bind(h)
	if err != nil {
		t.Fatal(err)
	}
	dvs, _ := f.GetDataValidations("Case Sheet")
	checked := 0
	for _, dv := range dvs {
		if dv.Type != "list" {
			continue
		}
		col := strings.TrimRight(strings.SplitN(dv.Sqref, ":", 2)[0], "0123456789")
		n, _ := excelize.ColumnNameToNumber(col)
		if _, ok := lookup(h[n-1]); !ok {
			continue
		}
		ref := strings.TrimPrefix(dv.Formula1, "validation!")
		parts := strings.Split(strings.ReplaceAll(ref, "$", ""), ":")
		c1, r1, _ := excelize.CellNameToCoordinates(parts[0])
		_, r2, _ := excelize.CellNameToCoordinates(parts[1])
		name, _ := excelize.ColumnNumberToName(c1)
		for r := r1; r <= r2; r++ {
			v, _ := f.GetCellValue("validation", name+strconv.Itoa(r))
			if strings.TrimSpace(v) == "" {
				continue
			}
			cells := make([]string, len(h))
			cells[n-1] = v
			vals, errs := a.Apply(cells)
			if len(errs) > 0 || len(vals) != 1 {
				t.Errorf("%s: %q imports as %q %+v", h[n-1], v, vals, errs)
			}
			checked++
		}
	}
	if checked < 300 {
		t.Errorf("only %d values checked", checked)
	}
}

// TestHTCDSShapedFile imports a file as another system writes HTCDS:
// columns by HTCDS name (some VRS does not carry), value labels, a
// spreadsheet date.
func TestHTCDSShapedFile(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"cas_CaseOwner", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Citizenship", "vic_TraffickingStatus", "vic_MethodsOfControl", "vic_TypeOfExploitation", "vic_ForcedLabourIndustry"},
		{"Case Owner", "First Name", "Second Name", "Birthdate", "Gender", "Citizenship", "Trafficking Status", "Methods of Control", "Type of Exploitation", "Forced Labour Industry"},
		{"worker1", "Mai", "Tran", 39210.0, "Feminine", "VN", "Actual victim of trafficking", "Debt bondage;Withholds documents", "Forced labour", "Manufacturing"},
		{"worker1", "Som", "Chan", "1999-12-31", "Masculine", "Cambodia", "PossibleVictimOfTrafficking", "PhysicalThreats", "ForcedMilitaryByNonStateActors", ""},
		{"worker2", "X", "", "", "NonSpecifiedUnknown", "Viet Nam;Lao People's Democratic Republic", "Not a victim of trafficking", "Threatens children/family", "Other", "A_AgricultureForestryAndFishing"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	x, err := importer.ReadXLSX(bytes.NewReader(buf.Bytes()), int64(buf.Len()), importer.XLSXOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if u := Unmapped(x.Header()); !slices.Equal(u, []string{"cas_CaseOwner", "prs_SecondName"}) {
		t.Errorf("unmapped %q", u)
	}
	a, err := Mapping(x.Header()).Bind(x.Header())
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{
		{},
		{"persons[].name": "Mai", "persons[].date_of_birth": "2007-05-08", "persons[].sex": "female", "persons[].nationalities": "VN",
			"persons[].trafficking_status": "actual_victim", "persons[].control_methods": "debt_bondage withholds_documents",
			"persons[].exploitation": "forced_labour", "persons[].labour_sector": "C"},
		{"persons[].name": "Som", "persons[].date_of_birth": "1999-12-31", "persons[].sex": "male", "persons[].nationalities": "KH",
			"persons[].trafficking_status": "possible_victim", "persons[].control_methods": "physical_threats", "persons[].exploitation": "child_soldiering"},
		{"persons[].name": "X", "persons[].sex": "unknown", "persons[].nationalities": "VN LA", "persons[].trafficking_status": "not_a_victim",
			"persons[].control_methods": "threatens_children_family", "persons[].exploitation": "other", "persons[].labour_sector": "A"},
	}
	for i := 0; ; i++ {
		row, err := x.Next()
		if err == io.EOF {
			if i != len(want) {
				t.Errorf("%d rows", i)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		vals, errs := a.Apply(row.Cells)
		if len(errs) > 0 {
			t.Errorf("row %d: %+v", row.Number, errs)
		}
		got := map[string]string{}
		for k, v := range vals {
			got[k] = strings.Join(v, " ")
		}
		for k, v := range want[i] {
			if got[k] != v {
				t.Errorf("row %d %s = %q, want %q", row.Number, k, got[k], v)
			}
		}
		if len(got) != len(want[i]) {
			t.Errorf("row %d: %d fields, want %d: %q", row.Number, len(got), len(want[i]), got)
		}
	}
}

func TestNotCarriedDisjoint(t *testing.T) {
	for _, f := range Fields {
		if NotCarried[f.Name] != "" {
			t.Errorf("%s both carried and not", f.Name)
		}
	}
}
