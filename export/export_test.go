package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"vrs"
)

func ptr[T any](v T) *T { return &v }

// sample returns incidents that use every table, values that look like
// formulas, text in Thai and Vietnamese, and empty optional fields.
func sample() []*vrs.Incident {
	at := time.Date(2025, 3, 2, 9, 30, 0, 0, time.UTC)
	a := &vrs.Incident{
		ID: 7, AgencyID: 2, AgencyName: "Royal Thai Police", Country: "TH", Reference: "TH-2025-001", Type: vrs.TypeTrafficking,
		Status: vrs.StatusValidated, Version: 3, OccurredOn: "2025-03-01", DetectedOn: "2025-03-02", ReportedOn: "2025-03-02",
		Place:     vrs.Place{Country: "TH", AdminArea: "สงขลา", Name: "Sadao, checkpoint \"A\"", Kind: "border_crossing", Lat: ptr(6.63), Lon: ptr(-100.42)},
		Narrative: "=HYPERLINK(\"http://evil\",\"click\")\nsecond line", Source: "border_check", OffenceCodes: []string{"0201", "08051"},
		Proceedings: "investigation", PersonsInvolved: ptr(12),
		Persons: []vrs.Person{
			{Key: "p1", Role: "victim", Sex: "female", Age: ptr(17), AgeGroup: "12-17", Nationalities: []string{"MM", "TH"}, Status: "identified",
				TraffickingStatus: "confirmed", Exploitation: []string{"sexual", "labour"}, SexExploitation: []string{"brothel"}, LabourSector: "I",
				ControlMethods: []string{"debt_bondage"}, RecruitmentMethods: []string{"job_offer"},
				Name: "Nguyễn Thị Lan", Aliases: []string{"@lan", "Lan"}, DateOfBirth: "2008-01-02",
				Identifiers: []vrs.Identifier{{Kind: "phone", Value: "+66 81 234 5678", Country: "TH"}, {Kind: "email", Value: "-lan@example.org"}}},
			{Key: "p2", Role: "suspect", PerpetratorRoles: []string{"recruiter"}, Name: "Somchai"},
		},
		Legs: []vrs.RouteLeg{{Country: "MM", Place: "Myawaddy", Role: "origin", Mode: "foot", DepartedOn: "2025-02-27"},
			{Country: "TH", Role: "destination", ArrivedOn: "2025-03-01"}},
		Organisations: []vrs.Organisation{{Key: "o1", Name: "+Golden Jobs Co.", Kind: "recruitment_agency", Country: "TH", Registration: "0105"}},
		Vehicles:      []vrs.Vehicle{{Key: "v1", Kind: "car", Registration: "กข 1234", Flag: "TH", Description: "\tgrey pickup"}},
		Documents:     []vrs.Document{{Type: "passport", IssuingCountry: "MM", FraudType: "counterfeit", HolderKey: "p1", Number: "MB123"}},
		Transactions: []vrs.Transaction{{PayerKey: "p1", PayeeKey: "p2", Amount: -45000.5, Currency: "THB", Date: "2025-02-20", Method: "cash",
			Purpose: "debt", PayerAccount: "\r123", PayeeAccount: "KBANK 1"}},
		Counts:       []vrs.AggregateCount{{Role: "victim", Nationality: "MM", Sex: "male", AgeGroup: "18-24", Status: "identified", Count: 10}},
		ReviewNote:   "Check the route.",
		Distribution: vrs.DistPartners, TLP: vrs.TLPAmber, ShareCountries: []string{"LA", "VN"}, ShareGroups: []int64{3, 9},
		NarrativeShareable: true, Granularity: vrs.GranFull,
		CreatedBy: 4, CreatedAt: at, UpdatedBy: 5, UpdatedAt: at.Add(time.Hour), UpdatedName: "th.reviewer",
	}
	b := &vrs.Incident{
		ID: 9, AgencyID: 3, AgencyName: "Ministry of Public Security", Country: "VN", Reference: "VN-1", Type: vrs.TypeIrregularMigration,
		Status: vrs.StatusValidated, Version: 1, DetectedOn: "2025-04-01", ReportedOn: "2025-04-02", Place: vrs.Place{Country: "VN"},
		Distribution: vrs.DistCommunity, TLP: vrs.TLPGreen, Granularity: vrs.GranPseudonymised, PurposeRequired: true,
		Persons:   []vrs.Person{{Key: "p1", Role: "migrant", Name: "PSN-8f2a"}},
		CreatedAt: at, UpdatedAt: at,
	}
	return []*vrs.Incident{a, b}
}

func write(t *testing.T, format string, incs []*vrs.Incident) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(format, &buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, inc := range incs {
		if err := w.Write(inc); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestJSONL(t *testing.T) {
	in := sample()
	out := write(t, JSONL, in)
	sc := bufio.NewScanner(bytes.NewReader(out))
	n := 0
	for sc.Scan() {
		var got vrs.Incident
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		if jsonOf(t, &got) != jsonOf(t, apiJSON(in[n])) {
			t.Errorf("line %d differs:\n%s\n%s", n+1, sc.Bytes(), jsonOf(t, in[n]))
		}
		n++
	}
	if n != len(in) {
		t.Fatalf("%d lines, want %d", n, len(in))
	}
	if !strings.Contains(string(out), `"organisations":[]`) {
		t.Error("an empty section is not [] as the API writes it")
	}
}

// readCSVZip reads every table of a CSV export.
func readCSVZip(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc) // checks the CRC
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		body, ok := bytes.CutPrefix(data, []byte("\uFEFF"))
		if !ok {
			t.Errorf("%s: no byte-order mark", f.Name)
		}
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[strings.TrimSuffix(f.Name, ".csv")] = rows
	}
	want := []string{"incidents.csv", "persons.csv", "identifiers.csv", "legs.csv", "transactions.csv", "organisations.csv",
		"vehicles.csv", "documents.csv", "counts.csv"}
	if !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
	return out
}

// readXLSX reads every sheet of an XLSX export.
func readXLSX(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}

func TestTables(t *testing.T) {
	for _, tc := range []struct {
		format string
		read   func(*testing.T, []byte) map[string][][]string
	}{
		{CSV, readCSVZip},
		{XLSX, readXLSX},
	} {
		t.Run(tc.format, func(t *testing.T) {
			in := sample()
			got := rebuild(t, tc.read(t, write(t, tc.format, in)))
			if len(got) != len(in) {
				t.Fatalf("%d incidents read back, want %d", len(got), len(in))
			}
			for i := range in {
				if g, w := jsonOf(t, got[i]), jsonOf(t, in[i]); g != w {
					t.Errorf("incident %d read back:\n%s\nwant\n%s", i, g, w)
				}
			}
		})
		t.Run(tc.format+"/Empty", func(t *testing.T) {
			tabs := tc.read(t, write(t, tc.format, nil))
			if len(tabs["incidents"]) != 1 || tabs["incidents"][0][0] != "id" {
				t.Errorf("empty export: %v", tabs["incidents"])
			}
		})
	}
}

// TestFormulaCells: what the tables hold for values that a spreadsheet
// would take for formulas, in either format.
func TestFormulaCells(t *testing.T) {
	for _, tc := range []struct {
		format string
		read   func(*testing.T, []byte) map[string][][]string
	}{{CSV, readCSVZip}, {XLSX, readXLSX}} {
		tabs := tc.read(t, write(t, tc.format, sample()))
		for _, c := range []struct {
			table, col, want string
		}{
			{"incidents", "narrative", "'=HYPERLINK(\"http://evil\",\"click\")\nsecond line"},
			{"incidents", "place_lon", "-100.42"},
			{"organisations", "name", "'+Golden Jobs Co."},
			{"vehicles", "description", "'\tgrey pickup"},
			{"identifiers", "value", "'+66 81 234 5678"},
			{"transactions", "amount", "-45000.5"},
			{"transactions", "payer_account", "'\r123"},
		} {
			rows := tabs[c.table]
			k := slices.Index(rows[0], c.col)
			if got := rows[1][k]; got != c.want {
				t.Errorf("%s %s.%s = %q, want %q", tc.format, c.table, c.col, got, c.want)
			}
		}
	}
}

// TestXLSXCellTypes: numbers are numeric cells (no type attribute is a
// number in OOXML), text is inline text that no formula reads.
func TestXLSXCellTypes(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(write(t, XLSX, sample())))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		sheet, cell string
		number      bool
	}{
		{"transactions", "F2", true}, // amount, negative
		{"incidents", "A2", true},    // id
		{"incidents", "Q2", true},    // longitude, negative
		{"incidents", "R2", false},   // narrative
		{"identifiers", "F2", false}, // +66...
	} {
		got, err := f.GetCellType(c.sheet, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		if number := got == excelize.CellTypeUnset || got == excelize.CellTypeNumber; number != c.number || !number && got != excelize.CellTypeInlineString {
			t.Errorf("%s!%s: type %v, number %v", c.sheet, c.cell, got, c.number)
		}
		if fm, _ := f.GetCellFormula(c.sheet, c.cell); fm != "" {
			t.Errorf("%s!%s: formula %q", c.sheet, c.cell, fm)
		}
	}
}

func TestNeutralise(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"Empty", "", ""},
		{"Plain", "Sadao", "Sadao"},
		{"Equals", "=1+2", "'=1+2"},
		{"Plus", "+66 81", "'+66 81"},
		{"Minus", "-2+3", "'-2+3"},
		{"PlainNumber", "-12.5", "-12.5"},
		{"SignedNumber", "+66", "+66"},
		{"NotANumber", "-1.2.3", "'-1.2.3"},
		{"At", "@SUM(A1)", "'@SUM(A1)"},
		{"Tab", "\t=1", "'\t=1"},
		{"CarriageReturn", "\r=1", "'\r=1"},
		{"Inside", "a=b", "a=b"},
		{"Quote", "'=1", "'=1"},
		{"Space", " =1", " =1"},
		{"Thai", "สงขลา", "สงขลา"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Neutralise(tc.in); got != tc.want {
				t.Errorf("Neutralise(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzNeutralise(f *testing.F) {
	for _, s := range []string{"", "=1", "+a", "-", "@", "\t", "\r", "abc", "'=", "ก"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Neutralise(s)
		if got != s && got != "'"+s {
			t.Fatalf("Neutralise(%q) = %q: neither itself nor quoted", s, got)
		}
		if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
			t.Fatalf("Neutralise(%q) = %q still starts a formula", s, got)
		}
		if Neutralise(got) != got {
			t.Fatalf("Neutralise is not idempotent on %q", s)
		}
	})
}

func TestFormats(t *testing.T) {
	for _, name := range []string{JSONL, CSV, XLSX} {
		if f, ok := Lookup(name); !ok || f.ContentType == "" || f.Ext == "" {
			t.Errorf("format %s: %+v %v", name, f, ok)
		}
	}
	if _, err := New("htcds-csv", io.Discard); err == nil {
		t.Error("an unregistered format is accepted")
	}
	if _, err := New("pdf", io.Discard); err == nil {
		t.Error("unknown format accepted")
	}
}

// unquote undoes Neutralise for the comparison with the input (the
// sample holds no text that starts with a quote of its own).
func unquote(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func split(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

// rebuild turns tables back into incidents, independently of the code
// that wrote them, so that a column lost or misplaced shows.
func rebuild(t *testing.T, tabs map[string][][]string) []*vrs.Incident {
	t.Helper()
	type rec map[string]string
	recs := func(name string) []rec {
		rows := tabs[name]
		if len(rows) == 0 {
			t.Fatalf("no table %s", name)
		}
		var out []rec
		for _, row := range rows[1:] {
			r := rec{}
			for k, h := range rows[0] {
				if k < len(row) {
					r[h] = unquote(row[k])
				}
			}
			out = append(out, r)
		}
		return out
	}
	num := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil && s != "" {
			t.Fatalf("number %q: %v", s, err)
		}
		return n
	}
	optInt := func(s string) *int {
		if s == "" {
			return nil
		}
		return ptr(int(num(s)))
	}
	optFloat := func(s string) *float64 {
		if s == "" {
			return nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return &f
	}
	tm := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	var out []*vrs.Incident
	byID := map[string]*vrs.Incident{}
	for _, r := range recs("incidents") {
		g, _ := vrs.GranularityOf(r["granularity"])
		inc := &vrs.Incident{ID: num(r["id"]), Reference: r["reference"], AgencyID: num(r["agency_id"]), AgencyName: r["agency_name"],
			Country: r["country"], Type: vrs.IncidentType(r["type"]), Status: vrs.IncidentStatus(r["status"]), Version: int(num(r["version"])),
			OccurredOn: r["occurred_on"], DetectedOn: r["detected_on"], ReportedOn: r["reported_on"],
			Place: vrs.Place{Country: r["place_country"], AdminArea: r["place_admin_area"], Name: r["place_name"], Kind: r["place_kind"],
				Lat: optFloat(r["place_lat"]), Lon: optFloat(r["place_lon"])},
			Narrative: r["narrative"], Source: r["source"], OffenceCodes: split(r["offence_codes"], ";"), Proceedings: r["proceedings"],
			PersonsInvolved: optInt(r["persons_involved"]), ReviewNote: r["review_note"], TLP: vrs.TLP(r["tlp"]),
			Distribution: vrs.Distribution(r["distribution"]), ShareCountries: split(r["share_countries"], ";"),
			NarrativeShareable: r["narrative_shareable"] == "true" || r["narrative_shareable"] == "1", Granularity: g,
			PurposeRequired: r["purpose_required"] == "true" || r["purpose_required"] == "1",
			CreatedBy:       num(r["created_by"]), CreatedAt: tm(r["created_at"]), UpdatedBy: num(r["updated_by"]), UpdatedName: r["updated_by_name"],
			UpdatedAt: tm(r["updated_at"])}
		for _, s := range split(r["share_groups"], ";") {
			inc.ShareGroups = append(inc.ShareGroups, num(s))
		}
		out = append(out, inc)
		byID[r["id"]] = inc
	}
	owner := func(r rec) *vrs.Incident {
		inc := byID[r["incident_id"]]
		if inc == nil || inc.Reference != r["incident_reference"] {
			t.Fatalf("row %v joins no incident", r)
		}
		return inc
	}
	for _, r := range recs("persons") {
		inc := owner(r)
		inc.Persons = append(inc.Persons, vrs.Person{Key: r["key"], Role: r["role"], PerpetratorRoles: split(r["perpetrator_roles"], ";"),
			Sex: r["sex"], Age: optInt(r["age"]), AgeGroup: r["age_group"], Nationalities: split(r["nationalities"], ";"), Status: r["status"],
			TraffickingStatus: r["trafficking_status"], Exploitation: split(r["exploitation"], ";"), SexExploitation: split(r["sex_exploitation"], ";"),
			LabourSector: r["labour_sector"], ControlMethods: split(r["control_methods"], ";"), RecruitmentMethods: split(r["recruitment_methods"], ";"),
			Name: r["name"], Aliases: split(r["aliases"], "; "), DateOfBirth: r["date_of_birth"]})
	}
	for _, r := range recs("identifiers") {
		inc := owner(r)
		for i := range inc.Persons {
			if p := &inc.Persons[i]; p.Key == r["person"] {
				p.Identifiers = append(p.Identifiers, vrs.Identifier{Kind: r["kind"], Value: r["value"], Country: r["country"]})
			}
		}
	}
	for _, r := range recs("legs") {
		inc := owner(r)
		inc.Legs = append(inc.Legs, vrs.RouteLeg{Country: r["country"], Place: r["place"], Role: r["role"], Mode: r["mode"],
			DepartedOn: r["departed_on"], ArrivedOn: r["arrived_on"]})
	}
	for _, r := range recs("transactions") {
		inc := owner(r)
		inc.Transactions = append(inc.Transactions, vrs.Transaction{PayerKey: r["payer"], PayeeKey: r["payee"], Amount: *optFloat(r["amount"]),
			Currency: r["currency"], Date: r["date"], Method: r["method"], Purpose: r["purpose"], PayerAccount: r["payer_account"],
			PayeeAccount: r["payee_account"]})
	}
	for _, r := range recs("organisations") {
		inc := owner(r)
		inc.Organisations = append(inc.Organisations, vrs.Organisation{Key: r["key"], Name: r["name"], Kind: r["kind"], Country: r["country"],
			Registration: r["registration"]})
	}
	for _, r := range recs("vehicles") {
		inc := owner(r)
		inc.Vehicles = append(inc.Vehicles, vrs.Vehicle{Key: r["key"], Kind: r["kind"], Name: r["name"], Registration: r["registration"],
			Flag: r["flag"], Description: r["description"]})
	}
	for _, r := range recs("documents") {
		inc := owner(r)
		inc.Documents = append(inc.Documents, vrs.Document{Type: r["type"], IssuingCountry: r["issuing_country"], FraudType: r["fraud_type"],
			HolderKey: r["holder"], Number: r["number"]})
	}
	for _, r := range recs("counts") {
		inc := owner(r)
		inc.Counts = append(inc.Counts, vrs.AggregateCount{Role: r["role"], Nationality: r["nationality"], Sex: r["sex"],
			AgeGroup: r["age_group"], Status: r["status"], Count: int(num(r["count"]))})
	}
	return out
}
