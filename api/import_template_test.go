package api_test

import (
	"bytes"
	"strings"
	"testing"

	"vrs/importer"
	"vrs/storetest"
)

func TestImportTemplateAPI(t *testing.T) {
	e := newEnv(t, storetest.Dialects()[0])
	const p = "/api/v1/import-templates/"
	cases := []struct {
		name, user, path string
		status           int
		ctype, want      string
	}{
		{"DefaultXLSX", "reporter", p + "trafficking_in_persons", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		{"CSV", "reporter", p + "migrant_smuggling?format=csv", 200, "text/csv", "\ufeffreference,type,"},
		{"Columns", "reporter", p + "related_conduct?format=columns", 200, "text/csv", "offence_codes,"},
		{"JSONL", "reporter", p + "document_fraud?format=jsonl", 200, "application/jsonl", `"fraud_type":"counterfeit"`},
		{"UnknownType", "reporter", p + "piracy?format=csv", 404, "application/json", `There is no template for the incident type \"piracy\"`},
		{"UnknownFormat", "reporter", p + "trafficking_in_persons?format=pdf", 400, "application/json", `There is no template in the format \"pdf\"`},
		{"EmptyFormat", "reporter", p + "trafficking_in_persons?format=", 400, "application/json", "choose xlsx, csv, jsonl or columns"},
		{"NotRecorder", "analyst", p + "trafficking_in_persons", 403, "application/json", `"forbidden"`},
		{"Anonymous", "anonymous", p + "trafficking_in_persons", 401, "application/json", `"unauthorized"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.do(t, request{method: "GET", path: tc.path, token: e.tokens[tc.user]})
			if resp.status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", resp.status, tc.status, resp.body)
			}
			if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
				t.Errorf("Content-Type %q", ct)
			}
			if !bytes.Contains(resp.body, []byte(tc.want)) {
				t.Errorf("body lacks %q: %.300s", tc.want, resp.body)
			}
			if tc.status >= 400 {
				errorBody(t, resp)
			}
			if tc.name == "DefaultXLSX" {
				x, err := importer.ReadXLSX(bytes.NewReader(resp.body), int64(len(resp.body)), importer.XLSXOptions{})
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
