package main

import "math"

// roundRing rounds a ring to the given number of decimals and drops the
// points that rounding made repeat. It returns nil when fewer than four
// points (a closed triangle) remain.
func roundRing(r ring, decimals int) ring {
	f := math.Pow(10, float64(decimals))
	var out ring
	for _, p := range r {
		q := [2]float64{math.Round(p[0]*f) / f, math.Round(p[1]*f) / f}
		if n := len(out); n > 0 && out[n-1] == q {
			continue
		}
		out = append(out, q)
	}
	if len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	if len(out) < 4 {
		return nil
	}
	return out
}

// signedArea is the shoelace area in square degrees (positive when
// counter-clockwise); planar is precise enough to compare parts of one
// country.
func signedArea(r ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

func polygonArea(p polygon) float64 {
	if len(p) == 0 {
		return 0
	}
	a := math.Abs(signedArea(p[0]))
	for _, h := range p[1:] {
		a -= math.Abs(signedArea(h))
	}
	return a
}

// ringCentroid is the area centroid of a simple ring.
func ringCentroid(r ring) (x, y float64) {
	a := signedArea(r)
	if a == 0 {
		return r[0][0], r[0][1]
	}
	for i := 0; i+1 < len(r); i++ {
		c := r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
		x += (r[i][0] + r[i+1][0]) * c
		y += (r[i][1] + r[i+1][1]) * c
	}
	return x / (6 * a), y / (6 * a)
}

// inside tests a point against a polygon with holes (even-odd rule).
func inside(p polygon, x, y float64) bool {
	in := false
	for _, r := range p {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			xi, yi, xj, yj := r[i][0], r[i][1], r[j][0], r[j][1]
			if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				in = !in
			}
		}
	}
	return in
}

// edgeDistance is the distance from a point to the polygon's nearest edge.
func edgeDistance(p polygon, x, y float64) float64 {
	best := math.Inf(1)
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			best = math.Min(best, segDist(x, y, r[i][0], r[i][1], r[i+1][0], r[i+1][1]))
		}
	}
	return best
}

func segDist(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l))
	}
	return math.Hypot(px-(ax+t*dx), py-(ay+t*dy))
}

// anchor picks the point a flow line should start or end at: the area
// centroid of the country's largest part (or of the part holding hint), so that France is not pulled
// towards French Guiana nor the United States towards Alaska. A centroid
// that falls outside that part (a crescent such as Viet Nam's) or hugs its
// coast is replaced by the interior point farthest from any edge, found by
// a grid search refined around the best cell.
func anchor(polys []polygon, hint *[2]float64) [2]float64 {
	var main polygon
	var mainArea float64
	for _, p := range polys {
		if hint != nil && inside(p, hint[0], hint[1]) {
			main = p
			break
		}
		if a := polygonArea(p); a > mainArea || main == nil {
			main, mainArea = p, a
		}
	}
	cx, cy := ringCentroid(main[0])
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range main[0] {
		minX, maxX = math.Min(minX, q[0]), math.Max(maxX, q[0])
		minY, maxY = math.Min(minY, q[1]), math.Max(maxY, q[1])
	}
	span := math.Max(maxX-minX, maxY-minY)
	if inside(main, cx, cy) && edgeDistance(main, cx, cy) >= span/20 {
		return [2]float64{cx, cy}
	}
	bx, by, bd := cx, cy, -1.0
	const n = 24
	stepX, stepY := (maxX-minX)/n, (maxY-minY)/n
	x0, y0 := minX, minY
	for pass := 0; pass < 4; pass++ {
		for i := 0; i <= n; i++ {
			for j := 0; j <= n; j++ {
				x, y := x0+float64(i)*stepX, y0+float64(j)*stepY
				if !inside(main, x, y) {
					continue
				}
				if d := edgeDistance(main, x, y); d > bd {
					bx, by, bd = x, y, d
				}
			}
		}
		x0, y0 = bx-stepX, by-stepY
		stepX, stepY = 2*stepX/n, 2*stepY/n
	}
	return [2]float64{bx, by}
}

// splitAntimeridian cuts a polygon that crosses the antimeridian (Russia's
// Chukotka, Fiji: Natural Earth rings jump from 180 to -180 there) into one
// polygon per side. Drawn flat, the jump would be a line across the world.
// The rings are unwrapped into continuous longitudes, clipped to each
// 360-degree band and shifted back.
func splitAntimeridian(p polygon) []polygon {
	crosses := false
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			if math.Abs(r[i+1][0]-r[i][0]) > 180 {
				crosses = true
			}
		}
	}
	if !crosses {
		return []polygon{p}
	}
	unwrapped := make(polygon, len(p))
	for k, r := range p {
		u := make(ring, len(r))
		shift := 0.0
		for i, q := range r {
			if i > 0 {
				if d := q[0] - r[i-1][0]; d > 180 {
					shift -= 360
				} else if d < -180 {
					shift += 360
				}
			}
			u[i] = [2]float64{q[0] + shift, q[1]}
		}
		unwrapped[k] = u
	}
	var out []polygon
	for _, lo := range []float64{-540, -180, 180} {
		var part polygon
		for k, r := range unwrapped {
			c := clipX(clipX(r, lo, true), lo+360, false)
			if len(c) < 4 || signedArea(c) == 0 {
				if k == 0 {
					break // no outer ring on this side: its holes go too
				}
				continue
			}
			for i := range c {
				c[i][0] -= lo + 180
			}
			part = append(part, c)
		}
		if len(part) > 0 {
			out = append(out, part)
		}
	}
	return out
}

// clipX keeps the part of a closed ring with x >= at (keepAbove) or x <= at
// (Sutherland-Hodgman against one vertical line).
func clipX(r ring, at float64, keepAbove bool) ring {
	in := func(q [2]float64) bool {
		if keepAbove {
			return q[0] >= at
		}
		return q[0] <= at
	}
	var out ring
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if in(a) {
			out = append(out, a)
		}
		if in(a) != in(b) {
			t := (at - a[0]) / (b[0] - a[0])
			out = append(out, [2]float64{at, a[1] + t*(b[1]-a[1])})
		}
	}
	if len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}
