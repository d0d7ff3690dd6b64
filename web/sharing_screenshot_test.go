package web_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs"
	"vrs/internal/apptest"
	"vrs/internal/browser"
	"vrs/storetest"
)

// TestSharingScreenshots keeps a picture of every sharing page, at 1280
// px and the country page at 390 px, over a world with agreements in
// every state, a group and reads from abroad. It runs when
// VRS_SCREENSHOTS names a directory.
func TestSharingScreenshots(t *testing.T) {
	if os.Getenv("VRS_SCREENSHOTS") == "" {
		t.Skip("set VRS_SCREENSHOTS=DIR to take pictures of the sharing pages")
	}
	app := apptest.New(t, "sqlite")
	addSharingUsers(t, app)
	w := app.World
	thFocal, vnFocal := storetest.As(w.Users["focal_point"]), storetest.As(w.Users["vn-focal_point"])
	th := storetest.Interception(w.Agencies["th-police"].ID, "TH-SHARED-1")
	th.Distribution = vrs.DistCommunity
	validatedIncident(t, app, "reporter", "reviewer", th)
	vn := storetest.Interception(w.Agencies["vn-police"].ID, "VN-SHARED-1")
	vn.Place = vrs.Place{Country: "VN", Name: "Lao Cai", Kind: "border_crossing"}
	vn.Legs[1].Country, vn.Legs[1].Place = "VN", "Lao Cai"
	vn.Distribution = vrs.DistCommunity
	validatedIncident(t, app, "vn-reporter", "vn-reviewer", vn)
	active := &vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling, vrs.TypeTrafficking}, Granularity: vrs.GranFull,
		DataFrom: "2024-01-01", Starts: "2025-01-01", Note: "Joint work on the Mekong routes."}
	revoked := &vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeDocumentFraud}, Granularity: vrs.GranAggregate, Starts: "2025-01-01"}
	incoming := &vrs.SharingAgreement{Partner: "TH", Types: []vrs.IncidentType{vrs.TypeIrregularMigration}, Granularity: vrs.GranPseudonymised,
		DataFrom: "2023-01-01", DataTo: "2024-12-31", Starts: "2025-01-01", Ends: "2027-12-31"}
	for _, step := range []error{
		app.DB.ProposeAgreement(thFocal, active),
		app.DB.ProposeAgreement(thFocal, revoked),
		app.DB.ProposeAgreement(vnFocal, incoming),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	if _, err := app.DB.DecideAgreement(vnFocal, active.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.DecideAgreement(vnFocal, revoked.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.RevokeAgreement(thFocal, revoked.ID, "Superseded by the national data protection law of 2025."); err != nil {
		t.Fatal(err)
	}
	group := &vrs.SharingGroup{Name: "Mekong taskforce", Releasability: "Operational use by member agencies only; no onward release without the owner's consent.",
		Countries: []string{"VN"}, AgencyIDs: []int64{w.Agencies["la-police"].ID}}
	if err := app.DB.CreateSharingGroup(thFocal, group); err != nil {
		t.Fatal(err)
	}
	vnGroup := &vrs.SharingGroup{Name: "ASEAN border liaison", Releasability: "Border agencies of the members.", Countries: []string{"TH", "LA"}}
	if err := app.DB.CreateSharingGroup(vnFocal, vnGroup); err != nil {
		t.Fatal(err)
	}
	analyst := storetest.As(w.Users["vn-analyst"])
	app.DB.FindIncident(analyst, th.ID)
	app.DB.FindIncident(vrs.NewContextWithPurpose(analyst, "investigation: case 2025/114"), th.ID)

	ctx := browser.New(t, time.Minute)
	base := app.Server.URL
	browserSignIn(ctx, t, app, "focal_point")
	shot := func(name, path, wait string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(wait))); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		browser.Screenshot(ctx, t, name)
	}
	shot("sharing-country", "/sharing", "#plain-words")
	shot("sharing-agreements", "/sharing/agreements", "table.agreements")
	shot("sharing-agreement-active", fmt.Sprintf("/sharing/agreements/%d", active.ID), "#history")
	shot("sharing-agreement-revoked", fmt.Sprintf("/sharing/agreements/%d", revoked.ID), "#history")
	shot("sharing-agreement-incoming", fmt.Sprintf("/sharing/agreements/%d", incoming.ID), "#decide")
	shot("sharing-agreement-revoke", fmt.Sprintf("/sharing/agreements/%d/revoke", active.ID), "#reason")
	if err := chromedp.Do(ctx,
		// What a browser without form validation sends: no reason.
		chromedp.RemoveAttribute(chromedp.CSS("#reason"), "required"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#reason-error")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "sharing-agreement-revoke-error")
	shot("sharing-agreement-new", "/sharing/agreements/new", "#partner")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#partner"), "VN"),
		chromedp.Click(chromedp.CSS("#type-migrant_smuggling")),
		chromedp.SetValue(chromedp.CSS("#starts"), "2025-06-01"),
		chromedp.SetValue(chromedp.CSS("#ends"), "2025-01-01"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#ends-error")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "sharing-agreement-new-error")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#ends"), ""),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#partner-error")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "sharing-agreement-new-overlap")
	shot("sharing-groups", "/sharing/groups", "#groups-owned")
	shot("sharing-group-new", "/sharing/groups/new", "#group-form")
	shot("sharing-group-edit", fmt.Sprintf("/sharing/groups/%d", group.ID), "#group-form")
	shot("sharing-group-readonly", fmt.Sprintf("/sharing/groups/%d", vnGroup.ID), "main dl")
	shot("sharing-group-delete", fmt.Sprintf("/sharing/groups/%d/delete", group.ID), "#delete-effect")
	shot("sharing-views", "/sharing/views", "table.views")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	shot("sharing-country-390", "/sharing", "#plain-words")
	shot("sharing-agreement-active-390", fmt.Sprintf("/sharing/agreements/%d", active.ID), "#history")
}
