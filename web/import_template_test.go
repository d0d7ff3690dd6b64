package web_test

import (
	"bytes"
	"strings"
	"testing"

	"vrs/importer"
	"vrs/internal/apptest"
	"vrs/storetest"
)

func TestTemplateDownloads(t *testing.T) {
	app := apptest.New(t, storetest.Dialects()[0])
	reporter := app.SignIn(t, "reporter")
	reviewer := app.SignIn(t, "reviewer")
	cases := []struct {
		name   string
		client *apptest.Client
		path   string
		status int
		ctype  string
		want   []string
	}{
		{"Page", reporter, "/imports/templates", 200, "text/html", []string{"Import templates", `href="/imports/templates/trafficking_in_persons.xlsx"`,
			`href="/imports/templates/document_fraud.csv?part=columns"`, `href="/imports/templates/related_conduct.jsonl"`, "HTCDS 2.0"}},
		{"XLSX", reporter, "/imports/templates/trafficking_in_persons.xlsx", 200, "application/vnd.openxmlformats", []string{"PK"}},
		{"CSV", reporter, "/imports/templates/migrant_smuggling.csv", 200, "text/csv", []string{"\ufeffreference,type,"}},
		{"Columns", reporter, "/imports/templates/migrant_smuggling.csv?part=columns", 200, "text/csv", []string{"persons[].role,", "Yes, on every row"}},
		{"JSONL", reporter, "/imports/templates/irregular_migration.jsonl", 200, "application/jsonl", []string{`"type":"irregular_migration"`}},
		{"UnknownType", reporter, "/imports/templates/piracy.csv", 404, "text/html", []string{"There is no template for the incident type &#34;piracy&#34;"}},
		{"UnknownFormat", reporter, "/imports/templates/trafficking_in_persons.pdf", 400, "text/html", []string{"There is no template in the format &#34;pdf&#34;"}},
		{"NoFormat", reporter, "/imports/templates/trafficking_in_persons", 400, "text/html", []string{"There is no template in the format"}},
		{"ColumnsOnlyAsPart", reporter, "/imports/templates/trafficking_in_persons.columns", 400, "text/html", nil},
		{"NotRecorder", reviewer, "/imports/templates/trafficking_in_persons.csv", 403, "text/html", nil},
		{"NotRecorderPage", reviewer, "/imports/templates", 403, "text/html", nil},
		{"Anonymous", app.NewClient(), "/imports/templates/trafficking_in_persons.csv", 303, "text/html", []string{"/signin?next="}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.client.Get(t, tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tc.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
				t.Errorf("Content-Type %q", ct)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q: %.400s", w, body)
				}
			}
			if tc.status == 200 && tc.ctype != "text/html" && !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename=\"vrs-template-") {
				t.Errorf("Content-Disposition %q", resp.Header.Get("Content-Disposition"))
			}
			if tc.name == "XLSX" {
				x, err := importer.ReadXLSX(bytes.NewReader([]byte(body)), int64(len(body)), importer.XLSXOptions{})
				if err != nil {
					t.Fatal(err)
				}
				defer x.Close()
				if _, err := importer.IdentityMapping(x.Header()).Bind(x.Header()); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
