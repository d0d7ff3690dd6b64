package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/importer"
	"vrs/storetest"
	"vrs/web"
)

const apiImportHeader = "reference,type,reported_on,detected_on,place.country,persons[].role,persons[].sex,persons[].age,persons[].nationalities,persons[].name\n"

// apiImportBad has two good incidents and one whose age is not a number.
const apiImportBad = apiImportHeader +
	"A-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,male,24,MM,Aung Min\n" +
	"A-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,female,19,MM,Khin Myat\n" +
	"A-2,irregular_migration,2025-03-05,2025-03-05,TH,migrant,male,abc,MM,Tun Tun\n" +
	"A-3,irregular_migration,2025-03-06,2025-03-06,TH,migrant,female,31,LA,Noy\n"

func importEnv(t *testing.T, dialect string) *env {
	t.Helper()
	e := newEnv(t, dialect)
	if e.app.API.Imports == nil {
		m := importer.NewManager(e.app.DB, t.TempDir())
		t.Cleanup(m.Close)
		e.app.API.Imports, e.app.Web.Imports = m, m
	}
	return e
}

type importStatus struct {
	Job              vrs.ImportJob `json:"job"`
	Percent          int           `json:"percent"`
	RowsPerSecond    float64       `json:"rows_per_second"`
	RemainingSeconds int           `json:"remaining_seconds"`
}

func decodeStatus(t *testing.T, r response) importStatus {
	t.Helper()
	var st importStatus
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return st
}

// waitImport polls a job until it has finished.
func (e *env) waitImport(t *testing.T, user, location string) importStatus {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := e.do(t, request{method: "GET", path: location, token: e.tokens[user]})
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", location, r.status, r.body)
		}
		st := decodeStatus(t, r)
		if st.Job.Status.Finished() {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still %s", location, st.Job.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func multipartBody(t *testing.T, parts ...[3]string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p[1] != "" {
			w, err = mw.CreateFormFile(p[0], p[1])
		} else {
			w, err = mw.CreateFormField(p[0])
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p[2])
	}
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

func TestImportAPI(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testImportAPI(t, dialect) })
	}
}

func testImportAPI(t *testing.T, dialect string) {
	e := importEnv(t, dialect)
	tok := e.tokens["reporter"]
	r := e.do(t, request{method: "POST", path: "/api/v1/imports?file_name=people.csv", body: apiImportBad, token: tok,
		header: map[string]string{"Content-Type": "text/csv"}})
	if r.status != 202 || !strings.HasPrefix(r.header.Get("Location"), "/api/v1/imports/") {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	st := e.waitImport(t, "reporter", loc)
	want := vrs.ImportCounts{Rows: 4, Created: 2, Rejected: 1, RejectedRows: 1}
	if st.Job.Status != vrs.JobDone || st.Job.Commit || st.Job.Counts != want || st.Percent != 100 || st.Job.FileName != "people.csv" {
		t.Fatalf("dry run: %+v", st)
	}

	r = e.do(t, request{method: "GET", path: loc + "/problems?limit=10", token: tok})
	var probs struct {
		Items []struct {
			Row                            int
			Column, Value, Message, Reason string
		}
		Count, Total int
	}
	if err := json.Unmarshal(r.body, &probs); err != nil || r.status != 200 || probs.Total != 1 || probs.Items[0].Row != 4 ||
		probs.Items[0].Column != "persons[].age" || probs.Items[0].Value != "abc" || probs.Items[0].Reason != "Give a whole number." {
		t.Fatalf("problems: %d %s", r.status, r.body)
	}

	r = e.do(t, request{method: "GET", path: loc + "/errors?format=csv", token: tok})
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\ufeff"))).ReadAll()
	if r.status != 200 || err != nil || len(recs) != 2 || recs[1][0] != "A-2" || !strings.Contains(recs[1][10], "whole number") {
		t.Fatalf("report: %d %q %v", r.status, recs, err)
	}
	if r := e.do(t, request{method: "GET", path: loc + "/errors?format=xlsx", token: tok}); r.status != 200 || !bytes.HasPrefix(r.body, []byte("PK")) {
		t.Fatalf("xlsx report: %d", r.status)
	}

	// Another user: the job does not exist.
	for _, p := range []string{loc, loc + "/problems", loc + "/errors"} {
		if r := e.do(t, request{method: "GET", path: p, token: e.tokens["vn-reporter"]}); r.status != 404 {
			t.Errorf("vn-reporter GET %s: %d", p, r.status)
		}
	}
	for _, p := range []string{loc + "/commit", loc + "/cancel"} {
		if r := e.do(t, request{method: "POST", path: p, token: e.tokens["vn-reporter"]}); r.status != 404 {
			t.Errorf("vn-reporter POST %s: %d", p, r.status)
		}
	}

	// Commit: a new job.
	r = e.do(t, request{method: "POST", path: loc + "/commit", token: tok})
	if r.status != 202 || r.header.Get("Location") == loc {
		t.Fatalf("commit: %d %s", r.status, r.body)
	}
	st = e.waitImport(t, "reporter", r.header.Get("Location"))
	if st.Job.Status != vrs.JobDone || !st.Job.Commit || st.Job.Counts.Created != 2 {
		t.Fatalf("commit: %+v", st)
	}
	page, err := e.app.DB.ListIncidents(storetest.As(e.app.World.Users["reporter"]), vrs.IncidentFilter{Limit: 10})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("incidents after commit: %d %v", len(page.Items), err)
	}
	if r := e.do(t, request{method: "POST", path: r.header.Get("Location") + "/commit", token: tok}); r.status != 409 {
		t.Errorf("commit of a commit: %d", r.status)
	}
	if r := e.do(t, request{method: "POST", path: loc + "/cancel", token: tok}); r.status != 409 {
		t.Errorf("cancel of a finished job: %d", r.status)
	}

	// The same file again, committed at once: nothing changes.
	r = e.do(t, request{method: "POST", path: "/api/v1/imports?format=csv&commit=true", body: apiImportBad, token: tok,
		header: map[string]string{"Content-Type": "text/csv"}})
	if r.status != 202 {
		t.Fatalf("re-import: %d %s", r.status, r.body)
	}
	if st := e.waitImport(t, "reporter", r.header.Get("Location")); st.Job.Counts.Unchanged != 2 || st.Job.Counts.Created != 0 {
		t.Errorf("re-import: %+v", st.Job.Counts)
	}

	r = e.do(t, request{method: "GET", path: "/api/v1/imports", token: tok})
	var list struct {
		Items []importStatus
		Count int
	}
	if err := json.Unmarshal(r.body, &list); err != nil || r.status != 200 || list.Count != 3 || list.Items[0].Job.ID <= list.Items[2].Job.ID {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
}

func TestImportAPIMappingAndCancel(t *testing.T) {
	e := importEnv(t, storetest.Dialects()[0])
	tok := e.tokens["reporter"]
	file := "Ref;Kind;Reported;Detected;Country;Role;Age;Nationality\n" +
		"M-1;irregular_migration;02/03/2025;02/03/2025;Thailand;migrant;24;Viet Nam\n"
	mapping := `{"delimiter": ";", "date_formats": ["02/01/2006"], "columns": [
		{"source": "Ref", "field": "reference"}, {"source": "Kind", "field": "type"},
		{"source": "Reported", "field": "reported_on"}, {"source": "Detected", "field": "detected_on"},
		{"source": "Country", "field": "place.country", "values": {"Thailand": "TH"}}, {"source": "Role", "field": "persons[].role"},
		{"source": "Age", "field": "persons[].age"}, {"source": "Nationality", "field": "persons[].nationalities", "values": {"Viet Nam": "VN"}}]}`
	body, ct := multipartBody(t, [3]string{"mapping", "", mapping}, [3]string{"file", "theirs.csv", file})
	r := e.do(t, request{method: "POST", path: "/api/v1/imports", body: body, token: tok, header: map[string]string{"Content-Type": ct}})
	if r.status != 202 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if st := e.waitImport(t, "reporter", r.header.Get("Location")); st.Job.Status != vrs.JobDone || st.Job.Counts.Created != 1 || st.Job.Counts.Rejected != 0 {
		t.Fatalf("mapped dry run: %+v", st.Job)
	}

	// Cancel a job that has not run yet.
	job := &vrs.ImportJob{AgencyID: e.app.World.Agencies["th-police"].ID, FileName: "q.csv", Format: "csv"}
	if err := e.app.API.Imports.Upload(storetest.As(e.app.World.Users["reporter"]), job, strings.NewReader(apiImportBad)); err != nil {
		t.Fatal(err)
	}
	r = e.do(t, request{method: "POST", path: "/api/v1/imports/" + strconv.FormatInt(job.ID, 10) + "/cancel", token: tok})
	if st := decodeStatus(t, r); r.status != 200 || st.Job.Status != vrs.JobCancelled {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
}

func TestImportAPIBadInput(t *testing.T) {
	e := importEnv(t, storetest.Dialects()[0])
	csvType := map[string]string{"Content-Type": "text/csv"}
	cases := []struct {
		name, user, path, body string
		header                 map[string]string
		status                 int
		want                   string
		failed                 string // the job's end: failed with this message key
		rejected               string // or done with a rejected row, with this message key
	}{
		{"UnknownFormat", "reporter", "/api/v1/imports?format=pdf", "x", csvType, 400, "must be csv, xlsx or jsonl", "", ""},
		{"NoFormat", "reporter", "/api/v1/imports", "x", csvType, 400, "Give format", "", ""},
		{"UnknownParameter", "reporter", "/api/v1/imports?format=csv&colour=red", "x", csvType, 400, "colour", "", ""},
		{"BadCommit", "reporter", "/api/v1/imports?format=csv&commit=maybe", "x", csvType, 400, "commit", "", ""},
		{"OtherAgency", "reporter", "/api/v1/imports?format=csv&agency_id=" + "999999", apiImportBad, csvType, 403, "", "", ""},
		{"Validated", "reporter", "/api/v1/imports?format=csv&status=validated", apiImportBad, csvType, 403, "four eyes", "", ""},
		{"NotRecorder", "analyst", "/api/v1/imports?format=csv", apiImportBad, csvType, 403, "", "", ""},
		{"Anonymous", "anonymous", "/api/v1/imports?format=csv", apiImportBad, csvType, 401, "", "", ""},
		{"Multipart415", "reporter", "/api/v1/imports?format=csv", "x", map[string]string{"Content-Type": "multipart/mixed; boundary=b"}, 415, "multipart/form-data", "", ""},
		{"BadMapping", "reporter", "/api/v1/imports", "", nil, 400, "The mapping file is not valid", "", ""},
		{"NoFilePart", "reporter", "/api/v1/imports", "", nil, 400, "no part named file", "", ""},
		{"CorruptXLSX", "reporter", "/api/v1/imports?format=xlsx", "PK\x03\x04 truncated", csvType, 202, "", "import.error.xlsx_corrupt", ""},
		{"EmptyCSV", "reporter", "/api/v1/imports?format=csv", "", csvType, 202, "", "import.error.file_empty", ""},
		{"RaggedCSV", "reporter", "/api/v1/imports?format=csv", apiImportHeader + "R-1,irregular_migration\n", csvType, 202, "", "", "import.error.file_ragged_row"},
		{"UnknownColumns", "reporter", "/api/v1/imports?format=csv", "reference,colour\nR-1,red\n", csvType, 202, "", "import.error.unknown_column", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := request{method: "POST", path: tc.path, body: tc.body, token: e.tokens[tc.user], header: tc.header}
			switch tc.name {
			case "BadMapping":
				body, ct := multipartBody(t, [3]string{"mapping", "", `{"columns": [], "colour": 1}`}, [3]string{"file", "a.csv", apiImportBad})
				req.body, req.header = body, map[string]string{"Content-Type": ct}
			case "NoFilePart":
				body, ct := multipartBody(t, [3]string{"mapping", "", `{"columns": []}`})
				req.body, req.header = body, map[string]string{"Content-Type": ct}
			}
			r := e.do(t, req)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if !strings.Contains(string(r.body), tc.want) {
				t.Errorf("body lacks %q: %s", tc.want, r.body)
			}
			if tc.status != 202 {
				return
			}
			st := e.waitImport(t, tc.user, r.header.Get("Location"))
			if tc.failed != "" && (st.Job.Status != vrs.JobFailed || st.Job.Error != tc.failed) {
				t.Errorf("job %s %q, want failed %q", st.Job.Status, st.Job.Error, tc.failed)
			}
			if tc.rejected != "" {
				pr := e.do(t, request{method: "GET", path: r.header.Get("Location") + "/problems", token: e.tokens[tc.user]})
				if st.Job.Status != vrs.JobDone || st.Job.Counts.Rejected == 0 || !strings.Contains(string(pr.body), tc.rejected) {
					t.Errorf("job %+v, problems %s", st.Job, pr.body)
				}
			}
		})
	}
	t.Run("ReportFormat", func(t *testing.T) {
		r := e.do(t, request{method: "GET", path: "/api/v1/imports/1/errors?format=pdf", token: e.tokens["reporter"]})
		if r.status != 400 || !strings.Contains(string(r.body), "must be csv or xlsx") {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/api/v1/imports?format=csv", strings.NewReader("x"))
		req.ContentLength = web.MaxUploadBytes + 1
		req.Header.Set("Authorization", "Bearer "+e.tokens["reporter"])
		rec := httptest.NewRecorder()
		e.app.Web.Handler().ServeHTTP(rec, req)
		if rec.Code != 413 || !strings.Contains(rec.Body.String(), "the most one import takes") {
			t.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	})
	t.Run("Missing", func(t *testing.T) {
		for _, p := range []string{"/api/v1/imports/999999", "/api/v1/imports/abc", "/api/v1/imports/0/problems"} {
			if r := e.do(t, request{method: "GET", path: p, token: e.tokens["reporter"]}); r.status != 404 {
				t.Errorf("%s: %d", p, r.status)
			}
		}
	})
}
