package web_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/importer"
	"vrs/internal/apptest"
	"vrs/storetest"
	"vrs/web"
)

const importHeader = "reference,type,reported_on,detected_on,place.country,persons[].role,persons[].sex,persons[].age,persons[].nationalities,persons[].name\n"

// importBad has one good incident of two rows, one with an age that is not
// a number, and one good incident.
const importBad = importHeader +
	"W-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,male,24,MM,Aung Min\n" +
	"W-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,female,19,MM,Khin Myat\n" +
	"W-2,irregular_migration,2025-03-05,2025-03-05,TH,migrant,male,abc,MM,Tun Tun\n" +
	"W-3,irregular_migration,2025-03-06,2025-03-06,TH,migrant,female,31,LA,Noy\n"

// importApp is the application with an import manager.
func importApp(t *testing.T, dialect string) *apptest.App {
	t.Helper()
	app := apptest.New(t, dialect)
	if app.Web.Imports == nil {
		m := importer.NewManager(app.DB, t.TempDir())
		t.Cleanup(m.Close)
		app.Web.Imports, app.API.Imports = m, m
	}
	return app
}

// upload posts a file to the upload form, the CSRF token first, as a
// browser does.
func upload(t *testing.T, c *apptest.Client, path string, fields [][2]string, fileField, name, content string) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.CSRF)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, content)
	}
	mw.Close()
	req, err := http.NewRequest("POST", c.App.Server.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var jobPathRE = regexp.MustCompile(`^/imports/jobs/(\d+)$`)

// waitJob follows a job's page until it has finished.
func waitJob(t *testing.T, c *apptest.Client, path string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, body := c.Get(t, path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %.300s", path, resp.StatusCode, body)
		}
		if !strings.Contains(body, `id="progress"`) {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still running", path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestImportPages(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testImportPages(t, dialect) })
	}
}

func testImportPages(t *testing.T, dialect string) {
	app := importApp(t, dialect)
	c := app.SignIn(t, "reporter")
	agency := strconv.FormatInt(app.World.Agencies["th-police"].ID, 10)

	resp, body := c.Get(t, "/imports")
	if resp.StatusCode != 200 || !strings.Contains(body, `action="/imports"`) || !strings.Contains(body, `href="/imports"`) {
		t.Fatalf("list: %d %.400s", resp.StatusCode, body)
	}

	// Upload in VRS's layout: straight to a dry run.
	resp, body = upload(t, c, "/imports", [][2]string{{"agency_id", agency}, {"record_status", "draft"}}, "file", "people.csv", importBad)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %.400s", resp.StatusCode, body)
	}
	dryPath := resp.Header.Get("Location")
	if !jobPathRE.MatchString(dryPath) {
		t.Fatalf("upload went to %q", dryPath)
	}
	body = waitJob(t, c, dryPath)
	for _, want := range []string{"Dry run of people.csv: 4 rows read", "Would create: 2 incidents", "Rejected: 1 incidents (1 rows)",
		"persons[].age", "abc", "Give a whole number.", "errors.csv", "errors.xlsx", `action="` + dryPath + `/commit"`} {
		if !strings.Contains(body, want) {
			t.Errorf("dry run page lacks %q", want)
		}
	}
	if n := importedIncidents(t, app, "reporter"); n != 0 {
		t.Fatalf("the dry run wrote %d incidents", n)
	}

	// The error report: the rejected row as the file had it, plus the reason.
	resp, body = c.Get(t, dryPath+"/errors.csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("report: %d %v", resp.StatusCode, resp.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][0] != "W-2" || recs[1][7] != "abc" || !strings.Contains(recs[1][10], "whole number") {
		t.Fatalf("report: %q %v", recs, err)
	}
	resp, body = c.Get(t, dryPath+"/errors.xlsx")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
		t.Fatalf("xlsx report: %d", resp.StatusCode)
	}

	// Commit: a new job, whose page ends with the summary.
	c.Get(t, dryPath)
	resp, body = c.Post(t, dryPath+"/commit", nil)
	if resp.StatusCode != http.StatusSeeOther || !jobPathRE.MatchString(resp.Header.Get("Location")) || resp.Header.Get("Location") == dryPath {
		t.Fatalf("commit: %d %q %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	body = waitJob(t, c, resp.Header.Get("Location"))
	if !strings.Contains(body, "Created: 2 incidents") || !strings.Contains(body, `href="/incidents"`) {
		t.Errorf("commit page: %.2000s", body)
	}
	if n := importedIncidents(t, app, "reporter"); n != 2 {
		t.Fatalf("%d incidents after the commit, want 2", n)
	}
	// A commit is not committed again.
	resp, _ = c.Post(t, resp.Header.Get("Location")+"/commit", nil)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("commit of a commit: %d", resp.StatusCode)
	}

	// The list shows both jobs.
	_, body = c.Get(t, "/imports")
	if strings.Count(body, `<tr id="job-`) != 2 {
		t.Errorf("list: %.2000s", body)
	}

	// Another user's job does not exist for them.
	other := app.SignIn(t, "vn-reporter")
	for _, p := range []string{dryPath, dryPath + "/errors.csv", dryPath + "/mapping", dryPath + "/progress"} {
		if resp, _ := other.Get(t, p); resp.StatusCode != 404 {
			t.Errorf("another user's %s: %d", p, resp.StatusCode)
		}
	}
	other.Get(t, "/imports")
	for _, p := range []string{dryPath + "/commit", dryPath + "/cancel"} {
		if resp, _ := other.Post(t, p, nil); resp.StatusCode != 404 {
			t.Errorf("another user's POST %s: %d", p, resp.StatusCode)
		}
	}
}

func importedIncidents(t *testing.T, app *apptest.App, user string) int {
	t.Helper()
	n := 0
	f := vrs.IncidentFilter{Limit: 100}
	for {
		page, err := app.DB.ListIncidents(storetest.As(app.World.Users[user]), f)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
		if page.Next == "" {
			return n
		}
		f.After = page.Next
	}
}

func TestImportMapping(t *testing.T) {
	app := importApp(t, storetest.Dialects()[0])
	c := app.SignIn(t, "reporter")
	c.Get(t, "/imports")
	file := "Ref;Kind;Reported;Detected;Country;Role;Gender;Age;Nationality\n" +
		"M-1;irregular_migration;02/03/2025;02/03/2025;Thailand;migrant;M;24;Viet Nam\n" +
		"M-2;irregular_migration;05/03/2025;05/03/2025;Thailand;migrant;F;31;Myanmar\n"
	resp, body := upload(t, c, "/imports", nil, "file", "theirs.csv", file)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "/mapping") {
		t.Fatalf("upload: %d %q %.300s", resp.StatusCode, loc, body)
	}
	resp, body = c.Get(t, loc)
	if resp.StatusCode != 200 {
		t.Fatalf("mapping page: %d %.300s", resp.StatusCode, body)
	}
	for _, want := range []string{"Viet Nam", `<option value="VN" selected>`, `<option value="TH" selected>`, "Thailand", "M-1"} {
		if !strings.Contains(body, want) {
			t.Errorf("mapping page lacks %q", want)
		}
	}
	// The form as the page has it, with the user's choices.
	form := url.Values{"columns": {"9"}, "delimiter": {";"}, "decimal": {"."}, "multi": {";"}, "dates": {"02/01/2006"}}
	targets := []string{"reference", "type", "reported_on", "detected_on", "place.country", "persons[].role", "persons[].sex", "persons[].age", "persons[].nationalities"}
	for i, src := range strings.Split("Ref;Kind;Reported;Detected;Country;Role;Gender;Age;Nationality", ";") {
		p := "c" + strconv.Itoa(i)
		form.Set(p+".source", src)
		form.Set(p+".field", targets[i])
	}
	form.Set("c4.values", "1")
	form.Set("c4.v0.from", "Thailand")
	form.Set("c4.v0.to", "TH")
	form.Set("c6.values", "2")
	form.Set("c6.v0.from", "M")
	form.Set("c6.v0.to", "male")
	form.Set("c6.v1.from", "F")
	form.Set("c6.v1.to", "female")
	form.Set("c8.values", "2")
	form.Set("c8.v0.from", "Viet Nam")
	form.Set("c8.v0.to", "VN")
	form.Set("c8.v1.from", "Myanmar")
	form.Set("c8.v1.to", "MM")

	t.Run("Download", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("action", "download")
		resp, body := c.Post(t, loc, f)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "vrs-mapping-") {
			t.Fatalf("%d %.300s", resp.StatusCode, body)
		}
		m, err := importer.LoadMapping(strings.NewReader(body))
		if err != nil || m.Delimiter != ";" || len(m.Columns) != 9 || m.Columns[8].Values["Viet Nam"] != "VN" {
			t.Fatalf("%+v %v", m, err)
		}
		// Loading it back shows it.
		resp, page := upload(t, c, loc+"/load", nil, "mapping", "m.json", body)
		if resp.StatusCode != 200 || !strings.Contains(page, `<option value="02/01/2006`) && !strings.Contains(page, "02/01/2006") {
			t.Fatalf("load: %d %.300s", resp.StatusCode, page)
		}
	})
	t.Run("BadMapping", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("dates", "hello")
		resp, body := c.Post(t, loc, f)
		if resp.StatusCode != 400 || !strings.Contains(body, "This date format is not usable") {
			t.Fatalf("%d %.300s", resp.StatusCode, body)
		}
	})
	t.Run("BadMappingFile", func(t *testing.T) {
		resp, body := upload(t, c, loc+"/load", nil, "mapping", "m.json", `{"columns": [], "colour": 1}`)
		if resp.StatusCode != 400 || !strings.Contains(body, "The mapping file is not valid") {
			t.Fatalf("%d %.300s", resp.StatusCode, body)
		}
	})
	t.Run("Run", func(t *testing.T) {
		f := cloneForm(form)
		f.Set("action", "run")
		resp, body := c.Post(t, loc, f)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%d %.500s", resp.StatusCode, body)
		}
		page := waitJob(t, c, resp.Header.Get("Location"))
		if !strings.Contains(page, "Would create: 2 incidents") || !strings.Contains(page, "Rejected: 0 incidents") {
			t.Fatalf("%.3000s", page)
		}
	})
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func TestImportBadInput(t *testing.T) {
	app := importApp(t, storetest.Dialects()[0])
	c := app.SignIn(t, "reporter")
	c.Get(t, "/imports")
	cases := []struct {
		name, file, content string
		csrf                string
		status              int
		want                string
	}{
		{"UnknownFormat", "people.pdf", "%PDF", "", 400, "is not CSV"},
		{"NoFile", "", "", "", 400, "Choose a file to upload"},
		{"NoCSRF", "people.csv", importBad, "wrong", 403, ""},
		{"CorruptXLSX", "people.xlsx", "PK\x03\x04 truncated", "", 303, "not a readable XLSX workbook"},
		{"Empty", "people.csv", "", "", 303, "The file is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			saved := c.CSRF
			if tc.csrf != "" {
				c.CSRF = tc.csrf
			}
			resp, body := upload(t, c, "/imports", nil, pick(tc.file != "", "file", ""), tc.file, tc.content)
			c.CSRF = saved
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.400s", resp.StatusCode, tc.status, body)
			}
			if tc.status == 303 {
				body = waitJob(t, c, resp.Header.Get("Location"))
				if !strings.Contains(body, "Failed") {
					t.Errorf("the job did not fail")
				}
			}
			if !strings.Contains(body, tc.want) {
				t.Errorf("lacks %q: %.1500s", tc.want, body)
			}
		})
	}
	t.Run("TooLarge", func(t *testing.T) {
		// Refused on its declared length, before a byte is read.
		req := httptest.NewRequest("POST", "/imports", strings.NewReader("x"))
		req.ContentLength = web.MaxUploadBytes + 1
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		rec := httptest.NewRecorder()
		app.Web.Handler().ServeHTTP(rec, req)
		if rec.Code != 413 || !strings.Contains(rec.Body.String(), "the most one import takes") {
			t.Fatalf("%d %.300s", rec.Code, rec.Body.String())
		}
	})
	t.Run("NotReporter", func(t *testing.T) {
		r := app.SignIn(t, "reviewer")
		for _, p := range []string{"/imports", "/imports/jobs/1"} {
			if resp, _ := r.Get(t, p); resp.StatusCode != 403 {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
		}
	})
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func TestImportCancel(t *testing.T) {
	app := importApp(t, storetest.Dialects()[0])
	c := app.SignIn(t, "reporter")
	c.Get(t, "/imports")
	// A file in another layout waits for its mapping: it can be cancelled.
	resp, _ := upload(t, c, "/imports", nil, "file", "theirs.csv", "Ref;Age\nX-1;3\n")
	job := strings.TrimSuffix(resp.Header.Get("Location"), "/mapping")
	resp, body := c.Get(t, job)
	if resp.StatusCode != 200 || !strings.Contains(body, `href="`+job+`/mapping"`) || strings.Contains(body, `id="progress"`) {
		t.Fatalf("waiting job page: %d %.2000s", resp.StatusCode, body)
	}
	resp, _ = c.Post(t, job+"/cancel", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	_, body = c.Get(t, resp.Header.Get("Location"))
	if !strings.Contains(body, "The import was cancelled") || !strings.Contains(body, "Cancelled") {
		t.Errorf("cancelled page: %.2000s", body)
	}
	if resp, _ := c.Post(t, job+"/cancel", nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("second cancel: %d", resp.StatusCode)
	}
	if resp, _ := c.Post(t, job+"/commit", nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("commit of a cancelled job: %d", resp.StatusCode)
	}
}
