package loadgen

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/demo"
	"vrs/refdata"
)

var analysisEnd = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

func newTestSource() *AnalysisSource {
	return NewAnalysisSource(demo.NewGenerator(7, analysisEnd, demo.DemoAgencies()), 7)
}

func TestAnalysisSource(t *testing.T) {
	s := newTestSource()
	const n = 4000
	persons, large := 0, 0
	types := map[vrs.IncidentType]int{}
	refs := map[string]bool{}
	for i := range n {
		inc := s.Incident(i)
		persons += PersonsOf(inc)
		if len(inc.Counts) > 0 {
			large++
		}
		types[inc.Type]++
		key := inc.Country + "/" + inc.Reference
		if refs[key] {
			t.Fatalf("incident %d: reference %s repeated", i, key)
		}
		refs[key] = true
		inc.Normalize()
		if err := inc.Validate(refdata.Checker{}, analysisEnd.Format(time.DateOnly)); err != nil {
			t.Fatalf("incident %d does not validate: %v", i, err)
		}
	}
	t.Logf("%.2f persons per incident, %d of %d incidents with large groups", float64(persons)/n, large, n)
	if mean := float64(persons) / n; mean < 4.5 || mean > 5.5 {
		t.Errorf("mean persons per incident %.2f, want about %d", mean, AnalysisPersonsPerIncident)
	}
	if large == 0 || large > n/50 {
		t.Errorf("%d of %d incidents hold large groups, want a few", large, n)
	}
	if len(types) != len(vrs.IncidentTypes) {
		t.Errorf("types %v, want every type", types)
	}
	if a, b := s.Incident(123), newTestSource().Incident(123); !reflect.DeepEqual(a, b) {
		t.Error("the same seed and index gave different incidents")
	}
}

func TestAnalysisWriteIncident(t *testing.T) {
	s := newTestSource()
	a := &vrs.Agency{ID: 99, Country: "TH", Name: "Writes"}
	inc := s.WriteIncident(5000, a, "r1")
	if inc.AgencyID != 99 || inc.Country != "TH" || inc.AgencyName != "Writes" || inc.Status != vrs.StatusDraft ||
		inc.ReviewNote != "" || inc.Reference != "BENCH-r1-5000" {
		t.Errorf("write incident: agency %d %s %q, status %s, note %q, reference %q",
			inc.AgencyID, inc.Country, inc.AgencyName, inc.Status, inc.ReviewNote, inc.Reference)
	}
	if !inc.Distribution.Valid() {
		t.Errorf("distribution %q", inc.Distribution)
	}
}

func TestAnalysisQueries(t *testing.T) {
	qs := AnalysisQueries(2025, "TH")
	if len(qs) < 10 {
		t.Fatalf("%d queries, want about a dozen", len(qs))
	}
	names := map[string]bool{}
	users := map[AnalysisUser]int{}
	for _, q := range qs {
		if names[q.Name] {
			t.Errorf("%s: name repeated", q.Name)
		}
		names[q.Name] = true
		users[q.User]++
		if err := q.Query.Validate(refdata.Checker{}); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
		if d := len(q.Query.Dimensions()); d < 1 || d > 2 {
			t.Errorf("%s: %d dimensions, want 1 or 2", q.Name, d)
		}
		if len(q.Query.Filters) > 3 {
			t.Errorf("%s: %d filters, want at most 3", q.Name, len(q.Query.Filters))
		}
		if q.User == AnalystForeign && !reflect.DeepEqual(q.Query.Filters[vrs.DimCountry], []string{"TH"}) {
			t.Errorf("%s: the foreign analyst's query does not count the shared country's records", q.Name)
		}
	}
	for _, u := range []AnalysisUser{AnalystNational, AnalystRegional, AnalystForeign} {
		if users[u] < 2 {
			t.Errorf("user %s runs %d queries, want at least 2", u, users[u])
		}
	}
}

func TestSelectAnalysisQueries(t *testing.T) {
	all := AnalysisQueries(2025, "TH")
	tests := []struct {
		name    string
		list    string
		want    []string
		wantErr string
	}{
		{"All", "", nil, ""},
		{"ByName", "reg-documents,nat-month", []string{"reg-documents", "nat-month"}, ""},
		{"ByNumber", " 2 , 1", []string{all[1].Name, all[0].Name}, ""},
		{"Unknown", "nat-month,nope", nil, `unknown query "nope"`},
		{"NumberTooLarge", "99", nil, `unknown query "99"`},
		{"Zero", "0", nil, `unknown query "0"`},
		{"Twice", "1,nat-month", nil, "named twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SelectAnalysisQueries(all, tt.list)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if len(got) != len(all) {
					t.Errorf("got %d queries, want all %d", len(got), len(all))
				}
				return
			}
			var names []string
			for _, q := range got {
				names = append(names, q.Name)
			}
			if !reflect.DeepEqual(names, tt.want) {
				t.Errorf("got %v, want %v", names, tt.want)
			}
		})
	}
}

func TestSummarise(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		name string
		in   []time.Duration
		want Timing
	}{
		{"Empty", nil, Timing{}},
		{"One", ms(7), Timing{1, 7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond}},
		{"Unsorted", ms(5, 1, 4, 2, 3), Timing{5, 3 * time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond}},
		{"Twenty", ms(20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1),
			Timing{20, 10 * time.Millisecond, 19 * time.Millisecond, 20 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summarise(tt.in); got != tt.want {
				t.Errorf("Summarise = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestWriteAnalysisTable(t *testing.T) {
	qs := AnalysisQueries(2025, "TH")
	rows := []AnalysisRow{
		{Query: qs[0], UserLabel: "national TH", Cells: 60, Total: 1234, Cube: Timing{20, 2 * time.Millisecond, 3 * time.Millisecond, 4 * time.Millisecond}},
		{Query: qs[3], UserLabel: "national TH", Cells: 5, Total: 12.5, Cube: Timing{20, time.Millisecond, 2 * time.Millisecond, 2 * time.Millisecond},
			Raw: &Timing{3, 50 * time.Millisecond, 60 * time.Millisecond, 60 * time.Millisecond}, Differs: true},
	}
	var b strings.Builder
	if err := WriteAnalysisTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want header, rule and 2 rows:\n%s", len(lines), b.String())
	}
	for _, l := range lines {
		if got := strings.Count(l, "|"); got != len(AnalysisColumns)+1 {
			t.Errorf("%d bars in %q, want %d", got, l, len(AnalysisColumns)+1)
		}
	}
	for _, want := range []string{
		"| 1 | nat-month | national TH | incidents | period.month | – | 60 | 1234 | 20 | 2.00 | 3.00 | 4.00 | – | – |",
		"| 2 | nat-exploitation | national TH | victims | exploitation_form × age_group | incident_type=trafficking_in_persons; period.year=2024/2025; sex=female | 5 | 12.5 | 20 | 1.00 | 2.00 | 2.00 | 50.00 | 50.0× ≠ |",
	} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("table lacks\n%s\ngot:\n%s", want, b.String())
		}
	}
}
