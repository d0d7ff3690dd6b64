package main

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vrs"
	"vrs/store"
	"vrs/storetest"
)

// jsonlIDs reads the ids of a JSON Lines export.
func jsonlIDs(t *testing.T, text string) []int64 {
	t.Helper()
	var ids []int64
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var inc vrs.Incident
		if err := json.Unmarshal(sc.Bytes(), &inc); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		ids = append(ids, inc.ID)
	}
	return ids
}

func TestExportCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	must(t, "", "demo", "--no-serve", "--data-dir", dir, "--records", "60")
	in := &installation{dialect: "sqlite", dir: dir}

	t.Run("System", func(t *testing.T) {
		ids := jsonlIDs(t, must(t, "", in.cmd("export")...))
		if len(ids) != 60 || !slices.IsSorted(ids) {
			t.Errorf("%d incidents, sorted %v", len(ids), slices.IsSorted(ids))
		}
	})
	t.Run("AsUser", func(t *testing.T) {
		for _, user := range []string{"th.analyst", "th.reporter", "rso.analyst"} {
			got := jsonlIDs(t, must(t, "", in.cmd("export", "--user", user)...))
			var want []int64
			in.withKeys(t, in.kek(t), func(db *store.DB) {
				u, err := db.FindUserByName(storetest.System(), user)
				if err != nil {
					t.Fatal(err)
				}
				err = db.ExportIncidents(storetest.As(u), vrs.IncidentFilter{}, func(inc *vrs.Incident) error {
					want = append(want, inc.ID)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				es, err := db.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActIncidentExport, Limit: 2})
				if err != nil || len(es) != 2 || es[1].ActorName != user || es[1].Via != "cli" {
					t.Errorf("audit of the export as %s: %v %+v", user, err, es)
				}
			})
			if !slices.Equal(got, want) || len(got) >= 60 {
				t.Errorf("%s: exported %d, the store gives %d of 60", user, len(got), len(want))
			}
		}
	})
	t.Run("FilteredToFile", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "smuggling.zip")
		r := vrsRun(t, "", in.cmd("export", "--format", "csv", "--out", out, "--type", "migrant_smuggling,trafficking_in_persons",
			"--status", "validated", "--from", "2000-01-01")...)
		if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "incidents to "+out) {
			t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
		zr, err := zip.OpenReader(out)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		if len(zr.File) != 9 || zr.File[0].Name != "incidents.csv" {
			t.Errorf("%d files, first %s", len(zr.File), zr.File[0].Name)
		}
		xlsx := filepath.Join(t.TempDir(), "all.xlsx")
		must(t, "", in.cmd("export", "--format", "xlsx", "--out", xlsx, "--country", "th")...)
		if b, err := os.ReadFile(xlsx); err != nil || len(b) < 4 || string(b[:2]) != "PK" {
			t.Errorf("xlsx: %v", err)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"ErrFormat", []string{"--format", "pdf"}, 2, "unknown format"},
		{"ErrType", []string{"--type", "smuggling"}, 2, "unknown incident type"},
		{"ErrStatus", []string{"--status", "closed"}, 2, "unknown status"},
		{"ErrDate", []string{"--from", "2025-02-30"}, 2, "not a date"},
		{"ErrPeriod", []string{"--from", "2025-03-01", "--to", "2025-02-01"}, 2, "--to is before --from"},
		{"ErrCountry", []string{"--country", "THA"}, 2, "country code"},
		{"ErrPurpose", []string{"--purpose", "curiosity"}, 2, "unknown purpose"},
		{"ErrUser", []string{"--user", "nobody"}, 1, `No user named "nobody"`},
		{"ErrOutDir", []string{"--out", filepath.Join(t.TempDir(), "missing", "x.jsonl")}, 1, "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := vrsRun(t, "", in.cmd("export", tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) || r.stdout != "" {
				t.Errorf("exit %d stdout %q stderr %q, want %d with %q", r.code, r.stdout, r.stderr, tc.code, tc.msg)
			}
		})
	}
}
