package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vrs"
	"vrs/store"
	"vrs/storetest"
)

// childArgsEnv carries the arguments of a vrs command that the test binary
// runs as a child process (TestImportCrashChild), so that the test can
// kill it mid-write.
const childArgsEnv = "VRS_TEST_CHILD_ARGS"

func TestImportCrashChild(t *testing.T) {
	args := os.Getenv(childArgsEnv)
	if args == "" {
		t.Skip("runs only as the child of TestImportCrashResume")
	}
	var words []string
	if err := json.Unmarshal([]byte(args), &words); err != nil {
		t.Fatal(err)
	}
	os.Exit(run(context.Background(), words, strings.NewReader(""), os.Stdout, os.Stderr))
}

// crashFile writes a valid flat file of n incidents with two persons each.
func crashFile(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("reference,type,reported_on,detected_on,place.country,persons[].role,persons[].sex,persons[].age,persons[].nationalities,persons[].name\n")
	for i := range n {
		day := fmt.Sprintf("2025-%02d-%02d", i%12+1, i%28+1)
		for p := range 2 {
			fmt.Fprintf(&b, "CR-%05d,irregular_migration,%s,%s,TH,migrant,%s,%d,MM,Person %d-%d\n",
				i, day, day, []string{"male", "female"}[p], 18+(i+p)%40, i, p)
		}
	}
	path := filepath.Join(t.TempDir(), "crash.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// contents reads every incident of an installation as the installation
// sees it, without what differs between two runs (ids, times, authors).
func contents(t *testing.T, in *installation) map[string]string {
	t.Helper()
	out := map[string]string{}
	in.withKeys(t, in.kek(t), func(db *store.DB) {
		ctx := storetest.System()
		f := vrs.IncidentFilter{Limit: store.MaxIncidentPage, Sort: "reference"}
		for {
			page, err := db.ListIncidents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page.Items {
				inc, err := db.FindIncident(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if inc.Version != 1 {
					t.Errorf("%s has version %d: a re-run changed it", inc.Reference, inc.Version)
				}
				inc.ID, inc.CreatedAt, inc.UpdatedAt, inc.CreatedBy, inc.UpdatedBy, inc.UpdatedName = 0, time.Time{}, time.Time{}, 0, 0, ""
				b, err := json.Marshal(inc)
				if err != nil {
					t.Fatal(err)
				}
				if _, dup := out[inc.Reference]; dup {
					t.Errorf("%s is stored twice", inc.Reference)
				}
				out[inc.Reference] = string(b)
			}
			if page.Next == "" {
				return
			}
			f.After = page.Next
		}
	})
	return out
}

// TestImportCrashResume kills an import process mid-way, twice, runs it
// again to the end, and compares the result with an import that ran
// without interruption.
func TestImportCrashResume(t *testing.T) {
	const incidents = 3000
	file := crashFile(t, incidents)
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ref := newInstallation(t, dialect)
			ref.withWorld(t)
			must(t, "", ref.cmd("import", "--agency", "Royal Thai Police", "--commit", file)...)
			want := contents(t, ref)
			if len(want) != incidents {
				t.Fatalf("the uninterrupted import stored %d incidents, want %d", len(want), incidents)
			}

			in := newInstallation(t, dialect)
			in.withWorld(t)
			args := in.cmd("import", "--agency", "Royal Thai Police", "--commit", "--chunk", "10", file)
			for kill, at := range []int{incidents / 5, incidents / 2} {
				killMidway(t, in, args, at)
				got := len(contents(t, in))
				if got == 0 || got >= incidents {
					t.Fatalf("kill %d: %d incidents stored; the kill was not mid-way", kill+1, got)
				}
				t.Logf("kill %d: %d of %d incidents stored", kill+1, got, incidents)
			}
			out := must(t, "", args...)
			if !strings.Contains(out, "Unchanged:") {
				t.Errorf("re-run summary:\n%s", out)
			}
			got := contents(t, in)
			if len(got) != len(want) {
				t.Fatalf("after the re-run %d incidents, want %d", len(got), len(want))
			}
			for ref, w := range want {
				if got[ref] != w {
					t.Fatalf("%s differs from the uninterrupted import:\n got %s\nwant %s", ref, got[ref], w)
				}
			}
			must(t, "", in.cmd("audit verify")...)
		})
	}
}

// killMidway runs the import in a child process and kills it (SIGKILL) as
// soon as the store holds at least `at` of its incidents.
func killMidway(t *testing.T, in *installation, args []string, at int) {
	t.Helper()
	words, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportCrashChild$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(words))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	db, err := store.Open(context.Background(), in.dsnOrFile())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		var n int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM incidents`).Scan(&n); err == nil && n >= at {
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			return
		}
		select {
		case err := <-done:
			t.Fatalf("the import ended before it could be killed (%v):\n%s", err, stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	cmd.Process.Kill()
	t.Fatalf("the import did not reach %d incidents in 2 minutes:\n%s", at, stderr.String())
}
