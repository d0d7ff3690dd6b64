package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sharingRowRE matches one measured query: name, user, rows, runs, four
// durations and the two shares added.
var sharingRowRE = regexp.MustCompile(`(?m)^(.+?)\s+(bench\.\S+)\s+(\d+)\s+(\d+)\s+([\d.]+ms\s+){4}([+-]\d+%|-)\s+([+-]\d+%|-)$`)

// TestBenchSharing builds a small benchmark store, measures every query as
// every user, and reuses the store on a second run.
func TestBenchSharing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bench")
	args := []string{"bench", "sharing", "--data-dir", dir, "--records", "1500", "--countries", "20", "--agreements", "40", "--runs", "2"}
	r := vrsRun(t, "", args...)
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rows := sharingRowRE.FindAllStringSubmatch(r.stdout, -1)
	if len(rows) != 4*6 {
		t.Fatalf("%d measured rows, want 24:\n%s", len(rows), r.stdout)
	}
	seen := map[string]int{}
	for _, row := range rows {
		seen[row[2]]++
		if row[4] != "2" {
			t.Errorf("%s as %s: %s runs, want 2", row[1], row[2], row[4])
		}
	}
	for _, u := range shUsers {
		if seen[u] != 6 {
			t.Errorf("%s: %d queries, want 6:\n%s", u, seen[u], r.stdout)
		}
	}
	for _, want := range []string{"1500 incidents of 20 countries, 40 agreements in force, 5 groups in the sqlite store",
		"bench.many: TH, 13 agreements in force.", "bench.few: LK, 3 agreements in force.", "Load average: ", "GOMAXPROCS"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "built in") {
		t.Errorf("first run did not build:\n%s", r.stderr)
	}

	// Second run: the store is reused as it is, whatever the build flags.
	args[5] = "999"
	r = vrsRun(t, "", args...)
	if r.code != 0 || !strings.Contains(r.stderr, "reusing the store") || !strings.Contains(r.stdout, "1500 incidents of 20 countries") {
		t.Errorf("second run: exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestBenchSharingUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "sharing", "--runs", "0"},
		{"bench", "sharing", "--records", "0"},
		{"bench", "sharing", "--countries", "1"},
		{"bench", "sharing", "--agreements", "-1"},
		{"bench", "sharing", "extra"},
	} {
		r := vrsRun(t, "", args...)
		if r.code != 2 || r.stdout != "" {
			t.Errorf("vrs %s: exit %d, want 2; stdout %q stderr %q", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
}
