package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"vrs"
	"vrs/pivot"
	"vrs/refdata"
	"vrs/sdmx"
)

// The pivot page shows at most this many rows and columns; a larger table
// is offered as an export only.
const (
	pivotMaxRows = 200
	pivotMaxCols = 50
	// pivotFilterRows is the number of filter rows the form offers.
	pivotFilterRows = 3
)

type pivotOption struct {
	Value, Label string
	Selected     bool
}

// pivotFilter is one filter row of the form: a dimension, and its values
// as a multiple select (dimensions with a code list) or as text.
type pivotFilter struct {
	N       int
	Dims    []pivotOption
	Dim     string
	Values  []pivotOption
	Text    string
	Coded   bool
	Problem string
}

type pivotCell struct {
	Text     string
	Withheld bool
	// Href lists the records behind a published value that is not zero.
	Href string
}

type pivotRow struct {
	Label string
	Cells []pivotCell
	Total pivotCell
}

type pivotData struct {
	RowDims, ColDims, Measures, Sorts []pivotOption
	Filters                           []pivotFilter
	From, To                          string
	Errs                              map[string]string
	// A query that ran.
	Ran, TooLarge, Protected, HasCols, Secondary bool
	Caption, RowHead, Primary                    string
	K                                            int64
	ColLabels                                    []string
	Rows                                         []pivotRow
	ColTotals                                    []pivotCell
	Total                                        pivotCell
	Chart                                        *chartSpecJSON
	CSV, XLSX, SDMX                              string
}

type chartSpecJSON struct {
	Option map[string]any `json:"option"`
	Table  struct {
		Columns []string `json:"columns"`
		Rows    [][]any  `json:"rows"`
	} `json:"table"`
}

// pivotQuery reads the page's parameters: those of the API (rows, cols,
// measure, from, to, filter.<dimension>) and the form's filter rows fN
// (a dimension) with vN (values, repeated or comma-separated). A filter
// row without values filters nothing.
func pivotQuery(v url.Values) vrs.StatQuery {
	q := pivot.ParseQuery(v)
	for i := 1; i <= pivotFilterRows; i++ {
		d := vrs.StatDimension(v.Get("f" + strconv.Itoa(i)))
		var vals []string
		for _, s := range v["v"+strconv.Itoa(i)] {
			for _, x := range strings.Split(s, ",") {
				if x = strings.TrimSpace(x); x != "" {
					vals = append(vals, x)
				}
			}
		}
		if d == "" || len(vals) == 0 {
			continue
		}
		if q.Filters == nil {
			q.Filters = map[vrs.StatDimension][]string{}
		}
		q.Filters[d] = append(q.Filters[d], vals...)
	}
	return q
}

// analysisPivot is GET /analysis/pivot: the form, and the table of the
// query in the URL (the permalink), or its export with format=csv|xlsx.
func (s *Server) analysisPivot(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !u.HasDataRole() {
		s.error(w, r, vrs.Forbidden())
		return
	}
	v := r.URL.Query()
	q := pivotQuery(v)
	p := s.newPage(r, "pivot.title")
	d := s.pivotForm(p, v, q)
	p.Data = d
	if v.Get("measure") == "" && v.Get("rows") == "" {
		s.render(w, r, http.StatusOK, "analysis_pivot", p)
		return
	}
	fail := func(err error) {
		p.Error, d.Errs = s.cat.Error(p.Lang, err)
		for i := range d.Filters {
			d.Filters[i].Problem = d.Errs["filters."+d.Filters[i].Dim]
		}
		for f, m := range map[string]string{"rows[0]": "rows", "cols[0]": "cols"} {
			if d.Errs[f] != "" {
				d.Errs[m] = d.Errs[f]
			}
		}
		s.render(w, r, Status(vrs.ErrorCode(err)), "analysis_pivot", p)
	}
	if err := q.Validate(refdata.Checker{}); err != nil {
		fail(err)
		return
	}
	k, err := s.viewMinCell(r, q)
	if err != nil {
		s.error(w, r, err)
		return
	}
	t, err := pivot.Run(r.Context(), s.store, u, q, k)
	if err != nil {
		if vrs.ErrorCode(err) == vrs.EINTERNAL {
			s.error(w, r, err)
			return
		}
		fail(err)
		return
	}
	switch v.Get("format") {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="vrs-statistics.csv"`)
		_ = t.WriteCSV(w)
		return
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="vrs-statistics.xlsx"`)
		_ = t.WriteXLSX(w)
		return
	case "sdmx-csv":
		var b bytes.Buffer
		if err := t.WriteSDMX(&b); err != nil {
			fail(err)
			return
		}
		w.Header().Set("Content-Type", sdmx.ContentType)
		w.Header().Set("Content-Disposition", `attachment; filename="vrs-statistics.sdmx.csv"`)
		_, _ = w.Write(b.Bytes())
		return
	}
	link := pivot.Values(q)
	link.Set("format", "csv")
	d.CSV = "/analysis/pivot?" + link.Encode()
	link.Set("format", "xlsx")
	d.XLSX = "/analysis/pivot?" + link.Encode()
	link.Set("format", "sdmx-csv")
	d.SDMX = "/analysis/pivot?" + link.Encode()
	t.SortRows(v.Get("sort"))
	s.pivotTable(p, d, t)
	s.render(w, r, http.StatusOK, "analysis_pivot", p)
}

// viewMinCell is the threshold of a view: the installation's, raised by
// any country whose records the view may count (pivot.ViewMinCell).
func (s *Server) viewMinCell(r *http.Request, q vrs.StatQuery) (int64, error) {
	settings, err := s.store.Settings(r.Context())
	if err != nil {
		return 0, err
	}
	countries, err := s.store.ListCountries(r.Context(), vrs.CountryFilter{})
	if err != nil {
		return 0, err
	}
	return pivot.ViewMinCell(settings, countries, q), nil
}

// pivotForm fills the form from the parameters.
func (s *Server) pivotForm(p *page, v url.Values, q vrs.StatQuery) *pivotData {
	d := &pivotData{From: q.From, To: q.To}
	first := func(ds []vrs.StatDimension) string {
		if len(ds) == 0 {
			return ""
		}
		return string(ds[0])
	}
	dims := func(sel string, none string) []pivotOption {
		var out []pivotOption
		if none != "" {
			out = append(out, pivotOption{Value: "", Label: p.T(none)})
		}
		for _, dim := range vrs.StatDimensions {
			out = append(out, pivotOption{Value: string(dim), Label: p.T(dim.Label()), Selected: string(dim) == sel})
		}
		return out
	}
	d.RowDims, d.ColDims = dims(first(q.Rows), ""), dims(first(q.Cols), "pivot.none")
	for _, o := range []string{pivot.SortKeys, pivot.SortValue} {
		d.Sorts = append(d.Sorts, pivotOption{Value: o, Label: p.T("pivot.sort_" + o), Selected: o == v.Get("sort") || o == pivot.SortKeys && v.Get("sort") == ""})
	}
	for _, m := range vrs.StatMeasures {
		d.Measures = append(d.Measures, pivotOption{Value: string(m), Label: p.T(m.Label()), Selected: m == q.Measure})
	}
	for i := 1; i <= pivotFilterRows; i++ {
		f := pivotFilter{N: i, Dim: v.Get("f" + strconv.Itoa(i))}
		f.Dims = dims(f.Dim, "pivot.none")
		chosen := map[string]bool{}
		for _, s := range v["v"+strconv.Itoa(i)] {
			for _, x := range strings.Split(s, ",") {
				chosen[strings.TrimSpace(x)] = true
			}
		}
		dim := vrs.StatDimension(f.Dim)
		if l, ok := refdata.LookupCodeList(dim.CodeList()); ok && dim.Valid() {
			f.Coded = true
			for _, c := range l.Entries {
				f.Values = append(f.Values, pivotOption{Value: c.Code, Label: c.Label, Selected: chosen[c.Code]})
			}
		} else {
			f.Text = strings.Join(v["v"+strconv.Itoa(i)], ",")
		}
		d.Filters = append(d.Filters, f)
	}
	return d
}

// keyLabel names a key of a dimension for people.
func keyLabel(p *page, dims []vrs.StatDimension, keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		switch l := refdata.CodeLabel(dims[i].CodeList(), k); {
		case k == "":
			parts[i] = p.T("label.stats_not_recorded")
		case l != "":
			parts[i] = l
		default:
			parts[i] = k
		}
	}
	return strings.Join(parts, " · ")
}

// pivotTable lays the protected table out for the page and its chart.
func (s *Server) pivotTable(p *page, d *pivotData, t *pivot.Table) {
	q := t.Query
	d.Ran, d.Protected, d.HasCols = true, t.Protected, len(q.Cols) > 0
	d.Primary, d.K = p.T("suppress.label", t.MinCell), t.MinCell
	d.Caption = p.T(q.Measure.Label())
	if len(q.Rows) > 0 {
		d.RowHead = p.T(q.Rows[0].Label())
	}
	if len(t.RowKeys) > pivotMaxRows || len(t.ColKeys) > pivotMaxCols {
		d.TooLarge = true
		return
	}
	cell := func(e pivot.Entry) pivotCell {
		if v, ok := e.Shown(); ok {
			return pivotCell{Text: strconv.FormatFloat(v, 'f', -1, 64)}
		}
		if e.Withheld.String() == "secondary" {
			d.Secondary = true
			return pivotCell{Text: p.T("pivot.secondary_mark"), Withheld: true}
		}
		return pivotCell{Text: d.Primary, Withheld: true}
	}
	// A margin's records are those of the cell of the query without the
	// other dimensions: rows alone, columns alone, or none.
	rowsOnly, colsOnly, none := q, q, q
	rowsOnly.Cols, colsOnly.Rows, none.Rows, none.Cols = nil, nil, nil, nil
	drill := func(e pivot.Entry, q vrs.StatQuery, keys ...[]string) pivotCell {
		c := cell(e)
		if c.Withheld || e.Value == 0 {
			return c
		}
		v := pivot.Values(q)
		if len(q.Dimensions()) > 0 {
			var all []string
			for _, k := range keys {
				all = append(all, k...)
			}
			v.Set("cell", strings.Join(all, ","))
		}
		c.Href = "/analysis/records?" + v.Encode()
		return c
	}
	for _, ck := range t.ColKeys {
		d.ColLabels = append(d.ColLabels, keyLabel(p, q.Cols, ck))
	}
	for i, rk := range t.RowKeys {
		row := pivotRow{Label: keyLabel(p, q.Rows, rk)}
		for j, ck := range t.ColKeys {
			row.Cells = append(row.Cells, drill(t.Cells[i][j], q, rk, ck))
		}
		if len(t.RowTotals) > 0 {
			row.Total = drill(t.RowTotals[i], rowsOnly, rk)
		}
		d.Rows = append(d.Rows, row)
	}
	for j, e := range t.ColTotals {
		d.ColTotals = append(d.ColTotals, drill(e, colsOnly, t.ColKeys[j]))
	}
	d.Total = drill(t.Total, none)
	// A chart of withheld values alone would be an empty frame.
	for i := range t.Cells {
		for _, e := range t.Cells[i] {
			if _, ok := e.Shown(); ok {
				d.Chart = pivotChart(p, d, t)
				return
			}
		}
	}
}

// pivotChart is the bar chart of the pivot page's table.
func pivotChart(_ *page, d *pivotData, t *pivot.Table) *chartSpecJSON {
	return barChart(t, d.Rows, d.RowHead, d.Caption, d.ColLabels)
}

// barChart is a bar chart of a one-dimensional table, stacked bars of a
// two-dimensional one, with rows laid out as the page shows them: a
// withheld value is no bar (null), and its mark in the chart's table.
func barChart(t *pivot.Table, rows []pivotRow, rowHead, caption string, colLabels []string) *chartSpecJSON {
	c := &chartSpecJSON{}
	hasCols := len(t.Query.Cols) > 0
	var cats []string
	for _, r := range rows {
		cats = append(cats, r.Label)
	}
	value := func(e pivot.Entry) any {
		if v, ok := e.Shown(); ok {
			return v
		}
		return nil
	}
	var series []any
	c.Table.Columns = []string{rowHead}
	for j := range t.ColKeys {
		name := caption
		if hasCols {
			name = colLabels[j]
		}
		c.Table.Columns = append(c.Table.Columns, name)
		var data []any
		for i := range t.RowKeys {
			data = append(data, value(t.Cells[i][j]))
		}
		sr := map[string]any{"type": "bar", "name": name, "data": data}
		if hasCols {
			sr["stack"] = "total"
		}
		series = append(series, sr)
	}
	for _, r := range rows {
		row := []any{r.Label}
		for _, c := range r.Cells {
			row = append(row, c.Text)
		}
		c.Table.Rows = append(c.Table.Rows, row)
	}
	c.Option = map[string]any{
		"color":   pivotColors,
		"grid":    map[string]any{"left": 56, "right": 24, "top": 40, "bottom": 40, "containLabel": true},
		"tooltip": map[string]any{"trigger": "axis"},
		"xAxis":   map[string]any{"type": "value"},
		"yAxis":   map[string]any{"type": "category", "data": cats, "inverse": true, "axisLabel": map[string]any{"width": 140, "overflow": "truncate"}},
		"series":  series,
	}
	if hasCols {
		c.Option["legend"] = map[string]any{"top": 0, "type": "scroll"}
	}
	return c
}

// pivotColors follow app.css: the brand blue first.
var pivotColors = []string{"#0b5cad", "#e07b00", "#2a9d8f", "#b42318", "#7b61ff", "#5b6675"}
