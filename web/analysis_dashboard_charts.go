package web

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"vrs"
	"vrs/pivot"
)

// dashChart is one chart of the dashboard with its data table; Spec is
// nil when there is nothing to draw (Empty says why).
type dashChart struct {
	ID, Title, Note string
	Wide            bool
	Height          int
	// Renderer is "canvas" for the world maps: two hundred countries draw
	// faster on a canvas than as SVG elements.
	Renderer string
	Spec     *chartSpecJSON
	// Link opens the same query on the pivot page.
	Link string
	// LeftOut says that withheld values are in the table but not drawn.
	LeftOut bool
	Empty   string
}

// dashBuilder lays the protected tables out as charts. Every number it
// puts in a chart or table is a published cell or margin of one table; a
// withheld one is null in the chart and its mark ("<5", "x") in the table,
// and nothing is computed from it (not even its rank: withheld values come
// last, in the order of their labels).
type dashBuilder struct {
	p      *page
	d      *dashboardData
	f      dashFilter
	tables [qCount]*pivot.Table
	k      int64
}

// Top lists show this many; the flow diagrams draw this many paths.
const (
	dashTopN     = 10
	dashFeeLines = 6
	dashMaxPaths = 30
)

func (b *dashBuilder) build() {
	b.d.Primary, b.d.K = b.p.T("suppress.label", b.k), b.k
	for _, t := range b.tables {
		b.d.Protected = b.d.Protected || t.Protected
	}
	b.figures()
	trend, roles, seasons, nats, routes := b.trend(), b.roles(), b.seasons(), b.nationalities(), b.routes()
	// Two charts side by side at most: a third column leaves each too
	// narrow for its labels.
	b.d.Rows = [][]*dashChart{{trend}, {roles, seasons}, {nats, routes}, {b.fees()}, {b.prices()}, {b.choropleth()}, {b.sankey()}, {b.flowMap()}}
	for _, row := range b.d.Rows {
		b.d.Charts = append(b.d.Charts, row...)
	}
}

// mark is the text of a withheld entry, as on the pivot page.
func (b *dashBuilder) mark(e pivot.Entry) string {
	if e.Withheld.String() == "secondary" {
		b.d.Secondary = true
		return b.p.T("pivot.secondary_mark")
	}
	return b.d.Primary
}

// item is an entry as a chart's data: the number, or no value and the
// mark that charts.js shows in the tooltip. text is the table's.
func (b *dashBuilder) item(e pivot.Entry) (item any, text any, shown bool) {
	if v, ok := e.Shown(); ok {
		return v, fmtNum(v), true
	}
	m := b.mark(e)
	return map[string]any{"value": nil, "withheld": m}, m, false
}

func (b *dashBuilder) figures() {
	add := func(label string, e pivot.Entry) {
		fig := dashFigure{Label: label}
		if v, ok := e.Shown(); ok {
			fig.Text = strconv.FormatFloat(v, 'f', -1, 64)
		} else {
			fig.Text, fig.Withheld = b.mark(e), true
		}
		b.d.Figures = append(b.d.Figures, fig)
	}
	add(b.p.T(vrs.MeasureIncidents.Label()), b.tables[qTrend].Total)
	add(b.p.T(vrs.MeasurePersons.Label()), b.tables[qNats].Total)
	roles := b.tables[qRoles]
	for _, role := range dashRoles {
		e := pivot.Entry{}
		for j, ck := range roles.ColKeys {
			if ck[0] == role && j < len(roles.ColTotals) {
				e = roles.ColTotals[j]
			}
		}
		add(b.roleLabel(role), e)
	}
	add(b.p.T(vrs.MeasureFeesCount.Label()), b.tables[qFees].Total)
}

// roleLabel names the persons of a role as the measure that counts them:
// "Migrants", "Suspects", "Victims".
func (b *dashBuilder) roleLabel(role string) string {
	return b.p.T(vrs.StatMeasure(role + "s").Label())
}

// byMonth maps the month keys of a table with the months in its rows to
// the entries of column j.
func byMonth(t *pivot.Table, j int) map[string]pivot.Entry {
	m := map[string]pivot.Entry{}
	for i, rk := range t.RowKeys {
		if j < len(t.ColKeys) {
			m[rk[0]] = t.Cells[i][j]
		}
	}
	return m
}

// months lists the month keys of the period.
func (b *dashBuilder) months() []string {
	var out []string
	for i := monthIndex(b.f.From); i <= monthIndex(b.f.To); i++ {
		out = append(out, monthKey(i))
	}
	return out
}

var dashGrid = map[string]any{"left": 48, "right": 24, "top": 40, "bottom": 32, "containLabel": true}

func lineOption(cats []string, series []any, legend bool) map[string]any {
	o := map[string]any{
		"color":   pivotColors,
		"grid":    dashGrid,
		"tooltip": map[string]any{"trigger": "axis"},
		"xAxis":   map[string]any{"type": "category", "data": cats},
		"yAxis":   map[string]any{"type": "value", "minInterval": 1},
		"series":  series,
	}
	if legend {
		o["legend"] = map[string]any{"top": 0, "type": "scroll"}
	}
	return o
}

func lineSeries(name string, data []any) map[string]any {
	return map[string]any{"type": "line", "name": name, "data": data, "connectNulls": false, "symbolSize": 5}
}

// trend draws incidents by month over the period; a month that counts
// nothing is zero (the store leaves zero cells out).
func (b *dashBuilder) trend() *dashChart {
	t := b.tables[qTrend]
	c := b.chart("trend", "dashboard.trend.title", "dashboard.trend.note", t)
	c.Wide = true
	vals := byMonth(t, 0)
	months := b.months()
	var data []any
	spec := &chartSpecJSON{}
	spec.Table.Columns = []string{b.p.T(vrs.DimMonth.Label()), b.p.T(vrs.MeasureIncidents.Label())}
	for _, m := range months {
		item, text, shown := b.item(vals[m])
		c.LeftOut = c.LeftOut || !shown
		data = append(data, item)
		spec.Table.Rows = append(spec.Table.Rows, []any{m, text})
	}
	spec.Option = lineOption(months, []any{lineSeries(b.p.T(vrs.MeasureIncidents.Label()), data)}, false)
	return b.drawn(c, spec, t)
}

// roles draws persons by month for the roles the issue names.
func (b *dashBuilder) roles() *dashChart {
	t := b.tables[qRoles]
	c := b.chart("roles", "dashboard.roles.title", "dashboard.roles.note", t)
	months := b.months()
	spec := &chartSpecJSON{}
	spec.Table.Columns = []string{b.p.T(vrs.DimMonth.Label())}
	cols := make([]map[string]pivot.Entry, len(dashRoles))
	var series []any
	for r, role := range dashRoles {
		cols[r] = map[string]pivot.Entry{}
		for j, ck := range t.ColKeys {
			if ck[0] == role {
				cols[r] = byMonth(t, j)
			}
		}
		spec.Table.Columns = append(spec.Table.Columns, b.roleLabel(role))
	}
	rows := make([][]any, len(months))
	for i, m := range months {
		rows[i] = []any{m}
	}
	for r, role := range dashRoles {
		var data []any
		for i, m := range months {
			item, text, shown := b.item(cols[r][m])
			c.LeftOut = c.LeftOut || !shown
			data = append(data, item)
			rows[i] = append(rows[i], text)
		}
		series = append(series, lineSeries(b.roleLabel(role), data))
	}
	spec.Table.Rows = rows
	spec.Option = lineOption(months, series, true)
	return b.drawn(c, spec, t)
}

// seasons lays the monthly incidents out year over year: one line per
// year across January to December, so that a season shows as lines that
// rise together, and growth as lines stacked above each other.
func (b *dashBuilder) seasons() *dashChart {
	t := b.tables[qTrend]
	c := b.chart("seasons", "dashboard.seasons.title", "dashboard.seasons.note", t)
	vals := byMonth(t, 0)
	lo, hi := monthIndex(b.f.From), monthIndex(b.f.To)
	var names []string
	for m := 1; m <= 12; m++ {
		names = append(names, b.p.T("dashboard.month_"+strconv.Itoa(m)))
	}
	spec := &chartSpecJSON{}
	spec.Table.Columns = []string{b.p.T("dashboard.seasons.month")}
	rows := make([][]any, 12)
	for m := range rows {
		rows[m] = []any{names[m]}
	}
	var series []any
	for y := lo / 12; y <= hi/12; y++ {
		year := strconv.Itoa(y)
		spec.Table.Columns = append(spec.Table.Columns, year)
		var data []any
		for m := range 12 {
			i := y*12 + m
			if i < lo || i > hi {
				data, rows[m] = append(data, nil), append(rows[m], "")
				continue
			}
			item, text, shown := b.item(vals[monthKey(i)])
			c.LeftOut = c.LeftOut || !shown
			data, rows[m] = append(data, item), append(rows[m], text)
		}
		series = append(series, lineSeries(year, data))
	}
	spec.Table.Rows = rows
	spec.Option = lineOption(names, series, true)
	return b.drawn(c, spec, t)
}

// keyed is one line of a ranking: keys, label and entry.
type keyed struct {
	keys  []string
	label string
	e     pivot.Entry
}

// rank orders published values from the largest, then withheld ones by
// label, and keeps the first n (all when n is 0).
func rank(items []keyed, n int) []keyed {
	items = slices.Clone(items)
	slices.SortStableFunc(items, func(a, b keyed) int {
		va, sa := a.e.Shown()
		vb, sb := b.e.Shown()
		switch {
		case sa && sb:
			return cmp.Or(cmp.Compare(vb, va), cmp.Compare(a.label, b.label))
		case sa:
			return -1
		case sb:
			return 1
		}
		return cmp.Compare(a.label, b.label)
	})
	if n > 0 && len(items) > n {
		items = items[:n]
	}
	return items
}

// lines lists a table's rows with the entries of its only column, or its
// row totals when it has columns; zero values are left out.
func (b *dashBuilder) lines(t *pivot.Table) []keyed {
	var out []keyed
	for i, rk := range t.RowKeys {
		e := t.Cells[i][0]
		if len(t.Query.Cols) > 0 {
			e = t.RowTotals[i]
		}
		if e.Value == 0 && !e.Withheld.Suppressed() {
			continue
		}
		out = append(out, keyed{keys: rk, label: b.label(t.Query.Rows, rk), e: e})
	}
	return out
}

// label names the keys of a row: a route as "origin → destination".
func (b *dashBuilder) label(dims []vrs.StatDimension, keys []string) string {
	if len(dims) == 2 && dims[0] == vrs.DimOrigin && dims[1] == vrs.DimDestination {
		return b.p.T("dashboard.route", keyLabel(b.p, dims[:1], keys[:1]), keyLabel(b.p, dims[1:], keys[1:]))
	}
	return keyLabel(b.p, dims, keys)
}

// barTop is a horizontal bar chart of the first dashTopN lines; long
// names (routes between two long country names) take two lines.
func (b *dashBuilder) barTop(c *dashChart, t *pivot.Table, head string) *dashChart {
	c.Height = 420
	var cats []string
	var data []any
	spec := &chartSpecJSON{}
	spec.Table.Columns = []string{head, b.p.T(t.Query.Measure.Label())}
	for _, l := range rank(b.lines(t), dashTopN) {
		item, text, shown := b.item(l.e)
		c.LeftOut = c.LeftOut || !shown
		cats, data = append(cats, l.label), append(data, item)
		spec.Table.Rows = append(spec.Table.Rows, []any{l.label, text})
	}
	spec.Option = map[string]any{
		"color":   pivotColors,
		"grid":    map[string]any{"left": 16, "right": 32, "top": 16, "bottom": 24, "containLabel": true},
		"tooltip": map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"xAxis":   map[string]any{"type": "value", "minInterval": 1},
		"yAxis":   map[string]any{"type": "category", "data": cats, "inverse": true, "axisLabel": map[string]any{"width": 190, "overflow": "break", "lineHeight": 13}},
		"series":  []any{map[string]any{"type": "bar", "name": b.p.T(t.Query.Measure.Label()), "data": data}},
	}
	return b.drawn(c, spec, t)
}

func (b *dashBuilder) nationalities() *dashChart {
	t := b.tables[qNats]
	c := b.chart("nationalities", "dashboard.nationalities.title", "dashboard.nationalities.note", t)
	return b.barTop(c, t, b.p.T(vrs.DimNationality.Label()))
}

func (b *dashBuilder) routes() *dashChart {
	t := b.tables[qRoutes]
	c := b.chart("routes", "dashboard.routes.title", "dashboard.routes.note", t)
	// The routes are the row totals of the Sankey's table: its query
	// without the transit countries is what the link opens.
	q := t.Query
	q.Cols = nil
	c.Link = pivotLink(q)
	return b.barTop(c, t, b.p.T("dashboard.route_head"))
}

// feeRoutes are the routes with the most fees paid, from the fee counts.
func (b *dashBuilder) feeRoutes() []keyed { return rank(b.lines(b.tables[qFees]), dashFeeLines) }

// years lists the years of the period.
func (b *dashBuilder) years() []string {
	var years []string
	for y := monthIndex(b.f.From) / 12; y <= monthIndex(b.f.To)/12; y++ {
		years = append(years, strconv.Itoa(y))
	}
	return years
}

// byRouteYear draws a table of routes by year as one line per route of
// feeRoutes. A route and year with no fee has no value: nil, or zero when
// zero says it (a count).
func (b *dashBuilder) byRouteYear(c *dashChart, t *pivot.Table, zero bool) *dashChart {
	years := b.years()
	col := map[string]int{}
	for j, ck := range t.ColKeys {
		col[ck[0]] = j
	}
	row := map[string]int{}
	for i, rk := range t.RowKeys {
		row[join2(rk)] = i
	}
	spec := &chartSpecJSON{}
	spec.Table.Columns = append([]string{b.p.T("dashboard.route_head")}, years...)
	var series []any
	for _, l := range b.feeRoutes() {
		i, hasRow := row[join2(l.keys)]
		var data []any
		line := []any{l.label}
		for _, y := range years {
			e := pivot.Entry{}
			j, hasCol := col[y]
			if hasRow && hasCol {
				e = t.Cells[i][j]
			}
			if !zero && e.Value == 0 && !e.Withheld.Suppressed() {
				data, line = append(data, nil), append(line, "–")
				continue
			}
			item, text, shown := b.item(e)
			c.LeftOut = c.LeftOut || !shown
			data, line = append(data, item), append(line, text)
		}
		series = append(series, lineSeries(l.label, data))
		spec.Table.Rows = append(spec.Table.Rows, line)
	}
	spec.Option = lineOption(years, series, true)
	return b.drawn(c, spec, t)
}

// fees draws the number of fees paid on the routes with the most fees,
// year by year.
func (b *dashBuilder) fees() *dashChart {
	t := b.tables[qFees]
	return b.byRouteYear(b.chart("fees", "dashboard.fees.title", "dashboard.fees.note", t), t, true)
}

// prices draws the median fee on the same routes, in US dollars at the
// average rate of the year paid: a median of fewer than k fees is
// withheld (pivot.Run protects it by the fees behind it).
func (b *dashBuilder) prices() *dashChart {
	t := b.tables[qPrices]
	for i := range t.Cells {
		for j := range t.Cells[i] {
			t.Cells[i][j].Value = math.Round(t.Cells[i][j].Value)
		}
	}
	return b.byRouteYear(b.chart("prices", "dashboard.prices.title", "dashboard.prices.note", t), t, false)
}

func join2(keys []string) string { return keys[0] + "\x1f" + keys[1] }

// chart starts a chart with its title, note and link to the same table.
func (b *dashBuilder) chart(id, title, note string, t *pivot.Table) *dashChart {
	return &dashChart{ID: "chart-" + id, Title: b.p.T(title), Note: b.p.T(note), Link: pivotLink(t.Query)}
}

// drawn keeps the spec if it draws a published value; otherwise the card
// says that nothing can be shown, and why.
func (b *dashBuilder) drawn(c *dashChart, spec *chartSpecJSON, t *pivot.Table) *dashChart {
	if !publishesSome(t) {
		c.Empty = b.p.T("dashboard.nothing")
		if len(t.RowKeys) > 0 {
			c.Empty = b.p.T("dashboard.all_withheld")
		}
		c.LeftOut = false
		spec.Option = nil
	}
	c.Spec = spec
	return c
}

// publishesSome reports whether a table shows a non-zero value.
func publishesSome(t *pivot.Table) bool {
	for i := range t.Cells {
		for _, e := range t.Cells[i] {
			if v, ok := e.Shown(); ok && v != 0 {
				return true
			}
		}
	}
	return false
}
