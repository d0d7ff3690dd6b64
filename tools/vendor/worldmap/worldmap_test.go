package main

import (
	"math"
	"strings"
	"testing"
)

// A 2×2 square split into two triangles by a shared diagonal arc, quantised
// with scale 1 and translate (10, 20): the second triangle uses the
// diagonal reversed (^0 = -1).
const twoTriangles = `{"type":"Topology",
 "transform":{"scale":[1,1],"translate":[10,20]},
 "arcs":[[[0,0],[2,2]], [[2,2],[-2,0],[0,-2]], [[0,0],[2,0],[0,2]]],
 "objects":{"countries":{"type":"GeometryCollection","geometries":[
  {"type":"Polygon","id":"704","properties":{"name":"A"},"arcs":[[0,1]]},
  {"type":"MultiPolygon","properties":{"name":"B"},"arcs":[[[2,-1]]]},
  {"type":null,"properties":{"name":"empty"}}
 ]}}}`

func TestDecodeTopology(t *testing.T) {
	shapes, err := decodeTopology([]byte(twoTriangles), "countries")
	if err != nil {
		t.Fatal(err)
	}
	if len(shapes) != 2 {
		t.Fatalf("got %d shapes, want 2 (the null geometry skipped)", len(shapes))
	}
	want := map[string]ring{
		"A": {{10, 20}, {12, 22}, {10, 22}, {10, 20}},
		"B": {{10, 20}, {12, 20}, {12, 22}, {10, 20}},
	}
	for _, s := range shapes {
		t.Run(s.Name, func(t *testing.T) {
			if len(s.Polygons) != 1 || len(s.Polygons[0]) != 1 {
				t.Fatalf("polygons %v", s.Polygons)
			}
			got := s.Polygons[0][0]
			if len(got) != len(want[s.Name]) {
				t.Fatalf("ring %v, want %v", got, want[s.Name])
			}
			for i := range got {
				if got[i] != want[s.Name][i] {
					t.Fatalf("ring %v, want %v", got, want[s.Name])
				}
			}
			if a := polygonArea(s.Polygons[0]); a != 2 {
				t.Errorf("area %v, want 2", a)
			}
		})
	}
}

func TestDecodeTopologyErrors(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"NotTopology": {`{"type":"FeatureCollection"}`, "not Topology"},
		"NoObject":    {`{"type":"Topology","objects":{}}`, `no object "countries"`},
		"ArcRange":    {`{"type":"Topology","arcs":[],"objects":{"countries":{"geometries":[{"type":"Polygon","arcs":[[3]]}]}}}`, "out of range"},
		"NoRings":     {`{"type":"Topology","arcs":[],"objects":{"countries":{"geometries":[{"type":"Polygon","arcs":[]}]}}}`, "without rings"},
		"EmptyRing":   {`{"type":"Topology","arcs":[],"objects":{"countries":{"geometries":[{"type":"Polygon","arcs":[[]]}]}}}`, "ring of 0 points"},
		"Point":       {`{"type":"Topology","arcs":[],"objects":{"countries":{"geometries":[{"type":"Point"}]}}}`, "not a polygon"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := decodeTopology([]byte(tc.doc), "countries")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}

func TestAnchor(t *testing.T) {
	square := func(x, y, s float64) polygon {
		return polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
	}
	// A U shape: its area centroid lies in the notch, outside the shape.
	u := polygon{{{0, 0}, {9, 0}, {9, 9}, {6, 9}, {6, 3}, {3, 3}, {3, 9}, {0, 9}, {0, 0}}}
	for name, tc := range map[string]struct {
		polys []polygon
		hint  *[2]float64
		check func(p [2]float64) bool
	}{
		"LargestPart":   {[]polygon{square(100, 0, 1), square(0, 0, 10)}, nil, func(p [2]float64) bool { return p == [2]float64{5, 5} }},
		"HintedPart":    {[]polygon{square(100, 0, 2), square(0, 0, 10)}, &[2]float64{100.5, 0.5}, func(p [2]float64) bool { return p == [2]float64{101, 1} }},
		"CentroidOut":   {[]polygon{u}, nil, func(p [2]float64) bool { return inside(u, p[0], p[1]) && edgeDistance(u, p[0], p[1]) > 1 }},
		"SinglePolygon": {[]polygon{square(-5, -5, 2)}, nil, func(p [2]float64) bool { return math.Abs(p[0]+4) < 1e-9 && math.Abs(p[1]+4) < 1e-9 }},
	} {
		t.Run(name, func(t *testing.T) {
			if p := anchor(tc.polys, tc.hint); !tc.check(p) {
				t.Errorf("anchor %v", p)
			}
		})
	}
}

func TestSplitAntimeridian(t *testing.T) {
	// An island from 178°E to 178°W, as Natural Earth draws it: the ring
	// jumps from 180 to -180 and back.
	island := polygon{{{178, 0}, {180, 0}, {-180, 0}, {-178, 0}, {-178, 2}, {-180, 2}, {180, 2}, {178, 2}, {178, 0}}}
	parts := splitAntimeridian(island)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2: %v", len(parts), parts)
	}
	var total float64
	for _, p := range parts {
		for _, q := range p[0] {
			if q[0] < -180 || q[0] > 180 {
				t.Errorf("longitude %v outside [-180, 180]", q[0])
			}
		}
		for i := 0; i+1 < len(p[0]); i++ {
			if math.Abs(p[0][i+1][0]-p[0][i][0]) > 180 {
				t.Errorf("part still jumps: %v", p[0])
			}
		}
		total += polygonArea(p)
	}
	if math.Abs(total-8) > 1e-9 {
		t.Errorf("area %v, want 8", total)
	}
	plain := polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}
	if got := splitAntimeridian(plain); len(got) != 1 || len(got[0][0]) != 4 {
		t.Errorf("a polygon that does not cross was changed: %v", got)
	}
}

func TestRoundRing(t *testing.T) {
	tiny := ring{{0.001, 0.001}, {0.002, 0.001}, {0.002, 0.002}, {0.001, 0.001}}
	if r := roundRing(tiny, 2); r != nil {
		t.Errorf("an islet below the precision survived: %v", r)
	}
	if r := roundRing(tiny, 3); len(r) != 4 {
		t.Errorf("at 3 decimals got %v", r)
	}
}

func FuzzDecodeTopology(f *testing.F) {
	f.Add([]byte(twoTriangles))
	f.Fuzz(func(t *testing.T, data []byte) {
		shapes, err := decodeTopology(data, "countries")
		if err != nil {
			return
		}
		for _, s := range shapes {
			for _, p := range s.Polygons {
				if len(p) == 0 || len(p[0]) < 4 {
					t.Fatalf("decoded a degenerate polygon %v", p)
				}
			}
		}
	})
}
