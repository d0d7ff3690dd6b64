package web

import "fmt"

// chartColors follow app.css: the brand blue first.
var chartColors = []string{"#0b5cad", "#e07b00", "#2a9d8f", "#b42318", "#7b61ff", "#5b6675"}

// demoCharts are the five kinds of chart the dashboards need, with the
// small option each needs and a data table like the pages will give.
func demoCharts() []testChart {
	grid := map[string]any{"left": 56, "right": 24, "top": 40, "bottom": 40, "containLabel": true}
	nats := []string{"Myanmar", "Cambodia", "Lao People's Democratic Republic", "Viet Nam", "Bangladesh", "Indonesia"}
	persons := []int{412, 236, 97, 88, 51, 34}
	var natRows [][]any
	for i := range nats {
		natRows = append(natRows, []any{nats[i], persons[i]})
	}
	bar := testChart{ID: "bar", Title: "Persons by nationality", Spec: chartSpec{
		Option: map[string]any{
			"color":   chartColors,
			"grid":    grid,
			"tooltip": map[string]any{"trigger": "axis"},
			"xAxis":   map[string]any{"type": "value"},
			"yAxis":   map[string]any{"type": "category", "data": nats, "inverse": true, "axisLabel": map[string]any{"width": 120, "overflow": "truncate"}},
			"series":  []any{map[string]any{"type": "bar", "name": "Persons", "data": persons}},
		},
		Table: chartTable{Columns: []string{"Nationality", "Persons"}, Rows: natRows},
	}}

	var months []string
	var incidents, victims []int
	var lineRows [][]any
	for i := range 24 {
		m := fmt.Sprintf("%d-%02d", 2024+i/12, i%12+1)
		inc := 40 + 15*((i+3)%12)/4 + i
		vic := inc/3 + i%5
		months = append(months, m)
		incidents = append(incidents, inc)
		victims = append(victims, vic)
		lineRows = append(lineRows, []any{m, inc, vic})
	}
	line := testChart{ID: "line", Title: "Incidents by month", Spec: chartSpec{
		Option: map[string]any{
			"color":   chartColors,
			"grid":    grid,
			"tooltip": map[string]any{"trigger": "axis"},
			"legend":  map[string]any{"top": 0},
			"xAxis":   map[string]any{"type": "category", "data": months, "boundaryGap": false},
			"yAxis":   map[string]any{"type": "value"},
			"series": []any{
				map[string]any{"type": "line", "name": "Incidents", "data": incidents, "smooth": true},
				map[string]any{"type": "line", "name": "Victims", "data": victims, "smooth": true},
			},
		},
		Table: chartTable{Columns: []string{"Month", "Incidents", "Victims"}, Rows: lineRows},
	}}

	byCountry := []struct {
		code, name string
		n          int
	}{{"TH", "Thailand", 530}, {"VN", "Viet Nam", 210}, {"MM", "Myanmar", 380}, {"KH", "Cambodia", 145}}
	var mapData []any
	var mapRows [][]any
	for _, c := range byCountry {
		mapData = append(mapData, map[string]any{"name": c.code, "value": c.n})
		mapRows = append(mapRows, []any{c.name, c.n})
	}
	choropleth := testChart{ID: "choropleth", Title: "Incidents by reporting country", Wide: true, Height: 480, Spec: chartSpec{
		Option: map[string]any{
			"tooltip": map[string]any{"trigger": "item"},
			"visualMap": map[string]any{
				"min": 0, "max": 600, "left": 16, "bottom": 16, "calculable": true,
				"inRange": map[string]any{"color": []string{"#dbe9f6", "#0b5cad"}},
			},
			"series": []any{map[string]any{
				"type": "map", "map": "world", "name": "Incidents", "roam": true,
				"itemStyle":    map[string]any{"areaColor": "#eef1f5", "borderColor": "#aab3bf", "borderWidth": 0.5},
				"emphasis":     map[string]any{"label": map[string]any{"show": false}, "itemStyle": map[string]any{"areaColor": "#e07b00"}},
				"selectedMode": false,
				"data":         mapData,
			}},
		},
		Table: chartTable{Columns: []string{"Country", "Incidents"}, Rows: mapRows},
	}}

	type flow struct {
		from, via, to string
		n             int
	}
	routes := []flow{
		{"Myanmar", "Thailand", "Malaysia", 120},
		{"Cambodia", "Thailand", "Malaysia", 60},
		{"Myanmar", "Thailand", "Thailand", 200},
		{"Bangladesh", "Myanmar", "Malaysia", 45},
		{"Viet Nam", "Cambodia", "Thailand", 40},
		{"Lao People's Democratic Republic", "Thailand", "Thailand", 70},
	}
	// Sankey nodes must be unique, and a country may be both transit and
	// destination: the role is part of the node's name.
	nodes := map[string]bool{}
	var nodeList []any
	node := func(name, role string) string {
		id := name + " (" + role + ")"
		if !nodes[id] {
			nodes[id] = true
			nodeList = append(nodeList, map[string]any{"name": id})
		}
		return id
	}
	links := map[[2]string]int{}
	var flowRows [][]any
	for _, r := range routes {
		o, v, d := node(r.from, "origin"), node(r.via, "transit"), node(r.to, "destination")
		links[[2]string{o, v}] += r.n
		links[[2]string{v, d}] += r.n
		flowRows = append(flowRows, []any{r.from, r.via, r.to, r.n})
	}
	var linkList []any
	for _, r := range routes { // in route order, so the option is stable
		o, v, d := r.from+" (origin)", r.via+" (transit)", r.to+" (destination)"
		for _, k := range [][2]string{{o, v}, {v, d}} {
			if n, ok := links[k]; ok {
				linkList = append(linkList, map[string]any{"source": k[0], "target": k[1], "value": n})
				delete(links, k)
			}
		}
	}
	sankey := testChart{ID: "sankey", Title: "Routes: origin, transit, destination", Wide: true, Spec: chartSpec{
		Option: map[string]any{
			"color":   chartColors,
			"tooltip": map[string]any{"trigger": "item"},
			"series": []any{map[string]any{
				"type": "sankey", "left": 16, "right": 180, "top": 16, "bottom": 16,
				"nodeAlign": "justify", "emphasis": map[string]any{"focus": "adjacency"},
				"lineStyle": map[string]any{"color": "gradient", "opacity": 0.35},
				"data":      nodeList, "links": linkList,
			}},
		},
		Table: chartTable{Columns: []string{"Origin", "Transit", "Destination", "Persons"}, Rows: flowRows},
	}}

	codes := map[string]string{"Myanmar": "MM", "Thailand": "TH", "Malaysia": "MY", "Cambodia": "KH", "Bangladesh": "BD", "Viet Nam": "VN", "Lao People's Democratic Republic": "LA"}
	var lines []any
	legs := map[[2]string]int{}
	var legOrder [][2]string
	for _, r := range routes {
		for _, leg := range [][2]string{{r.from, r.via}, {r.via, r.to}} {
			if leg[0] == leg[1] {
				continue
			}
			if _, ok := legs[leg]; !ok {
				legOrder = append(legOrder, leg)
			}
			legs[leg] += r.n
		}
	}
	var flowMapRows [][]any
	for _, leg := range legOrder {
		n := legs[leg]
		lines = append(lines, map[string]any{"from": codes[leg[0]], "to": codes[leg[1]], "value": n,
			"lineStyle": map[string]any{"width": 1 + n/40}})
		flowMapRows = append(flowMapRows, []any{leg[0], leg[1], n})
	}
	var points []any
	for name, code := range codes {
		points = append(points, map[string]any{"name": name, "code": code, "value": 1})
	}
	flows := testChart{ID: "flows", Title: "Route legs", Wide: true, Height: 480, Spec: chartSpec{
		Option: map[string]any{
			"tooltip": map[string]any{"trigger": "item"},
			"geo": map[string]any{
				"map": "world", "roam": true, "boundingCoords": [][2]float64{{84, 30}, {112, 0}},
				"itemStyle": map[string]any{"areaColor": "#eef1f5", "borderColor": "#aab3bf"},
				"emphasis":  map[string]any{"disabled": true},
			},
			"series": []any{
				map[string]any{
					"type": "lines", "coordinateSystem": "geo", "name": "Persons",
					"lineStyle": map[string]any{"color": "#b42318", "opacity": 0.7, "curveness": 0.25},
					"symbol":    []string{"none", "arrow"}, "symbolSize": 10,
					"data": lines,
				},
				map[string]any{
					"type": "scatter", "coordinateSystem": "geo", "symbolSize": 7,
					"itemStyle": map[string]any{"color": "#0d2a4a"},
					"label":     map[string]any{"show": true, "formatter": "{b}", "position": "right", "fontSize": 11},
					"data":      points,
				},
			},
		},
		Table: chartTable{Columns: []string{"From", "To", "Persons"}, Rows: flowMapRows},
	}}
	return []testChart{bar, line, choropleth, sankey, flows}
}
