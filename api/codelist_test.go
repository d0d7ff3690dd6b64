package api_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vrs/api"
	"vrs/refdata"
	"vrs/storetest"
)

type codeListSummary struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Title   string `json:"title"`
	Source  string `json:"source"`
	Count   int    `json:"count"`
}

// TestCodeLists: the index and each list, with ETags, caching and 304, for
// every signed-in caller; nothing for anyone else. The lists do not touch
// the store, so one dialect is enough.
func TestCodeLists(t *testing.T) {
	e := newEnv(t, storetest.Dialects()[0])

	t.Run("Index", func(t *testing.T) {
		resp := e.do(t, request{method: "GET", path: "/api/v1/codelists", token: e.tokens["reporter"]})
		if resp.status != http.StatusOK {
			t.Fatalf("status %d: %s", resp.status, resp.body)
		}
		if cc := resp.header.Get("Cache-Control"); cc != "private, max-age=3600" {
			t.Errorf("Cache-Control = %q", cc)
		}
		if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q", ct)
		}
		etag := resp.header.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 3 {
			t.Errorf("ETag = %q", etag)
		}
		var got struct {
			Items []codeListSummary `json:"items"`
			Count int               `json:"count"`
		}
		dec := json.NewDecoder(strings.NewReader(string(resp.body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%v: %s", err, resp.body)
		}
		lists := refdata.CodeLists()
		if got.Count != len(lists) || len(got.Items) != len(lists) {
			t.Fatalf("count %d, items %d, want %d", got.Count, len(got.Items), len(lists))
		}
		for i, l := range lists {
			want := codeListSummary{l.Name, l.Version, l.Title, l.Source, len(l.Entries)}
			if got.Items[i] != want {
				t.Errorf("item %d = %+v, want %+v", i, got.Items[i], want)
			}
		}
		for _, name := range []string{"country", "currency", "language", "offence", "sex", "isic_section"} {
			if !slices.ContainsFunc(got.Items, func(s codeListSummary) bool { return s.Name == name }) {
				t.Errorf("index lacks %s", name)
			}
		}

		// The caller already holds it.
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			nm := e.do(t, request{method: "GET", path: "/api/v1/codelists", token: e.tokens["analyst"],
				header: map[string]string{"If-None-Match": inm}})
			if nm.status != http.StatusNotModified || len(nm.body) != 0 {
				t.Errorf("If-None-Match %s: status %d, body %q", inm, nm.status, nm.body)
			}
			if nm.header.Get("ETag") != etag {
				t.Errorf("304 ETag = %q", nm.header.Get("ETag"))
			}
		}
		stale := e.do(t, request{method: "GET", path: "/api/v1/codelists", token: e.tokens["analyst"],
			header: map[string]string{"If-None-Match": `"stale"`}})
		if stale.status != http.StatusOK || string(stale.body) != string(resp.body) {
			t.Errorf("stale If-None-Match: status %d", stale.status)
		}
	})

	t.Run("Get", func(t *testing.T) {
		for _, name := range []string{"offence", "country", "currency", "sex", "age_group"} {
			t.Run(name, func(t *testing.T) {
				resp := e.do(t, request{method: "GET", path: "/api/v1/codelists/" + name, token: e.tokens["vn-reporter"]})
				if resp.status != http.StatusOK {
					t.Fatalf("status %d: %s", resp.status, resp.body)
				}
				want, _ := refdata.LookupCodeList(name)
				var got refdata.CodeList
				dec := json.NewDecoder(strings.NewReader(string(resp.body)))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&got); err != nil {
					t.Fatalf("%v: %s", err, resp.body)
				}
				if !reflect.DeepEqual(&got, want) {
					t.Errorf("list differs from refdata's")
				}
				etag := resp.header.Get("ETag")
				if etag != `"`+name+"@"+want.Version+`"` {
					t.Errorf("ETag = %q, want the name and version", etag)
				}
				if cc := resp.header.Get("Cache-Control"); cc != "private, max-age=3600" {
					t.Errorf("Cache-Control = %q", cc)
				}
				nm := e.do(t, request{method: "GET", path: "/api/v1/codelists/" + name, token: e.tokens["admin"],
					header: map[string]string{"If-None-Match": etag}})
				if nm.status != http.StatusNotModified || len(nm.body) != 0 {
					t.Errorf("If-None-Match: status %d, body %q", nm.status, nm.body)
				}
			})
		}
		resp := e.do(t, request{method: "GET", path: "/api/v1/codelists/offence", token: e.tokens["reporter"]})
		if !strings.Contains(string(resp.body), `"code":"08051","label":"Smuggling of migrants","parent":"0805"`) {
			t.Errorf("offence list lacks 08051 with its parent: %.300s", resp.body)
		}
	})

	t.Run("Unknown", func(t *testing.T) {
		for _, name := range []string{"nope", "Country", "country.csv", "%2e%2e", "codelists"} {
			resp := e.do(t, request{method: "GET", path: "/api/v1/codelists/" + name, token: e.tokens["reporter"]})
			if resp.status != http.StatusNotFound {
				t.Errorf("%s: status %d", name, resp.status)
				continue
			}
			if eb := errorBody(t, resp); eb.Message != "No such code list." {
				t.Errorf("%s: message %q", name, eb.Message)
			}
			if resp.header.Get("ETag") != "" {
				t.Errorf("%s: a 404 with an ETag", name)
			}
		}
	})

	t.Run("Callers", func(t *testing.T) {
		for _, caller := range callers {
			want := http.StatusOK
			if caller == "anonymous" || caller == "revoked" {
				want = http.StatusUnauthorized
			}
			for _, path := range []string{"/api/v1/codelists", "/api/v1/codelists/currency", "/api/v1/codelists/nope"} {
				w := want
				if path == "/api/v1/codelists/nope" && w == http.StatusOK {
					w = http.StatusNotFound
				}
				resp := e.do(t, request{method: "GET", path: path, token: e.tokens[caller]})
				if resp.status != w {
					t.Errorf("%s %s: status %d, want %d", caller, path, resp.status, w)
				}
				if w == http.StatusUnauthorized {
					errorBody(t, resp)
					if resp.header.Get("ETag") != "" {
						t.Errorf("%s %s: a refusal with an ETag", caller, path)
					}
				}
			}
		}
	})

	t.Run("MethodNotAllowed", func(t *testing.T) {
		resp := e.do(t, request{method: "POST", path: "/api/v1/codelists/currency", body: `{}`, token: e.tokens["admin"]})
		if resp.status != http.StatusMethodNotAllowed {
			t.Fatalf("status %d", resp.status)
		}
		errorBody(t, resp)
	})
}

// TestCodeListSchemas holds the documented schemas equal to the JSON fields
// of refdata's types.
func TestCodeListSchemas(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(api.OpenAPIJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name, v := range map[string]any{"CodeList": refdata.CodeList{}, "Code": refdata.Code{}, "CodeListSummary": codeListSummary{}} {
		props := slices.Sorted(maps.Keys(schemas[name].(map[string]any)["properties"].(map[string]any)))
		var fields []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			fields = append(fields, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
		}
		slices.Sort(fields)
		if !slices.Equal(props, fields) {
			t.Errorf("%s: schema properties %v, type fields %v", name, props, fields)
		}
	}
}

func BenchmarkCodeListGet(b *testing.B) {
	e := newEnv(b, storetest.Dialects()[0])
	tok := e.tokens["reporter"]
	for b.Loop() {
		resp := e.do(b, request{method: "GET", path: "/api/v1/codelists/country", token: tok})
		if resp.status != http.StatusOK {
			b.Fatal(resp.status)
		}
	}
}
