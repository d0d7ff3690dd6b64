package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs/i18n"
	"vrs/internal/browser"
	"vrs/refdata"
)

// worldFeature is what charts.js reads of a world.json feature.
type worldFeature struct {
	Properties struct {
		Code     string     `json:"code"`
		Name     string     `json:"name"`
		Centroid [2]float64 `json:"centroid"`
	} `json:"properties"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// TestWorldMap checks the embedded world.json against refdata: every code
// a known alpha-2 code, the region's countries present, every centroid
// inside its country's bounding box (refdata's boxes come from the finer
// 1:10m shapes, so this checks the generator against another source).
func TestWorldMap(t *testing.T) {
	b, err := staticFS.ReadFile("static/world.json")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string         `json:"type"`
		Features []worldFeature `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) < 170 {
		t.Fatalf("type %q with %d features, want a FeatureCollection of at least 170", fc.Type, len(fc.Features))
	}
	seen := map[string]bool{}
	var uncoded []string
	for _, f := range fc.Features {
		p := f.Properties
		if f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon" || len(f.Geometry.Coordinates) < 10 {
			t.Errorf("%s %s: geometry %s", p.Code, p.Name, f.Geometry.Type)
		}
		if p.Name == "" {
			t.Errorf("%s: no name", p.Code)
		}
		if p.Code == "" {
			uncoded = append(uncoded, p.Name)
			continue
		}
		c, ok := refdata.LookupCountry(p.Code)
		if !ok || c.Alpha2 != p.Code {
			t.Errorf("%s (%s): not an ISO 3166-1 alpha-2 code", p.Code, p.Name)
			continue
		}
		if seen[p.Code] {
			t.Errorf("%s: twice", p.Code)
		}
		seen[p.Code] = true
		lon, lat := p.Centroid[0], p.Centroid[1]
		if in, known := refdata.InCountryBounds(p.Code, lat, lon, 0.5); known && !in {
			t.Errorf("%s: centroid %v outside the country's bounding box", p.Code, p.Centroid)
		}
	}
	if strings.Join(uncoded, ",") != "Kosovo,N. Cyprus,Somaliland" {
		t.Errorf("features without a code: %q", uncoded)
	}
	for _, code := range []string{"TH", "VN", "KH", "LA", "MM", "MY", "ID", "PH", "SG", "CN", "JP", "KR", "AU", "NZ", "PG", "FJ", "TL", "BN", "HK", "MO"} {
		if !seen[code] {
			t.Errorf("%s missing from the world map", code)
		}
	}
	if seen["AQ"] {
		t.Error("Antarctica is on the map")
	}
}

func TestChartsCatalogue(t *testing.T) {
	cat := i18n.MustLoad()
	for _, k := range chartLabelKeys {
		if !cat.Has("en", k) {
			t.Errorf("catalogue has no %q", k)
		}
	}
}

var chartLabelKeys = []string{"charts.downloads", "charts.download_png", "charts.download_svg", "charts.download_csv", "charts.error", "charts.table"}

// testChart is one chart of the test page, as a page template would give
// it to charts.js.
type testChart struct {
	ID, Title string
	Wide      bool
	Height    int
	Spec      chartSpec
}

type chartSpec struct {
	Option map[string]any `json:"option"`
	Table  chartTable     `json:"table"`
}

type chartTable struct {
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// The page shows the data table of each chart in a <details>, as the real
// pages will; charts.js must leave it in place.
var chartPage = template.Must(template.New("charts").Funcs(template.FuncMap{"static": func(string) string { return "" }}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Charts</title>
<link rel="stylesheet" href="{{static "app.css"}}">
<link rel="preload" href="{{static "world.json"}}" as="fetch" crossorigin>
<script src="/test-hooks.js"></script>
<script src="{{static "echarts.min.js"}}" defer></script>
<script src="{{static "charts.js"}}" defer></script>
</head><body><main><h1>Charts</h1><div class="grid">
{{range .Charts}}<section class="card{{if .Wide}} wide{{end}}" id="{{.ID}}" aria-labelledby="{{.ID}}-title" data-chart="{{.ID}}-spec" data-title="{{.Title}}"{{if .Height}} data-height="{{.Height}}"{{end}}
 data-filename="{{.ID}}" data-world-url="{{static "world.json"}}" data-label-downloads="{{$.L.downloads}}"
 data-label-png="{{$.L.png}}" data-label-svg="{{$.L.svg}}" data-label-csv="{{$.L.csv}}" data-label-error="{{$.L.error}}">
<h2 id="{{.ID}}-title">{{.Title}}</h2>
<script type="application/json" id="{{.ID}}-spec">{{.Spec}}</script>
<details><summary>{{$.L.table}}</summary><table><thead><tr>{{range .Spec.Table.Columns}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Spec.Table.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody></table></details>
</section>
{{end}}</div></main></body></html>`))

// testHooks runs before the page's own scripts: it records policy
// violations and downloads, and keeps the browser from saving files.
const testHooks = `"use strict";
window.__csp = []; window.__downloads = [];
document.addEventListener("securitypolicyviolation", function (e) { __csp.push(e.violatedDirective + " " + e.blockedURI); });
document.addEventListener("vrs:chart-download", function (e) { __downloads.push(e.detail); });
document.addEventListener("click", function (e) { if (e.target.matches("a[download]")) { e.preventDefault(); } }, true);
`

// chartServer serves the embedded static files and the test page under
// the production Content-Security-Policy.
func chartServer(t *testing.T, charts []testChart) *httptest.Server {
	t.Helper()
	sf, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	cat := i18n.MustLoad()
	labels := map[string]string{}
	for _, k := range chartLabelKeys {
		labels[strings.TrimPrefix(strings.TrimPrefix(k, "charts."), "download_")] = cat.T("en", k)
	}
	page := template.Must(chartPage.Clone()).Funcs(template.FuncMap{"static": sf.URL})
	mux := http.NewServeMux()
	mux.Handle("GET /static/", sf)
	mux.HandleFunc("GET /test-hooks.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(testHooks))
	})
	mux.HandleFunc("GET /charts", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, map[string]any{"Charts": charts, "L": labels}); err != nil {
			t.Error(err)
		}
	})
	srv := httptest.NewServer((&Server{}).securityHeaders(mux))
	t.Cleanup(srv.Close)
	return srv
}

// TestChartsBrowser draws a bar, a line, a choropleth, a Sankey and a flow
// map in Chromium and downloads each kind of file. It logs the time to the
// charts' first paint and takes a picture when VRS_SCREENSHOTS is set.
func TestChartsBrowser(t *testing.T) {
	charts := demoCharts()
	srv := chartServer(t, charts)
	ctx := browser.New(t, time.Minute)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/charts")); err != nil {
		t.Fatal(err)
	}
	paint, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`VRSCharts.whenRendered().then(() => VRSCharts.firstPaintMs)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first paint of %d charts: %.0f ms after navigation start", len(charts), paint)
	timings, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		const res = performance.getEntriesByType("resource").filter(r => /echarts|charts|world/.test(r.name))
			.map(r => r.name.replace(/.*\//, "") + " " + r.startTime.toFixed(0) + "–" + r.responseEnd.toFixed(0));
		const charts = performance.getEntriesByType("measure").filter(m => m.name.startsWith("chart "))
			.map(m => m.name.slice(6) + " " + m.startTime.toFixed(0) + "+" + m.duration.toFixed(0));
		return "DOMContentLoaded " + nav.domContentLoadedEventEnd.toFixed(0) + " ms; " + res.join("; ") + "; drawn: " + charts.join("; ");
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("timings: %s", timings)
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`[...document.querySelectorAll("[data-chart]")].every(e => e.dataset.chartState === "finished")`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		states, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("[data-chart]")].map(e => e.id + "=" + e.dataset.chartState).join(" ")`))
		t.Fatalf("charts not finished: %s: %v", states, err)
	}
	browser.Screenshot(ctx, t, "charts")

	minPaths := map[string]int{"bar": 6, "line": 2, "choropleth": 150, "sankey": 8, "flows": 150}
	for _, c := range charts {
		t.Run("Drawn/"+c.ID, func(t *testing.T) {
			n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#`+c.ID+` .chart-canvas svg path").length`))
			if err != nil {
				t.Fatal(err)
			}
			if n < minPaths[c.ID] {
				t.Errorf("%d SVG paths, want at least %d", n, minPaths[c.ID])
			}
			rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#`+c.ID+` details tbody tr").length`))
			if err != nil || rows != len(c.Spec.Table.Rows) {
				t.Errorf("data table has %d rows (%v), want %d", rows, err, len(c.Spec.Table.Rows))
			}
		})
	}
	t.Run("Tooltip", func(t *testing.T) {
		// The map's regions are keyed by code; the tooltip names the country.
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const c = echarts.getInstanceByDom(document.querySelector("#choropleth .chart-canvas"));
			return c.getOption().series[0].tooltip.formatter({name: "VN", value: 42, data: {name: "VN", value: 42}});
		})()`))
		if err != nil || got != "Viet Nam: 42" {
			t.Errorf("tooltip %q (%v)", got, err)
		}
	})

	for _, tc := range []struct{ chart, kind string }{
		{"bar", "png"}, {"bar", "svg"}, {"bar", "csv"}, {"choropleth", "png"}, {"flows", "svg"},
	} {
		t.Run("Download/"+tc.chart+"."+tc.kind, func(t *testing.T) {
			checkDownload(t, ctx, tc.chart, tc.kind)
		})
	}

	t.Run("CSV", func(t *testing.T) {
		for name, tc := range map[string]struct{ table, want string }{
			"Quoted":  {`{"columns":["a","b"],"rows":[["x, y","say \"hi\""],["line\nbreak",1.5]]}`, "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",1.5\r\n"},
			"Formula": {`{"columns":["c"],"rows":[["=SUM(A1)"],["@x"],[-5],["+1"],[null]]}`, "c\r\n'=SUM(A1)\r\n'@x\r\n-5\r\n'+1\r\n\r\n"},
			"Thai":    {`{"columns":["ประเทศ"],"rows":[["ไทย"]]}`, "ประเทศ\r\nไทย\r\n"},
		} {
			t.Run(name, func(t *testing.T) {
				got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`VRSCharts.toCSV(`+tc.table+`)`))
				if err != nil {
					t.Fatal(err)
				}
				if got != "\ufeff"+tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			})
		}
	})

	csp, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`__csp`))
	if err != nil {
		t.Fatal(err)
	}
	if len(csp) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", csp)
	}
}

func checkDownload(t *testing.T, c context.Context, chart, kind string) {
	t.Helper()
	if err := chromedp.Do(c, chromedp.Evaluate[chromedp.Void](`__downloads = []`), chromedp.Click(chromedp.CSS(`#`+chart+` button[data-download="`+kind+`"]`))); err != nil {
		t.Fatal(err)
	}
	type dl struct{ Kind, Filename, URL string }
	got, err := chromedp.Run(c, chromedp.Evaluate[[]dl](`__downloads`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Kind != kind || got[0].Filename != chart+"."+kind {
		t.Fatalf("downloads %+v", got)
	}
	u := got[0].URL
	switch kind {
	case "png":
		const prefix = "data:image/png;base64,"
		if !strings.HasPrefix(u, prefix) {
			t.Fatalf("PNG URL starts %.40q", u)
		}
		raw, err := base64.StdEncoding.DecodeString(u[len(prefix):])
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		w, err := chromedp.Run(c, chromedp.Evaluate[int](`document.querySelector("#`+chart+` .chart-canvas").clientWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds().Dx() != 2*w {
			t.Errorf("PNG %d px wide, want twice the chart's %d", img.Bounds().Dx(), w)
		}
		t.Logf("%s.png: %dx%d, %d bytes", chart, img.Bounds().Dx(), img.Bounds().Dy(), len(raw))
	case "svg":
		i := strings.Index(u, ",")
		if !strings.HasPrefix(u, "data:image/svg+xml") || i < 0 {
			t.Fatalf("SVG URL starts %.40q", u)
		}
		body, err := url.PathUnescape(u[i+1:])
		if strings.Contains(u[:i], ";base64") {
			var b []byte
			b, err = base64.StdEncoding.DecodeString(u[i+1:])
			body = string(b)
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "<svg") || strings.Count(body, "<path") < 5 {
			t.Errorf("SVG of %d bytes with %d paths", len(body), strings.Count(body, "<path"))
		}
	case "csv":
		if !strings.HasPrefix(u, "blob:") {
			t.Fatalf("CSV URL %q", u)
		}
		// The bytes, as Blob.text() would drop the byte order mark.
		latin1, err := chromedp.Run(c, chromedp.Evaluate[string](`__downloads[0].blob.arrayBuffer().then(b => Array.from(new Uint8Array(b), x => String.fromCharCode(x)).join(""))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		raw := make([]byte, 0, len(latin1))
		for _, r := range latin1 {
			raw = append(raw, byte(r))
		}
		body := string(raw)
		want := "\ufeffNationality,Persons\r\nMyanmar,412\r\nCambodia,236\r\nLao People's Democratic Republic,97\r\n"
		if !strings.HasPrefix(body, want) {
			t.Errorf("CSV starts %q, want %q", body[:min(len(body), len(want))], want)
		}
	}
}
