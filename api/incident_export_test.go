package api_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"vrs/storetest"
)

// unzipText is every file of a ZIP (a CSV export, or an XLSX workbook's
// XML) as one text, for canary searches.
func unzipText(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	var all strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	return all.String()
}

// canonical re-encodes a JSON value, so that two encodings compare.
func canonical(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// TestIncidentExportNoLeak: for every caller of the sharing world, with
// and without a purpose, the export holds exactly the incidents the list
// shows, each exactly as GET /incidents/{id} answers it, and no format
// holds a value the caller may not see.
func TestIncidentExportNoLeak(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			w := newSharingWorld(t, dialect)
			e := w.e
			pseudonymised := 0 // foreign records exported without a purpose, to know the test saw some
			for _, caller := range sharingCallers {
				if caller == "anonymous" || caller == "revoked" {
					continue
				}
				for _, purpose := range []bool{false, true} {
					header := map[string]string{}
					if purpose {
						header["VRS-Purpose"] = "investigation: export test"
					}
					name := fmt.Sprintf("%s/purpose=%v", caller, purpose)
					list := e.expect(t, caller, request{method: "GET", path: "/api/v1/incidents?limit=200", header: header}, 200, "")
					var page struct {
						Items []struct {
							ID int64 `json:"id"`
						} `json:"items"`
					}
					if err := json.Unmarshal(list.body, &page); err != nil {
						t.Fatal(err)
					}
					var want []int64
					for _, it := range page.Items {
						want = append(want, it.ID)
					}
					slices.Sort(want)

					resp := e.expect(t, caller, request{method: "GET", path: "/api/v1/incidents/export?format=jsonl", header: header}, 200, "")
					var got []int64
					sc := bufio.NewScanner(bytes.NewReader(resp.body))
					sc.Buffer(nil, 1<<20)
					for sc.Scan() {
						var inc struct {
							ID int64 `json:"id"`
						}
						if err := json.Unmarshal(sc.Bytes(), &inc); err != nil {
							t.Fatalf("%s: line %q: %v", name, sc.Bytes(), err)
						}
						got = append(got, inc.ID)
						one := e.expect(t, caller, request{method: "GET", path: fmt.Sprintf("/api/v1/incidents/%d", inc.ID), header: header}, 200, "")
						if canonical(t, sc.Bytes()) != canonical(t, one.body) {
							t.Errorf("%s: incident %d exported unlike GET answers it:\n%s\n%s", name, inc.ID, sc.Bytes(), one.body)
						}
					}
					pseudonymised += strings.Count(string(resp.body), `"purpose_required":true`)
					if !slices.Equal(got, want) {
						t.Errorf("%s: export %v, list %v", name, got, want)
					}
					forbidden := w.view(t, w.sharing(t), caller).forbidden(w, purpose)
					texts := map[string]string{"jsonl": string(resp.body)}
					for _, format := range []string{"csv", "xlsx"} {
						r := e.expect(t, caller, request{method: "GET", path: "/api/v1/incidents/export?format=" + format, header: header}, 200, "")
						texts[format] = unzipText(t, r.body)
					}
					for format, text := range texts {
						for canary, key := range forbidden {
							if strings.Contains(text, canary) {
								t.Errorf("%s: %s export reveals %q of %s", name, format, canary, key)
							}
						}
					}
				}
			}
			if pseudonymised == 0 {
				t.Error("no caller exported another country's record pseudonymised for want of a purpose")
			}
		})
	}
}

// TestIncidentExportHTTP: the formats' headers, and every refusal answered
// with 400 (or 401) and the error body before any byte of a file.
func TestIncidentExportHTTP(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, tc := range []struct {
		name, query, ctype, ext string
	}{
		{"Default", "", "application/x-ndjson; charset=utf-8", ".jsonl"},
		{"JSONL", "?format=jsonl&type=migrant_smuggling", "application/x-ndjson; charset=utf-8", ".jsonl"},
		{"CSV", "?format=csv&status=validated,submitted&from=2025-01-01&to=2025-12-31", "application/zip", ".zip"},
		{"XLSX", "?format=xlsx&country=th&q=checkpoint", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.do(t, request{method: "GET", path: "/api/v1/incidents/export" + tc.query, token: e.tokens["analyst"]})
			if resp.status != http.StatusOK || resp.header.Get("Content-Type") != tc.ctype {
				t.Fatalf("%d %q: %s", resp.status, resp.header.Get("Content-Type"), resp.body)
			}
			cd := resp.header.Get("Content-Disposition")
			if !strings.HasPrefix(cd, `attachment; filename="vrs-incidents-`) || !strings.HasSuffix(cd, tc.ext+`"`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			if resp.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", resp.header.Get("Cache-Control"))
			}
			if tc.ext != ".jsonl" {
				unzipText(t, resp.body)
			}
		})
	}
	for _, tc := range []struct {
		name, query, caller string
		header              map[string]string
		status              int
		field               string
	}{
		{"ErrFormat", "?format=pdf", "analyst", nil, 400, "format"},
		{"ErrFormatRepeated", "?format=csv&format=xlsx", "analyst", nil, 400, "format"},
		{"ErrFormatHTCDSUnknown", "?format=htcds-pdf", "analyst", nil, 400, "format"},
		{"ErrType", "?format=csv&type=smuggling", "analyst", nil, 400, "type"},
		{"ErrDate", "?format=csv&from=2025-02-30", "analyst", nil, 400, "from"},
		{"ErrPeriod", "?from=2025-03-01&to=2025-02-01", "analyst", nil, 400, "to"},
		{"ErrCountry", "?country=THA", "analyst", nil, 400, "country"},
		{"ErrUnknownParam", "?format=csv&colour=red", "analyst", nil, 400, "colour"},
		{"ErrSort", "?sort=-updated", "analyst", nil, 400, "sort"},
		{"ErrLimit", "?limit=10", "analyst", nil, 400, "limit"},
		{"ErrIdentifier", "?identifier=Somchai", "analyst", nil, 400, "identifier"},
		{"ErrPurpose", "", "analyst", map[string]string{"VRS-Purpose": "curiosity"}, 400, "VRS-Purpose"},
		{"ErrUnauthorized", "?format=csv", "anonymous", nil, 401, ""},
		{"ErrRevoked", "", "revoked", nil, 401, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.do(t, request{method: "GET", path: "/api/v1/incidents/export" + tc.query, token: e.tokens[tc.caller], header: tc.header})
			if resp.status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tc.status, resp.body)
			}
			eb := errorBody(t, resp)
			if tc.field != "" && eb.Fields[tc.field] == "" {
				t.Errorf("no error on %s: %s", tc.field, resp.body)
			}
			if resp.header.Get("Content-Disposition") != "" {
				t.Error("an error answered as a download")
			}
		})
	}
}
