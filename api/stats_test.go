package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"vrs"
	"vrs/access"
	"vrs/storetest"
)

type statsAnswer struct {
	Cells []struct {
		Keys       []string `json:"keys"`
		Value      *float64 `json:"value"`
		Suppressed string   `json:"suppressed"`
	} `json:"cells"`
	Total           *float64 `json:"total"`
	TotalSuppressed string   `json:"total_suppressed"`
	Protected       bool     `json:"protected"`
	MinCell         int64    `json:"min_cell"`
}

// TestStatsNoLeak: for every caller of the sharing world, the incidents
// counted, in total and by reporting country, are exactly the records
// the reference rule lets them see at aggregate granularity or finer; a
// count withheld is one below the threshold or withheld beside one.
func TestStatsNoLeak(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			w := newSharingWorld(t, dialect)
			s := w.sharing(t)
			counted := 0
			for _, caller := range sharingCallers {
				if caller == "anonymous" || caller == "revoked" {
					w.e.expect(t, caller, request{method: "GET", path: "/api/v1/stats?measure=incidents"}, 401, "")
					continue
				}
				v := w.view(t, s, caller)
				want, byCountry := 0, map[string]float64{}
				for key, r := range w.records {
					if v.gran[key] >= vrs.GranAggregate {
						want++
						byCountry[r.inc.Country]++
					}
				}
				var total statsAnswer
				resp := w.e.expect(t, caller, request{method: "GET", path: "/api/v1/stats?measure=incidents"}, 200, "")
				if err := json.Unmarshal(resp.body, &total); err != nil {
					t.Fatal(err)
				}
				switch {
				case total.Total != nil && *total.Total != float64(want):
					t.Errorf("%s: total %v, want %d", caller, *total.Total, want)
				case total.Total == nil && (want == 0 || int64(want) >= total.MinCell):
					t.Errorf("%s: total %d withheld (%s)", caller, want, total.TotalSuppressed)
				case total.Total != nil:
					counted++
				}
				var by statsAnswer
				resp = w.e.expect(t, caller, request{method: "GET", path: "/api/v1/stats?measure=incidents&rows=country"}, 200, "")
				if err := json.Unmarshal(resp.body, &by); err != nil {
					t.Fatal(err)
				}
				for _, c := range by.Cells {
					got, ok := byCountry[c.Keys[0]]
					switch {
					case !ok:
						t.Errorf("%s: counts records of %q it may not see", caller, c.Keys[0])
					case c.Value != nil && *c.Value != got:
						t.Errorf("%s: %s %v, want %v", caller, c.Keys[0], *c.Value, got)
					case c.Value == nil && c.Suppressed == "primary" && int64(got) >= by.MinCell:
						t.Errorf("%s: %s %v withheld as small", caller, c.Keys[0], got)
					}
					delete(byCountry, c.Keys[0])
				}
				if len(byCountry) > 0 {
					t.Errorf("%s: countries left out: %v", caller, byCountry)
				}
				// Drilling down from the total lists exactly the records
				// the caller may open, never those only counted.
				var recs vrs.StatRecords
				resp = w.e.expect(t, caller, request{method: "GET", path: "/api/v1/stats/records?measure=incidents&cell="}, 200, "")
				if err := json.Unmarshal(resp.body, &recs); err != nil {
					t.Fatal(err)
				}
				var open []int64
				for key, r := range w.records {
					if v.gran[key] >= vrs.GranPseudonymised {
						open = append(open, r.inc.ID)
					}
				}
				slices.Sort(open)
				slices.Sort(recs.IDs)
				if !slices.Equal(recs.IDs, open) || recs.Total != len(open) {
					t.Errorf("%s: records %v (%d), may open %v", caller, recs.IDs, recs.Total, open)
				}
				// A caller's own country alone is never protected.
				if u := w.users[caller]; u != nil && !u.System && u.Country != "" {
					var own statsAnswer
					resp = w.e.expect(t, caller, request{method: "GET", path: "/api/v1/stats?measure=incidents&filter.country=" + u.Country}, 200, "")
					if err := json.Unmarshal(resp.body, &own); err != nil {
						t.Fatal(err)
					}
					n := 0
					for key, r := range w.records {
						if v.gran[key] >= vrs.GranAggregate && r.inc.Country == u.Country {
							n++
						}
					}
					if own.Protected || own.Total == nil || *own.Total != float64(n) {
						t.Errorf("%s: own country %+v, want %d", caller, own, n)
					}
				}
			}
			if counted == 0 {
				t.Error("no caller's total was published: the test checks nothing")
			}
			_ = access.Foreign
		})
	}
}

func TestStatsAPI(t *testing.T) {
	w := newSharingWorld(t, storetest.Dialects()[0])
	e := w.e
	t.Run("csv", func(t *testing.T) {
		resp := e.expect(t, "regional_analyst", request{method: "GET", path: "/api/v1/stats?measure=incidents&rows=country&cols=incident_type&format=csv"}, 200, "")
		if !strings.HasPrefix(resp.header.Get("Content-Type"), "text/csv") {
			t.Errorf("content type %q", resp.header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(bytes.NewReader(resp.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(recs[0], ",") != "country,incident_type,value,suppressed" {
			t.Errorf("header %v", recs[0])
		}
		last := recs[len(recs)-1]
		if last[0] != "_T" || last[1] != "_T" {
			t.Errorf("last line is not the total: %v", last)
		}
		for _, r := range recs[1:] {
			if (r[2] == "") == (r[3] == "") {
				t.Errorf("a line is either a value or withheld: %v", r)
			}
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		resp := e.expect(t, "regional_analyst", request{method: "GET", path: "/api/v1/stats?measure=persons&rows=sex&format=xlsx"}, 200, "")
		if !bytes.HasPrefix(resp.body, []byte("PK")) {
			t.Errorf("not a ZIP: %q", resp.body[:min(20, len(resp.body))])
		}
	})
	t.Run("sdmx-csv", func(t *testing.T) {
		resp := e.expect(t, "regional_analyst", request{method: "GET", path: "/api/v1/stats?measure=incidents&rows=country&cols=period.year&format=sdmx-csv"}, 200, "")
		if !strings.HasPrefix(resp.header.Get("Content-Type"), "application/vnd.sdmx.data+csv") {
			t.Errorf("content type %q", resp.header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(bytes.NewReader(resp.body)).ReadAll()
		if err != nil || len(recs) < 2 || recs[0][0] != "STRUCTURE" {
			t.Fatalf("%v %q", err, resp.body)
		}
	})
	for _, c := range []struct{ name, query, field string }{
		{"not in SDMX", "measure=incidents&rows=agency&cols=period.year&format=sdmx-csv", ""},
		{"no measure", "rows=country", "measure"},
		{"unknown measure", "measure=cats", "measure"},
		{"unknown dimension", "measure=incidents&rows=colour", "rows[0]"},
		{"unknown filter value", "measure=incidents&filter.country=XX", "filters.country"},
		{"bad date", "measure=incidents&from=2024-13-01", "from"},
		{"out of range", "measure=incidents&to=2999-01-01", "to"},
		{"reversed", "measure=incidents&from=2025-01-01&to=2024-01-01", "to"},
		{"unknown parameter", "measure=incidents&colour=red", "colour"},
		{"repeated", "measure=incidents&measure=persons", "measure"},
		{"format", "measure=incidents&format=pdf", "format"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.expect(t, "analyst", request{method: "GET", path: "/api/v1/stats?" + c.query}, 400, c.field)
		})
	}
	// Drill-down: the records behind a cell.
	t.Run("records", func(t *testing.T) {
		var recs vrs.StatRecords
		resp := e.expect(t, "analyst", request{method: "GET", path: "/api/v1/stats/records?measure=incidents&rows=country&cell=TH&limit=1"}, 200, "")
		if err := json.Unmarshal(resp.body, &recs); err != nil {
			t.Fatal(err)
		}
		if recs.Total < 2 || len(recs.IDs) != 1 {
			t.Errorf("limit 1 of the Thai records: %+v", recs)
		}
	})
	for _, c := range []struct{ name, query, field string }{
		{"records without cell", "measure=incidents&rows=country", "cell"},
		{"records with two cells", "measure=incidents&rows=country&cell=TH&cell=VN", "cell"},
		{"records cell too short", "measure=incidents&rows=country&cols=sex&cell=TH", "cell"},
		{"records cell outside filter", "measure=incidents&rows=country&filter.country=VN&cell=TH", "cell"},
		{"records bad limit", "measure=incidents&cell=&limit=0", "limit"},
		{"records in csv", "measure=incidents&cell=&format=csv", "cell"},
		{"records unknown measure", "measure=cats&cell=", "measure"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.expect(t, "analyst", request{method: "GET", path: "/api/v1/stats/records?" + c.query}, 400, c.field)
		})
	}
}
