package web_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs"
	"vrs/demo"
	"vrs/internal/apptest"
	"vrs/internal/browser"
	"vrs/storetest"
)

// dashDemoApp is the test world with the demo agencies of the region
// added and n demo incidents over the five years to today: Thai records
// for the national view, what the region shares for the regional one.
func dashDemoApp(t *testing.T, n int) *apptest.App {
	t.Helper()
	app := apptest.New(t, "sqlite")
	ctx := storetest.System()
	have := map[string]bool{}
	for _, a := range app.World.Agencies {
		have[demo.AgencyKey(a.Country, a.Name)] = true
	}
	for _, a := range demo.Agencies {
		if !have[demo.AgencyKey(a.Country, a.Name)] {
			if err := app.DB.CreateAgency(ctx, &vrs.Agency{Country: a.Country, Name: a.Name, Kind: a.Kind}); err != nil {
				t.Fatal(err)
			}
		}
	}
	agencies, err := app.DB.ListAgencies(ctx, vrs.AgencyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	g := demo.NewGenerator(1, app.Now(), demo.StoredAgencies(agencies))
	if err := demo.LoadIncidents(ctx, app.DB, g, n, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d demo incidents loaded in %v", n, time.Since(start).Round(time.Millisecond))
	return app
}

// dashPaint is what the browser measured of one dashboard load, in ms
// from the start of the navigation: the response, the first contentful
// paint, the charts in view drawn (the others wait until scrolled to),
// and every chart drawn when all are asked for at once.
type dashPaint struct {
	Response, FirstPaint, EChartsLoaded, EChartsReady, InView, All float64
	DrawnInView, Drawn                                             int
	States                                                         string
}

// TestDashboardBrowser draws both dashboards on demo data in Chromium:
// the chart in view at once and the others below when asked (SVG, or a
// canvas for the maps), no script error, a withheld value's mark in the
// tooltips, the downloads of a chart, and the way from a chart to its
// table and to the records behind a value. It logs the time to first
// paint and to the charts drawn, and takes pictures when VRS_SCREENSHOTS
// is set (VRS_DASHBOARD_INCIDENTS sets the number of demo incidents).
func TestDashboardBrowser(t *testing.T) {
	n := 5000
	if s := os.Getenv("VRS_DASHBOARD_INCIDENTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	app := dashDemoApp(t, n)
	for _, tc := range []struct{ user, shot string }{{"analyst", "analysis-dashboard-national"}, {"regional_analyst", "analysis-dashboard-regional"}} {
		t.Run(tc.user, func(t *testing.T) {
			ctx := browser.New(t, 2*time.Minute)
			problems := consoleProblems(ctx, t)
			browserSignIn(ctx, t, app, tc.user)
			// The figures of the third load: the first fills the browser's
			// cache with the static files, the second its cache of
			// compiled scripts, as a returning user finds them.
			var p dashPaint
			for range 3 {
				p = loadDashboard(ctx, t, app.Server.URL+"/analysis/dashboard")
			}
			t.Logf("%s: response %.0f ms, first paint %.0f ms, ECharts loaded %.0f ms and evaluated %.0f ms, %d charts in view drawn at %.0f ms, all %d at %.0f ms",
				tc.user, p.Response, p.FirstPaint, p.EChartsLoaded, p.EChartsReady, p.DrawnInView, p.InView, p.Drawn, p.All)
			timings, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
				const res = performance.getEntriesByType("resource").filter(r => /echarts|charts|world|app/.test(r.name))
					.map(r => r.name.replace(/.*\//, "").replace(/\..*\./, ".") + " " + r.startTime.toFixed(0) + "–" + r.responseEnd.toFixed(0));
				const charts = performance.getEntriesByType("measure").filter(m => m.name.startsWith("chart "))
					.map(m => m.name.slice(12) + " " + m.startTime.toFixed(0) + "+" + m.duration.toFixed(0));
				return res.join("; ") + "; drawn: " + charts.join("; ");
			})()`))
			t.Logf("timings: %s (%v)", timings, err)
			if p.DrawnInView < 1 || p.DrawnInView >= len(dashCharts) {
				t.Errorf("%d charts drawn at first, want those in view only", p.DrawnInView)
			}
			if p.Drawn != len(dashCharts) {
				t.Errorf("%d charts drawn, want %d: %s", p.Drawn, len(dashCharts), p.States)
			}
			if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`[...document.querySelectorAll("[data-chart]")].every(e => e.dataset.chartState === "finished")`,
				chromedp.WithPollingTimeout(30*time.Second))); err != nil {
				t.Fatalf("charts not finished: %v", err)
			}
			// The maps draw on a canvas, the other charts as SVG.
			for _, id := range dashCharts {
				marks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#`+id+` .chart-canvas svg path, #`+id+` .chart-canvas canvas").length`))
				if err != nil || marks < 1 {
					t.Errorf("%s: nothing drawn (%v)", id, err)
				}
			}
			browser.Screenshot(ctx, t, tc.shot)
			t.Run("Tooltips", func(t *testing.T) {
				// A withheld value shows its mark, never a number.
				got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
					const chart = id => echarts.getInstanceByDom(document.querySelector("#" + id + " .chart-canvas"));
					const w = {value: null, withheld: "<5"};
					return [
						chart("chart-trend").getOption().tooltip[0].formatter([{axisValueLabel: "2025-03", seriesName: "Incidents", value: null, data: w, marker: ""}]),
						chart("chart-map").getOption().series[0].tooltip.formatter({name: "KH", value: NaN, data: Object.assign({name: "KH"}, w)}),
					];
				})()`))
				if err != nil || len(got) != 2 || got[0] != "<div>2025-03</div><div>Incidents: &lt;5</div>" || got[1] != "Cambodia: &lt;5" {
					t.Errorf("tooltips %q (%v)", got, err)
				}
			})
			if tc.user == "analyst" {
				for _, kind := range []string{"png", "svg", "csv"} {
					t.Run("Download/"+kind, func(t *testing.T) { checkDashDownload(ctx, t, "chart-trend", kind) })
				}
				t.Run("DrillDown", func(t *testing.T) { dashDrillDown(ctx, t, app) })
			}
			if got := problems(); len(got) > 0 {
				t.Errorf("console errors: %q", got)
			}
		})
	}
}

// loadDashboard navigates to the dashboard and waits for its charts.
func loadDashboard(ctx context.Context, t *testing.T, url string) dashPaint {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[dashPaint](`VRSCharts.whenRendered().then(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		const fcp = performance.getEntriesByType("paint").find(e => e.name === "first-contentful-paint");
		const els = [...document.querySelectorAll("[data-chart]")];
		const drawn = () => els.filter(e => e.querySelector(".chart-canvas svg, .chart-canvas canvas")).length;
		const ec = performance.getEntriesByType("resource").find(r => /echarts/.test(r.name));
		const ready = performance.getEntriesByName("vrs-charts-script")[0];
		const p = {Response: nav.responseEnd, FirstPaint: fcp ? fcp.startTime : -1, EChartsLoaded: ec ? ec.responseEnd : -1,
			EChartsReady: ready ? ready.startTime : -1, InView: VRSCharts.firstPaintMs, DrawnInView: drawn()};
		return VRSCharts.renderAll().then(() => Object.assign(p, {All: performance.now(), Drawn: drawn(),
			States: els.map(e => e.id + "=" + e.dataset.chartState).join(" ")}));
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	size, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.getEntriesByType("navigation")[0].transferSize`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("page of %.0f bytes", size)
	return p
}

// consoleProblems collects the page's script errors and uncaught
// exceptions; the returned function lists those so far.
func consoleProblems(ctx context.Context, t *testing.T) func() []string {
	t.Helper()
	lctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	var mu sync.Mutex
	var got []string
	msgs := chromedp.Console(lctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !strings.Contains(m.URL, "favicon") {
				mu.Lock()
				got = append(got, m.String())
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// checkDashDownload clicks a chart's download button and checks the file
// charts.js hands to the browser.
func checkDashDownload(ctx context.Context, t *testing.T, chart, kind string) {
	t.Helper()
	type dl struct{ Kind, Filename, URL string }
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]dl](`(() => {
		const seen = [];
		const el = document.getElementById("`+chart+`");
		el.addEventListener("vrs:chart-download", e => seen.push({Kind: e.detail.kind, Filename: e.detail.filename, URL: e.detail.url.slice(0, 40)}), {once: true});
		// The page must not navigate away to the file.
		if (!window.__noSave) {
			window.__noSave = true;
			document.addEventListener("click", e => { if (e.target.matches("a[download]")) e.preventDefault(); }, true);
		}
		el.querySelector('button[data-download="`+kind+`"]').click();
		return seen;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	prefix := map[string]string{"png": "data:image/png;base64,", "svg": "data:image/svg+xml", "csv": "blob:"}[kind]
	if len(got) != 1 || got[0].Filename != "vrs-"+chart+"."+kind || !strings.HasPrefix(got[0].URL, prefix) {
		t.Errorf("download %s: %+v", kind, got)
	}
}

// dashDrillDown goes from the dashboard of Thailand's own records to the
// pivot table of a chart, and from one of its values to the records
// behind it, as an analyst does.
func dashDrillDown(ctx context.Context, t *testing.T, app *apptest.App) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(app.Server.URL+"/analysis/dashboard?scope=own")); err != nil {
		t.Fatal(err)
	}
	table, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#chart-nationalities a.open-table").href`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(table), chromedp.WaitVisible(chromedp.CSS(`table.pivot`))); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "analysis-pivot-drill-links")
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("table.pivot tbody td a").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`table.pivot tbody td a`)),
		chromedp.WaitVisible(chromedp.CSS(`#records`)),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "analysis-records")
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.getElementById("cell-value").textContent, String(document.querySelectorAll("#records tbody tr").length)]`))
	if err != nil || len(got) != 2 || got[0] != value || got[1] == "0" {
		t.Errorf("records page: value %q and rows %q for the value %s (%v)", got[0], got[1], value, err)
	}
}
