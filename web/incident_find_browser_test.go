package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs"
	"vrs/internal/apptest"
	"vrs/internal/browser"
)

// TestIncidentFindBrowser searches by phone number in Chromium: the value
// is posted, so that neither the address bar nor the history holds it, and
// the results page answers the incidents that hold it. It takes a picture
// of the results when VRS_SCREENSHOTS names a directory.
func TestIncidentFindBrowser(t *testing.T) {
	app := apptest.New(t, "sqlite")
	newIncident(t, app, "TH-FIND-1", func(inc *vrs.Incident) {
		inc.Persons[2].Identifiers = []vrs.Identifier{{Kind: "phone", Value: "+60 12 345 6789"}}
	})
	newIncident(t, app, "TH-FIND-2", func(inc *vrs.Incident) {
		inc.Persons[2].Identifiers = []vrs.Identifier{{Kind: "phone", Value: "0060 12-345-6789"}}
		inc.Place.Name = "Satun harbour"
	})
	newIncident(t, app, "TH-OTHER", nil)
	ctx := browser.New(t, time.Minute)
	base := app.Server.URL
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#name"), app.World.Users["reporter"].Name),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header nav")),
		chromedp.Navigate(base+"/incidents"),
		chromedp.Click(chromedp.CSS("details.find summary")),
		chromedp.SetValue(chromedp.ID("f-identifier_kind"), "phone"),
		chromedp.SendKeys(chromedp.ID("f-identifier"), "+60 12 345 6789"),
		chromedp.Click(chromedp.CSS("details.find button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	// The list already has a table: wait for the answer's page (asked
	// again while the browser navigates).
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.pathname === "/incidents/find" && document.readyState === "complete" && !!document.querySelector("table.incidents")`))
		if err == nil && done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer page after the search (%v)", err)
		}
	}
	browser.Screenshot(ctx, t, "incident-find")
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if loc != base+"/incidents/find" {
		t.Errorf("address after the search = %q", loc)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("table.incidents").innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "TH-FIND-1") || !strings.Contains(text, "TH-FIND-2") || strings.Contains(text, "TH-OTHER") {
		t.Errorf("results:\n%s", text)
	}
}
