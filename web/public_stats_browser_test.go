package web_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs"
	"vrs/internal/apptest"
	"vrs/internal/browser"
	"vrs/storetest"
)

// chartDrawn waits until charts.js has drawn the chart element sel.
func chartDrawn(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(function(){ var e = document.querySelector(` + "`" + sel + "`" +
		`); return !!e && (e.dataset.chartState === "rendered" || e.dataset.chartState === "finished"); })()`)
}

// TestPublicStatisticsBrowser: an anonymous visitor sees the charts drawn
// (bars and the map), and a focal point turns publishing on from the
// sharing page. Pictures are kept when VRS_SCREENSHOTS names a directory.
func TestPublicStatisticsBrowser(t *testing.T) {
	app := publicApp(t)
	moreVictims(t, app)
	publish(t, app, "VN", vrs.CountryPublishing{Publish: true})
	ctx := browser.New(t, time.Minute)
	base := app.Server.URL

	browserSignIn(ctx, t, app, "focal_point")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/sharing"),
		chromedp.WaitVisible(chromedp.CSS("#publishing form")),
		chromedp.Click(chromedp.CSS(`#publishing input[name="publish"]`)),
		chromedp.SetValue(chromedp.CSS("#publish-k"), "10"),
		chromedp.Click(chromedp.CSS("#publishing button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("main .flash")),
		chromedp.ScrollIntoView(chromedp.CSS("#publishing")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "sharing-country-publishing")
	th, err := app.DB.FindCountry(storetest.System(), "TH")
	if err != nil || !th.PublishStats || th.StatsMinCell != 10 {
		t.Fatalf("TH after the form: %+v %v", th, err)
	}
	browserSignOut(ctx, t)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/public/statistics"),
		chartDrawn("#by-year-chart"),
		chartDrawn("#by-nationality-chart"),
		chartDrawn("#by-exploitation-chart"),
	); err != nil {
		t.Fatal(err)
	}
	countries, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#publishers li").length`))
	if err != nil {
		t.Fatal(err)
	}
	if countries != 2 {
		t.Errorf("%d publishing countries listed", countries)
	}
	browser.Screenshot(ctx, t, "public-statistics")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/public/statistics?measure=persons&rows=sex&cols=period.year#custom"),
		chartDrawn("#custom-chart"),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "public-statistics-own-view")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/public/statistics?measure=incidents&rows=agency"),
		chromedp.WaitVisible(chromedp.CSS("#ps-rows-error")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "public-statistics-error")
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/public/statistics"),
		chartDrawn("#by-nationality-chart"),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "public-statistics-390")
}

// moreVictims adds community records of trafficking over four years, so
// that the pictures show more than withheld cells: each year's victims of
// several nationalities and forms of exploitation.
func moreVictims(t *testing.T, app *apptest.App) {
	t.Helper()
	nats := []string{"MM", "KH", "LA", "VN", "BD", "ID", "MM", "KH"}
	forms := []string{"forced_labour", "sexual_exploitation", "domestic_servitude", "forced_labour", "forced_begging", "forced_criminality"}
	var incs []*vrs.Incident
	for i := range 96 {
		agency := []string{"th-police", "vn-police", "th-immigration"}[i%3]
		inc := storetest.Interception(app.World.Agencies[agency].ID, fmt.Sprintf("VIC-%d", i))
		inc.Type, inc.Status, inc.Distribution = vrs.TypeTrafficking, vrs.StatusValidated, vrs.DistCommunity
		day := fmt.Sprintf("%d-%02d-15", 2022+i%4, 1+i%12)
		inc.OccurredOn, inc.DetectedOn, inc.ReportedOn = day, day, day
		for k := range inc.Legs {
			inc.Legs[k].DepartedOn, inc.Legs[k].ArrivedOn = "", ""
		}
		if agency == "vn-police" {
			inc.Place = vrs.Place{Country: "VN", Name: "Lao Cai", Kind: "border_crossing"}
			inc.Legs[1].Country, inc.Legs[1].Place = "VN", "Lao Cai"
		}
		inc.Persons = append(inc.Persons[2:], vrs.Person{Role: "victim", Sex: []string{"female", "male"}[i%2], Nationalities: []string{nats[i%len(nats)]},
			Status: "rescued", Exploitation: []string{forms[i%len(forms)]}})
		inc.Transactions = nil
		incs = append(incs, inc)
	}
	if err := app.DB.BulkCreateIncidents(storetest.System(), incs); err != nil {
		t.Fatalf("victims: %v %v", err, vrs.AsError(err).Fields)
	}
}
