package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vrs/storetest"
)

// callers are every world user, someone with no credentials, and a revoked token.
var callers = []string{"reporter", "reviewer", "analyst", "focal_point", "regional_analyst", "admin",
	"vn-focal_point", "vn-reporter", "anonymous", "revoked"}

// want maps a caller to the expected status; "*" is every world user not
// named. Unless named, anonymous callers get 401 and revoked tokens 401.
type want map[string]int

func (w want) of(caller string) int {
	if s, ok := w[caller]; ok {
		return s
	}
	switch caller {
	case "anonymous", "revoked":
		return http.StatusUnauthorized
	}
	return w["*"]
}

func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// TestMatrix runs every endpoint as every caller through the real server
// and store, on every dialect.
func TestMatrix(t *testing.T) {
	const (
		ok        = http.StatusOK
		created   = http.StatusCreated
		forbidden = http.StatusForbidden
		notFound  = http.StatusNotFound
		notMethod = http.StatusMethodNotAllowed
	)
	managersTH := func(status int) want { return want{"*": forbidden, "admin": status, "focal_point": status} }
	managersVN := func(status int) want { return want{"*": forbidden, "admin": status, "vn-focal_point": status} }
	rows := []struct {
		name, method, path, body string
		want                     want
		// twin is the path of an object that does not exist: a 404 must be
		// byte-identical to its answer, so that it tells nothing.
		twin string
	}{
		{name: "Me", method: "GET", path: "/api/v1/me", want: want{"*": ok}},
		{name: "CountryList", method: "GET", path: "/api/v1/countries", want: want{"*": ok}},
		{name: "CountryListMembers", method: "GET", path: "/api/v1/countries?member=true", want: want{"*": ok}},
		{name: "CountryGet", method: "GET", path: "/api/v1/countries/th", want: want{"*": ok}},
		{name: "CountryMissing", method: "GET", path: "/api/v1/countries/ZZ", want: want{"*": notFound}},
		{name: "CountryMalformed", method: "GET", path: "/api/v1/countries/THA", want: want{"*": notFound}},

		{name: "AgencyList", method: "GET", path: "/api/v1/agencies?country=TH&kind=police", want: want{"*": ok}},
		{name: "AgencyGet", method: "GET", path: "/api/v1/agencies/{vn-police}", want: want{"*": ok}},
		{name: "AgencyMissing", method: "GET", path: "/api/v1/agencies/{missing}", want: want{"*": notFound}},
		{name: "AgencyMalformedID", method: "GET", path: "/api/v1/agencies/x1", want: want{"*": notFound}},
		{name: "AgencyCreateTH", method: "POST", path: "/api/v1/agencies",
			body: `{"country":"TH","name":"Agency of {caller}","kind":"labour_inspection"}`, want: managersTH(created)},
		{name: "AgencyCreateVN", method: "POST", path: "/api/v1/agencies",
			body: `{"country":"vn","name":"VN agency of {caller}","kind":"coast_guard"}`, want: managersVN(created)},
		{name: "AgencyUpdateTH", method: "PATCH", path: "/api/v1/agencies/{th-immigration}",
			body: `{"name":"Immigration Bureau ({caller})"}`, want: managersTH(ok)},
		{name: "AgencyUpdateVN", method: "PATCH", path: "/api/v1/agencies/{vn-police}",
			body: `{"disabled":false,"name":"Ministry of Public Security ({caller})"}`, want: managersVN(ok)},
		{name: "AgencyUpdateMissing", method: "PATCH", path: "/api/v1/agencies/{missing}", body: `{"name":"X"}`, want: want{"*": notFound}},
		{name: "UnitCreateTH", method: "POST", path: "/api/v1/agencies/{th-police}/units",
			body: `{"name":"Unit of {caller}"}`, want: managersTH(created)},
		{name: "UnitCreateVN", method: "POST", path: "/api/v1/agencies/{vn-police}/units",
			body: `{"name":"Unit of {caller}"}`, want: managersVN(created)},
		{name: "UnitCreateMissingAgency", method: "POST", path: "/api/v1/agencies/{missing}/units",
			body: `{"name":"Unit"}`, want: want{"*": notFound}},

		{name: "UserList", method: "GET", path: "/api/v1/users", want: want{"*": ok}},
		{name: "UserListFiltered", method: "GET", path: "/api/v1/users?country=TH&role=reporter&agency_id={th-police}", want: want{"*": ok}},
		{name: "UserCreateTH", method: "POST", path: "/api/v1/users",
			body: `{"name":"th.new.{caller}","full_name":"New","agency_id":{th-police},"roles":["reporter"],"password":"a long enough password"}`,
			want: managersTH(created)},
		{name: "UserCreateVN", method: "POST", path: "/api/v1/users",
			body: `{"name":"vn.new.{caller}","agency_id":{vn-police},"roles":["analyst"],"capture_agency_ids":[{vn-police}],"password":"a long enough password"}`,
			want: managersVN(created)},
		{name: "UserCreateAdmin", method: "POST", path: "/api/v1/users",
			body: `{"name":"adm.new.{caller}","agency_id":{th-police},"roles":["admin"],"password":"a long enough password"}`,
			want: want{"*": forbidden, "admin": created}},
		{name: "UserGetTH", method: "GET", path: "/api/v1/users/{u:reporter}", twin: "/api/v1/users/{missing}",
			want: want{"*": notFound, "reporter": ok, "focal_point": ok, "admin": ok}},
		{name: "UserGetVN", method: "GET", path: "/api/v1/users/{u:vn-reporter}", twin: "/api/v1/users/{missing}",
			want: want{"*": notFound, "vn-reporter": ok, "vn-focal_point": ok, "admin": ok}},
		{name: "UserGetAdmin", method: "GET", path: "/api/v1/users/{u:admin}", twin: "/api/v1/users/{missing}",
			want: want{"*": notFound, "focal_point": ok, "admin": ok}},
		{name: "UserGetMalformedID", method: "GET", path: "/api/v1/users/+1", twin: "/api/v1/users/{missing}", want: want{"*": notFound}},
		{name: "UserUpdateTH", method: "PATCH", path: "/api/v1/users/{u:reporter}", twin: "/api/v1/users/{missing}",
			body: `{"full_name":"Renamed by {caller}"}`,
			want: want{"*": notFound, "reporter": forbidden, "focal_point": ok, "admin": ok}},
		{name: "UserUpdateVN", method: "PATCH", path: "/api/v1/users/{u:vn-reporter}", twin: "/api/v1/users/{missing}",
			body: `{"email":"{caller}@example.org"}`,
			want: want{"*": notFound, "vn-reporter": forbidden, "vn-focal_point": ok, "admin": ok}},
		{name: "UserUpdateAdmin", method: "PATCH", path: "/api/v1/users/{u:admin}", twin: "/api/v1/users/{missing}",
			body: `{"full_name":"Admin ({caller})"}`,
			want: want{"*": notFound, "focal_point": forbidden, "admin": ok}},
		// Focal points may not give installation-wide roles.
		{name: "UserGrantRegional", method: "PATCH", path: "/api/v1/users/{u:analyst}", twin: "/api/v1/users/{missing}",
			body: `{"roles":["analyst","regional_analyst"]}`,
			want: want{"*": notFound, "analyst": forbidden, "focal_point": forbidden, "admin": ok}},

		{name: "Audit", method: "GET", path: "/api/v1/audit?action=agency.&limit=50", want: want{"*": forbidden, "admin": ok, "focal_point": ok, "vn-focal_point": ok}},

		{name: "IncidentList", method: "GET", path: "/api/v1/incidents?limit=10&sort=-detected", want: want{"*": ok}},
		{name: "IncidentMissing", method: "GET", path: "/api/v1/incidents/{missing}", want: want{"*": notFound}},
		{name: "IncidentMalformedID", method: "GET", path: "/api/v1/incidents/0x1", twin: "/api/v1/incidents/{missing}", want: want{"*": notFound}},
		{name: "IncidentHistoryMissing", method: "GET", path: "/api/v1/incidents/{missing}/history", want: want{"*": notFound}},
		{name: "IncidentWrongMethod", method: "PATCH", path: "/api/v1/incidents/{missing}", body: `{}`, want: want{"*": notMethod, "anonymous": notMethod}},
		// The rest of the incident endpoints: TestIncidentMatrix.

		{name: "OpenAPI", method: "GET", path: "/api/v1/openapi.json", want: want{"*": ok, "anonymous": ok}},
		{name: "UnknownPath", method: "GET", path: "/api/v1/nothing/here", want: want{"*": notFound, "anonymous": notFound}},
		{name: "UnknownVersion", method: "GET", path: "/api/v2/me", want: want{"*": notFound, "anonymous": notFound}},
		{name: "WrongMethod", method: "DELETE", path: "/api/v1/agencies/{th-police}", want: want{"*": notMethod, "anonymous": notMethod}},
		{name: "WrongMethodOnList", method: "PUT", path: "/api/v1/users", body: `{}`, want: want{"*": notMethod, "anonymous": notMethod}},
	}

	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ids := e.ids()
			for _, row := range rows {
				t.Run(row.name, func(t *testing.T) {
					for _, caller := range callers {
						t.Run(caller, func(t *testing.T) {
							req := request{method: row.method, path: ids.Replace(row.path), token: e.tokens[caller],
								body: ids.Replace(strings.ReplaceAll(row.body, "{caller}", caller))}
							before := snapshot(t, e.app)
							resp := e.do(t, req)
							after := snapshot(t, e.app)
							wantStatus := row.want.of(caller)
							// The web middleware refuses a credential-less write for
							// want of a CSRF token before the API can answer 401:
							// accept that too, as long as it is the JSON 403.
							if caller == "anonymous" && isWrite(row.method) && resp.status == forbidden {
								wantStatus = forbidden
							}
							if resp.status != wantStatus {
								t.Fatalf("%s %s as %s: status %d, want %d: %s", req.method, req.path, caller, resp.status, wantStatus, resp.body)
							}
							success := resp.status < 300
							if !success || !isWrite(row.method) {
								if before != after {
									t.Errorf("%s %s as %s answered %d but changed the store", req.method, req.path, caller, resp.status)
								}
							}
							if !success {
								eb := errorBody(t, resp)
								if resp.status == notMethod {
									if resp.header.Get("Allow") == "" || !strings.Contains(eb.Message, row.method) {
										t.Errorf("405 without Allow or method: %v %s", resp.header, resp.body)
									}
								}
								if resp.status == notFound && row.twin != "" {
									twin := e.do(t, request{method: req.method, path: ids.Replace(row.twin), token: req.token, body: req.body})
									if twin.status != resp.status || !bytes.Equal(twin.body, resp.body) {
										t.Errorf("hidden object answers differently from a missing one:\n%s\n%s", resp.body, twin.body)
									}
								}
								return
							}
							checkSuccess(t, e, req, resp)
						})
					}
				})
			}
		})
	}
}

// checkSuccess checks the shape of a 2xx answer.
func checkSuccess(t *testing.T, e *env, req request, resp response) {
	t.Helper()
	if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(resp.body, &body); err != nil {
		t.Fatalf("body is not a JSON object: %v", err)
	}
	if !strings.HasSuffix(req.path, "openapi.json") && (strings.Contains(string(resp.body), "password") || strings.Contains(string(resp.body), "argon2")) {
		t.Errorf("answer mentions a password: %s", resp.body)
	}
	if items, ok := body["items"]; ok {
		list, ok := items.([]any)
		if !ok || body["count"] != float64(len(list)) {
			t.Errorf("list shape: %s", resp.body)
		}
	}
	if resp.status == http.StatusCreated {
		loc := resp.header.Get("Location")
		if !strings.HasPrefix(loc, "/api/v1/") {
			t.Fatalf("201 without Location: %v", resp.header)
		}
		got := e.do(t, request{method: "GET", path: loc, token: e.tokens["admin"]})
		if got.status != http.StatusOK {
			t.Errorf("GET %s after create: %d %s", loc, got.status, got.body)
		}
		if id, ok := body["id"].(float64); !ok || id <= 0 {
			t.Errorf("created object has no id: %s", resp.body)
		}
	}
	if req.method == "PATCH" {
		// What the answer says was stored was stored.
		got := e.do(t, request{method: "GET", path: req.path, token: e.tokens["admin"]})
		var upd, stored map[string]any
		json.Unmarshal([]byte(req.body), &upd)
		json.Unmarshal(got.body, &stored)
		for k, v := range upd {
			if k == "roles" {
				continue // sorted when stored
			}
			if stored[k] != v {
				t.Errorf("after PATCH %s = %v, want %v", k, stored[k], v)
			}
		}
	}
}
