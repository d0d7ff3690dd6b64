package api_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"vrs"
	"vrs/storetest"
)

// apiXLSX is apiImportBad as a workbook.
func apiXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	for r, line := range strings.Split(strings.TrimSpace(apiImportBad), "\n") {
		for c, v := range strings.Split(line, ",") {
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

// apiZipBomb is a workbook part that unpacks a thousand times larger.
func apiZipBomb(t *testing.T) []byte {
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

// TestImportAPIErrorKinds: the bad files of the CLI test, through the API:
// each job ends with the reader's specific message and writes nothing;
// formulas are kept as text and exported neutralised.
func TestImportAPIErrorKinds(t *testing.T) {
	e := importEnv(t, storetest.Dialects()[0])
	xlsx := apiXLSX(t)
	for _, tc := range []struct {
		name, format, body string
		commit             bool
		failed, rejected   string
		created            int
	}{
		{"truncated xlsx", "xlsx", string(xlsx[:len(xlsx)/2]), true, "import.error.xlsx_corrupt", "", 0},
		{"zip bomb", "xlsx", string(apiZipBomb(t)), true, "import.error.xlsx_zip_bomb", "", 0},
		{"valid xlsx with a bad row (a dry run: would create 2)", "xlsx", string(xlsx), false, "", "import.value_integer", 2},
		{"unmappable value", "csv", apiImportHeader + "U-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,male,24,Atlantis,Aung Min\n", true,
			"", "import.value_unknown_code", 0},
		{"formula", "csv", apiImportHeader + "F-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,male,24,MM,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n", true,
			"", "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := "/api/v1/imports?format=" + tc.format
			if tc.commit {
				path += "&commit=true"
			}
			r := e.do(t, request{method: "POST", path: path, body: tc.body, token: e.tokens["reporter"],
				header: map[string]string{"Content-Type": "application/octet-stream"}})
			if r.status != 202 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			st := e.waitImport(t, "reporter", r.header.Get("Location"))
			if tc.failed != "" && (st.Job.Status != vrs.JobFailed || st.Job.Error != tc.failed) {
				t.Errorf("job %s %q, want failed %q", st.Job.Status, st.Job.Error, tc.failed)
			}
			if tc.rejected != "" {
				pr := e.do(t, request{method: "GET", path: r.header.Get("Location") + "/problems", token: e.tokens["reporter"]})
				if st.Job.Status != vrs.JobDone || st.Job.Counts.Rejected == 0 || !strings.Contains(string(pr.body), tc.rejected) {
					t.Errorf("job %+v, problems %s", st.Job, pr.body)
				}
			}
			if st.Job.Counts.Created != tc.created {
				t.Errorf("created %d, want %d", st.Job.Counts.Created, tc.created)
			}
		})
	}
	out := e.do(t, request{method: "GET", path: "/api/v1/incidents/export?format=jsonl", token: e.tokens["reporter"]})
	if !strings.Contains(string(out.body), `=HYPERLINK(\"http://x\",\"y\")`) {
		t.Errorf("the formula was not kept as text: %s", out.body)
	}
	csvZip := e.do(t, request{method: "GET", path: "/api/v1/incidents/export?format=csv", token: e.tokens["reporter"]})
	zr, err := zip.NewReader(bytes.NewReader(csvZip.body), int64(len(csvZip.body)))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b := new(bytes.Buffer)
		b.ReadFrom(rc)
		rc.Close()
		all.Write(b.Bytes())
	}
	if !strings.Contains(all.String(), `'=HYPERLINK`) {
		t.Errorf("the exported formula is not neutralised")
	}
}
