package main

import (
	"strconv"
	"strings"
	"testing"
)

// table splits a command's table output into its header and first row,
// keyed by column name.
func table(t *testing.T, out string) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a header and one row, got:\n%s", out)
	}
	head := strings.Fields(lines[0])
	row := strings.Fields(lines[1])
	// The CPU model, last, may hold spaces.
	if len(row) < len(head) {
		t.Fatalf("row has %d fields for %d columns:\n%s", len(row), len(head), out)
	}
	cols := map[string]string{}
	for i, h := range head {
		cols[h] = row[i]
	}
	cols[head[len(head)-1]] = strings.Join(row[len(head)-1:], " ")
	return cols
}

func TestBenchAPI(t *testing.T) {
	out := must(t, "", "bench", "api", "--duration", "300ms", "--concurrency", "4")
	cols := table(t, out)
	for _, h := range []string{"STORE", "CONCURRENCY", "DURATION", "REQUESTS", "ERRORS", "REQ/S", "P50", "P90", "P99", "MAX", "CPUS", "GOMAXPROCS", "GO", "CPU"} {
		if cols[h] == "" {
			t.Errorf("no column %s:\n%s", h, out)
		}
	}
	if cols["STORE"] != "sqlite" || cols["CONCURRENCY"] != "4" || cols["ERRORS"] != "0" {
		t.Errorf("store %q, concurrency %q, errors %q:\n%s", cols["STORE"], cols["CONCURRENCY"], cols["ERRORS"], out)
	}
	if rps, err := strconv.ParseFloat(cols["REQ/S"], 64); err != nil || rps <= 0 {
		t.Errorf("req/s %q is not positive:\n%s", cols["REQ/S"], out)
	}
	if n, err := strconv.Atoi(cols["REQUESTS"]); err != nil || n <= 0 {
		t.Errorf("requests %q:\n%s", cols["REQUESTS"], out)
	}
}

func TestBenchReady(t *testing.T) {
	out := must(t, "", "bench", "ready", "--runs", "2")
	cols := table(t, out)
	if cols["RUNS"] != "2" {
		t.Errorf("runs %q:\n%s", cols["RUNS"], out)
	}
	for _, h := range []string{"MIN", "MEDIAN", "MAX"} {
		v, err := strconv.ParseFloat(strings.TrimSuffix(cols[h], "ms"), 64)
		if err != nil || v <= 0 {
			t.Errorf("%s %q:\n%s", h, cols[h], out)
		}
	}
}

func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "api", "--bogus"},
		{"bench", "api", "--concurrency", "0"},
		{"bench", "api", "--duration", "-1s"},
		{"bench", "ready", "--runs", "0"},
		{"bench", "ready", "extra"},
		{"bench"},
	} {
		r := vrsRun(t, "", args...)
		if r.code != 2 || r.stdout != "" {
			t.Errorf("vrs %s: exit %d, want 2; stdout %q stderr %q", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
}
