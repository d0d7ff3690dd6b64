// Command worldmap writes web/static/world.json, the world map the charts
// register with ECharts, from the Natural Earth shapes of the npm package
// world-atlas (TopoJSON whose feature ids are ISO 3166-1 numeric codes).
//
// Usage (from the repository root; see web/static/VENDORED.md):
//
//	(cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
//	go run ./tools/vendor/worldmap -base /tmp/package/countries-110m.json \
//	    -fill /tmp/package/countries-50m.json -o web/static/world.json
//
// The 1:110m shapes keep the file small but leave out countries too small
// for that scale (Singapore, Hong Kong, Macao and most Pacific island
// states); -fill adds those from the 1:50m shapes, so that every member of
// the Bali Process can be coloured.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"vrs/refdata"
)

// feature is a GeoJSON Feature as ECharts' registerMap reads it.
type feature struct {
	Type       string     `json:"type"`
	Properties properties `json:"properties"`
	Geometry   geometry   `json:"geometry"`
}

type properties struct {
	Code     string     `json:"code,omitempty"` // ISO 3166-1 alpha-2; none for Kosovo, N. Cyprus, Somaliland
	Name     string     `json:"name"`
	Centroid [2]float64 `json:"centroid"`
}

type geometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

func main() {
	base := flag.String("base", "", "TopoJSON countries file every country is taken from (countries-110m.json)")
	fill := flag.String("fill", "", "finer TopoJSON countries file for the countries -base lacks (countries-50m.json); optional")
	out := flag.String("o", "web/static/world.json", "GeoJSON file to write")
	decimals := flag.Int("decimals", 2, "decimals kept in -base coordinates (-fill shapes keep one more)")
	drop := flag.String("drop", "AQ", "comma-separated alpha-2 codes to leave out (Antarctica only takes room)")
	flag.Parse()
	if *base == "" {
		fmt.Fprintln(os.Stderr, "worldmap: -base is required")
		os.Exit(2)
	}
	if err := run(*base, *fill, *out, *decimals, strings.Split(*drop, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "worldmap:", err)
		os.Exit(1)
	}
}

func run(basePath, fillPath, outPath string, decimals int, drop []string) error {
	shapes, err := readShapes(basePath)
	if err != nil {
		return err
	}
	precision := make([]int, len(shapes))
	for i := range precision {
		precision[i] = decimals
	}
	if fillPath != "" {
		finer, err := readShapes(fillPath)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, s := range shapes {
			have[s.ID] = true
		}
		for _, s := range finer {
			// Shapes without an id in the finer file (Indian Ocean
			// territories, Siachen Glacier) are no country of their own.
			if s.ID != "" && !have[s.ID] {
				shapes = append(shapes, s)
				precision = append(precision, decimals+1)
			}
		}
	}
	var feats []feature
	for i, s := range shapes {
		f, err := toFeature(s, precision[i], drop)
		if err != nil {
			return err
		}
		if f == nil {
			continue
		}
		feats = append(feats, *f)
	}
	// Sorted so that a regeneration from the same input is byte-identical.
	slices.SortFunc(feats, func(a, b feature) int {
		return strings.Compare(a.Properties.Code+"|"+a.Properties.Name, b.Properties.Code+"|"+b.Properties.Name)
	})
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range feats {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	buf.WriteString("\n]}\n")
	return os.WriteFile(outPath, buf.Bytes(), 0o644)
}

func readShapes(path string) ([]shape, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := decodeTopology(data, "countries")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// capitalPart names, for countries whose largest part is not where most
// routes end, a point (the capital) in the part their anchor belongs in.
var capitalPart = map[string][2]float64{
	"MY": {101.69, 3.14},   // Kuala Lumpur, not Borneo
	"ID": {106.85, -6.21},  // Jakarta on Java, not Borneo
	"NZ": {174.78, -41.29}, // Wellington, not the South Island
}

// toFeature names a shape by its ISO code and rounds it. A shape whose
// every part rounds away is kept at a finer precision rather than lost.
func toFeature(s shape, decimals int, drop []string) (*feature, error) {
	p := properties{Name: s.Name}
	if s.ID != "" {
		c, ok := refdata.LookupCountry(s.ID)
		if !ok {
			return nil, fmt.Errorf("%s: numeric code %q is not in refdata", s.Name, s.ID)
		}
		p.Code, p.Name = c.Alpha2, c.Name
	}
	if slices.Contains(drop, p.Code) {
		return nil, nil
	}
	var parts []polygon
	for _, poly := range s.Polygons {
		parts = append(parts, splitAntimeridian(poly)...)
	}
	var hint *[2]float64
	if h, ok := capitalPart[p.Code]; ok {
		hint = &h
	}
	for d := decimals; d <= decimals+3; d++ {
		polys := roundPolygons(parts, d)
		if len(polys) == 0 {
			continue
		}
		a := anchor(parts, hint)
		p.Centroid = [2]float64{round(a[0], 2), round(a[1], 2)}
		g := geometry{Type: "MultiPolygon", Coordinates: polys}
		if len(polys) == 1 {
			g = geometry{Type: "Polygon", Coordinates: polys[0]}
		}
		return &feature{Type: "Feature", Properties: p, Geometry: g}, nil
	}
	return nil, fmt.Errorf("%s: no part survives rounding", s.Name)
}

func roundPolygons(polys []polygon, decimals int) []polygon {
	var out []polygon
	for _, p := range polys {
		outer := roundRing(p[0], decimals)
		if outer == nil {
			continue // an islet smaller than the precision
		}
		q := polygon{outer}
		for _, h := range p[1:] {
			if r := roundRing(h, decimals); r != nil {
				q = append(q, r)
			}
		}
		out = append(out, q)
	}
	return out
}

func round(x float64, decimals int) float64 {
	f := math.Pow(10, float64(decimals))
	return math.Round(x*f) / f
}
