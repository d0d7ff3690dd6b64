package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"vrs"
)

// readAll opens a CSV or JSON Lines text as a source and returns its entries.
func readAll(t *testing.T, format, text string, m *Mapping) ([]*Entry, error) {
	t.Helper()
	es, err := Source{Format: format, File: strings.NewReader(text), Size: int64(len(text)), Mapping: m}.open()
	if err != nil {
		return nil, err
	}
	defer es.close()
	var out []*Entry
	for {
		e, err := es.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
}

func TestAssemble(t *testing.T) {
	const head = "reference,type,detected_on,persons[].role,persons[].name,persons[].age,route.origin,route.transit,route.destination,route.mode,documents[].type,documents[].fraud_type,transactions[].amount,transactions[].currency\n"
	entries, err := readAll(t, FormatCSV, head+
		"A,migrant_smuggling,2025-01-02,migrant,One,20,MM,TH;MY,ID,boat,passport,counterfeit,100,USD\n"+
		"A,migrant_smuggling,2025-01-02,migrant,Two,21,MM,TH;MY,ID,boat,,,,\n"+
		"A,,,suspect,Three,,,,,,,,,\n"+
		"B,irregular_migration,2025-01-03,migrant,Four,30,,,,,,,,\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2", len(entries))
	}
	a := entries[0].Item
	if a.Err != nil || len(a.Rows) != 3 || a.Rows[0] != 2 || a.Rows[2] != 4 {
		t.Fatalf("A: rows %v, err %v", a.Rows, a.Err)
	}
	inc := a.Incident
	if len(inc.Persons) != 3 || inc.Persons[0].Key != "p1" || inc.Persons[2].Key != "p3" || inc.Persons[2].Role != "suspect" || *inc.Persons[1].Age != 21 {
		t.Errorf("persons: %+v", inc.Persons)
	}
	var legs []string
	for _, l := range inc.Legs {
		legs = append(legs, l.Role+":"+l.Country+":"+l.Mode)
	}
	if got := strings.Join(legs, " "); got != "origin:MM:boat transit:TH:boat transit:MY:boat destination:ID:boat" {
		t.Errorf("legs: %s", got)
	}
	if len(inc.Documents) != 1 || inc.Documents[0].HolderKey != "p1" || inc.Documents[0].FraudType != "counterfeit" {
		t.Errorf("documents: %+v", inc.Documents)
	}
	if len(inc.Transactions) != 1 || inc.Transactions[0].Amount != 100 || inc.Transactions[0].Currency != "USD" {
		t.Errorf("transactions: %+v", inc.Transactions)
	}
	if b := entries[1].Item; b.Incident.Reference != "B" || len(b.Incident.Persons) != 1 {
		t.Errorf("B: %+v", b.Incident)
	}
}

func TestAssembleProblems(t *testing.T) {
	const head = "reference,type,detected_on,persons[].role,persons[].age\n"
	for _, tc := range []struct {
		name, body string
		entry      int
		want       Problem
	}{
		{"rows disagree", "A,irregular_migration,2025-01-02,migrant,1\nA,irregular_migration,2025-01-09,migrant,2\n", 0,
			Problem{Row: 3, Column: "detected_on", Value: "2025-01-09", Message: "import.value_conflict", Args: vrs.MessageArgs{"2025-01-02", 2}}},
		{"reference split", "A,irregular_migration,2025-01-02,migrant,1\nB,irregular_migration,2025-01-02,migrant,1\nA,irregular_migration,2025-01-02,migrant,3\n", 2,
			Problem{Row: 4, Column: "reference", Value: "A", Message: "import.reference_split", Args: vrs.MessageArgs{2}}},
		{"no reference", ",irregular_migration,2025-01-02,migrant,1\n", 0,
			Problem{Row: 2, Column: "reference", Message: "import.reference_missing"}},
		{"bad value", "A,irregular_migration,2025-01-02,migrant,old\n", 0,
			Problem{Row: 2, Column: "persons[].age", Value: "old", Message: "import.value_integer"}},
		{"unknown code", "A,piracy,2025-01-02,migrant,1\n", 0,
			Problem{Row: 2, Column: "type", Value: "piracy", Message: "import.value_unknown_code"}},
		{"ragged row", "A,irregular_migration,2025-01-02,migrant,1\nB,irregular_migration\n", 1,
			Problem{Row: 3, Message: "import.error.file_ragged_row"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries, err := readAll(t, FormatCSV, head+tc.body, nil)
			if err != nil {
				t.Fatal(err)
			}
			e := entries[tc.entry]
			if e.Item.Action != vrs.ImportReject || e.Item.Incident != nil {
				t.Fatalf("entry %d is not rejected: %+v", tc.entry, e.Item)
			}
			probs := e.Problems()
			if len(probs) != 1 {
				t.Fatalf("problems: %+v", probs)
			}
			got := probs[0]
			if tc.want.Args == nil {
				got.Args = nil
			}
			if got.Row != tc.want.Row || got.Column != tc.want.Column || got.Value != tc.want.Value || got.Message != tc.want.Message ||
				fmt.Sprint(got.Args) != fmt.Sprint(tc.want.Args) {
				t.Errorf("problem %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestOwnLayout(t *testing.T) {
	for _, tc := range []struct{ name, header, key string }{
		{"fields only", "reference,type", ""},
		{"the report's column", "reference,type,errors", ""},
		{"unknown column", "reference,typ", "import.error.unknown_column"},
		{"no reference", "type,detected_on", "import.error.no_reference_column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(t, FormatCSV, tc.header+"\n", nil)
			if key := vrs.AsError(err).Message; err == nil && tc.key != "" || err != nil && key != tc.key {
				t.Errorf("error %v, want %q", err, tc.key)
			}
		})
	}
}

// TestProblemsLocated: the store's field errors come back as the rows and
// columns they were read from.
func TestProblemsLocated(t *testing.T) {
	entries, err := readAll(t, FormatCSV, "reference,type,persons[].role,persons[].age\nA,irregular_migration,migrant,1\nA,irregular_migration,migrant,200\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	e := entries[0]
	e.Item.Err = vrs.FieldErrors(map[string]string{"persons[1].age": "field.age", "detected_on": "field.required"})
	got := e.Problems()
	if len(got) != 2 || got[0].Row != 2 || got[0].Field != "detected_on" || got[0].Column != "" ||
		got[1].Row != 3 || got[1].Column != "persons[].age" || got[1].Message != "field.age" {
		t.Errorf("problems: %+v", got)
	}
}

func TestJSONLReader(t *testing.T) {
	text := `{"reference":"A","type":"irregular_migration","id":7,"status":"validated","version":3}

{"reference": "B", "colour": "red"}
{"reference": "C"} {"reference": "D"}
{not json
`
	entries, err := readAll(t, FormatJSONL, text, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Fatalf("%d entries, want 4 (blank lines skipped)", len(entries))
	}
	if inc := entries[0].Item.Incident; inc == nil || inc.Reference != "A" || inc.ID != 0 || inc.Status != "" || inc.Version != 0 {
		t.Errorf("line 1: %+v (bookkeeping must be dropped)", inc)
	}
	for i, want := range map[int]string{1: "import.json_invalid", 2: "import.json_one_per_line", 3: "import.json_invalid"} {
		p := entries[i].Problems()
		if len(p) != 1 || p[0].Message != want || p[0].Row != i+2 {
			t.Errorf("entry %d: %+v, want %s", i, p, want)
		}
	}
	if p := entries[1].Problems(); !strings.Contains(fmt.Sprint(p[0].Args[0]), "colour") {
		t.Errorf("unknown field not named: %v", p[0].Args)
	}
}

func TestMappingDefaults(t *testing.T) {
	m := &Mapping{Columns: []Column{{Source: "case", Field: "reference"}, {Source: "kind", Field: "type"}},
		Defaults: map[string]string{"type": "trafficking_in_persons", "place.country": "Thailand"}}
	entries, err := readAll(t, FormatCSV, "case,kind\nA,\nB,irregular_migration\n", m)
	if err != nil {
		t.Fatal(err)
	}
	if a := entries[0].Item.Incident; a.Type != vrs.TypeTrafficking || a.Place.Country != "TH" {
		t.Errorf("defaults not applied: %s %s", a.Type, a.Place.Country)
	}
	if b := entries[1].Item.Incident; b.Type != vrs.TypeIrregularMigration {
		t.Errorf("a default overrode the file: %s", b.Type)
	}
	bad := &Mapping{Columns: m.Columns, Defaults: map[string]string{"type": "piracy", "colour": "red"}}
	_, err = readAll(t, FormatCSV, "case,kind\nA,\n", bad)
	if f := vrs.AsError(err).Fields; f["defaults.type"] != "import.value_unknown_code" || f["defaults.colour"] != "import.mapping_field_unknown" {
		t.Errorf("bad defaults: %v", err)
	}
}

// TestUnquote: a text VRS quoted against formulas in an export or an error
// report imports as the value it held; other quotes stay.
func TestUnquote(t *testing.T) {
	entries, err := readAll(t, FormatCSV, "reference,place.name,place.lat\nA,'=HYPERLINK(1),-12.5\nB,'quoted,'-7.25\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := entries[0].Item.Incident.Place; p.Name != "=HYPERLINK(1)" || *p.Lat != -12.5 {
		t.Errorf("A: %q %v", p.Name, *p.Lat)
	}
	if p := entries[1].Item.Incident.Place; p.Name != "'quoted" || *p.Lat != -7.25 {
		t.Errorf("B: %q %v", p.Name, p.Lat)
	}
}
