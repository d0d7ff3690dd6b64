package web_test

import (
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs/internal/apptest"
	"vrs/internal/browser"
)

// TestIncidentFormBrowser fills the incident form in Chromium as a border
// officer would: a typical interception with two persons and one leg,
// adding the second person with htmx. It takes pictures of the empty
// form, the form with errors and a filled form on a phone when
// VRS_SCREENSHOTS names a directory.
func TestIncidentFormBrowser(t *testing.T) {
	app := apptest.New(t, "sqlite")
	ctx := browser.New(t, 2*time.Minute)
	base := app.Server.URL
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	run(chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#name"), app.World.Users["reporter"].Name),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header nav")),
		chromedp.Navigate(base+"/incidents/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-type")))
	version, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.htmx ? htmx.version : ""`))
	if err != nil {
		t.Fatal(err)
	}
	if version == "" {
		t.Fatal("htmx did not load (Content-Security-Policy?)")
	}
	browser.Screenshot(ctx, t, "incident-form-empty")

	// The interception, timed: every value the officer gives.
	fields := 0
	sel := func(id, v string) chromedp.Action[chromedp.Void] {
		fields++
		return chromedp.SetValue(chromedp.ID(id), v)
	}
	typ := func(id, v string) chromedp.Action[chromedp.Void] {
		fields++
		return chromedp.SendKeys(chromedp.ID(id), v)
	}
	start := time.Now()
	run(sel("f-type", "irregular_migration"),
		typ("f-reference", "MSOT-2025-0413"),
		sel("f-place-kind", "border_crossing"),
		typ("f-place-name", "Mae Sot Friendship Bridge"),
		sel("f-persons-0-role", "migrant"), sel("f-persons-0-sex", "male"), typ("f-persons-0-age", "27"),
		sel("f-persons-0-nationalities", "MM"), typ("f-persons-0-name", "Aung Min Htut"),
		typ("f-persons-0-identifiers-0-value", "MD0412277"),
		chromedp.Click(chromedp.ID("add-persons")),
		chromedp.WaitVisible(chromedp.ID("f-persons-1-role")), browser.HTMXSettled(),
		sel("f-persons-1-role", "migrant"), sel("f-persons-1-sex", "female"), typ("f-persons-1-age", "22"),
		sel("f-persons-1-nationalities", "MM"), typ("f-persons-1-name", "Thida Win"),
		sel("f-legs-0-country", "TH"), sel("f-legs-0-role", "interception"), sel("f-legs-0-mode", "foot"),
	)
	// The person came by htmx, not by posting the form back.
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != base+"/incidents/new" {
		t.Fatalf("the add button posted the form (at %s, %v)", loc, err)
	}
	if os.Getenv("VRS_SCREENSHOTS") != "" {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll("#f-persons-1 details.more").forEach(function (d) { d.open = true }); true`)); err != nil {
			t.Fatal(err)
		}
		browser.Screenshot(ctx, t, "incident-form-filled")
	}
	run(chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")))
	var loc string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if loc, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`/incidents/\d+\?flash=incident_form_created$`).MatchString(loc) {
			break
		}
	}
	took := time.Since(start)
	if !regexp.MustCompile(`/incidents/\d+\?flash=incident_form_created$`).MatchString(loc) {
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("#error-summary"), chromedp.AtLeast(0)))
		t.Fatalf("not saved: at %s %s", loc, html)
	}
	t.Logf("interception (2 persons, 1 leg): %d fields and 1 add button, filled and saved by chromedp in %v", fields, took.Round(time.Millisecond))
	if n := countIncidents(t, app, "reporter"); n != 1 {
		t.Errorf("%d incidents stored", n)
	}

	// Errors: a missing reference, a date in the future, a person
	// without a role, coordinates that are not numbers.
	run(chromedp.Navigate(base+"/incidents/new"),
		chromedp.WaitVisible(chromedp.ID("f-type")),
		chromedp.SetValue(chromedp.ID("f-type"), "migrant_smuggling"),
		chromedp.SetValue(chromedp.ID("f-detected_on"), "2999-01-01"),
		chromedp.SendKeys(chromedp.ID("f-place-lat"), "north"),
		chromedp.SendKeys(chromedp.ID("f-persons-0-name"), "Ko Naing"),
		chromedp.SetValue(chromedp.ID("f-legs-0-country"), "MM"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("error-summary")),
		chromedp.WaitVisible(chromedp.ID("f-persons-0-role-error")))
	browser.Screenshot(ctx, t, "incident-form-errors")

	// A phone: the filled form at 390 px.
	if os.Getenv("VRS_SCREENSHOTS") != "" {
		run(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
			chromedp.Navigate(base+"/incidents/new"),
			chromedp.WaitVisible(chromedp.ID("f-type")),
			chromedp.SetValue(chromedp.ID("f-type"), "irregular_migration"),
			chromedp.SendKeys(chromedp.ID("f-reference"), "MSOT-2025-0414"),
			chromedp.SetValue(chromedp.ID("f-persons-0-role"), "migrant"),
			chromedp.SetValue(chromedp.ID("f-persons-0-sex"), "male"),
			chromedp.SendKeys(chromedp.ID("f-persons-0-age"), "31"),
			chromedp.SetValue(chromedp.ID("f-persons-0-nationalities"), "KH"),
			chromedp.SendKeys(chromedp.ID("f-persons-0-name"), "Sok Dara"),
			chromedp.SetValue(chromedp.ID("f-legs-0-country"), "TH"),
			chromedp.SetValue(chromedp.ID("f-legs-0-role"), "interception"))
		browser.Screenshot(ctx, t, "incident-form-390")
	}
}
