package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs/internal/browser"
)

// TestIncidentEndToEnd drives the review workflow in headless Chromium on
// the real binary's server: a reporter records a smuggling incident with
// two migrants, one smuggler, two legs and a fee payment; the reviewer
// returns it with a reason; the reporter corrects and resubmits; the
// reviewer validates; the history shows every version. Set
// VRS_SCREENSHOTS=DIR to keep a PNG of each page.
func TestIncidentEndToEnd(t *testing.T) {
	in := newInstallation(t, "sqlite")
	must(t, "", in.cmd("agency add", "--country", "TH", "--name", "Royal Thai Police", "--kind", "police")...)
	for _, u := range []struct{ name, role, full string }{
		{"th.reporter", "reporter", "Nattapong Srisuk"},
		{"th.reviewer", "reviewer", "Siriporn Wongsa"},
	} {
		must(t, testPassword+"\n", in.cmd("user add", "--country", "TH", "--agency", "Royal Thai Police", "--role", u.role,
			"--name", u.name, "--full-name", u.full, "--password-stdin")...)
	}
	srv := start(t, in.cmd("serve", "--addr", "127.0.0.1:0")...)
	base := "http://" + srv.addr
	ctx := browser.New(t, 3*time.Minute)

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		browser.Screenshot(ctx, t, "incident-"+name)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	// waitURL waits until the browser is at a URL that matches re (a
	// POST's redirect) and returns it.
	waitURL := func(re string) string {
		t.Helper()
		pat := regexp.MustCompile(re)
		var loc string
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			var err error
			if loc, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
				t.Fatal(err)
			}
			if pat.MatchString(loc) {
				return loc
			}
		}
		main, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"), chromedp.AtLeast(0)))
		t.Fatalf("at %s, waiting for %s; page:\n%s", loc, re, main)
		return ""
	}
	signIn := func(name string) {
		t.Helper()
		run("sign in "+name,
			chromedp.Navigate(base+"/signin"),
			chromedp.WaitVisible(chromedp.CSS("#name")),
			chromedp.SendKeys(chromedp.CSS("#name"), name),
			chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("header nav")),
		)
	}
	signOut := func() {
		t.Helper()
		run("sign out",
			chromedp.Click(chromedp.CSS("header .who button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/signin"]`)),
		)
	}
	sel := func(id, v string) chromedp.Action[chromedp.Void] { return chromedp.SetValue(chromedp.ID(id), v) }
	typ := func(id, v string) chromedp.Action[chromedp.Void] { return chromedp.SendKeys(chromedp.ID(id), v) }
	saveForm := chromedp.Click(chromedp.CSS(".form-actions button[type=submit]"))

	// The reporter records the incident through the form.
	signIn("th.reporter")
	run("incident list",
		chromedp.Click(chromedp.CSS(`header nav a[href="/incidents"]`)),
		chromedp.WaitVisible(chromedp.CSS("form.incident-filter")),
		chromedp.Click(chromedp.CSS(`main a.button[href="/incidents/new"]`)),
		chromedp.WaitVisible(chromedp.ID("f-type")),
	)
	run("fill the form",
		sel("f-type", "migrant_smuggling"),
		typ("f-reference", "SDO-2025-0042"),
		sel("f-place-kind", "border_crossing"),
		typ("f-place-name", "Sadao checkpoint"),
		sel("f-persons-0-role", "migrant"), sel("f-persons-0-sex", "male"), typ("f-persons-0-age", "24"),
		sel("f-persons-0-nationalities", "MM"), typ("f-persons-0-name", "Aung Min Thu"),
		typ("f-persons-0-identifiers-0-value", "MB123456"),
		chromedp.Click(chromedp.ID("add-persons")),
		chromedp.WaitVisible(chromedp.ID("f-persons-1-role")), browser.HTMXSettled(),
		sel("f-persons-1-role", "migrant"), sel("f-persons-1-sex", "female"), typ("f-persons-1-age", "19"),
		sel("f-persons-1-nationalities", "MM"), typ("f-persons-1-name", "Khin Myat"),
		chromedp.Click(chromedp.ID("add-persons")),
		chromedp.WaitVisible(chromedp.ID("f-persons-2-role")), browser.HTMXSettled(),
		sel("f-persons-2-role", "suspect"), sel("f-persons-2-sex", "male"),
		sel("f-persons-2-nationalities", "TH"), typ("f-persons-2-name", "Somchai Prasert"),
		sel("f-legs-0-country", "MM"), sel("f-legs-0-role", "origin"), sel("f-legs-0-mode", "foot"),
		chromedp.Click(chromedp.ID("add-legs")),
		chromedp.WaitVisible(chromedp.ID("f-legs-1-country")), browser.HTMXSettled(),
		sel("f-legs-1-country", "TH"), sel("f-legs-1-role", "interception"), sel("f-legs-1-mode", "car"),
		chromedp.Click(chromedp.ID("add-transactions")),
		chromedp.WaitVisible(chromedp.ID("f-transactions-0-amount")), browser.HTMXSettled(),
		typ("f-transactions-0-amount", "45000"), sel("f-transactions-0-currency", "THB"),
		sel("f-transactions-0-method", "cash"), sel("f-transactions-0-purpose", "smuggling_fee"),
		sel("f-transactions-0-payer", "p1"), sel("f-transactions-0-payee", "p3"),
		saveForm,
	)
	detail := waitURL(`/incidents/\d+\?flash=incident_form_created$`)
	id := regexp.MustCompile(`/incidents/(\d+)`).FindStringSubmatch(detail)[1]
	page := base + "/incidents/" + id
	run("detail", chromedp.WaitVisible(chromedp.ID("action-submit")))
	main := text("main")
	for _, want := range []string{"SDO-2025-0042", "Migrant smuggling", "Draft", "Person 1 · Migrant", "Person 2 · Migrant",
		"Person 3 · Suspected smuggler or trafficker", "Aung Min Thu", "Khin Myat", "Somchai Prasert", "Myanmar (MM)",
		"45,000 THB", "Cash", "Smuggling fee", "Sadao checkpoint",
		"Person 1 · Migrant (Aung Min Thu)", "Person 3 · Suspected smuggler or trafficker (Somchai Prasert)"} {
		if !strings.Contains(main, want) {
			t.Errorf("detail page lacks %q", want)
		}
	}
	if got := strings.Join(strings.Fields(text("p.journey")), " "); got != "MM → TH" {
		t.Errorf("journey %q", got)
	}
	shot("detail-draft")
	run("submit", chromedp.Click(chromedp.ID("action-submit")))
	waitURL(`/incidents/` + id + `\?flash=incident_submitted$`)
	if got := text(".incident-state .badge"); got != "Submitted" {
		t.Errorf("status after submit: %q", got)
	}
	signOut()

	// The reviewer finds it in the queue and returns it with a reason.
	const reason = "Say how the migrants were found and what the driver said about the fee."
	signIn("th.reviewer")
	run("review queue",
		chromedp.Click(chromedp.CSS(`header nav a[href="/review"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.incidents")),
	)
	if got := text("table.incidents tbody"); !strings.Contains(got, "SDO-2025-0042") {
		t.Fatalf("queue lacks the incident: %q", got)
	}
	shot("review-queue")
	run("open from queue",
		chromedp.Click(chromedp.CSS(`table.incidents a[href="/incidents/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("action-return")),
	)
	// Returning without a reason is refused by the browser (required) and
	// by the server; the reason is given.
	run("return",
		typ("note", reason),
		chromedp.Click(chromedp.ID("action-return")),
	)
	waitURL(`/incidents/` + id + `\?flash=incident_returned$`)
	if got := text(".incident-state .badge"); got != "Returned" {
		t.Errorf("status after return: %q", got)
	}
	signOut()

	// The reporter reads the reason, corrects and resubmits.
	signIn("th.reporter")
	run("returned incident", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(".review-note")))
	if got := text(".review-note"); !strings.Contains(got, reason) {
		t.Errorf("review note shows %q", got)
	}
	shot("detail-returned")
	run("edit",
		chromedp.Click(chromedp.CSS(`a.button[href="/incidents/`+id+`/edit"]`)),
		chromedp.WaitVisible(chromedp.ID("f-reference")),
	)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const d = document.getElementById("f-narrative").closest("details"); if (d) d.open = true; return true; })()`)); err != nil {
		t.Fatal(err)
	}
	run("correct",
		chromedp.WaitVisible(chromedp.ID("f-narrative")),
		typ("f-narrative", "Pickup truck stopped at the checkpoint; two passengers hidden under sacks of rice. The driver said each paid 22,500 baht in cash."),
		saveForm,
	)
	waitURL(`/incidents/` + id + `\?flash=incident_form_saved$`)
	run("resubmit", chromedp.WaitVisible(chromedp.ID("action-submit")), chromedp.Click(chromedp.ID("action-submit")))
	waitURL(`/incidents/` + id + `\?flash=incident_submitted$`)
	signOut()

	// The reviewer validates.
	signIn("th.reviewer")
	run("validate",
		chromedp.Navigate(base+"/review"),
		chromedp.WaitVisible(chromedp.CSS(`table.incidents a[href="/incidents/`+id+`"]`)),
		chromedp.Click(chromedp.CSS(`table.incidents a[href="/incidents/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("action-validate")),
		chromedp.Click(chromedp.ID("action-validate")),
	)
	waitURL(`/incidents/` + id + `\?flash=incident_validated$`)
	if got := text(".incident-state .badge"); got != "Validated" {
		t.Errorf("status after validation: %q", got)
	}
	shot("detail-validated")

	// The history shows every version, newest first, with what changed.
	run("history",
		chromedp.Click(chromedp.CSS(`a.button[href="/incidents/`+id+`/history"]`)),
		chromedp.WaitVisible(chromedp.CSS("ol.history")),
	)
	heads, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("ol.history li.version h2")].map(h => h.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Version 6 · validated", "Version 5 · submitted for review", "Version 4 · edited",
		"Version 3 · returned for correction", "Version 2 · submitted for review", "Version 1 · created"}
	if strings.Join(heads, "|") != strings.Join(want, "|") {
		t.Errorf("history versions:\n%s\nwant:\n%s", strings.Join(heads, "\n"), strings.Join(want, "\n"))
	}
	hist := text("ol.history")
	for _, w := range []string{reason, "Narrative", "two passengers hidden", "th.reporter", "th.reviewer"} {
		if !strings.Contains(hist, w) {
			t.Errorf("history lacks %q", w)
		}
	}
	shot("history")

	// The list, filtered by a route country, and the queue, now empty.
	run("list",
		chromedp.Navigate(base+"/incidents?route=MM&status=validated"),
		chromedp.WaitVisible(chromedp.CSS("table.incidents")),
	)
	if got := text("table.incidents tbody"); !strings.Contains(got, "SDO-2025-0042") || !strings.Contains(got, "Validated") {
		t.Errorf("filtered list: %q", got)
	}
	shot("list")
	run("empty queue", chromedp.Navigate(base+"/review"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if got := text("main"); !strings.Contains(got, "Nothing is waiting for review.") {
		t.Errorf("queue after validation: %q", got)
	}

	// The same pages on a phone.
	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("main h1")))
	shot("phone-detail")
	run("phone list", chromedp.Navigate(base+"/incidents"), chromedp.WaitVisible(chromedp.CSS("table.incidents")))
	shot("phone-list")
	run("phone history", chromedp.Navigate(page+"/history"), chromedp.WaitVisible(chromedp.CSS("ol.history")))
	shot("phone-history")
}
