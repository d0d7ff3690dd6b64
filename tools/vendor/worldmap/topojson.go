package main

import (
	"encoding/json"
	"fmt"
)

// topology is the part of a TopoJSON document this tool reads: one
// GeometryCollection of Polygons and MultiPolygons over quantised,
// delta-encoded arcs (https://github.com/topojson/topojson-specification).
type topology struct {
	Type      string                     `json:"type"`
	Transform *transform                 `json:"transform"`
	Arcs      [][][2]float64             `json:"arcs"`
	Objects   map[string]json.RawMessage `json:"objects"`
}

type transform struct {
	Scale     [2]float64 `json:"scale"`
	Translate [2]float64 `json:"translate"`
}

type topoGeometry struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Properties map[string]string `json:"properties"`
	Arcs       json.RawMessage   `json:"arcs"`
}

type topoCollection struct {
	Type       string         `json:"type"`
	Geometries []topoGeometry `json:"geometries"`
}

// ring is a closed sequence of [lon, lat] points; polygon is an outer ring
// followed by its holes.
type (
	ring    [][2]float64
	polygon []ring
)

// shape is one decoded feature of the topology.
type shape struct {
	ID, Name string
	Polygons []polygon
}

// decodeTopology returns the shapes of the named object.
func decodeTopology(data []byte, object string) ([]shape, error) {
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, err
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("type %q is not Topology", t.Type)
	}
	raw, ok := t.Objects[object]
	if !ok {
		return nil, fmt.Errorf("no object %q", object)
	}
	var coll topoCollection
	if err := json.Unmarshal(raw, &coll); err != nil {
		return nil, fmt.Errorf("object %q: %w", object, err)
	}
	arcs := absoluteArcs(t.Arcs, t.Transform)
	var out []shape
	for i, g := range coll.Geometries {
		s := shape{ID: g.ID, Name: g.Properties["name"]}
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return nil, fmt.Errorf("geometry %d: %w", i, err)
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return nil, fmt.Errorf("geometry %d: %w", i, err)
			}
		case "", "null":
			continue // a feature without geometry draws nothing
		default:
			return nil, fmt.Errorf("geometry %d: type %q is not a polygon", i, g.Type)
		}
		for _, p := range polys {
			if len(p) == 0 {
				return nil, fmt.Errorf("geometry %d (%s): polygon without rings", i, s.Name)
			}
			var poly polygon
			for _, r := range p {
				rg, err := stitch(arcs, r)
				if err != nil {
					return nil, fmt.Errorf("geometry %d (%s): %w", i, s.Name, err)
				}
				poly = append(poly, rg)
			}
			s.Polygons = append(s.Polygons, poly)
		}
		out = append(out, s)
	}
	return out, nil
}

// absoluteArcs undoes quantisation: with a transform, each arc's first
// position is absolute in quantised units and the rest are deltas.
func absoluteArcs(arcs [][][2]float64, tr *transform) [][][2]float64 {
	out := make([][][2]float64, len(arcs))
	for i, arc := range arcs {
		pts := make([][2]float64, len(arc))
		var x, y float64
		for j, p := range arc {
			if tr == nil {
				pts[j] = p
				continue
			}
			x += p[0]
			y += p[1]
			pts[j] = [2]float64{x*tr.Scale[0] + tr.Translate[0], y*tr.Scale[1] + tr.Translate[1]}
		}
		out[i] = pts
	}
	return out
}

// stitch joins a ring's arcs; index ^i (that is -i-1) is arc i reversed.
// Consecutive arcs share their joining point, which is kept once.
func stitch(arcs [][][2]float64, idx []int) (ring, error) {
	var r ring
	for k, a := range idx {
		rev := a < 0
		if rev {
			a = ^a
		}
		if a >= len(arcs) {
			return nil, fmt.Errorf("arc %d out of range", a)
		}
		pts := arcs[a]
		for j := range pts {
			p := pts[j]
			if rev {
				p = pts[len(pts)-1-j]
			}
			if k > 0 && j == 0 {
				continue
			}
			r = append(r, p)
		}
	}
	if len(r) < 4 {
		return nil, fmt.Errorf("ring of %d points", len(r))
	}
	return r, nil
}
