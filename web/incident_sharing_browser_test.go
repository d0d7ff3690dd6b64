package web_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"vrs"
	"vrs/internal/apptest"
	"vrs/internal/browser"
)

// TestIncidentSharingBrowser follows a Thai record shared with Viet Nam in
// Chromium: a Vietnamese analyst opens it and sees it pseudonymised,
// states a purpose and sees it in full; the next visit is pseudonymised
// again. With VRS_SCREENSHOTS it also takes pictures of every page the
// sharing changed: the form (1280 and 390 px, with partners and with
// errors), the detail as its owner sees it, the history, the list, the
// agency pages and the settings.
func TestIncidentSharingBrowser(t *testing.T) {
	app := apptest.New(t, "sqlite")
	sw := newSharedWorld(t, app, vrs.GranFull, func(inc *vrs.Incident) { inc.ShareCountries = []string{"MY", "VN"} })
	base := app.Server.URL
	detail := base + incPath(sw.Rec, "")
	ctx := browser.New(t, 3*time.Minute)
	run := func(ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(ctx context.Context) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	signIn := func(ctx context.Context, key string) {
		t.Helper()
		run(ctx, chromedp.Navigate(base+"/signin"),
			chromedp.SendKeys(chromedp.CSS("#name"), app.World.Users[key].Name),
			chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")))
		if secret, ok := app.Secrets[key]; ok {
			app.Advance(time.Minute)
			code, err := totp.GenerateCode(secret, app.Now())
			if err != nil {
				t.Fatal(err)
			}
			run(ctx, chromedp.WaitVisible(chromedp.CSS("#code")), chromedp.SendKeys(chromedp.CSS("#code"), code),
				chromedp.Click(chromedp.CSS("main form button[type=submit]")))
		}
		run(ctx, chromedp.WaitVisible(chromedp.CSS("header nav")))
	}
	signOut := func(ctx context.Context) {
		run(ctx, chromedp.Click(chromedp.CSS("header .who button")), chromedp.WaitVisible(chromedp.CSS("#password")))
	}

	// The Vietnamese analyst: pseudonymised, then in full for a purpose.
	signIn(ctx, "vn-analyst")
	run(ctx, chromedp.Navigate(detail), chromedp.WaitVisible(chromedp.ID("purpose-form")))
	page := text(ctx)
	if strings.Contains(page, "Aung Min Thu") || !strings.Contains(page, "Pseudonymised record") || !strings.Contains(page, "P-") {
		t.Fatalf("not pseudonymised:\n%s", page)
	}
	browser.Screenshot(ctx, t, "sharing-detail-pseudonymised")
	// "Other" needs words: the page comes back with the error.
	run(ctx, chromedp.SetValue(chromedp.ID("purpose"), "other"), chromedp.Click(chromedp.ID("open-in-full")),
		chromedp.WaitVisible(chromedp.ID("purpose_note-error")))
	browser.Screenshot(ctx, t, "sharing-detail-purpose-error")
	run(ctx, chromedp.SetValue(chromedp.ID("purpose"), "investigation"),
		chromedp.SendKeys(chromedp.ID("purpose_note"), "case VN-2025-17"),
		chromedp.Click(chromedp.ID("open-in-full")),
		chromedp.WaitVisible(chromedp.CSS(".purpose-stated")))
	page = text(ctx)
	if !strings.Contains(page, "Aung Min Thu") || strings.Contains(page, "Pseudonymised record") {
		t.Fatalf("not in full after the purpose:\n%s", page)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); strings.Contains(loc, "investigation") || strings.Contains(loc, "VN-2025-17") {
		t.Errorf("the purpose is in the address %s", loc)
	}
	browser.Screenshot(ctx, t, "sharing-detail-full")
	run(ctx, chromedp.Navigate(detail), chromedp.WaitVisible(chromedp.ID("purpose-form")))
	if strings.Contains(text(ctx), "Aung Min Thu") {
		t.Error("the next visit is in full without a purpose")
	}
	if os.Getenv("VRS_SCREENSHOTS") == "" {
		return
	}
	run(ctx, chromedp.Navigate(detail+"/history"), chromedp.WaitVisible(chromedp.ID("purpose-form")))
	browser.Screenshot(ctx, t, "sharing-history-pseudonymised")
	run(ctx, chromedp.Navigate(base+"/incidents"), chromedp.WaitVisible(chromedp.CSS("table.incidents")))
	browser.Screenshot(ctx, t, "sharing-list-partner")
	signOut(ctx)

	// The owner: who can see it, and the form.
	signIn(ctx, "reporter")
	run(ctx, chromedp.Navigate(detail), chromedp.WaitVisible(chromedp.ID("audience")))
	browser.Screenshot(ctx, t, "sharing-detail-owner")
	run(ctx, chromedp.Navigate(base+"/incidents"), chromedp.WaitVisible(chromedp.CSS("table.incidents")))
	browser.Screenshot(ctx, t, "sharing-list-owner")
	run(ctx, chromedp.Navigate(base+"/incidents/new"), chromedp.WaitVisible(chromedp.ID("section-sharing")))
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.getElementById("share-partners")).display === "none"`)); !v {
		t.Error("the partners show while the distribution is not named partners")
	}
	browser.Screenshot(ctx, t, "sharing-form")
	run(ctx, chromedp.SetValue(chromedp.ID("f-type"), "irregular_migration"),
		chromedp.SendKeys(chromedp.ID("f-reference"), "MSOT-2025-0500"),
		chromedp.SetValue(chromedp.ID("f-persons-0-role"), "migrant"),
		chromedp.SetValue(chromedp.ID("f-legs-0-country"), "TH"),
		chromedp.SetValue(chromedp.ID("f-legs-0-role"), "interception"),
		chromedp.Click(chromedp.ID("f-distribution-partners")),
		chromedp.WaitVisible(chromedp.ID("f-share_countries-VN")))
	browser.Screenshot(ctx, t, "sharing-form-partners")
	run(ctx, chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")), chromedp.WaitVisible(chromedp.ID("f-share_countries-error")))
	browser.Screenshot(ctx, t, "sharing-form-errors")
	run(ctx, chromedp.Click(chromedp.ID("f-share_countries-VN")), chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("audience")))
	browser.Screenshot(ctx, t, "sharing-detail-draft")
	run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/incidents/new"), chromedp.WaitVisible(chromedp.ID("section-sharing")),
		chromedp.Click(chromedp.ID("f-distribution-partners")), chromedp.Click(chromedp.ID("f-share_countries-VN")))
	browser.Screenshot(ctx, t, "sharing-form-390")
	run(ctx, chromedp.Navigate(detail), chromedp.WaitVisible(chromedp.ID("audience")))
	browser.Screenshot(ctx, t, "sharing-detail-owner-390")
	run(ctx, chromedp.EmulateViewport(1280, 900))
	signOut(ctx)

	// The administrator: agency defaults and settings.
	signIn(ctx, "admin")
	id := strconv.FormatInt(app.World.Agencies["th-police"].ID, 10)
	run(ctx, chromedp.Navigate(base+"/admin/agencies/new"), chromedp.WaitVisible(chromedp.ID("default_distribution")))
	browser.Screenshot(ctx, t, "sharing-agency-new")
	run(ctx, chromedp.Navigate(base+"/admin/agencies/"+id), chromedp.WaitVisible(chromedp.ID("default_tlp")))
	browser.Screenshot(ctx, t, "sharing-agency")
	run(ctx, chromedp.Navigate(base+"/admin/settings"), chromedp.WaitVisible(chromedp.ID("setting-2")))
	browser.Screenshot(ctx, t, "sharing-settings")
}
