package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"html"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs"
	"vrs/internal/apptest"
	"vrs/internal/browser"
	"vrs/storetest"
)

// pivotApp holds six Thai incidents detected in March 2025 and two in
// April, all drafts of the Thai reporter's agency.
func pivotApp(t *testing.T) *apptest.App {
	app := apptest.New(t, "sqlite")
	for i := range 8 {
		newIncident(t, app, "TH-P-"+string(rune('A'+i)), func(inc *vrs.Incident) {
			if i >= 6 {
				inc.DetectedOn, inc.ReportedOn = "2025-04-02", "2025-04-02"
			}
		})
	}
	return app
}

var tableRE = regexp.MustCompile(`(?s)<table class="pivot">.*</table>`)

func TestPivotPage(t *testing.T) {
	app := pivotApp(t)
	c := app.SignIn(t, "reporter")
	for _, tc := range []struct {
		name, query    string
		status         int
		want, wantNot  []string
		noTable, chart bool
	}{
		{name: "Form", query: "", status: 200, want: []string{`name="measure"`, `name="rows"`, `name="f1"`, `href="/analysis/pivot" aria-current="page"`}, noTable: true},
		{name: "OwnCountry", query: "measure=incidents&rows=period.month&filter.country=TH", status: 200,
			want: []string{`<th scope="row">2025-03</th>`, `>6</a></td>`, `>2</a></td>`, `>8</a></td>`}, wantNot: []string{"&lt;5"}, chart: true},
		{name: "FilterRows", query: "measure=incidents&rows=period.month&f1=country&v1=TH", status: 200,
			want: []string{`>2</a></td>`, `<option value="TH" selected>`}, wantNot: []string{"&lt;5"}, chart: true},
		{name: "Suppressed", query: "measure=incidents&rows=period.month", status: 200,
			want: []string{`withheld">&lt;5</td>`, `withheld">x</td>`, `>8</a></td>`, "Fewer than 5"}, wantNot: []string{">2<", ">6<"}},
		{name: "TwoDimensions", query: "measure=incidents&rows=period.month&cols=status&filter.country=TH", status: 200,
			want: []string{`<th scope="col" class="num">Total</th>`, `>6</a></td>`}, chart: true},
		{name: "UnknownMeasure", query: "measure=cats&rows=country", status: 400, want: []string{"not a measure VRS counts"}, noTable: true},
		{name: "UnknownDimension", query: "measure=incidents&rows=colour", status: 400, want: []string{`id="rows-error"`}, noTable: true},
		{name: "UnknownValue", query: "measure=incidents&rows=country&f1=country&v1=XX", status: 400, want: []string{"not in its code list"}, noTable: true},
		{name: "BadDate", query: "measure=incidents&rows=country&from=2025-13-01", status: 400, want: []string{`id="from-error"`}, noTable: true},
		{name: "OutOfRange", query: "measure=incidents&rows=country&to=3000-01-01", status: 400, want: []string{"between 1900-01-01 and 2100-12-31"}, noTable: true},
		{name: "Reversed", query: "measure=incidents&rows=country&from=2025-02-01&to=2025-01-01", status: 400, want: []string{"swap the dates"}, noTable: true},
		{name: "Repeated", query: "measure=incidents&rows=country&cols=country", status: 400, want: []string{`id="cols-error"`}, noTable: true},
		{name: "FeesWithoutCurrency", query: "measure=fees_sum&rows=country", status: 400, want: []string{`id="measure-error"`}, noTable: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.Get(t, "/analysis/pivot?"+tc.query)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			table := tableRE.FindString(body)
			if (table == "") != tc.noTable {
				t.Fatalf("table shown: %v", table != "")
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("lacks %s", w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(table, w) {
					t.Errorf("table has %s:\n%s", w, table)
				}
			}
			if got := strings.Contains(body, `data-chart="pivot-chart-spec"`); got != tc.chart {
				t.Errorf("chart shown %v", got)
			}
		})
	}
	t.Run("Permalink", func(t *testing.T) {
		// The form's own parameters, submitted by GET, are the address.
		_, body := c.Get(t, "/analysis/pivot?measure=incidents&rows=period.month&cols=&f1=country&v1=TH&f2=&f3=&from=2025-01-01&to=2025-12-31")
		for _, w := range []string{`<option value="incidents" selected>`, `<option value="period.month" selected>`, `value="2025-01-01"`, `value="2025-12-31"`, `>6</a></td>`} {
			if !strings.Contains(body, w) {
				t.Errorf("lacks %s", w)
			}
		}
	})
	exportLink := func(t *testing.T, query, format string) string {
		_, body := c.Get(t, "/analysis/pivot?"+query)
		m := regexp.MustCompile(`href="(/analysis/pivot\?[^"]*format=` + format + `[^"]*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no %s link", format)
		}
		return html.UnescapeString(m[1])
	}
	t.Run("CSV", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			want  map[string]string // month -> value, suppressed
		}{
			{"measure=incidents&rows=period.month&f1=country&v1=TH", map[string]string{"2025-03": "6,", "2025-04": "2,", "_T": "8,"}},
			{"measure=incidents&rows=period.month", map[string]string{"2025-03": ",secondary", "2025-04": ",primary", "_T": "8,"}},
		} {
			resp, body := c.Get(t, exportLink(t, tc.query, "csv"))
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, r := range recs[1:] {
				got[r[0]] = r[1] + "," + r[2]
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: %s = %q, want %q", tc.query, k, got[k], v)
				}
			}
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		resp, body := c.Get(t, exportLink(t, "measure=incidents&rows=period.month", "xlsx"))
		if resp.StatusCode != 200 {
			t.Fatal(resp.StatusCode)
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		var sheet string
		for _, f := range zr.File {
			if strings.HasPrefix(f.Name, "xl/worksheets/") {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				sheet += string(b)
			}
		}
		for _, w := range []string{"period.month", "2025-04", "primary", "<v>8</v>"} {
			if !strings.Contains(sheet, w) {
				t.Errorf("sheet lacks %s", w)
			}
		}
		if strings.Contains(sheet, "<v>2</v>") || strings.Contains(sheet, "<v>6</v>") {
			t.Errorf("sheet holds a withheld value:\n%s", sheet)
		}
	})
	t.Run("SDMX", func(t *testing.T) {
		resp, body := c.Get(t, exportLink(t, "measure=incidents&rows=period.month", "sdmx-csv"))
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range recs[1:] {
			got[r[len(r)-4]] = r[len(r)-3] + "," + r[len(r)-1]
		}
		if got["2025-04"] != ",A" || got["2025-03"] != ",D" {
			t.Errorf("withheld months: %v", got)
		}
		resp, body = c.Get(t, "/analysis/pivot?measure=incidents&rows=agency&format=sdmx-csv")
		if resp.StatusCode != 400 || !strings.Contains(body, "no dimension for agency") {
			t.Errorf("agency in SDMX: %d", resp.StatusCode)
		}
	})
	t.Run("Threshold", func(t *testing.T) {
		if err := app.DB.SetSetting(storetest.System(), vrs.SettingStatsMinCell, "10"); err != nil {
			t.Fatal(err)
		}
		defer app.DB.SetSetting(storetest.System(), vrs.SettingStatsMinCell, "5")
		_, body := c.Get(t, "/analysis/pivot?measure=incidents&rows=period.month")
		if table := tableRE.FindString(body); strings.Count(table, "&lt;10") != 3 { // both months and the total
			t.Errorf("with k = 10:\n%s", table)
		}
	})
	t.Run("Access", func(t *testing.T) {
		resp, _ := app.NewClient().Get(t, "/analysis/pivot?measure=incidents")
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous: %d", resp.StatusCode)
		}
	})
}

// TestPivotScreenshot keeps a picture of a protected two-dimensional
// pivot and its chart, when VRS_SCREENSHOTS names a directory.
func TestPivotScreenshot(t *testing.T) {
	if os.Getenv("VRS_SCREENSHOTS") == "" {
		t.Skip("set VRS_SCREENSHOTS=DIR to take pictures of the pivot page")
	}
	app := pivotApp(t)
	ctx := browser.New(t, time.Minute)
	base := app.Server.URL
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#name"), app.World.Users["reporter"].Name),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header nav")),
		chromedp.Navigate(base+"/analysis/pivot?measure=persons&rows=period.month&cols=person_role"),
		chromedp.WaitVisible(chromedp.CSS("table.pivot")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "analysis-pivot")
	// The reporter's own country alone: nothing withheld, bars drawn.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/analysis/pivot?measure=persons&rows=period.month&cols=person_role&f1=country&v1=TH"),
		chromedp.WaitVisible(chromedp.CSS("#pivot-chart svg path")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "analysis-pivot-own-country")
}

// TestPivotSort: rows by label, or by value largest first; the choice is
// in the form and the permalink.
func TestPivotSort(t *testing.T) {
	app := pivotApp(t)
	c := app.SignIn(t, "reporter")
	rowRE := regexp.MustCompile(`<th scope="row">([^<]+)</th>`)
	for _, tc := range []struct {
		sort string
		want []string
	}{
		{"", []string{"2025-03", "2025-04"}},
		{"keys", []string{"2025-03", "2025-04"}},
		{"value", []string{"2025-03", "2025-04"}},
	} {
		t.Run("sort="+tc.sort, func(t *testing.T) {
			_, body := c.Get(t, "/analysis/pivot?measure=incidents&rows=period.month&filter.country=TH&sort="+tc.sort)
			var got []string
			for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
				if m[1] != "Total" {
					got = append(got, m[1])
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("rows %v, want %v", got, tc.want)
			}
			sel := `<option value="` + tc.sort + `" selected>`
			if tc.sort == "" {
				sel = `<option value="keys" selected>`
			}
			if !strings.Contains(body, sel) {
				t.Errorf("the form does not keep sort=%q", tc.sort)
			}
		})
	}
	// By value, the larger row first whatever its label: May's three
	// before April's two.
	for _, ref := range []string{"TH-P-X", "TH-P-Y", "TH-P-Z"} {
		newIncident(t, app, ref, func(inc *vrs.Incident) { inc.DetectedOn, inc.ReportedOn = "2025-05-02", "2025-05-02" })
	}
	for sort, want := range map[string]string{"value": "2025-03,2025-05,2025-04", "keys": "2025-03,2025-04,2025-05"} {
		_, body := c.Get(t, "/analysis/pivot?measure=incidents&rows=period.month&filter.country=TH&sort="+sort)
		var got []string
		for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
			if m[1] != "Total" {
				got = append(got, m[1])
			}
		}
		if strings.Join(got, ",") != want {
			t.Errorf("sort=%s: rows %v, want %s", sort, got, want)
		}
	}
}

// TestSDMXStructure: the structure every SDMX-CSV download refers to is
// served to anyone, as SDMX-ML 2.1 naming the dataflow and its code lists.
func TestSDMXStructure(t *testing.T) {
	app := pivotApp(t)
	resp, err := http.Get(app.Server.URL + "/public/statistics/sdmx-structure.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/vnd.sdmx.structure+xml") {
		t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"<message:Structure", "<structure:Dataflow", "CL_MEASURE", "FEE_MEDIAN_USD"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("structure lacks %q", want)
		}
	}
	c := app.SignIn(t, "reporter")
	_, page := c.Get(t, "/analysis/pivot?measure=incidents&rows=period.year")
	if !strings.Contains(page, `href="/public/statistics/sdmx-structure.xml"`) {
		t.Error("the pivot page does not link the structure")
	}
}
