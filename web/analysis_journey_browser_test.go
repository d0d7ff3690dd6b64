package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs/internal/browser"
)

// TestAnalystJourneyBrowser is issue 6's end-to-end case, in Chromium, as
// an analyst does it with the mouse and keyboard: build a pivot in the
// form (persons by nationality and sex, smuggling only, largest first),
// drill down from a value to the records behind it, open the dashboard's
// map and route flows (Sankey and flow map), and download a chart.
func TestAnalystJourneyBrowser(t *testing.T) {
	app := dashDemoApp(t, 1500)
	ctx := browser.New(t, 2*time.Minute)
	problems := consoleProblems(ctx, t)
	browserSignIn(ctx, t, app, "analyst")
	base := app.Server.URL

	// The pivot, built in the form.
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/analysis/pivot"),
		chromedp.WaitVisible(chromedp.CSS(`#p-measure`)),
		chromedp.SetValue(chromedp.CSS(`#p-measure`), "persons"),
		chromedp.SetValue(chromedp.CSS(`#p-rows`), "nationality"),
		chromedp.SetValue(chromedp.CSS(`#p-cols`), "sex"),
		chromedp.SetValue(chromedp.CSS(`#p-sort`), "value"),
		chromedp.SetValue(chromedp.CSS(`#p-f1`), "incident_type"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// Choosing a filter's dimension sends the form for its values (or the
	// values are typed when it has no list): pick smuggling either way.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const v = document.getElementById("p-v1");
		if (v.tagName === "SELECT") {
			const o = [...v.options].find(o => o.value === "migrant_smuggling");
			if (!o) { return false; }
			o.selected = true;
		} else { v.value = "migrant_smuggling"; }
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.pivot-form button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	waitURL(ctx, t, "measure=persons")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`table.pivot`))); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rows=nationality", "cols=sex", "sort=value"} {
		if !strings.Contains(loc, want) {
			t.Errorf("permalink %q lacks %s", loc, want)
		}
	}
	// Rows come largest first: the totals of published rows never rise.
	totals, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.pivot tbody tr")]
		.map(tr => tr.lastElementChild.textContent.trim())`))
	if err != nil || len(totals) < 3 {
		t.Fatalf("pivot rows %q (%v)", totals, err)
	}
	prev := -1.0
	for _, s := range totals {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			continue // withheld, at the end
		}
		if prev >= 0 && v > prev {
			t.Errorf("rows not largest first: %q", totals)
			break
		}
		prev = v
	}
	browser.Screenshot(ctx, t, "journey-pivot")

	// Drill down from the first published value.
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("table.pivot tbody td a").textContent.trim()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`table.pivot tbody td a`))); err != nil {
		t.Fatal(err)
	}
	waitURL(ctx, t, "/analysis/records")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#records`))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.getElementById("cell-value").textContent.trim(), String(document.querySelectorAll("#records tbody tr").length)]`))
	if err != nil || len(got) != 2 || got[0] != value || got[1] == "0" {
		t.Errorf("records behind %s: %q (%v)", value, got, err)
	}
	browser.Screenshot(ctx, t, "journey-records")

	// The map and the route flows on the dashboard, drawn when reached.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/analysis/dashboard")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"chart-map", "chart-sankey", "chart-flows"} {
		err := chromedp.Do(ctx,
			chromedp.ScrollIntoView(chromedp.CSS("#"+id)),
			chromedp.Poll[chromedp.Void](`document.querySelector("#`+id+`").dataset.chartState === "finished"`, chromedp.WithPollingTimeout(30*time.Second)),
		)
		if err != nil {
			t.Fatalf("%s not drawn: %v", id, err)
		}
		marks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#`+id+` .chart-canvas svg path, #`+id+` .chart-canvas canvas").length`))
		if err != nil || marks < 1 {
			t.Errorf("%s: nothing drawn (%v)", id, err)
		}
	}
	// Tooltips show under the Content-Security-Policy (no inline style):
	// any violation would be a console error, checked at the end.
	tips, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["chart-sankey", "chart-flows", "chart-map"].map(id => {
		const c = echarts.getInstanceByDom(document.querySelector("#" + id + " .chart-canvas"));
		c.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0});
		const tip = document.querySelector("#" + id + " .chart-canvas > div:last-child");
		return tip ? tip.textContent : "";
	})`))
	if err != nil {
		t.Fatal(err)
	}
	for i, tip := range tips {
		if !strings.Contains(tip, ":") {
			t.Errorf("tooltip %d shows %q", i, tip)
		}
	}
	browser.Screenshot(ctx, t, "journey-dashboard-flows")
	t.Run("DownloadFlowMap", func(t *testing.T) { checkDashDownload(ctx, t, "chart-flows", "png") })
	t.Run("DownloadSankey", func(t *testing.T) { checkDashDownload(ctx, t, "chart-sankey", "svg") })
	if p := problems(); len(p) > 0 {
		t.Errorf("console errors: %q", p)
	}
}

// waitURL waits until the page's address contains part, polling from Go
// so that a navigation under way is no error.
func waitURL(ctx context.Context, t *testing.T, part string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
		if err == nil && strings.Contains(loc, part) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the page never reached an address with %q", part)
}
