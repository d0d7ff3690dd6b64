package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"vrs/storetest"
)

// TestBadInput sends what a careless or hostile client might, and checks
// each answer names the problem, has the one error shape and changes nothing.
func TestBadInput(t *testing.T) {
	const agency = `{"country":"TH","name":"Customs","kind":"border_guard"}`
	big := `{"country":"TH","kind":"police","name":"` + strings.Repeat("x", 2<<20) + `"}`
	cases := []struct {
		name string
		req  request
		// status and code expected, and substrings the message must hold.
		status int
		code   string
		msg    []string
		field  string // a key expected in fields
	}{
		{name: "ErrMalformedJSON", req: request{method: "POST", path: "/api/v1/agencies", body: `{"country":"TH", "name": Customs}`},
			status: 400, code: "invalid", msg: []string{"not valid JSON", "line 1, column 26", "byte offset 25"}},
		{name: "ErrMalformedJSONLine", req: request{method: "POST", path: "/api/v1/agencies", body: "{\n  \"country\": \"TH\",\n  \"name\" \"x\"\n}"},
			status: 400, code: "invalid", msg: []string{"not valid JSON", "line 3, column 10"}},
		{name: "ErrTruncated", req: request{method: "POST", path: "/api/v1/agencies", body: `{"country":"TH","name":"Cus`},
			status: 400, code: "invalid", msg: []string{"ends in the middle", "byte offset 27"}},
		{name: "ErrUnknownField", req: request{method: "POST", path: "/api/v1/agencies", body: `{"country":"TH","name":"Customs","kind":"police","colour":"red"}`},
			status: 400, code: "invalid", msg: []string{`"colour"`, "Unknown field"}, field: "colour"},
		{name: "ErrFieldCase", req: request{method: "POST", path: "/api/v1/agencies", body: `{"Country":"TH","name":"Customs","kind":"police"}`},
			status: 400, code: "invalid", msg: []string{`"Country"`, "case-sensitive"}, field: "Country"},
		{name: "ErrDuplicateField", req: request{method: "PATCH", path: "/api/v1/users/{u:reporter}", body: `{"roles":["reporter"],"roles":["admin"]}`},
			status: 400, code: "invalid", msg: []string{`"roles"`, "more than once"}, field: "roles"},
		{name: "ErrWrongTypeString", req: request{method: "POST", path: "/api/v1/agencies", body: `{"country":"TH","name":42,"kind":"police"}`},
			status: 400, code: "invalid", msg: []string{`"name"`, "must be a string"}, field: "name"},
		{name: "ErrWrongTypeInteger", req: request{method: "POST", path: "/api/v1/users", body: `{"name":"x.y","agency_id":"1","roles":["reporter"],"password":"a long enough password"}`},
			status: 400, code: "invalid", msg: []string{`"agency_id"`, "whole number"}, field: "agency_id"},
		{name: "ErrWrongTypeFraction", req: request{method: "POST", path: "/api/v1/users", body: `{"name":"x.y","agency_id":1.5,"roles":["reporter"],"password":"a long enough password"}`},
			status: 400, code: "invalid", msg: []string{`"agency_id"`, "whole number"}, field: "agency_id"},
		{name: "ErrWrongTypeArray", req: request{method: "POST", path: "/api/v1/users", body: `{"name":"x.y","agency_id":1,"roles":"reporter","password":"a long enough password"}`},
			status: 400, code: "invalid", msg: []string{`"roles"`, "array of strings"}, field: "roles"},
		{name: "ErrWrongTypeArrayItem", req: request{method: "PATCH", path: "/api/v1/users/{u:reporter}", body: `{"capture_agency_ids":["1"]}`},
			status: 400, code: "invalid", msg: []string{`"capture_agency_ids"`, "array of whole numbers"}, field: "capture_agency_ids"},
		{name: "ErrWrongTypeBoolean", req: request{method: "PATCH", path: "/api/v1/agencies/{th-police}", body: `{"disabled":"yes"}`},
			status: 400, code: "invalid", msg: []string{`"disabled"`, "true or false"}, field: "disabled"},
		{name: "ErrInvalidUTF8", req: request{method: "POST", path: "/api/v1/agencies", body: "{\"country\":\"TH\",\"name\":\"Cust\xffms\",\"kind\":\"police\"}"},
			status: 400, code: "invalid", msg: []string{"not valid UTF-8", "byte offset 28"}},
		{name: "ErrTrailingObject", req: request{method: "POST", path: "/api/v1/agencies", body: agency + `{"name":"second"}`},
			status: 400, code: "invalid", msg: []string{"goes on after", "line 1, column 56 (byte offset 55)"}},
		{name: "ErrTrailingGarbage", req: request{method: "POST", path: "/api/v1/agencies", body: agency + "\n x"},
			status: 400, code: "invalid", msg: []string{"goes on after", "line 2, column 2"}},
		{name: "ErrNotObject", req: request{method: "POST", path: "/api/v1/agencies", body: `[` + agency + `]`},
			status: 400, code: "invalid", msg: []string{"must be a JSON object"}},
		{name: "ErrNull", req: request{method: "PATCH", path: "/api/v1/agencies/{th-police}", body: `null`},
			status: 400, code: "invalid", msg: []string{"must be a JSON object"}},
		{name: "ErrEmptyBody", req: request{method: "PATCH", path: "/api/v1/agencies/{th-police}", body: "  \n"},
			status: 400, code: "invalid", msg: []string{"empty"}},
		{name: "ErrNoBody", req: request{method: "POST", path: "/api/v1/agencies", header: map[string]string{"Content-Type": "application/json"}},
			status: 400, code: "invalid", msg: []string{"empty"}},
		{name: "ErrWrongContentType", req: request{method: "POST", path: "/api/v1/agencies", body: agency, header: map[string]string{"Content-Type": "text/plain"}},
			status: 415, code: "invalid", msg: []string{"application/json", `"text/plain"`}},
		{name: "ErrFormContentType", req: request{method: "POST", path: "/api/v1/agencies", body: "name=x", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}},
			status: 415, code: "invalid", msg: []string{"application/json"}},
		{name: "ErrNoContentType", req: request{method: "POST", path: "/api/v1/agencies", body: agency, header: map[string]string{"Content-Type": ""}},
			status: 415, code: "invalid", msg: []string{"no Content-Type"}},
		{name: "ErrCharset", req: request{method: "POST", path: "/api/v1/agencies", body: agency, header: map[string]string{"Content-Type": "application/json; charset=iso-8859-1"}},
			status: 415, code: "invalid", msg: []string{"UTF-8"}},
		{name: "ErrTooLarge", req: request{method: "POST", path: "/api/v1/agencies", body: big},
			status: 413, code: "too_large", msg: []string{"1024 KiB"}},
		{name: "ErrTooLargeChunked", req: request{method: "POST", path: "/api/v1/agencies", body: big, chunked: true},
			status: 413, code: "too_large", msg: []string{"1024 KiB"}},
		{name: "ErrValidation", req: request{method: "POST", path: "/api/v1/agencies", body: `{"country":"TH","name":" ","kind":"navy"}`},
			status: 400, code: "invalid", msg: []string{"correcting"}, field: "kind"},
		{name: "ErrPasswordShort", req: request{method: "POST", path: "/api/v1/users", body: `{"name":"new.user","agency_id":{th-police},"roles":["reporter"],"password":"short pw"}`},
			status: 400, code: "invalid", msg: []string{"correcting"}, field: "password"},
		{name: "ErrPasswordMissing", req: request{method: "POST", path: "/api/v1/users", body: `{"name":"new.user","agency_id":{th-police},"roles":["reporter"]}`},
			status: 400, code: "invalid", msg: []string{"correcting"}, field: "password"},
		{name: "ErrPasswordIsName", req: request{method: "POST", path: "/api/v1/users", body: `{"name":"new.user.name","agency_id":{th-police},"roles":["reporter"],"password":"NEW.USER.NAME"}`},
			status: 400, code: "invalid", msg: []string{"correcting"}, field: "password"},
		{name: "ErrConflict", req: request{method: "POST", path: "/api/v1/agencies", body: `{"country":"TH","name":"Royal  Thai Police","kind":"police"}`},
			status: 409, code: "conflict", msg: []string{"already exists"}, field: "name"},
		{name: "ErrUnknownCountry", req: request{method: "POST", path: "/api/v1/agencies", body: `{"country":"ZZ","name":"Nowhere","kind":"police"}`},
			status: 400, code: "invalid", field: "country"},

		{name: "ErrQueryNumber", req: request{method: "GET", path: "/api/v1/users?agency_id=one"},
			status: 400, code: "invalid", msg: []string{`"agency_id"`, "whole number"}, field: "agency_id"},
		{name: "ErrQueryNegative", req: request{method: "GET", path: "/api/v1/audit?before=-3"},
			status: 400, code: "invalid", msg: []string{`"before"`}, field: "before"},
		{name: "ErrQueryLimit", req: request{method: "GET", path: "/api/v1/audit?limit=501"},
			status: 400, code: "invalid", msg: []string{`"limit"`, "1 to 500"}, field: "limit"},
		{name: "ErrQueryDate", req: request{method: "GET", path: "/api/v1/audit?since=yesterday"},
			status: 400, code: "invalid", msg: []string{`"since"`, "RFC 3339"}, field: "since"},
		{name: "ErrQueryDateInvalid", req: request{method: "GET", path: "/api/v1/audit?until=2024-02-30"},
			status: 400, code: "invalid", msg: []string{`"until"`}, field: "until"},
		{name: "ErrQueryBool", req: request{method: "GET", path: "/api/v1/countries?member=maybe"},
			status: 400, code: "invalid", msg: []string{`"member"`, "true or false"}, field: "member"},
		{name: "ErrQueryEnum", req: request{method: "GET", path: "/api/v1/agencies?kind=navy"},
			status: 400, code: "invalid", msg: []string{`"kind"`}, field: "kind"},
		{name: "ErrQueryCountry", req: request{method: "GET", path: "/api/v1/users?country=Thailand"},
			status: 400, code: "invalid", msg: []string{`"country"`}, field: "country"},
		{name: "ErrQueryUnknown", req: request{method: "GET", path: "/api/v1/agencies?colour=red"},
			status: 400, code: "invalid", msg: []string{`"colour"`, "Unknown query parameter"}, field: "colour"},
		{name: "ErrQueryRepeated", req: request{method: "GET", path: "/api/v1/agencies?country=TH&country=VN"},
			status: 400, code: "invalid", msg: []string{`"country"`, "more than once"}, field: "country"},
		{name: "ErrQuerySyntax", req: request{method: "GET", path: "/api/v1/agencies?country=%zz"},
			status: 400, code: "invalid", msg: []string{"malformed"}},
		{name: "ErrQueryUTF8", req: request{method: "GET", path: "/api/v1/audit?actor=%ff"},
			status: 400, code: "invalid", msg: []string{`"actor"`, "UTF-8"}, field: "actor"},

		{name: "ErrPathID", req: request{method: "GET", path: "/api/v1/agencies/007"}, status: 404, code: "not_found"},
		{name: "ErrPathIDNegative", req: request{method: "PATCH", path: "/api/v1/users/-1", body: `{}`}, status: 404, code: "not_found"},
		{name: "ErrPathIDHuge", req: request{method: "GET", path: "/api/v1/users/99999999999999999999"}, status: 404, code: "not_found"},
	}
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ids := e.ids()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					req := tc.req
					req.path, req.body, req.token = ids.Replace(req.path), ids.Replace(req.body), e.tokens["admin"]
					before := snapshot(t, e.app)
					resp := e.do(t, req)
					if after := snapshot(t, e.app); after != before {
						t.Errorf("refused request changed the store")
					}
					if resp.status != tc.status {
						t.Fatalf("status %d, want %d: %s", resp.status, tc.status, resp.body)
					}
					eb := errorBody(t, resp)
					if eb.Code != tc.code {
						t.Errorf("code %q, want %q", eb.Code, tc.code)
					}
					for _, m := range tc.msg {
						if !strings.Contains(eb.Message, m) {
							t.Errorf("message %q lacks %q", eb.Message, m)
						}
					}
					if tc.field != "" && eb.Fields[tc.field] == "" {
						t.Errorf("fields %v lack %q", eb.Fields, tc.field)
					}
					if bytes.Contains(resp.body, []byte("short pw")) || bytes.Contains(resp.body, []byte("a long enough password")) {
						t.Errorf("answer echoes a password: %s", resp.body)
					}
				})
			}
			t.Run("PathIDLeaksNothing", func(t *testing.T) {
				// A malformed id, a missing one and a hidden one read the same.
				tok := e.tokens["vn-reporter"]
				var bodies [][]byte
				for _, p := range []string{"/api/v1/users/abc", "/api/v1/users/{missing}", "/api/v1/users/{u:reporter}"} {
					resp := e.do(t, request{method: "GET", path: ids.Replace(p), token: tok})
					if resp.status != http.StatusNotFound {
						t.Fatalf("%s: %d", p, resp.status)
					}
					bodies = append(bodies, resp.body)
				}
				if !bytes.Equal(bodies[0], bodies[1]) || !bytes.Equal(bodies[1], bodies[2]) {
					t.Errorf("404 bodies differ: %q", bodies)
				}
			})
			t.Run("CSRF", func(t *testing.T) { testCSRF(t, e) })
		})
	}
}

// testCSRF: a browser session may write through the API only with the
// session's CSRF token in the X-CSRF-Token header.
func testCSRF(t *testing.T, e *env) {
	c := e.app.SignIn(t, "focal_point")
	if c.CSRF == "" {
		t.Fatal("no CSRF token after sign-in")
	}
	base := e.app.Server.URL
	body := `{"country":"TH","name":"Cookie agency","kind":"judiciary"}`

	t.Run("GetNeedsNoToken", func(t *testing.T) {
		resp := doWith(t, c.HTTP, base, request{method: "GET", path: "/api/v1/me"})
		if resp.status != http.StatusOK || !bytes.Contains(resp.body, []byte(`"th.focal"`)) {
			t.Fatalf("GET with cookie: %d %s", resp.status, resp.body)
		}
	})
	for _, tc := range []struct{ name, token string }{{"ErrMissing", ""}, {"ErrWrong", "not-the-token"}} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, e.app)
			resp := doWith(t, c.HTTP, base, request{method: "POST", path: "/api/v1/agencies", body: body,
				header: map[string]string{"X-CSRF-Token": tc.token}})
			if resp.status != http.StatusForbidden {
				t.Fatalf("POST without CSRF header: %d %s", resp.status, resp.body)
			}
			eb := errorBody(t, resp)
			if eb.Code != "forbidden" || !strings.Contains(eb.Message, "security token") {
				t.Errorf("error = %+v", eb)
			}
			if snapshot(t, e.app) != before {
				t.Error("refused request changed the store")
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		resp := doWith(t, c.HTTP, base, request{method: "POST", path: "/api/v1/agencies", body: body,
			header: map[string]string{"X-CSRF-Token": c.CSRF}})
		if resp.status != http.StatusCreated || !bytes.Contains(resp.body, []byte(`"Cookie agency"`)) {
			t.Fatalf("POST with CSRF header: %d %s", resp.status, resp.body)
		}
	})
}
