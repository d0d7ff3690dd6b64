package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"vrs/store"
)

const importHeader = "reference,type,reported_on,detected_on,place.country,place.name,persons[].role,persons[].sex,persons[].age,persons[].nationalities,persons[].name\n"

// importRow is one valid row of importHeader's layout.
func importRow(ref, place, age, nationality string) string {
	return ref + ",irregular_migration,2025-03-02,2025-03-02,TH," + place + ",migrant,male," + age + "," + nationality + ",Aung Min\n"
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// validXLSX is a workbook in the import layout with two incidents.
func validXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	for r, line := range []string{importHeader, importRow("X-1", "Sadao", "24", "MM"), importRow("X-2", "Sadao", "30", "LA")} {
		for c, v := range strings.Split(strings.TrimSuffix(line, "\n"), ",") {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			f.SetCellStr("Sheet1", cell, v)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipBomb is an XLSX whose one sheet unpacks a thousand times larger.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	fw, err := w.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(bytes.Repeat([]byte(" "), 32<<20))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func countIncidents(t *testing.T, in *installation) int {
	t.Helper()
	var n int
	in.with(t, func(db *store.DB) {
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM incidents`).Scan(&n); err != nil {
			t.Fatal(err)
		}
	})
	return n
}

// TestImportCLIErrors: every kind of bad file gets a specific message and
// exit status 1 (2 for a wrong invocation), and a file that cannot be read
// to its end changes nothing even with --commit.
func TestImportCLIErrors(t *testing.T) {
	in := newInstallation(t, "sqlite")
	in.withWorld(t)
	good := importRow("G-1", "Sadao", "24", "MM")
	xlsx := validXLSX(t)
	sparse := filepath.Join(t.TempDir(), "huge.csv")
	if err := os.WriteFile(sparse, []byte(importHeader), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, 2_000_000_000); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		file    string
		extra   []string
		code    int
		want    []string
		created int // incidents stored after the run with --commit
	}{
		{"valid", writeFile(t, "ok.csv", []byte(importHeader+good)), nil, 0, []string{"Created: 1 incidents", "Rejected: 0"}, 1},
		{"ragged row", writeFile(t, "ragged.csv", []byte(importHeader+good+"R-2,irregular_migration,2025-03-02\n")), nil, 1,
			[]string{"Row 3: the header has 11 columns but this row has 3 cells", "Unchanged: 1 incidents", "Rejected: 1 incidents (1 rows)"}, 0},
		{"unknown column", writeFile(t, "unknown.csv", []byte(strings.Replace(importHeader, "place.name", "place.nmae", 1)+good)), nil, 1,
			[]string{`Column "place.nmae" is not a VRS field`}, 0},
		{"unmappable value", writeFile(t, "value.csv", []byte(importHeader+importRow("V-1", "Sadao", "24", "Atlantis"))), nil, 1,
			[]string{`Row 2, column "persons[].nationalities", value "Atlantis"`}, 0},
		{"truncated xlsx", writeFile(t, "cut.xlsx", xlsx[:len(xlsx)/2]), nil, 1, []string{"not a readable XLSX workbook"}, 0},
		{"corrupt xlsx", writeFile(t, "noise.xlsx", bytes.Repeat([]byte("PK\x03\x04garbage"), 100)), nil, 1, []string{"not a readable XLSX workbook"}, 0},
		{"zip bomb", writeFile(t, "bomb.xlsx", zipBomb(t)), nil, 1, []string{"unpacks"}, 0},
		{"2 GB file", sparse, nil, 1, []string{"larger than 1073741824 bytes"}, 0},
		{"bad mapping", writeFile(t, "m.csv", []byte(importHeader+good)), []string{"--mapping", writeFile(t, "m.json", []byte(`{"columns": [`))}, 1,
			[]string{"The mapping file is not valid"}, 0},
		{"unknown format", writeFile(t, "report.pdf", []byte("%PDF")), nil, 2, []string{"cannot tell the format"}, 0},
		{"formula cells kept as text", writeFile(t, "formula.csv", []byte(importHeader+importRow("F-1", `"=HYPERLINK(""http://x"",""y"")"`, "24", "MM"))), nil, 0,
			[]string{"Created: 1 incidents"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countIncidents(t, in)
			for _, commit := range []bool{false, true} {
				args := append(in.cmd("import", "--agency", "Royal Thai Police", tc.file), tc.extra...)
				if commit {
					args = append(args, "--commit")
				}
				r := vrsRun(t, "", args...)
				if r.code != tc.code {
					t.Fatalf("commit=%v: exit %d, want %d\nstdout: %s\nstderr: %s", commit, r.code, tc.code, r.stdout, r.stderr)
				}
				out := r.stdout + r.stderr
				for _, w := range tc.want {
					if !commit && strings.HasPrefix(w, "Created") {
						w = "Would create" + strings.TrimPrefix(w, "Created")
					}
					if !strings.Contains(out, w) {
						t.Errorf("commit=%v: output lacks %q:\n%s", commit, w, out)
					}
				}
				if strings.Contains(out, "Aung Min") {
					t.Errorf("the output shows personal data:\n%s", out)
				}
				wantCount := before
				if commit {
					wantCount += tc.created
				}
				if got := countIncidents(t, in); got != wantCount {
					t.Errorf("commit=%v: %d incidents stored, want %d", commit, got, wantCount)
				}
			}
		})
	}

	// A formula is never evaluated: it is stored as text and exported
	// neutralised.
	zipPath := filepath.Join(t.TempDir(), "x.zip")
	must(t, "", in.cmd("export", "--format", "csv", "--out", zipPath)...)
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var tables strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&tables, rc)
		rc.Close()
	}
	if !strings.Contains(tables.String(), `'=HYPERLINK`) || strings.Contains(strings.ReplaceAll(tables.String(), `'=HYPERLINK`, ""), `=HYPERLINK`) {
		t.Errorf("the exported formula is not neutralised")
	}
	exported := must(t, "", in.cmd("export", "--format", "jsonl")...)
	if !strings.Contains(exported, `=HYPERLINK(\"http://x\",\"y\")`) {
		t.Errorf("the formula was not kept as text:\n%s", exported)
	}
}
