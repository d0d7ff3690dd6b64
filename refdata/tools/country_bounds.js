#!/usr/bin/env node
// country_bounds.js computes a bounding box per country from Natural Earth
// shapes, as packaged in the npm package world-atlas (TopoJSON, feature ids
// = ISO 3166-1 numeric codes), and writes refdata/country_bounds.csv:
//
//   alpha2,min_lat,min_lon,max_lat,max_lon
//
// A box that crosses the antimeridian has min_lon > max_lon: it runs east
// from min_lon to 180 and on from -180 to max_lon.
//
// Usage (from refdata/):
//   (cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
//   node tools/country_bounds.js /tmp/package/countries-10m.json countries.csv > country_bounds.csv
//
// No dependencies: the TopoJSON arcs are decoded here.
"use strict";
const fs = require("fs");

const [topoPath, countriesPath] = process.argv.slice(2);
if (!topoPath || !countriesPath) {
  console.error("usage: node country_bounds.js countries-10m.json countries.csv");
  process.exit(2);
}
const topo = JSON.parse(fs.readFileSync(topoPath, "utf8"));

// Decode every arc to absolute [lon, lat] points (delta-encoded, quantized).
const [sx, sy] = topo.transform.scale;
const [tx, ty] = topo.transform.translate;
const arcs = topo.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => {
    x += dx;
    y += dy;
    return [x * sx + tx, y * sy + ty];
  });
});

// Collect the arcs of each country, merging features that share an id.
const arcsByID = new Map();
for (const g of topo.objects.countries.geometries) {
  if (g.id === undefined) continue; // disputed areas without an ISO code
  const rings = g.type === "Polygon" ? g.arcs : g.type === "MultiPolygon" ? g.arcs.flat() : [];
  const set = arcsByID.get(g.id) || new Set();
  for (const ring of rings) for (const i of ring) set.add(i < 0 ? ~i : i);
  arcsByID.set(g.id, set);
}

// bounds returns [minLat, minLon, maxLat, maxLon] for a set of arcs. The
// longitude range is the smallest arc of the circle that covers every edge:
// the complement of the largest gap between the edges' longitude intervals.
// An edge spanning more than 180° of longitude is taken the short way, across
// the antimeridian (the quantized shapes have a few, between 179.9° and -180°).
function bounds(arcIDs) {
  let minLat = Infinity, maxLat = -Infinity;
  const iv = [];
  for (const id of arcIDs) {
    const pts = arcs[id];
    for (let k = 0; k < pts.length; k++) {
      const [lon, lat] = pts[k];
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
      const prev = k > 0 ? pts[k - 1][0] : lon;
      const lo = Math.min(prev, lon), hi = Math.max(prev, lon);
      if (hi - lo > 180) {
        // The short way round: this edge crosses the antimeridian.
        iv.push([hi, 180], [-180, lo]);
      } else {
        iv.push([lo, hi]);
      }
    }
  }
  iv.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const [a, b] of iv) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  // Wrap gap: from the last interval's end east across 180° to the first start.
  let gap = merged[0][0] + 360 - merged[merged.length - 1][1];
  let west = merged[0][0], east = merged[merged.length - 1][1];
  for (let k = 1; k < merged.length; k++) {
    const g = merged[k][0] - merged[k - 1][1];
    if (g > gap) {
      gap = g;
      west = merged[k][0];
      east = merged[k - 1][1];
    }
  }
  return [minLat, west, maxLat, east];
}

const down = (v) => (Math.floor(v * 1e4) / 1e4).toFixed(4);
const up = (v) => (Math.ceil(v * 1e4) / 1e4).toFixed(4);
const clampLon = (v) => Math.max(-180, Math.min(180, v));

const lines = fs.readFileSync(countriesPath, "utf8").trim().split("\n");
const header = lines.shift().split(",");
const a2 = header.indexOf("alpha2"), num = header.indexOf("numeric");
const rows = [];
for (const line of lines) {
  const f = line.split(","); // alpha2 and numeric come before any quoted name
  const set = arcsByID.get(f[num]);
  if (!set || set.size === 0) continue;
  const [minLat, minLon, maxLat, maxLon] = bounds(set);
  rows.push([f[a2], down(minLat), down(clampLon(minLon)), up(maxLat), up(clampLon(maxLon))].join(","));
}
rows.sort();
process.stdout.write("alpha2,min_lat,min_lon,max_lat,max_lon\n" + rows.join("\n") + "\n");
