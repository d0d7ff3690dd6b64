package web

import (
	"cmp"
	"slices"
	"strconv"

	"vrs"
	"vrs/pivot"
)

// withheldArea colours a country whose value is withheld: a grey apart
// from the empty countries' and the scale's.
const withheldArea = "#c3c9d2"

// choropleth colours the world by the persons of each nationality. A
// withheld country is grey, its mark in the tooltip and the table.
func (b *dashBuilder) choropleth() *dashChart {
	t := b.tables[qNats]
	c := b.chart("map", "dashboard.map.title", "dashboard.map.note", t)
	c.Wide, c.Height, c.Renderer = true, 460, "canvas"
	spec := &chartSpecJSON{}
	spec.Table.Columns = []string{b.p.T(vrs.DimNationality.Label()), b.p.T(t.Query.Measure.Label())}
	var data []any
	most := 1.0
	for _, l := range rank(b.lines(t), 0) {
		item, text, shown := b.item(l.e)
		spec.Table.Rows = append(spec.Table.Rows, []any{l.label, text})
		if l.keys[0] == "" {
			continue // not recorded: in the table, not on the map
		}
		c.LeftOut = c.LeftOut || !shown
		d := map[string]any{"name": l.keys[0], "title": l.label}
		if v, ok := l.e.Shown(); ok {
			d["value"] = v
			most = max(most, v)
		} else {
			d["value"] = nil
			d["withheld"] = item.(map[string]any)["withheld"]
			d["itemStyle"] = map[string]any{"areaColor": withheldArea}
		}
		data = append(data, d)
	}
	spec.Option = map[string]any{
		"tooltip": map[string]any{"trigger": "item"},
		"visualMap": map[string]any{
			"min": 0, "max": most, "left": 16, "bottom": 16, "calculable": true, "precision": 0,
			"inRange": map[string]any{"color": []string{"#dbe9f6", "#0b5cad"}},
		},
		"series": []any{map[string]any{
			"type": "map", "map": "world", "name": b.p.T(t.Query.Measure.Label()), "roam": true, "fitData": true,
			"itemStyle":    map[string]any{"areaColor": "#eef1f5", "borderColor": "#aab3bf", "borderWidth": 0.5},
			"emphasis":     map[string]any{"label": map[string]any{"show": false}, "itemStyle": map[string]any{"areaColor": "#e07b00"}},
			"selectedMode": false,
			"data":         data,
		}},
	}
	return b.drawn(c, spec, t)
}

// routePath is one published or withheld cell of the routes table: origin,
// destination and transit country ("" where not recorded).
type routePath struct {
	o, d, t string
	e       pivot.Entry
}

// paths lists the non-zero cells of the routes table, published first
// from the largest, then withheld ones.
func (b *dashBuilder) paths() []routePath {
	t := b.tables[qRoutes]
	var out []routePath
	for i, rk := range t.RowKeys {
		for j, ck := range t.ColKeys {
			e := t.Cells[i][j]
			if e.Value == 0 && !e.Withheld.Suppressed() {
				continue
			}
			out = append(out, routePath{o: rk[0], d: rk[1], t: ck[0], e: e})
		}
	}
	slices.SortStableFunc(out, func(a, c routePath) int {
		va, sa := a.e.Shown()
		vc, sc := c.e.Shown()
		switch {
		case sa && sc:
			return cmp.Compare(vc, va)
		case sa:
			return -1
		case sc:
			return 1
		}
		return 0
	})
	return out
}

// country names a country key, "Not recorded" for "".
func (b *dashBuilder) country(code string) string {
	return keyLabel(b.p, []vrs.StatDimension{vrs.DimOrigin}, []string{code})
}

// sankey draws incidents from origin through transit to destination: one
// path per published cell of the routes table (an incident with no transit
// country goes straight from origin to destination). A link's width is
// the sum of the published paths through it: withheld paths are in the
// table, not drawn.
func (b *dashBuilder) sankey() *dashChart {
	t := b.tables[qRoutes]
	c := b.chart("sankey", "dashboard.sankey.title", "dashboard.sankey.note", t)
	c.Wide, c.Height = true, 440
	spec := &chartSpecJSON{}
	spec.Table.Columns = []string{b.p.T(vrs.DimOrigin.Label()), b.p.T(vrs.DimTransit.Label()), b.p.T(vrs.DimDestination.Label()), b.p.T(t.Query.Measure.Label())}
	var nodes, links []any
	seen := map[string]bool{}
	node := func(code, role string) string {
		label := b.country(code)
		name := b.p.T("dashboard.sankey."+role, label)
		if !seen[name] {
			seen[name] = true
			nodes = append(nodes, map[string]any{"name": name, "label": map[string]any{"formatter": label}})
		}
		return name
	}
	type link struct{ from, to string }
	sums := map[link]float64{}
	var order []link
	add := func(l link, v float64) {
		if _, ok := sums[l]; !ok {
			order = append(order, l)
		}
		sums[l] += v
	}
	drawn := 0
	for _, pth := range b.paths() {
		_, text, shown := b.item(pth.e)
		transit := b.p.T("dashboard.sankey.direct")
		if pth.t != "" {
			transit = b.country(pth.t)
		}
		spec.Table.Rows = append(spec.Table.Rows, []any{b.country(pth.o), transit, b.country(pth.d), text})
		if !shown {
			c.LeftOut = true
			continue
		}
		if drawn == dashMaxPaths {
			continue
		}
		drawn++
		v, _ := pth.e.Shown()
		o, d := node(pth.o, "origin"), node(pth.d, "destination")
		if pth.t == "" {
			add(link{o, d}, v)
			continue
		}
		via := node(pth.t, "transit")
		add(link{o, via}, v)
		add(link{via, d}, v)
	}
	for _, l := range order {
		links = append(links, map[string]any{"source": l.from, "target": l.to, "value": sums[l]})
	}
	spec.Option = map[string]any{
		"color":   pivotColors,
		"tooltip": map[string]any{"trigger": "item"},
		"series": []any{map[string]any{
			"type": "sankey", "left": 16, "right": 160, "top": 16, "bottom": 16,
			"nodeAlign": "justify", "emphasis": map[string]any{"focus": "adjacency"},
			"lineStyle": map[string]any{"color": "gradient", "opacity": 0.35},
			"data":      nodes, "links": links,
		}},
	}
	if len(links) == 0 {
		spec.Option = nil
		c.Empty = b.p.T("dashboard.nothing")
		if len(spec.Table.Rows) > 0 {
			c.Empty = b.p.T("dashboard.all_withheld")
		}
	}
	c.Spec = spec
	return c
}

// flowMap draws the busiest published routes as arrows between the
// countries' centroids (charts.js places them); routes within one
// country, or with an end not recorded, are in the table only.
func (b *dashBuilder) flowMap() *dashChart {
	t := b.tables[qRoutes]
	q := t.Query
	q.Cols = nil
	c := b.chart("flows", "dashboard.flows.title", "dashboard.flows.note", t)
	c.Wide, c.Height, c.Link, c.Renderer = true, 460, pivotLink(q), "canvas"
	spec := &chartSpecJSON{}
	spec.Table.Columns = []string{b.p.T(vrs.DimOrigin.Label()), b.p.T(vrs.DimDestination.Label()), b.p.T(t.Query.Measure.Label())}
	ranked := rank(b.lines(t), 0)
	most := 1.0
	for _, l := range ranked {
		if v, ok := l.e.Shown(); ok {
			most = max(most, v)
		}
	}
	var lines, points []any
	placed := map[string]bool{}
	point := func(code string) {
		if !placed[code] {
			placed[code] = true
			points = append(points, map[string]any{"name": b.country(code), "code": code, "value": 1})
		}
	}
	for _, l := range ranked {
		o, d := l.keys[0], l.keys[1]
		_, text, shown := b.item(l.e)
		spec.Table.Rows = append(spec.Table.Rows, []any{b.country(o), b.country(d), text})
		if !shown {
			c.LeftOut = true
			continue
		}
		v, _ := l.e.Shown()
		if o == "" || d == "" || o == d || len(lines) == dashMaxPaths {
			continue
		}
		lines = append(lines, map[string]any{"from": o, "to": d, "name": l.label + ": " + fmtNum(v), "value": v,
			"lineStyle": map[string]any{"width": 1 + 7*v/most}})
		point(o)
		point(d)
	}
	spec.Option = map[string]any{
		"tooltip": map[string]any{"trigger": "item"},
		"geo": map[string]any{
			"map": "world", "roam": true, "fitData": true,
			"itemStyle": map[string]any{"areaColor": "#eef1f5", "borderColor": "#aab3bf"},
			"emphasis":  map[string]any{"disabled": true},
		},
		"series": []any{
			map[string]any{
				"type": "lines", "coordinateSystem": "geo", "name": b.p.T(t.Query.Measure.Label()),
				"lineStyle": map[string]any{"color": "#b42318", "opacity": 0.7, "curveness": 0.25},
				"symbol":    []string{"none", "arrow"}, "symbolSize": 10,
				"tooltip": map[string]any{"formatter": "{b}"},
				"data":    lines,
			},
			map[string]any{
				"type": "scatter", "coordinateSystem": "geo", "symbolSize": 7, "silent": true,
				"itemStyle": map[string]any{"color": "#0d2a4a"},
				"label":     map[string]any{"show": true, "formatter": "{b}", "position": "right", "fontSize": 11},
				"data":      points,
			},
		},
	}
	if len(lines) == 0 {
		spec.Option = nil
		c.Empty = b.p.T("dashboard.flows.none")
	}
	c.Spec = spec
	return c
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
