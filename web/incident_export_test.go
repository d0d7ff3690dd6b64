package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs"
	"vrs/internal/apptest"
	"vrs/internal/browser"
	"vrs/storetest"
)

// exportedRefs reads the references of incidents.csv in a CSV export.
func exportedRefs(t *testing.T, body string) []string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	f, err := zr.Open("incidents.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range rows[1:] {
		refs = append(refs, r[slices.Index(rows[0], "reference")])
	}
	return refs
}

func TestIncidentExportPage(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testIncidentExportPage(t, dialect) })
	}
}

func testIncidentExportPage(t *testing.T, dialect string) {
	app := apptest.New(t, dialect)
	newIncident(t, app, "TH-A", nil)
	newIncident(t, app, "TH-B", func(inc *vrs.Incident) {
		inc.Persons[0].Nationalities = []string{"BD"}
		inc.Narrative = "Fishing boat intercepted off Satun."
	})
	c := app.SignIn(t, "reporter")

	t.Run("ListOffersTheFilter", func(t *testing.T) {
		_, body := c.Get(t, "/incidents?type=migrant_smuggling&nationality=bd&q=satun")
		form := body[strings.Index(body, `action="/incidents/export"`):]
		form = form[:strings.Index(form, "</form>")]
		for _, want := range []string{`name="type" value="migrant_smuggling"`, `name="nationality" value="BD"`, `name="q" value="satun"`,
			`<option value="xlsx">`} {
			if !strings.Contains(form, want) {
				t.Errorf("export form lacks %s:\n%s", want, form)
			}
		}
	})
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"All", "format=csv", []string{"TH-A", "TH-B"}},
		{"Filtered", "format=csv&type=migrant_smuggling&nationality=BD", []string{"TH-B"}},
		{"Text", "format=csv&q=satun", []string{"TH-B"}},
		{"None", "format=csv&status=validated", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.Get(t, "/incidents/export?"+tc.query)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
				!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; ") {
				t.Fatalf("%d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
			}
			if got := exportedRefs(t, body); !slices.Equal(got, tc.want) {
				t.Errorf("exported %v, want %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, query, want string
		status            int
	}{
		{"ErrFormat", "format=pdf", "Choose one of the export formats: jsonl, csv, xlsx, htcds-csv, htcds-xlsx.", 400},
		{"ErrNoFormat", "type=migrant_smuggling", "Choose one of the export formats", 400},
		{"ErrDate", "format=csv&from=2025-13-01", "YYYY-MM-DD", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.Get(t, "/incidents/export?"+tc.query)
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Disposition") != "" || !strings.Contains(body, tc.want) {
				t.Errorf("%d %q, want %d with %q:\n%s", resp.StatusCode, resp.Header.Get("Content-Disposition"), tc.status, tc.want, body)
			}
		})
	}
	t.Run("ErrForbidden", func(t *testing.T) {
		resp, _ := app.SignIn(t, "admin").Get(t, "/incidents/export?format=csv")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("admin without a data role: %d", resp.StatusCode)
		}
	})
	t.Run("ErrSignedOut", func(t *testing.T) {
		resp, _ := app.NewClient().Get(t, "/incidents/export?format=csv")
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("signed out: %d", resp.StatusCode)
		}
	})
}

// TestIncidentExportBrowser opens the export control on a filtered list in
// Chromium and checks what the form sends; it takes a picture of the list
// with the control open when VRS_SCREENSHOTS names a directory.
func TestIncidentExportBrowser(t *testing.T) {
	app := apptest.New(t, "sqlite")
	newIncident(t, app, "TH-EXP-1", nil)
	newIncident(t, app, "TH-EXP-2", func(inc *vrs.Incident) { inc.DetectedOn, inc.ReportedOn = "2025-04-10", "2025-04-10" })
	ctx := browser.New(t, time.Minute)
	base := app.Server.URL
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#name"), app.World.Users["reporter"].Name),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header nav")),
		chromedp.Navigate(base+"/incidents?type=migrant_smuggling&from=2025-01-01"),
		chromedp.WaitVisible(chromedp.CSS("table.incidents")),
		chromedp.Click(chromedp.CSS("details.export summary")),
		chromedp.SetValue(chromedp.ID("x-format"), "xlsx"),
		chromedp.WaitVisible(chromedp.CSS("details.export button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "incident-export")
	sent, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`new URLSearchParams(new FormData(document.querySelector("details.export form"))).toString()`))
	if err != nil {
		t.Fatal(err)
	}
	if sent != "type=migrant_smuggling&from=2025-01-01&format=xlsx" {
		t.Errorf("the export form sends %q", sent)
	}
}
