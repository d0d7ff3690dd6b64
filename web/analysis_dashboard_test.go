package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/internal/apptest"
	"vrs/refdata"
	"vrs/storetest"
)

// dashApp is a world where Thailand and Viet Nam, both members, share
// smuggling records: twenty validated Thai incidents shared with the
// community (nine in March 2025, six in April, five in May), each with two
// Myanmar migrants and a Thai suspect, from Myanmar to Malaysia (fourteen)
// or Singapore (six), with a fee; and two Vietnamese ones of March 2025: one
// shared with the community (two Cambodian migrants, from Cambodia), one
// for statistics only (one Cambodian migrant, from Laos). Cambodians are
// then a small count of another country's records for a Thai analyst.
func dashApp(t *testing.T, dialect string) (*apptest.App, map[string]*vrs.Incident) {
	t.Helper()
	app := apptest.New(t, dialect)
	w := app.World
	shareUser(t, app, "vn-reviewer", "vn.reviewer", "vn-police", vrs.RoleReviewer)
	a := &vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling}, Granularity: vrs.GranFull}
	if err := app.DB.ProposeAgreement(storetest.As(w.Users["focal_point"]), a); err != nil {
		t.Fatalf("propose: %v %v", err, vrs.AsError(err).Fields)
	}
	if _, err := app.DB.DecideAgreement(storetest.As(w.Users["vn-focal_point"]), a.ID, true, ""); err != nil {
		t.Fatalf("accept: %v", err)
	}
	for _, c := range []string{"TH", "VN"} {
		if err := app.DB.SetCountryMember(storetest.System(), c, true); err != nil {
			t.Fatal(err)
		}
	}
	recs := map[string]*vrs.Incident{}
	for i := range 20 {
		ref := fmt.Sprintf("TH-D-%02d", i)
		inc := storetest.Interception(w.Agencies["th-police"].ID, ref)
		dest := vrs.RouteLeg{Country: "MY", Place: "Kuala Lumpur", Role: "destination", Mode: "car"}
		if i < 6 {
			dest.Country, dest.Place = "SG", "Singapore"
		}
		inc.Legs = append(inc.Legs, dest)
		inc.Distribution = vrs.DistCommunity
		switch {
		case i >= 15:
			inc.DetectedOn, inc.ReportedOn = "2025-05-02", "2025-05-02"
		case i >= 9:
			inc.DetectedOn, inc.ReportedOn = "2025-04-02", "2025-04-02"
		}
		validateAs(t, app, "reporter", "reviewer", inc)
		recs[ref] = inc
	}
	vn := func(ref string, dist vrs.Distribution, origin string, migrants int) {
		inc := storetest.Interception(w.Agencies["vn-police"].ID, ref)
		inc.DetectedOn, inc.ReportedOn, inc.OccurredOn = "2025-03-10", "2025-03-10", "2025-03-09"
		inc.Place = vrs.Place{Country: "VN", Name: "Lao Cai", Kind: "border_crossing"}
		inc.Legs = []vrs.RouteLeg{{Country: origin, Place: "Border", Role: "origin", Mode: "foot"}, {Country: "VN", Place: "Lao Cai", Role: "interception", Mode: "car"}}
		inc.Persons = nil
		for range migrants {
			inc.Persons = append(inc.Persons, vrs.Person{Role: "migrant", Sex: "female", Nationalities: []string{"KH"}, Status: "intercepted"})
		}
		inc.Transactions = nil
		inc.Distribution = dist
		validateAs(t, app, "vn-reporter", "vn-reviewer", inc)
		recs[ref] = inc
	}
	vn("VN-D-SHARED", vrs.DistCommunity, "KH", 2)
	vn("VN-D-STATS", vrs.DistStatistics, "LA", 1)
	return app, recs
}

var specRE = regexp.MustCompile(`(?s)<script type="application/json" id="(chart-[a-z]+)-spec">(.*?)</script>`)

type dashSpec struct {
	Option map[string]any `json:"option"`
	Table  struct {
		Columns []string `json:"columns"`
		Rows    [][]any  `json:"rows"`
	} `json:"table"`
}

// dashSpecs reads the charts' JSON from a dashboard page.
func dashSpecs(t *testing.T, body string) map[string]dashSpec {
	t.Helper()
	out := map[string]dashSpec{}
	for _, m := range specRE.FindAllStringSubmatch(body, -1) {
		var s dashSpec
		if err := json.Unmarshal([]byte(m[2]), &s); err != nil {
			t.Fatalf("%s: %v\n%s", m[1], err, m[2])
		}
		out[m[1]] = s
	}
	return out
}

// tableValue is the value of the table row whose first cell is label.
func tableValue(s dashSpec, label string) (any, bool) {
	for _, r := range s.Table.Rows {
		if r[0] == label {
			return r[len(r)-1], true
		}
	}
	return nil, false
}

// seriesItem is the data item of the category named cat in the first
// series of a bar chart.
func seriesItem(t *testing.T, s dashSpec, cat string) any {
	t.Helper()
	cats, _ := s.Option["yAxis"].(map[string]any)["data"].([]any)
	data := s.Option["series"].([]any)[0].(map[string]any)["data"].([]any)
	for i, c := range cats {
		if c == cat {
			return data[i]
		}
	}
	t.Fatalf("no category %q in %v", cat, cats)
	return nil
}

// mapItem is the choropleth's data item of a country code.
func mapItem(s dashSpec, code string) map[string]any {
	for _, d := range s.Option["series"].([]any)[0].(map[string]any)["data"].([]any) {
		if m := d.(map[string]any); m["name"] == code {
			return m
		}
	}
	return nil
}

// onlyMarks fails if a chart's table gives a number on a line that names
// the country (Cambodians, or routes from Cambodia: all small here).
func onlyMarks(t *testing.T, specs map[string]dashSpec, country string) {
	t.Helper()
	seen := 0
	for id, s := range specs {
		for _, r := range s.Table.Rows {
			named := false
			for _, c := range r {
				if str, ok := c.(string); ok && strings.Contains(str, country) {
					named = true
				}
			}
			if !named {
				continue
			}
			seen++
			for _, c := range r[1:] {
				if str, _ := c.(string); regexp.MustCompile(`^\d`).MatchString(str) {
					t.Errorf("%s: %v", id, r)
				}
			}
		}
	}
	if seen == 0 {
		t.Errorf("no line names %s", country)
	}
}

const dashPeriod = "from=2025-01-01&to=2025-12-31"

var dashCharts = []string{"chart-trend", "chart-roles", "chart-seasons", "chart-nationalities", "chart-routes", "chart-fees", "chart-prices", "chart-map", "chart-sankey", "chart-flows"}

func TestDashboardPage(t *testing.T) {
	app, _ := dashApp(t, "sqlite")
	analyst, regional := app.SignIn(t, "analyst"), app.SignIn(t, "regional_analyst")

	t.Run("National", func(t *testing.T) {
		start := time.Now()
		resp, body := analyst.Get(t, "/analysis/dashboard?"+dashPeriod)
		t.Logf("national dashboard served in %v", time.Since(start))
		wantBody(t, resp, body, http.StatusOK, []string{"Dashboard: Thailand", `id="d-scope"`, `href="/analysis/pivot" aria-current="page"`,
			`<a href="/analysis/dashboard" aria-current="page">`, "Fewer than 5: withheld to protect the persons counted."})
		specs := dashSpecs(t, body)
		for _, id := range dashCharts {
			if _, ok := specs[id]; !ok {
				t.Errorf("no chart %s", id)
			}
			if !strings.Contains(body, `data-chart="`+id+`-spec"`) {
				t.Errorf("%s is not drawn", id)
			}
		}
		// Cambodians are two persons of a shared Vietnamese record and one
		// of a record counted only: 3, withheld, in every form.
		nats := specs["chart-nationalities"]
		if v, _ := tableValue(nats, "Cambodia"); v != "<5" {
			t.Errorf("Cambodia in the table: %v", v)
		}
		if item, ok := seriesItem(t, nats, "Cambodia").(map[string]any); !ok || item["value"] != nil || item["withheld"] != "<5" {
			t.Errorf("Cambodia's bar: %#v", seriesItem(t, nats, "Cambodia"))
		}
		if m := mapItem(specs["chart-map"], "KH"); m == nil || m["value"] != nil || m["withheld"] != "<5" {
			t.Errorf("Cambodia on the map: %#v", m)
		}
		if v, _ := tableValue(specs["chart-map"], "Cambodia"); v != "<5" {
			t.Errorf("Cambodia in the map's table: %v", v)
		}
		onlyMarks(t, specs, "Cambodia")
		if regexp.MustCompile(`<th scope="row">Cambodia</th><td class="num">\d`).MatchString(body) {
			t.Error("the page shows Cambodia's count")
		}
		// Myanmar's 40 persons are published; the routes count incidents.
		if v, _ := tableValue(nats, "Myanmar"); v != "40" {
			t.Errorf("Myanmar: %v", v)
		}
		if v, _ := tableValue(specs["chart-routes"], "Myanmar → Malaysia"); v != "14" {
			t.Errorf("route Myanmar → Malaysia: %v (%v)", v, specs["chart-routes"].Table.Rows)
		}
		// Every chart opens its query on the pivot page.
		links := regexp.MustCompile(`<a href="(/analysis/pivot\?[^"]+)" class="open-table">`).FindAllStringSubmatch(body, -1)
		if len(links) != len(dashCharts) {
			t.Fatalf("%d links to the pivot page", len(links))
		}
		resp, table := analyst.Get(t, html.UnescapeString(links[0][1]))
		wantBody(t, resp, table, http.StatusOK, []string{`<th scope="row">2025-03</th>`, "from=2025-01-01"})
	})

	t.Run("OwnCountry", func(t *testing.T) {
		resp, body := analyst.Get(t, "/analysis/dashboard?scope=own&"+dashPeriod)
		wantBody(t, resp, body, http.StatusOK, []string{`<option value="own" selected>Thailand only</option>`}, "&lt;5", "Fewer than 5")
		specs := dashSpecs(t, body)
		if _, ok := tableValue(specs["chart-nationalities"], "Cambodia"); ok {
			t.Error("Viet Nam's records counted in Thailand's own view")
		}
		if v, _ := tableValue(specs["chart-trend"], "2025-04"); v != "6" {
			t.Errorf("April, Thailand alone: %v", v)
		}
		// Fees of 45,000 baht: fourteen from Myanmar to Malaysia, six to
		// Singapore, all in 2025, the one year of the period.
		usd, _ := refdata.ToUSD(45000, "THB", 2025)
		price := fmt.Sprint(math.Round(usd))
		for chart, want := range map[string][][]any{
			"chart-fees":   {{"Myanmar → Malaysia", "14"}, {"Myanmar → Singapore", "6"}},
			"chart-prices": {{"Myanmar → Malaysia", price}, {"Myanmar → Singapore", price}},
		} {
			s := specs[chart]
			if !slices.Equal(s.Table.Columns, []string{"Route", "2025"}) || !slices.EqualFunc(s.Table.Rows, want, slices.Equal) {
				t.Errorf("%s: %v %v, want %v", chart, s.Table.Columns, s.Table.Rows, want)
			}
		}
	})

	t.Run("Regional", func(t *testing.T) {
		resp, body := regional.Get(t, "/analysis/dashboard?"+dashPeriod)
		wantBody(t, resp, body, http.StatusOK, []string{"Regional dashboard", `id="chart-trend"`}, `id="d-scope"`, "Dashboard: Thailand")
		onlyMarks(t, dashSpecs(t, body), "Cambodia")
	})

	t.Run("Default", func(t *testing.T) {
		resp, body := analyst.Get(t, "/analysis/dashboard")
		wantBody(t, resp, body, http.StatusOK, []string{`<option value="36" selected>Last 36 months</option>`})
		if n := len(dashSpecs(t, body)["chart-trend"].Table.Rows); n != 36 {
			t.Errorf("trend of %d months", n)
		}
	})

	for _, tc := range []struct{ name, query, field, want string }{
		{"ErrMonths", "months=7", "months-error", "12, 24, 36 or 60 months"},
		{"ErrDate", "from=2025-13-01", "from-error", "year-month-day"},
		{"ErrReversed", "from=2025-06-01&to=2025-01-01", "to-error", "swap the dates"},
		{"ErrTooLong", "from=2000-01-01&to=2025-01-01", "from-error", "at most 10 years"},
		{"ErrType", "type=cats", "type-error", "not in its code list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := analyst.Get(t, "/analysis/dashboard?"+tc.query)
			wantBody(t, resp, body, http.StatusBadRequest, []string{`id="` + tc.field + `"`, tc.want}, `data-chart=`)
		})
	}

	t.Run("Access", func(t *testing.T) {
		if resp, _ := app.NewClient().Get(t, "/analysis/dashboard"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous: %d", resp.StatusCode)
		}
		if resp, _ := app.SignIn(t, "admin").Get(t, "/analysis/dashboard"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("administrator without a data role: %d", resp.StatusCode)
		}
	})
}
