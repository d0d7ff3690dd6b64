package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vrs/storetest"
)

// benchChildEnv carries the arguments of the vrs command that the test
// binary runs as a child of bench import (TestBenchImportChild).
const benchChildEnv = "VRS_TEST_BENCH_IMPORT_CHILD"

func TestBenchImportChild(t *testing.T) {
	args := os.Getenv(benchChildEnv)
	if args == "" {
		t.Skip("runs only as a child of TestBenchImport")
	}
	var words []string
	if err := json.Unmarshal([]byte(args), &words); err != nil {
		t.Fatal(err)
	}
	os.Exit(run(context.Background(), words, strings.NewReader(""), os.Stdout, os.Stderr))
}

// testBenchChild runs a child of bench import as this test binary.
func testBenchChild(ctx context.Context, args []string) (*exec.Cmd, error) {
	b, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBenchImportChild$")
	cmd.Env = append(os.Environ(), benchChildEnv+"="+string(b))
	return cmd, nil
}

// TestBenchImport runs the benchmark on a few hundred rows on every
// store: each step must read every row, the commit create every
// incident, the second commit leave them all unchanged.
func TestBenchImport(t *testing.T) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Skip("no sqlite3 command")
	}
	old := benchImportChild
	t.Cleanup(func() { benchImportChild = old })
	benchImportChild = testBenchChild
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"bench", "import", "--rows", "301", "--persons-per-incident", "3", "--data-dir", dir,
				"--cpuprofile", filepath.Join(dir, "prof")}
			if dialect == "postgres" {
				args = append(args, "--db", os.Getenv(storetest.PostgresEnv))
			}
			out := must(t, "", args...)
			for _, want := range []*regexp.Regexp{
				regexp.MustCompile(`File: .*bench-import\.csv, 301 rows`),
				regexp.MustCompile(`(?m)^dry +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9.]+ +[0-9]+ MB +101 +0 `),
				regexp.MustCompile(`(?m)^commit( +[0-9.]+){2} +[0-9]+ +[0-9.]+ +[1-9][0-9]* MB +101 +0 `),
				regexp.MustCompile(`(?m)^again( +[0-9.]+){2} +[0-9]+ +[0-9.]+ +[1-9][0-9]* MB +0 +101 `),
				regexp.MustCompile(`(?m)^raw( +[0-9.]+){2} `),
				regexp.MustCompile(`commit into ` + dialect),
			} {
				if !want.MatchString(out) {
					t.Errorf("output lacks %s:\n%s", want, out)
				}
			}
			for _, step := range []string{"dry", "commit", "again"} {
				if fi, err := os.Stat(filepath.Join(dir, "prof-"+step+".pprof")); err != nil || fi.Size() == 0 {
					t.Errorf("no CPU profile of %s: %v", step, err)
				}
			}
		})
	}
}

// TestBenchImportSteps: --steps runs only the steps named, and a step
// over --step-timeout is stopped and reported, not failed.
func TestBenchImportSteps(t *testing.T) {
	old := benchImportChild
	t.Cleanup(func() { benchImportChild = old })
	benchImportChild = testBenchChild
	t.Run("DryOnly", func(t *testing.T) {
		out := must(t, "", "bench", "import", "--rows", "40", "--steps", "dry", "--data-dir", t.TempDir())
		if !regexp.MustCompile(`(?m)^dry +[0-9.]+ `).MatchString(out) || strings.Contains(out, "commit") || strings.Contains(out, "\nraw") {
			t.Errorf("output:\n%s", out)
		}
	})
	t.Run("TimedOut", func(t *testing.T) {
		out := must(t, "", "bench", "import", "--rows", "40", "--steps", "commit,again", "--step-timeout", "1ns", "--data-dir", t.TempDir())
		if !regexp.MustCompile(`(?m)^commit +>0 \(stopped at 0 rows\)`).MatchString(out) || !strings.Contains(out, "MISSED (did not finish)") ||
			strings.Contains(out, "\nagain") {
			t.Errorf("output:\n%s", out)
		}
	})
	for _, tc := range []struct{ name, steps string }{
		{"AgainAlone", "again"},
		{"Unknown", "dry,load"},
		{"None", ","},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := vrsRun(t, "", "bench", "import", "--steps", tc.steps); r.code != 2 || !strings.Contains(r.stderr, "--steps") {
				t.Errorf("exit %d, stderr %q; want 2 and a --steps message", r.code, r.stderr)
			}
		})
	}
}

// TestBenchImportFile: the generated file is the same for the same seed,
// and differs for another.
func TestBenchImportFile(t *testing.T) {
	dir := t.TempDir()
	read := func(name string, seed int64) string {
		p := filepath.Join(dir, name)
		if err := writeBenchImportFile(p, 50, 4, seed); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a, b, c := read("a.csv", 1), read("b.csv", 1), read("c.csv", 2)
	if a != b {
		t.Error("the same seed gave two files")
	}
	if a == c {
		t.Error("two seeds gave the same file")
	}
	if n, err := countCSVRows(filepath.Join(dir, "a.csv")); err != nil || n != 50 {
		t.Errorf("countCSVRows = %d, %v; want 50", n, err)
	}
	lines := strings.Split(strings.TrimSpace(a), "\n")
	if lines[0] != strings.Join(benchImportHeader, ",") || !strings.HasPrefix(lines[4], "BI-00000000,") || !strings.HasPrefix(lines[5], "BI-00000001,") {
		t.Errorf("layout:\n%s", strings.Join(lines[:6], "\n"))
	}
}
