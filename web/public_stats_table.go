package web

import (
	"io"
	"strconv"

	"vrs/pivot"
)

// The public page lays its tables out itself rather than through the
// pivot page's helpers: what it shows must not grow what a signed-in
// page adds to a table (links to the records behind a cell).

// publicMaxRows and publicMaxCols bound a table shown on the page; a
// larger one is offered as a download only.
const publicMaxRows, publicMaxCols = 200, 50

// The public page lays its tables out as the pivot page does.
type (
	publicCell  = pivotCell
	publicRow   = pivotRow
	publicChart = chartSpecJSON
)

// publicTable is one table of the page with its chart and downloads.
type publicTable struct {
	T                    func(key string, args ...any) string
	ID, Title, Intro     string
	Caption, RowHead     string
	HasCols, TooLarge    bool
	Protected, Secondary bool
	Primary              string // "<k"
	K                    int64
	ColLabels            []string
	Rows                 []publicRow
	ColTotals            []publicCell
	Total                publicCell
	CSV, XLSX, SDMX      string
	SDMXNote             string // why there is no SDMX link
	Chart, MapChart      *publicChart
	table                *pivot.Table
}

// Drawn is the table's chart, the map or the bars, nil for none.
func (t *publicTable) Drawn() *publicChart {
	if t.MapChart != nil {
		return t.MapChart
	}
	return t.Chart
}

// publicTableOf lays a protected table out with its bar chart and the
// links of its downloads.
func (s *Server) publicTableOf(p *page, id, title, intro string, t *pivot.Table) *publicTable {
	q := t.Query
	pt := &publicTable{T: p.T, ID: id, Title: title, Intro: intro, Caption: p.T(q.Measure.Label()), HasCols: len(q.Cols) > 0,
		Protected: t.Protected, K: t.MinCell, Primary: p.T("suppress.label", t.MinCell), table: t}
	if len(q.Rows) > 0 {
		pt.RowHead = p.T(q.Rows[0].Label())
	}
	link := pivot.Values(q)
	for format, dst := range map[string]*string{"csv": &pt.CSV, "xlsx": &pt.XLSX, "sdmx-csv": &pt.SDMX} {
		link.Set("format", format)
		*dst = publicStatsPath + "?" + link.Encode()
	}
	if err := t.WriteSDMX(io.Discard); err != nil {
		pt.SDMX, pt.SDMXNote = "", p.T("field.public_stats_sdmx_period")
	}
	if len(t.RowKeys) > publicMaxRows || len(t.ColKeys) > publicMaxCols {
		pt.TooLarge = true
		return pt
	}
	for _, ck := range t.ColKeys {
		pt.ColLabels = append(pt.ColLabels, keyLabel(p, q.Cols, ck))
	}
	for i, rk := range t.RowKeys {
		row := publicRow{Label: keyLabel(p, q.Rows, rk)}
		for j := range t.ColKeys {
			row.Cells = append(row.Cells, pt.cell(p, t.Cells[i][j]))
		}
		if len(t.RowTotals) > 0 {
			row.Total = pt.cell(p, t.RowTotals[i])
		}
		pt.Rows = append(pt.Rows, row)
	}
	for _, e := range t.ColTotals {
		pt.ColTotals = append(pt.ColTotals, pt.cell(p, e))
	}
	pt.Total = pt.cell(p, t.Total)
	for i := range t.Cells {
		for _, e := range t.Cells[i] {
			if v, ok := e.Shown(); ok && v != 0 {
				pt.Chart = publicBars(pt)
				return pt
			}
		}
	}
	return pt // a chart of zeros and withheld values alone would be an empty frame
}

// cell is a value as the page shows it: the number, "<k" or "x".
func (pt *publicTable) cell(p *page, e pivot.Entry) publicCell {
	if v, ok := e.Shown(); ok {
		return publicCell{Text: strconv.FormatFloat(v, 'f', -1, 64)}
	}
	if e.Withheld.String() == "secondary" {
		pt.Secondary = true
		return publicCell{Text: p.T("pivot.secondary_mark"), Withheld: true}
	}
	return publicCell{Text: pt.Primary, Withheld: true}
}

// publicBars is the bar chart of a table of the page.
func publicBars(pt *publicTable) *publicChart {
	return barChart(pt.table, pt.Rows, pt.RowHead, pt.Caption, pt.ColLabels)
}

// publicMap is the choropleth of a table by country codes: a withheld
// value colours nothing, and reads "<k" in the chart's data table.
func publicMap(pt *publicTable) *publicChart {
	t := pt.table
	c := &publicChart{}
	c.Table.Columns = []string{pt.RowHead, pt.Caption}
	var data []any
	top := 1.0
	for i, rk := range t.RowKeys {
		c.Table.Rows = append(c.Table.Rows, []any{pt.Rows[i].Label, pt.Rows[i].Cells[0].Text})
		v, ok := t.Cells[i][0].Shown()
		if !ok || rk[0] == "" {
			continue
		}
		data = append(data, map[string]any{"name": rk[0], "value": v, "title": pt.Rows[i].Label})
		top = max(top, v)
	}
	c.Option = map[string]any{
		"tooltip": map[string]any{"trigger": "item"},
		"visualMap": map[string]any{
			"min": 0, "max": top, "left": 16, "bottom": 16, "calculable": true,
			"inRange": map[string]any{"color": []string{"#dbe9f6", "#0b5cad"}},
		},
		"series": []any{map[string]any{
			"type": "map", "map": "world", "name": pt.Caption, "roam": true,
			"itemStyle":    map[string]any{"areaColor": "#eef1f5", "borderColor": "#aab3bf", "borderWidth": 0.5},
			"emphasis":     map[string]any{"label": map[string]any{"show": false}, "itemStyle": map[string]any{"areaColor": "#e07b00"}},
			"selectedMode": false,
			"data":         data,
		}},
	}
	return c
}
