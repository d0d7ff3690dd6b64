package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vrs/internal/loadgen"
)

// analysisRows returns the query table's rows by query name, each split
// into its cells.
func analysisRows(t *testing.T, out string) map[string][]string {
	t.Helper()
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| #") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != len(loadgen.AnalysisColumns) {
			continue // the writes' and the machine's tables
		}
		if _, dup := rows[cells[1]]; dup {
			t.Errorf("query %s printed twice", cells[1])
		}
		rows[cells[1]] = cells
	}
	return rows
}

// checkAnalysisRow checks that a row's figures parse and hang together.
func checkAnalysisRow(t *testing.T, cells []string, runs int, raw bool) {
	t.Helper()
	name := cells[1]
	if n, err := strconv.Atoi(cells[6]); err != nil || n < 0 {
		t.Errorf("%s: cells %q", name, cells[6])
	}
	if v, err := strconv.ParseFloat(cells[7], 64); err != nil || v < 0 {
		t.Errorf("%s: total %q", name, cells[7])
	}
	if cells[8] != strconv.Itoa(runs) {
		t.Errorf("%s: runs %q, want %d", name, cells[8], runs)
	}
	var ms [3]float64
	for i := range ms {
		v, err := strconv.ParseFloat(cells[9+i], 64)
		if err != nil || v <= 0 {
			t.Errorf("%s: %s %q is not a positive number", name, loadgen.AnalysisColumns[9+i], cells[9+i])
		}
		ms[i] = v
	}
	if ms[0] > ms[1] || ms[1] > ms[2] {
		t.Errorf("%s: p50 %v, p95 %v, max %v out of order", name, ms[0], ms[1], ms[2])
	}
	if !raw {
		if cells[12] != "–" || cells[13] != "–" {
			t.Errorf("%s: raw %q and speed-up %q, want both unmeasured", name, cells[12], cells[13])
		}
		return
	}
	if v, err := strconv.ParseFloat(cells[12], 64); err != nil || v <= 0 {
		t.Errorf("%s: raw p50 %q", name, cells[12])
	}
	if v, err := strconv.ParseFloat(strings.TrimSuffix(cells[13], "×"), 64); err != nil || v <= 0 {
		t.Errorf("%s: speed-up %q (a different answer from the raw path is marked ≠)", name, cells[13])
	}
}

var (
	overallRE = regexp.MustCompile(`Overall p95 of (\d+) runs through Stats: ([\d.]+) ms`)
	writeRE   = regexp.MustCompile(`(?m)^\| (CreateIncident, 3 goroutines|BulkCreateIncidents, chunks of \d+) \| (?:kept|off) \| 32 \| (\d+) \| ([\d.]+) \| (\d+) \| (\d+) \| (?:[+-]\d+\.\d%)? \|$`)
)

// TestBenchAnalysis generates a small data set, times every query on it,
// then times some again on the same store.
func TestBenchAnalysis(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bench")
	r := vrsRun(t, "", "bench", "analysis", "--persons", "2000", "--data-dir", dir, "--repeat", "2", "--raw-repeat", "1",
		"--writes", "64", "--write-clients", "3")
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	queries := loadgen.AnalysisQueries(2025, baHomeCountry)
	rows := analysisRows(t, r.stdout)
	if len(rows) != len(queries) {
		t.Errorf("%d query rows, want %d:\n%s", len(rows), len(queries), r.stdout)
	}
	for _, q := range queries {
		cells, ok := rows[q.Name]
		if !ok {
			t.Errorf("no row for %s", q.Name)
			continue
		}
		checkAnalysisRow(t, cells, 2, true)
	}
	// Each user counts something: the national analyst their country's
	// records, the regional analyst the community's, the foreign analyst
	// Thailand's through the agreement.
	for _, name := range []string{"nat-month", "reg-country-year", "for-nationality"} {
		if v, _ := strconv.ParseFloat(rows[name][7], 64); v <= 0 {
			t.Errorf("%s: total %q, want some", name, rows[name][7])
		}
	}
	m := overallRE.FindStringSubmatch(r.stdout)
	if m == nil || m[1] != strconv.Itoa(2*len(queries)) {
		t.Errorf("overall line missing or wrong run count:\n%s", r.stdout)
	} else if v, err := strconv.ParseFloat(m[2], 64); err != nil || v <= 0 {
		t.Errorf("overall p95 %q", m[2])
	}
	if !regexp.MustCompile(`Slowest query at p95: [a-z-]+, [\d.]+ ms\.`).MatchString(r.stdout) {
		t.Errorf("no slowest query:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "different answers") {
		t.Errorf("Stats and StatsRaw disagree:\n%s", r.stdout)
	}
	writes := writeRE.FindAllStringSubmatch(r.stdout, -1)
	if len(writes) != 4 {
		t.Fatalf("want 4 rows of writes of 32 incidents (2 paths, with and without the cube):\n%s", r.stdout)
	}
	for _, w := range writes {
		for _, v := range w[2:] {
			if f, err := strconv.ParseFloat(v, 64); err != nil || f <= 0 {
				t.Errorf("%s: figure %q", w[1], v)
			}
		}
	}
	for _, want := range []string{"persons in 400 incidents (sqlite)", "544 incidents in all (400 of the data set", "per 1,000,000 persons", "| CPUS |", "### Dashboard statistics", "| bench.analysis.national | counted | 6 |", "| bench.analysis.regional | kept (page opened again, no write since) | 6 |"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "generated and stored 400 incidents") {
		t.Errorf("no generation line:\n%s", r.stderr)
	}

	// Again on the same store, two queries, one also through StatsRaw:
	// the writes' drafts are counted by nobody, so the answers stay.
	r2 := vrsRun(t, "", "bench", "analysis", "--data-dir", dir, "--reuse", "--queries", "nat-month,for-nationality",
		"--repeat", "3", "--raw-sample", "1", "--writes", "0")
	if r2.code != 0 {
		t.Fatalf("reuse: exit %d:\n%s\n%s", r2.code, r2.stdout, r2.stderr)
	}
	if !strings.Contains(r2.stderr, "reusing the store's data set") || strings.Contains(r2.stdout, "### Writes") {
		t.Errorf("reuse: not reused, or wrote:\n%s\n%s", r2.stdout, r2.stderr)
	}
	rows2 := analysisRows(t, r2.stdout)
	if len(rows2) != 2 {
		t.Fatalf("reuse: %d rows, want 2:\n%s", len(rows2), r2.stdout)
	}
	checkAnalysisRow(t, rows2["nat-month"], 3, true)
	checkAnalysisRow(t, rows2["for-nationality"], 3, false)
	for _, name := range []string{"nat-month", "for-nationality"} {
		if rows2[name][7] != rows[name][7] || rows2[name][6] != rows[name][6] {
			t.Errorf("%s: cells and total %s, %s after the writes; were %s, %s", name, rows2[name][6], rows2[name][7], rows[name][6], rows[name][7])
		}
	}

	// Without --reuse a store that holds a data set is refused.
	r3 := vrsRun(t, "", "bench", "analysis", "--data-dir", dir, "--writes", "0")
	if r3.code != 1 || !strings.Contains(r3.stderr, "--reuse") {
		t.Errorf("no --reuse: exit %d, want 1 and a hint:\n%s", r3.code, r3.stderr)
	}
}

func TestBenchAnalysisUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--persons", "0"},
		{"--repeat", "0"},
		{"--raw-sample", "-2"},
		{"--raw-repeat", "0"},
		{"--writes", "-1"},
		{"--write-clients", "0"},
		{"--db", "/tmp/x.db"},
		{"--queries", "nope"},
		{"--queries", "1,1"},
		{"extra"},
	} {
		r := vrsRun(t, "", append([]string{"bench", "analysis"}, args...)...)
		if r.code != 2 || r.stdout != "" {
			t.Errorf("vrs bench analysis %s: exit %d, want 2; stdout %q stderr %q", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
}
