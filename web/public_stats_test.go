package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vrs"
	"vrs/internal/apptest"
	"vrs/storetest"
)

// publicApp holds validated records of Thailand and Viet Nam, none
// published yet:
//
//	Thailand: 8 community records in 2023, 3 in 2024, 12 community or
//	statistics records in 2025 (6 with a Cambodian victim of forced
//	labour), and 4 kept to the country and 2 drafts (never published);
//	Viet Nam: 6 statistics records in 2023, 2 in 2024, 7 community
//	records in 2025, one of them with a Lao victim of sexual exploitation.
//
// So incidents by year and country are 3 and 2 in 2024 (small), 12 and 7
// in 2025; Lao nationals are 1 (small), and so are victims of sexual
// exploitation.
func publicApp(t *testing.T) *apptest.App {
	t.Helper()
	app := apptest.New(t, "sqlite")
	app.Web.MountPublicRoutes()
	var incs []*vrs.Incident
	add := func(agency string, n int, d vrs.Distribution, st vrs.IncidentStatus, detected string, edit func(*vrs.Incident)) {
		for range n {
			inc := storetest.Interception(app.World.Agencies[agency].ID, fmt.Sprintf("PUB-%d", len(incs)+1))
			inc.Distribution, inc.Status = d, st
			inc.OccurredOn, inc.DetectedOn, inc.ReportedOn = detected, detected, detected
			for i := range inc.Legs {
				inc.Legs[i].DepartedOn, inc.Legs[i].ArrivedOn = "", ""
			}
			if agency == "vn-police" {
				inc.Place = vrs.Place{Country: "VN", Name: "Lao Cai", Kind: "border_crossing"}
				inc.Legs[1].Country, inc.Legs[1].Place = "VN", "Lao Cai"
			}
			if edit != nil {
				edit(inc)
			}
			incs = append(incs, inc)
		}
	}
	add("th-police", 8, vrs.DistCommunity, vrs.StatusValidated, "2023-08-01", nil)
	add("th-police", 3, vrs.DistCommunity, vrs.StatusValidated, "2024-05-01", nil)
	add("th-police", 6, vrs.DistCommunity, vrs.StatusValidated, "2025-03-02", func(inc *vrs.Incident) {
		inc.Type = vrs.TypeTrafficking
		inc.Persons = append(inc.Persons, vrs.Person{Role: "victim", Sex: "male", Nationalities: []string{"KH"}, Status: "rescued",
			Exploitation: []string{"forced_labour"}})
		inc.Transactions = nil
	})
	add("th-immigration", 6, vrs.DistStatistics, vrs.StatusValidated, "2025-06-10", nil)
	add("th-police", 4, vrs.DistCountry, vrs.StatusValidated, "2025-03-02", nil)
	add("th-police", 2, vrs.DistCommunity, vrs.StatusDraft, "2024-05-01", nil)
	add("vn-police", 6, vrs.DistStatistics, vrs.StatusValidated, "2023-10-10", nil)
	add("vn-police", 2, vrs.DistStatistics, vrs.StatusValidated, "2024-09-09", nil)
	add("vn-police", 6, vrs.DistCommunity, vrs.StatusValidated, "2025-02-02", nil)
	add("vn-police", 1, vrs.DistCommunity, vrs.StatusValidated, "2025-02-02", func(inc *vrs.Incident) {
		inc.Type = vrs.TypeTrafficking
		inc.Persons = append(inc.Persons, vrs.Person{Role: "victim", Sex: "female", Nationalities: []string{"LA"}, Status: "rescued",
			Exploitation: []string{"sexual_exploitation"}})
		inc.Transactions = nil
	})
	if err := app.DB.BulkCreateIncidents(storetest.System(), incs); err != nil {
		t.Fatalf("records: %v %v", err, vrs.AsError(err).Fields)
	}
	return app
}

func publish(t *testing.T, app *apptest.App, country string, p vrs.CountryPublishing) {
	t.Helper()
	if err := app.DB.SetCountryPublishing(storetest.System(), country, p); err != nil {
		t.Fatal(err)
	}
}

// section returns the <section> of the page with the given id.
func section(body, id string) string {
	i := strings.Index(body, `<section class="card pivot-result" id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

var cellTextRE = regexp.MustCompile(`<td class="num[^"]*">([^<]*)</td>`)

// shownNumbers lists every number a section publishes: its table's cells
// and the values of its chart (bars, map areas).
func shownNumbers(t *testing.T, sec string) []float64 {
	t.Helper()
	var out []float64
	for _, m := range cellTextRE.FindAllStringSubmatch(sec, -1) {
		if v, err := strconv.ParseFloat(m[1], 64); err == nil {
			out = append(out, v)
		}
	}
	if i := strings.Index(sec, `<script type="application/json"`); i >= 0 {
		raw := sec[strings.Index(sec[i:], ">")+i+1:]
		raw = raw[:strings.Index(raw, "</script>")]
		var spec struct {
			Option struct {
				Series []struct {
					Data []any `json:"data"`
				} `json:"series"`
			} `json:"option"`
			Table struct {
				Rows [][]any `json:"rows"`
			} `json:"table"`
		}
		if err := json.Unmarshal([]byte(raw), &spec); err != nil {
			t.Fatalf("chart spec: %v\n%s", err, raw)
		}
		for _, s := range spec.Option.Series {
			for _, d := range s.Data {
				switch v := d.(type) {
				case float64:
					out = append(out, v)
				case map[string]any:
					if f, ok := v["value"].(float64); ok {
						out = append(out, f)
					}
				}
			}
		}
		for _, r := range spec.Table.Rows {
			for _, c := range r[1:] {
				if v, err := strconv.ParseFloat(fmt.Sprint(c), 64); err == nil {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// downloads fetches the CSV, XLSX and SDMX-CSV of a section and returns
// the numbers each publishes, and the CSV's lines by their first keys.
func downloads(t *testing.T, c *apptest.Client, sec string) (published map[string][]float64, csvLines map[string][]string) {
	t.Helper()
	published, csvLines = map[string][]float64{}, map[string][]string{}
	for _, format := range []string{"csv", "xlsx", "sdmx-csv"} {
		m := regexp.MustCompile(`href="(/public/statistics\?[^"]*format=` + format + `[^"]*)"`).FindStringSubmatch(sec)
		if m == nil {
			continue
		}
		resp, body := c.Get(t, html.UnescapeString(m[1]))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", format, resp.StatusCode, body)
		}
		switch format {
		case "csv", "sdmx-csv":
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := slices.Index(recs[0], "value")
			if format == "sdmx-csv" {
				col = slices.Index(recs[0], "OBS_VALUE")
			}
			if col < 0 {
				t.Fatalf("%s header %v", format, recs[0])
			}
			for _, r := range recs[1:] {
				if v, err := strconv.ParseFloat(r[col], 64); err == nil {
					published[format] = append(published[format], v)
				}
				if format == "csv" {
					csvLines[strings.Join(r[:col], "|")] = r[col:]
				}
			}
		case "xlsx":
			zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				if !strings.HasPrefix(f.Name, "xl/worksheets/") {
					continue
				}
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				for _, m := range regexp.MustCompile(`<v>([0-9.]+)</v>`).FindAllStringSubmatch(string(b), -1) {
					v, _ := strconv.ParseFloat(m[1], 64)
					published["xlsx"] = append(published["xlsx"], v)
				}
			}
		}
	}
	return published, csvLines
}

// neverShown fails when a section, its chart or a download publishes one
// of the small counts.
func neverShown(t *testing.T, c *apptest.Client, body, id string, small ...float64) map[string][]string {
	t.Helper()
	sec := section(body, id)
	if sec == "" {
		t.Fatalf("no section %s", id)
	}
	for _, v := range shownNumbers(t, sec) {
		if slices.Contains(small, v) {
			t.Errorf("%s: the page shows %v", id, v)
		}
	}
	published, lines := downloads(t, c, sec)
	for _, format := range []string{"csv", "xlsx"} {
		if len(published[format]) == 0 {
			t.Errorf("%s: no %s published", id, format)
		}
	}
	for format, vs := range published {
		for _, v := range vs {
			if slices.Contains(small, v) {
				t.Errorf("%s: the %s download holds %v", id, format, v)
			}
		}
	}
	return lines
}

func TestPublicStatistics(t *testing.T) {
	app := publicApp(t)
	anon := app.NewClient()

	t.Run("NobodyPublishes", func(t *testing.T) {
		resp, body := anon.Get(t, "/public/statistics")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "No country publishes statistics yet.") {
			t.Fatalf("%d\n%s", resp.StatusCode, body)
		}
		if strings.Contains(body, `<table class="pivot">`) {
			t.Error("a table without anything published")
		}
	})

	publish(t, app, "TH", vrs.CountryPublishing{Publish: true})
	publish(t, app, "VN", vrs.CountryPublishing{Publish: true})

	t.Run("Anonymous", func(t *testing.T) {
		resp, body := anon.Get(t, "/public/statistics")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=60" {
			t.Errorf("Cache-Control %q", cc)
		}
		for _, w := range []string{"<li>Thailand</li>", "<li>Viet Nam</li>", `id="by-year"`, `id="by-nationality"`, `id="by-exploitation"`,
			`data-chart="by-year-chart-spec"`, `data-chart="by-nationality-chart-spec"`, `"map":"world"`, `href="/signin"`, `name="cols"`} {
			if !strings.Contains(body, w) {
				t.Errorf("page lacks %s", w)
			}
		}
		if strings.Contains(body, `name="csrf"`) || strings.Contains(body, "Sign out") {
			t.Error("an anonymous page with a session's parts")
		}
	})

	t.Run("SmallCountsWithheld", func(t *testing.T) {
		_, body := anon.Get(t, "/public/statistics")
		sec := section(body, "by-year")
		if !strings.Contains(sec, `withheld">&lt;5</td>`) || !strings.Contains(sec, "Fewer than 5") {
			t.Errorf("by year: no <5\n%s", sec)
		}
		lines := neverShown(t, anon, body, "by-year", 3, 2)
		for _, key := range []string{"2024|TH", "2024|VN"} {
			if l := lines[key]; len(l) != 2 || l[0] != "" || l[1] != "primary" {
				t.Errorf("CSV %s = %v, want withheld as primary", key, l)
			}
		}
		// Lao nationals: one person.
		lines = neverShown(t, anon, body, "by-nationality", 1)
		if l := lines["LA"]; len(l) != 2 || l[0] != "" || l[1] != "primary" {
			t.Errorf("CSV LA = %v", l)
		}
		if strings.Contains(section(body, "by-nationality"), `"name":"LA"`) {
			t.Error("the map colours Laos")
		}
		neverShown(t, anon, body, "by-exploitation", 1)
	})

	t.Run("OwnView", func(t *testing.T) {
		// Asked as forms by years, laid out as years by forms (one layout
		// for each pair of dimensions).
		resp, body := anon.Get(t, "/public/statistics?measure=victims&rows=exploitation_form&cols=period.year")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		sec := section(body, "custom")
		for _, w := range []string{`<th scope="row">2025</th>`, `<th scope="col" class="num">Sexual exploitation</th>`, `&lt;5`} {
			if !strings.Contains(sec, w) {
				t.Errorf("own view lacks %s:\n%s", w, sec)
			}
		}
		if !strings.Contains(body, `<option value="period.year" selected>`) || !strings.Contains(body, `<option value="exploitation_form" selected>`) {
			t.Error("the form does not show the table's layout")
		}
		neverShown(t, anon, body, "custom", 1)
		if strings.Contains(sec, "data-chart") {
			t.Error("a chart of withheld values and zeros alone")
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		for _, tc := range []struct{ query, want string }{
			{"measure=incidents&rows=agency", `id="ps-rows-error"`},
			{"measure=incidents&rows=period.day", "This dimension is not published"},
			{"measure=incidents&rows=period.year&filter.status=draft", "Published tables are not filtered"},
			{"measure=incidents&rows=period.year&filter.country=TH", "Published tables are not filtered"},
			{"measure=persons&rows=sex&filter.nationality=MM", "Published tables are not filtered"},
			{"measure=incidents&rows=country&filter.period.year=20x5", "not in its code list"},
			{"measure=incidents&rows=period.quarter", "only beside their years"},
			{"measure=incidents&rows=country&cols=period.quarter", "only beside their years"},
			{"measure=incidents&rows=period.year&cols=period.quarter", ""},
			{"measure=incidents&rows=period.year&cols=sex", ""},
			{"measure=fees_count&rows=period.year", `id="ps-measure-error"`},
			{"measure=incidents&rows=period.year&from=2025-01-01", "break the table down by year"},
			{"measure=incidents&rows=period.year,sex&cols=country", `id="ps-rows-error"`},
			{"measure=cats&rows=country", "not a measure VRS counts"},
			{"measure=incidents&rows=country&format=pdf", "csv, xlsx or sdmx-csv"},
			{"measure=incidents&rows=nationality&format=sdmx-csv", "needs a year or quarter"},
		} {
			t.Run(tc.query, func(t *testing.T) {
				resp, body := anon.Get(t, "/public/statistics?"+tc.query)
				if tc.want == "" {
					if resp.StatusCode != http.StatusOK {
						t.Errorf("status %d", resp.StatusCode)
					}
					return
				}
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
					t.Errorf("status %d, want 400 with %q", resp.StatusCode, tc.want)
				}
				if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("an error kept in caches: %q", cc)
				}
			})
		}
	})

	t.Run("CountryRaisesK", func(t *testing.T) {
		publish(t, app, "VN", vrs.CountryPublishing{Publish: true, MinCell: 10})
		_, body := anon.Get(t, "/public/statistics")
		if !strings.Contains(body, "counts below 10 withheld") {
			t.Error("Viet Nam's threshold not listed")
		}
		sec := section(body, "by-year")
		if !strings.Contains(sec, "&lt;10") || !strings.Contains(sec, "Fewer than 10") || strings.Contains(sec, "&lt;5") {
			t.Errorf("by year with k = 10:\n%s", sec)
		}
		// 6 and 7 Vietnamese records in 2023 and 2025: now small too.
		lines := neverShown(t, anon, body, "by-year", 3, 2, 6, 7)
		if l := lines["2025|VN"]; len(l) != 2 || l[1] != "primary" {
			t.Errorf("CSV 2025 VN = %v", l)
		}
		// A table of one's own too: 5 records in 2024.
		_, body = anon.Get(t, "/public/statistics?measure=incidents&rows=period.year")
		if sec := section(body, "custom"); !strings.Contains(sec, "&lt;10") {
			t.Errorf("own view with k = 10:\n%s", sec)
		}
		neverShown(t, anon, body, "custom", 5)
	})

	t.Run("UnpublishingRemovesAtOnce", func(t *testing.T) {
		publish(t, app, "TH", vrs.CountryPublishing{})
		_, body := anon.Get(t, "/public/statistics")
		if strings.Contains(body, "<li>Thailand</li>") {
			t.Error("Thailand still listed")
		}
		_, lines := downloads(t, anon, section(body, "by-year"))
		for key := range lines {
			if strings.Contains(key, "TH") {
				t.Errorf("Thailand still counted: %s", key)
			}
		}
		_, body = anon.Get(t, "/public/statistics?measure=incidents&rows=country&format=csv")
		if strings.Contains(body, "TH,") || !strings.Contains(body, "VN,") {
			t.Errorf("a download by country still counts Thailand:\n%s", body)
		}
	})

	t.Run("SignedIn", func(t *testing.T) {
		resp, body := app.SignIn(t, "analyst").Get(t, "/public/statistics")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("signed in: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		if strings.Contains(body, `href="/signin"`) {
			t.Error("a signed-in user is asked to sign in")
		}
	})
}

// TestSharingPublishing: the country's focal point decides on its sharing
// page; others read the choice.
func TestSharingPublishing(t *testing.T) {
	app := apptest.New(t, "sqlite")
	app.Web.MountPublicRoutes()
	focal := app.SignIn(t, "focal_point")
	_, body := focal.Get(t, "/sharing")
	for _, w := range []string{`id="publishing"`, `action="/sharing/publishing"`, `name="publish"`, `<option value="0" selected>The installation&#39;s (5)</option>`} {
		if !strings.Contains(body, w) {
			t.Errorf("focal point's page lacks %s", w)
		}
	}
	resp, _ := focal.Post(t, "/sharing/publishing", url.Values{"publish": {"on"}, "min_cell": {"10"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sharing?flash=publishing_saved" {
		t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	th, err := app.DB.FindCountry(storetest.System(), "TH")
	if err != nil || !th.PublishStats || th.StatsMinCell != 10 {
		t.Fatalf("TH = %+v %v", th, err)
	}
	_, body = focal.Get(t, "/sharing?flash=publishing_saved")
	if !strings.Contains(body, "choice about published statistics is saved") || !strings.Contains(body, `<option value="10" selected>`) {
		t.Error("the page does not show the saved choice")
	}
	es, err := app.DB.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActCountryPublish, Limit: 1})
	if err != nil || len(es) != 1 || es[0].ActorName != app.World.Users["focal_point"].Name {
		t.Errorf("audit %+v %v", es, err)
	}

	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
	}{
		{"NotAChoice", url.Values{"publish": {"on"}, "min_cell": {"3"}}, http.StatusBadRequest},
		{"NotANumber", url.Values{"publish": {"on"}, "min_cell": {"many"}}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if resp, _ := focal.Post(t, "/sharing/publishing", tc.form); resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
	t.Run("Others", func(t *testing.T) {
		analyst := app.SignIn(t, "analyst")
		_, body := analyst.Get(t, "/sharing")
		if strings.Contains(body, `action="/sharing/publishing"`) || !strings.Contains(body, "focal points decide what it publishes") {
			t.Error("an analyst is offered the form")
		}
		for key, want := range map[string]int{"analyst": http.StatusForbidden, "admin": http.StatusForbidden} {
			c := analyst
			if key == "admin" {
				c = app.SignIn(t, "admin")
			}
			c.Get(t, "/sharing")
			if resp, _ := c.Post(t, "/sharing/publishing", url.Values{"min_cell": {"0"}}); resp.StatusCode != want {
				t.Errorf("%s: %d, want %d", key, resp.StatusCode, want)
			}
		}
		if th, _ := app.DB.FindCountry(storetest.System(), "TH"); !th.PublishStats {
			t.Error("a refused choice was recorded")
		}
	})
}
