package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vrs"
	"vrs/storetest"
)

func ptr[T any](v T) *T { return &v }

// interception is a valid smuggling incident of agency: two migrants and
// a smuggler with personal data, two legs and a fee.
func interception(agencyID int64, ref string) *vrs.Incident {
	return &vrs.Incident{
		AgencyID: agencyID, Reference: ref, Type: vrs.TypeMigrantSmuggling,
		OccurredOn: "2025-03-01", DetectedOn: "2025-03-02", ReportedOn: "2025-03-02",
		Place:  vrs.Place{Country: "TH", Name: "Sadao checkpoint", Kind: "border_crossing", Lat: ptr(6.63), Lon: ptr(100.42)},
		Source: "border_check", OffenceCodes: []string{"08051"},
		Narrative: "Pickup truck stopped at the checkpoint; two passengers without documents.",
		Persons: []vrs.Person{
			{Role: "migrant", Sex: "male", Age: ptr(24), Nationalities: []string{"MM"}, Status: "intercepted", Name: "Aung Min Thu",
				Identifiers: []vrs.Identifier{{Kind: "document_number", Value: "MB-123 456"}}},
			{Role: "migrant", Sex: "female", Age: ptr(19), Nationalities: []string{"MM"}, Status: "intercepted", Name: "Khin Myat"},
			{Role: "suspect", PerpetratorRoles: []string{"transporter"}, Sex: "male", Nationalities: []string{"TH"}, Name: "Somchai Prasert",
				Aliases: []string{"Ko Chai"}, Identifiers: []vrs.Identifier{{Kind: "phone", Value: "+66 81 234 5678"}}},
		},
		Legs: []vrs.RouteLeg{
			{Country: "MM", Place: "Myawaddy", Role: "origin", Mode: "foot", DepartedOn: "2025-02-27"},
			{Country: "TH", Place: "Sadao", Role: "interception", Mode: "car", ArrivedOn: "2025-03-01"},
		},
		Transactions: []vrs.Transaction{{PayerKey: "p1", PayeeKey: "p3", Amount: 45000, Currency: "THB", Method: "cash",
			Purpose: "smuggling_fee", PayeeAccount: "KBANK 123-4-56789-0"}},
	}
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// incidentOf decodes an incident answer.
func incidentOf(t testing.TB, resp response) *vrs.Incident {
	t.Helper()
	var inc vrs.Incident
	if err := json.Unmarshal(resp.body, &inc); err != nil {
		t.Fatalf("not an incident: %v: %s", err, resp.body)
	}
	return &inc
}

// create posts inc as the caller and fails the test unless it is created.
func (e *env) createIncident(t testing.TB, caller string, inc *vrs.Incident) *vrs.Incident {
	t.Helper()
	resp := e.do(t, request{method: "POST", path: "/api/v1/incidents", token: e.tokens[caller], body: toJSON(t, inc)})
	if resp.status != http.StatusCreated {
		t.Fatalf("create as %s: %d %s", caller, resp.status, resp.body)
	}
	return incidentOf(t, resp)
}

func ifMatch(v int) map[string]string {
	return map[string]string{"If-Match": `"` + strconv.Itoa(v) + `"`}
}

// step sends a change with If-Match and checks the status.
func (e *env) step(t testing.TB, caller, method, path string, version int, body string, want int) response {
	t.Helper()
	resp := e.do(t, request{method: method, path: path, token: e.tokens[caller], body: body, header: ifMatch(version)})
	if resp.status != want {
		t.Fatalf("%s %s as %s (If-Match %d): %d, want %d: %s", method, path, caller, version, resp.status, want, resp.body)
	}
	if want >= 400 {
		errorBody(t, resp)
	}
	return resp
}

func TestIncidentWorkflow(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			police := e.app.World.Agencies["th-police"].ID

			// Server-managed fields are ignored; agency_id defaults to the
			// reporter's only capture agency.
			in := interception(0, "TH-API-001")
			in.ID, in.Status, in.Version, in.Country, in.AgencyName, in.ReviewNote = 999999, vrs.StatusValidated, 7, "VN", "Elsewhere", "forged"
			resp := e.do(t, request{method: "POST", path: "/api/v1/incidents", token: e.tokens["reporter"], body: toJSON(t, in)})
			if resp.status != http.StatusCreated {
				t.Fatalf("create: %d %s", resp.status, resp.body)
			}
			inc := incidentOf(t, resp)
			if inc.ID == 999999 || inc.Status != vrs.StatusDraft || inc.Version != 1 || inc.Country != "TH" || inc.AgencyID != police ||
				inc.AgencyName != "Royal Thai Police" || inc.ReviewNote != "" {
				t.Errorf("created = id %d %s v%d %s agency %d %q note %q", inc.ID, inc.Status, inc.Version, inc.Country, inc.AgencyID, inc.AgencyName, inc.ReviewNote)
			}
			path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
			if loc := resp.header.Get("Location"); loc != path {
				t.Errorf("Location = %q, want %q", loc, path)
			}
			if et := resp.header.Get("ETag"); et != `"1"` {
				t.Errorf("ETag = %q", et)
			}
			if inc.Persons[2].Name != "Somchai Prasert" || inc.Persons[0].Key != "p1" {
				t.Errorf("persons = %+v", inc.Persons)
			}

			t.Run("Get", func(t *testing.T) {
				resp := e.do(t, request{method: "GET", path: path, token: e.tokens["reviewer"]})
				if resp.status != 200 || resp.header.Get("ETag") != `"1"` {
					t.Fatalf("GET: %d %v %s", resp.status, resp.header, resp.body)
				}
				got := incidentOf(t, resp)
				if got.Persons[0].Identifiers[0].Value != "MB-123 456" || got.Transactions[0].PayeeAccount != "KBANK 123-4-56789-0" {
					t.Errorf("personal data not answered: %s", resp.body)
				}
				if !strings.Contains(string(resp.body), `"organisations":[]`) {
					t.Errorf("empty sections are not []: %s", resp.body)
				}
				for _, tc := range []struct {
					inm  string
					want int
				}{{`"1"`, 304}, {`W/"1"`, 304}, {`"0", "1"`, 304}, {`*`, 304}, {`"2"`, 200}} {
					resp := e.do(t, request{method: "GET", path: path, token: e.tokens["reviewer"], header: map[string]string{"If-None-Match": tc.inm}})
					if resp.status != tc.want || (tc.want == 304 && (len(resp.body) != 0 || resp.header.Get("ETag") != `"1"`)) {
						t.Errorf("If-None-Match %s: %d %v %q", tc.inm, resp.status, resp.header, resp.body)
					}
				}
			})

			// Version 1 → 2 by replacement.
			changed := interception(police, "TH-API-001")
			changed.Persons[1].Sex = "unknown"
			changed.Narrative = "Corrected narrative."
			body := toJSON(t, changed)
			t.Run("IfMatch", func(t *testing.T) {
				for _, tc := range []struct {
					name   string
					header map[string]string
					status int
					msg    string
				}{
					{"ErrMissing", nil, 428, "If-Match"},
					{"ErrBlank", map[string]string{"If-Match": " "}, 428, "If-Match"},
					{"ErrStar", map[string]string{"If-Match": "*"}, 428, "*"},
					{"ErrUnquoted", map[string]string{"If-Match": "1"}, 400, "double quotes"},
					{"ErrWeak", map[string]string{"If-Match": `W/"1"`}, 400, "double quotes"},
					{"ErrList", map[string]string{"If-Match": `"1", "2"`}, 400, "double quotes"},
					{"ErrZero", map[string]string{"If-Match": `"0"`}, 400, "double quotes"},
					{"ErrStale", ifMatch(5), 412, "version 5"},
				} {
					t.Run(tc.name, func(t *testing.T) {
						resp := e.do(t, request{method: "PUT", path: path, token: e.tokens["reporter"], body: body, header: tc.header})
						if resp.status != tc.status {
							t.Fatalf("status %d, want %d: %s", resp.status, tc.status, resp.body)
						}
						eb := errorBody(t, resp)
						if !strings.Contains(eb.Message, tc.msg) {
							t.Errorf("message %q lacks %q", eb.Message, tc.msg)
						}
						if tc.status == 412 && eb.Code != vrs.ECONFLICT {
							t.Errorf("412 code %q", eb.Code)
						}
					})
				}
				// The body's id must be the address's.
				other := *changed
				other.ID = inc.ID + 1
				resp := e.step(t, "reporter", "PUT", path, 1, toJSON(t, &other), 400)
				if eb := errorBody(t, resp); eb.Fields["id"] == "" {
					t.Errorf("fields = %v", eb.Fields)
				}
				// The body's agency must be the incident's: moving the
				// incident is refused, not silently ignored, even to an
				// agency the reporter captures for.
				if _, err := e.app.DB.UpdateUser(storetest.System(), e.app.World.Users["reporter"].ID,
					vrs.UserUpdate{CaptureAgencyIDs: &[]int64{police, e.app.World.Agencies["th-immigration"].ID}}); err != nil {
					t.Fatal(err)
				}
				moved := *changed
				moved.AgencyID = e.app.World.Agencies["th-immigration"].ID
				resp = e.step(t, "reporter", "PUT", path, 1, toJSON(t, &moved), 400)
				if eb := errorBody(t, resp); eb.Fields["agency_id"] == "" || len(eb.Fields) != 1 {
					t.Errorf("fields = %v", eb.Fields)
				}
				if got := incidentOf(t, e.do(t, request{method: "GET", path: path, token: e.tokens["reporter"]})); got.Version != 1 || got.AgencyID != police {
					t.Errorf("after a refused move: v%d agency %d", got.Version, got.AgencyID)
				}
			})
			resp = e.step(t, "reporter", "PUT", path, 1, body, 200)
			if got := incidentOf(t, resp); got.Version != 2 || resp.header.Get("ETag") != `"2"` || got.Narrative != "Corrected narrative." {
				t.Fatalf("PUT: v%d %v", got.Version, resp.header)
			}
			// Sending back what GET answered works (server fields ignored).
			got := e.do(t, request{method: "GET", path: path, token: e.tokens["reporter"]})
			e.step(t, "reporter", "PUT", path, 2, string(got.body), 200)

			// Review: submit (v4), return (v5), submit (v6), validate (v7).
			e.step(t, "reporter", "POST", path+"/submit", 3, "", 200)
			e.step(t, "reporter", "PUT", path, 4, body, 409)
			// A stale submit of a submitted incident: the store checks the
			// step before the version, so this is 409 (the step does not
			// apply) rather than 412 until it checks the version first.
			if resp := e.do(t, request{method: "POST", path: path + "/submit", token: e.tokens["reporter"], header: ifMatch(3)}); resp.status != 412 && resp.status != 409 {
				t.Errorf("stale submit: %d %s", resp.status, resp.body)
			}
			e.step(t, "reviewer", "POST", path+"/validate", 3, "", 412)
			resp = e.step(t, "reviewer", "POST", path+"/return", 4, `{}`, 400)
			if eb := errorBody(t, resp); eb.Fields["note"] == "" {
				t.Errorf("return without note: %v", eb.Fields)
			}
			e.step(t, "reviewer", "POST", path+"/return", 4, `{"note":"x","colour":1}`, 400)
			resp = e.step(t, "reviewer", "POST", path+"/return", 4, `{"note":"Give the second migrant's sex."}`, 200)
			if got := incidentOf(t, resp); got.Status != vrs.StatusReturned || got.ReviewNote != "Give the second migrant's sex." ||
				resp.header.Get("ETag") != `"5"` || got.Persons[2].Name != "Somchai Prasert" {
				t.Fatalf("return: %s %q %v", got.Status, got.ReviewNote, resp.header)
			}
			e.step(t, "reporter", "POST", path+"/submit", 5, "", 200)
			e.step(t, "reporter", "POST", path+"/validate", 6, "", 403)
			resp = e.step(t, "reviewer", "POST", path+"/validate", 6, "", 200)
			if got := incidentOf(t, resp); got.Status != vrs.StatusValidated || got.Version != 7 {
				t.Fatalf("validate: %s v%d", got.Status, got.Version)
			}
			// Validated: the analyst of the country sees it now.
			if resp := e.do(t, request{method: "GET", path: path, token: e.tokens["analyst"]}); resp.status != 200 {
				t.Errorf("analyst GET validated: %d", resp.status)
			}
			e.step(t, "reporter", "DELETE", path, 7, `{"reason":"test"}`, 409)

			t.Run("History", func(t *testing.T) {
				resp := e.do(t, request{method: "GET", path: path + "/history", token: e.tokens["reporter"]})
				if resp.status != 200 {
					t.Fatalf("history: %d %s", resp.status, resp.body)
				}
				var h struct {
					Items []struct {
						Version  int
						Status   string
						Action   string
						Note     string
						Changes  []vrs.Change
						Incident *vrs.Incident
					}
					Count int
				}
				json.Unmarshal(resp.body, &h)
				var actions []string
				for _, v := range h.Items {
					actions = append(actions, fmt.Sprintf("%d:%s:%s", v.Version, v.Action, v.Status))
					if v.Incident != nil {
						t.Errorf("version %d carries the incident without full=true", v.Version)
					}
				}
				want := []string{"1:create:draft", "2:update:draft", "3:update:draft", "4:submit:submitted", "5:return:returned", "6:submit:submitted", "7:validate:validated"}
				if !slices.Equal(actions, want) || h.Count != 7 {
					t.Fatalf("history = %v", actions)
				}
				if !slices.ContainsFunc(h.Items[1].Changes, func(c vrs.Change) bool {
					return c.Path == "persons[1].sex" && c.Old == "female" && c.New == "unknown"
				}) {
					t.Errorf("v2 changes = %+v", h.Items[1].Changes)
				}
				if len(h.Items[2].Changes) != 0 || len(h.Items[3].Changes) != 0 {
					t.Errorf("unchanged versions list changes: %+v %+v", h.Items[2].Changes, h.Items[3].Changes)
				}
				if h.Items[4].Note != "Give the second migrant's sex." {
					t.Errorf("return note = %q", h.Items[4].Note)
				}
				resp = e.do(t, request{method: "GET", path: path + "/history?full=true", token: e.tokens["reporter"]})
				json.Unmarshal(resp.body, &h)
				if resp.status != 200 || h.Items[0].Incident == nil || h.Items[0].Incident.Persons[0].Name != "Aung Min Thu" {
					t.Errorf("full history: %d %s", resp.status, resp.body)
				}
				if resp := e.do(t, request{method: "GET", path: path + "/history?full=yes", token: e.tokens["reporter"]}); resp.status != 400 {
					t.Errorf("full=yes: %d", resp.status)
				}
			})

			t.Run("Withdraw", func(t *testing.T) {
				inc := e.createIncident(t, "reporter", interception(police, "TH-API-002"))
				p := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
				e.step(t, "reporter", "POST", p+"/submit", 1, `{"note":"Please check"}`, 200)
				resp := e.step(t, "reporter", "POST", p+"/withdraw", 2, "", 200)
				if got := incidentOf(t, resp); got.Status != vrs.StatusDraft || got.Version != 3 {
					t.Errorf("withdraw: %s v%d", got.Status, got.Version)
				}
			})

			t.Run("Delete", func(t *testing.T) {
				inc := e.createIncident(t, "reporter", interception(police, "TH-API-003"))
				p := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
				resp := e.step(t, "reporter", "DELETE", p, 1, "", 400)
				if eb := errorBody(t, resp); eb.Fields["reason"] == "" {
					t.Errorf("no reason: %v", eb.Fields)
				}
				// The reason goes in the body only: an address ends up in
				// proxy and access logs.
				for _, q := range []string{"?reason=Duplicate", "?reason=", "?reason=a&colour=red"} {
					resp = e.step(t, "reporter", "DELETE", p+q, 1, "", 400)
					if eb := errorBody(t, resp); eb.Fields["reason"] == "" || !strings.Contains(eb.Message, "JSON body") || strings.Contains(string(resp.body), "Duplicate") {
						t.Errorf("%s: %+v", q, eb)
					}
				}
				resp = e.step(t, "reporter", "DELETE", p+"?reason=a", 1, `{"reason":"b"}`, 400)
				if eb := errorBody(t, resp); eb.Fields["reason"] == "" {
					t.Errorf("reason in the query and the body: %v", eb.Fields)
				}
				resp = e.step(t, "reporter", "DELETE", p+"?colour=red", 1, `{"reason":"x"}`, 400)
				if eb := errorBody(t, resp); eb.Fields["colour"] == "" {
					t.Errorf("unknown parameter: %v", eb.Fields)
				}
				e.step(t, "reporter", "DELETE", p, 2, `{"reason":"typo"}`, 412)
				if resp := e.do(t, request{method: "DELETE", path: p, body: `{"reason":"x"}`, token: e.tokens["reporter"]}); resp.status != 428 {
					t.Errorf("DELETE without If-Match: %d", resp.status)
				}
				e.step(t, "reporter", "DELETE", p, 1, `{"reason":"Entered twice by mistake."}`, 204)
				if resp := e.do(t, request{method: "GET", path: p, token: e.tokens["reporter"]}); resp.status != 404 {
					t.Errorf("GET after delete: %d", resp.status)
				}
				inc = e.createIncident(t, "reporter", interception(police, "TH-API-004"))
				p = fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
				resp = e.step(t, "reporter", "DELETE", p, 1, `{"reason":"Duplicate"}`, 204)
				if len(resp.body) != 0 {
					t.Errorf("204 with a body: %q", resp.body)
				}
			})
		})
	}
}

// TestIncidentList walks every page of filtered lists and checks each
// incident comes once.
func TestIncidentList(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			w := e.app.World
			police, immigration := w.Agencies["th-police"].ID, w.Agencies["th-immigration"].ID
			// The reporter captures for both Thai agencies.
			rep := *w.Users["reporter"]
			if _, err := e.app.DB.UpdateUser(storetest.System(), rep.ID, vrs.UserUpdate{CaptureAgencyIDs: &[]int64{police, immigration}}); err != nil {
				t.Fatal(err)
			}
			type made struct {
				id            int64
				ref, detected string
				typ           vrs.IncidentType
				agency        int64
				nat           string
			}
			var all []made
			for i := range 23 {
				inc := interception(police, fmt.Sprintf("L-%03d", i))
				inc.DetectedOn = fmt.Sprintf("2025-03-%02d", 2+i%5)
				inc.ReportedOn = "2025-03-10"
				if i%3 == 0 {
					inc.AgencyID = immigration
				}
				if i%4 == 0 {
					inc.Type = vrs.TypeIrregularMigration
					inc.Persons[0].Nationalities = []string{"KH"}
					inc.Narrative = "Boat landing near Satun harbour."
				}
				if i == 7 {
					inc.Persons[2].Identifiers[0].Value = "+66 99 000 0007"
				}
				got := e.createIncident(t, "reporter", inc)
				nat := "MM"
				if i%4 == 0 {
					nat = "KH"
				}
				all = append(all, made{got.ID, got.Reference, inc.DetectedOn, inc.Type, inc.AgencyID, nat})
			}
			// Submit three.
			for _, m := range all[:3] {
				e.step(t, "reporter", "POST", fmt.Sprintf("/api/v1/incidents/%d/submit", m.id), 1, "", 200)
			}
			pick := func(keep func(m made) bool) []int64 {
				var ids []int64
				for _, m := range all {
					if keep(m) {
						ids = append(ids, m.id)
					}
				}
				slices.Sort(ids)
				return ids
			}
			linkRE := regexp.MustCompile(`^<(/api/v1/incidents\?[^>]+)>; rel="next"$`)
			walk := func(t *testing.T, caller, query string) ([]int64, []string) {
				t.Helper()
				var ids []int64
				var refs []string
				next := "/api/v1/incidents?" + query
				for pages := 0; next != ""; pages++ {
					if pages > 30 {
						t.Fatal("too many pages")
					}
					resp := e.do(t, request{method: "GET", path: next, token: e.tokens[caller]})
					if resp.status != 200 {
						t.Fatalf("GET %s: %d %s", next, resp.status, resp.body)
					}
					var page struct {
						Items []vrs.IncidentSummary
						Count int
						Next  string
					}
					json.Unmarshal(resp.body, &page)
					if page.Count != len(page.Items) {
						t.Errorf("count %d, items %d", page.Count, len(page.Items))
					}
					for _, s := range page.Items {
						ids = append(ids, s.ID)
						refs = append(refs, s.Reference)
					}
					next = ""
					if page.Next != "" {
						m := linkRE.FindStringSubmatch(resp.header.Get("Link"))
						if m == nil {
							t.Fatalf("next %q without Link: %q", page.Next, resp.header.Get("Link"))
						}
						u, _ := url.Parse(m[1])
						if u.Query().Get("after") != page.Next {
							t.Errorf("Link after %q, next %q", u.Query().Get("after"), page.Next)
						}
						next = m[1]
					} else if resp.header.Get("Link") != "" {
						t.Errorf("Link on the last page: %q", resp.header.Get("Link"))
					}
				}
				return ids, refs
			}
			for _, tc := range []struct {
				name, caller, query string
				want                []int64
			}{
				{"All", "reporter", "limit=5", pick(func(made) bool { return true })},
				{"AllDefaultPage", "reporter", "", pick(func(made) bool { return true })},
				{"TypeComma", "reporter", "limit=4&type=irregular_migration,trafficking_in_persons", pick(func(m made) bool { return m.typ == vrs.TypeIrregularMigration })},
				{"TypeRepeated", "reporter", "limit=4&type=irregular_migration&type=migrant_smuggling", pick(func(made) bool { return true })},
				{"Status", "reporter", "status=submitted&limit=2", pick(func(m made) bool { return m.id <= all[2].id })},
				{"StatusDraft", "reporter", "status=draft&limit=7&sort=detected", pick(func(m made) bool { return m.id > all[2].id })},
				{"Period", "reporter", "from=2025-03-03&to=2025-03-04&limit=3&sort=-detected", pick(func(m made) bool { return m.detected >= "2025-03-03" && m.detected <= "2025-03-04" })},
				{"Agency", "reporter", fmt.Sprintf("agency_id=%d&limit=3&sort=reference", immigration), pick(func(m made) bool { return m.agency == immigration })},
				{"Country", "reporter", "country=th&limit=6", pick(func(made) bool { return true })},
				{"CountryOther", "reporter", "country=VN", nil},
				{"Nationality", "reporter", "nationality=KH&limit=2", pick(func(m made) bool { return m.nat == "KH" })},
				{"RouteCountry", "reporter", "route_country=MM&limit=10&sort=updated", pick(func(made) bool { return true })},
				{"Text", "reporter", "q=satun+harbour&limit=2", pick(func(m made) bool { return m.typ == vrs.TypeIrregularMigration })},
				// Reviewers see their own agency's; the analyst nothing (no
				// validated record); another country's reporter nothing.
				{"Reviewer", "reviewer", "limit=5", pick(func(m made) bool { return m.agency == police })},
				{"Analyst", "analyst", "", nil},
				{"OtherCountry", "vn-reporter", "", nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					ids, refs := walk(t, tc.caller, tc.query)
					sorted := slices.Clone(ids)
					slices.Sort(sorted)
					if !slices.Equal(sorted, tc.want) {
						t.Errorf("ids %v, want %v", sorted, tc.want)
					}
					if len(slices.Compact(slices.Clone(sorted))) != len(ids) {
						t.Errorf("duplicates: %v", ids)
					}
					if strings.Contains(tc.query, "sort=reference") && !slices.IsSorted(refs) {
						t.Errorf("not sorted by reference: %v", refs)
					}
				})
			}
			t.Run("Summary", func(t *testing.T) {
				resp := e.do(t, request{method: "GET", path: "/api/v1/incidents?limit=1", token: e.tokens["reporter"]})
				for _, v := range []string{"Somchai", "Aung", "KBANK", "5678"} {
					if strings.Contains(string(resp.body), v) {
						t.Errorf("list shows personal value %q: %s", v, resp.body)
					}
				}
			})
			for _, tc := range []struct{ name, query, field, msg string }{
				{"ErrUnknown", "colour=red", "colour", `"colour"`},
				{"ErrType", "type=smuggling", "type", `"type"`},
				{"ErrStatus", "status=open", "status", `"status"`},
				{"ErrFrom", "from=2025-13-01", "from", "YYYY-MM-DD"},
				{"ErrTo", "to=yesterday", "to", "YYYY-MM-DD"},
				{"ErrPeriod", "from=2025-03-05&to=2025-03-01", "to", "before"},
				{"ErrCountry", "country=Thailand", "country", `"country"`},
				{"ErrNationality", "nationality=1", "nationality", `"nationality"`},
				{"ErrAgency", "agency_id=x", "agency_id", "whole number"},
				{"ErrLimitZero", "limit=0", "limit", "1 to 200"},
				{"ErrLimitHigh", "limit=201", "limit", "1 to 200"},
				{"ErrRepeated", "country=TH&country=VN", "country", "more than once"},
				{"ErrSort", "sort=name", "sort", ""},
				{"ErrCursor", "after=!!!", "after", ""},
				// Personal values never go in an address: the search is a POST.
				{"ErrIdentifierInQuery", "identifier_kind=phone&identifier=%2B66990000007", "identifier", "POST /api/v1/incidents/search"},
				{"ErrIdentifierAlone", "identifier=ko+chai&limit=10", "identifier", "POST /api/v1/incidents/search"},
				{"ErrIdentifierKindInQuery", "identifier_kind=phone", "identifier_kind", "POST /api/v1/incidents/search"},
				{"ErrIdentifierEmpty", "identifier=", "identifier", "POST /api/v1/incidents/search"},
				{"ErrTextLong", "q=" + strings.Repeat("a", 201), "q", "200"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					resp := e.do(t, request{method: "GET", path: "/api/v1/incidents?" + tc.query, token: e.tokens["reporter"]})
					if resp.status != 400 {
						t.Fatalf("status %d: %s", resp.status, resp.body)
					}
					eb := errorBody(t, resp)
					if eb.Fields[tc.field] == "" || !strings.Contains(eb.Message, tc.msg) {
						t.Errorf("error = %+v", eb)
					}
				})
			}
			// POST /incidents/search: the identifier in the body, the list's
			// filters and paging alongside.
			search := func(t *testing.T, caller string, body map[string]any) ([]int64, int) {
				t.Helper()
				var ids []int64
				pages := 0
				for {
					pages++
					if pages > 30 {
						t.Fatal("too many pages")
					}
					raw, _ := json.Marshal(body)
					resp := e.do(t, request{method: "POST", path: "/api/v1/incidents/search", body: string(raw), token: e.tokens[caller]})
					if resp.status != 200 {
						t.Fatalf("search %s: %d %s", raw, resp.status, resp.body)
					}
					if l := resp.header.Get("Link"); l != "" {
						t.Errorf("search answers a Link: %q", l)
					}
					var page struct {
						Items []vrs.IncidentSummary
						Count int
						Next  string
					}
					json.Unmarshal(resp.body, &page)
					for _, s := range page.Items {
						ids = append(ids, s.ID)
					}
					if page.Next == "" {
						break
					}
					body["after"] = page.Next
				}
				slices.Sort(ids)
				return ids, pages
			}
			for _, tc := range []struct {
				name   string
				caller string
				body   map[string]any
				want   []int64
				pages  int
			}{
				{"SearchPhone", "reporter", map[string]any{"identifier_kind": "phone", "identifier": "+66990000007"}, pick(func(m made) bool { return m.ref == "L-007" }), 1},
				{"SearchNameDefaultKind", "reporter", map[string]any{"identifier": "ko chai", "limit": 10}, pick(func(made) bool { return true }), 3},
				{"SearchWithFilters", "reporter", map[string]any{"identifier": "KO CHAI", "identifier_kind": "name", "type": []string{"irregular_migration"},
					"agency_id": immigration, "sort": "reference", "limit": 1}, pick(func(m made) bool { return m.typ == vrs.TypeIrregularMigration && m.agency == immigration }), 2},
				{"SearchNone", "reporter", map[string]any{"identifier_kind": "phone", "identifier": "+66 99 000 0008"}, nil, 1},
				{"SearchOtherCountry", "vn-reporter", map[string]any{"identifier": "ko chai"}, nil, 1},
			} {
				t.Run(tc.name, func(t *testing.T) {
					ids, pages := search(t, tc.caller, tc.body)
					if !slices.Equal(ids, tc.want) || pages != tc.pages {
						t.Errorf("ids %v in %d pages, want %v in %d", ids, pages, tc.want, tc.pages)
					}
				})
			}
			for _, tc := range []struct{ name, path, body, field, msg string }{
				{"SearchErrMissing", "", `{"identifier_kind":"phone"}`, "identifier", ""},
				{"SearchErrBlank", "", `{"identifier":"  "}`, "identifier", ""},
				{"SearchErrKind", "", `{"identifier_kind":"shoe_size","identifier":"42"}`, "identifier_kind", ""},
				{"SearchErrType", "", `{"identifier":"x","type":["smuggling"]}`, "type", ""},
				{"SearchErrTypeShape", "", `{"identifier":"x","type":"migrant_smuggling"}`, "type", "array"},
				{"SearchErrLimit", "", `{"identifier":"x","limit":0}`, "limit", ""},
				{"SearchErrLimitHigh", "", `{"identifier":"x","limit":201}`, "limit", ""},
				{"SearchErrPeriod", "", `{"identifier":"x","from":"2025-03-05","to":"2025-03-01"}`, "to", ""},
				{"SearchErrUnknown", "", `{"identifier":"x","colour":"red"}`, "colour", ""},
				{"SearchErrTooLong", "", `{"identifier":"` + strings.Repeat("9", 201) + `"}`, "identifier", ""},
				{"SearchErrQuery", "?identifier=x", `{"identifier":"x"}`, "identifier", ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					resp := e.do(t, request{method: "POST", path: "/api/v1/incidents/search" + tc.path, body: tc.body, token: e.tokens["reporter"]})
					if resp.status != 400 {
						t.Fatalf("status %d: %s", resp.status, resp.body)
					}
					eb := errorBody(t, resp)
					if eb.Fields[tc.field] == "" || !strings.Contains(eb.Message, tc.msg) {
						t.Errorf("error = %+v", eb)
					}
					if strings.Contains(string(resp.body), "42") || strings.Contains(string(resp.body), "99999") {
						t.Errorf("error repeats the value: %s", resp.body)
					}
				})
			}
		})
	}
}

// TestIncidentValidation: every class of rule is answered 400 with the
// field's path, and nothing is saved.
func TestIncidentValidation(t *testing.T) {
	cases := []struct {
		name   string
		change func(inc *vrs.Incident)
		fields []string
	}{
		{"ErrRequired", func(inc *vrs.Incident) { inc.Reference, inc.DetectedOn = "", "" }, []string{"reference", "detected_on"}},
		{"ErrType", func(inc *vrs.Incident) { inc.Type = "smuggling" }, []string{"type"}},
		{"ErrTypeNeeds", func(inc *vrs.Incident) { inc.Type = vrs.TypeTrafficking }, []string{"persons"}},
		{"ErrDateFormat", func(inc *vrs.Incident) { inc.OccurredOn = "01/03/2025" }, []string{"occurred_on"}},
		{"ErrDateFuture", func(inc *vrs.Incident) { inc.ReportedOn = "2999-01-01" }, []string{"reported_on"}},
		{"ErrDateOrder", func(inc *vrs.Incident) { inc.OccurredOn = "2025-03-05" }, []string{"occurred_on"}},
		{"ErrCode", func(inc *vrs.Incident) { inc.Persons[0].Sex = "m" }, []string{"persons[0].sex"}},
		{"ErrCodeList", func(inc *vrs.Incident) { inc.Persons[1].Nationalities = []string{"MM", "XX"} }, []string{"persons[1].nationalities"}},
		{"ErrIdentifier", func(inc *vrs.Incident) { inc.Persons[0].Identifiers[0].Kind = "passport" }, []string{"persons[0].identifiers[0].kind"}},
		{"ErrAge", func(inc *vrs.Incident) { inc.Persons[0].Age = ptr(130) }, []string{"persons[0].age"}},
		{"ErrLegOrder", func(inc *vrs.Incident) { inc.Legs[0].Role, inc.Legs[1].Role = "interception", "origin" }, []string{"legs[1].role"}},
		{"ErrLegDates", func(inc *vrs.Incident) { inc.Legs[1].ArrivedOn = "2025-02-01" }, []string{"legs[1].departed_on"}},
		{"ErrCount", func(inc *vrs.Incident) { inc.Counts = []vrs.AggregateCount{{Role: "migrant", Count: -2}} }, []string{"counts[0].count"}},
		{"ErrCountTotal", func(inc *vrs.Incident) { inc.PersonsInvolved = ptr(2) }, []string{"persons_involved"}},
		{"ErrCurrency", func(inc *vrs.Incident) { inc.Transactions[0].Currency = "BAHT" }, []string{"transactions[0].currency"}},
		{"ErrAmount", func(inc *vrs.Incident) { inc.Transactions[0].Amount = -5 }, []string{"transactions[0].amount"}},
		{"ErrRef", func(inc *vrs.Incident) { inc.Transactions[0].PayeeKey = "p9" }, []string{"transactions[0].payee"}},
		{"ErrCoordinates", func(inc *vrs.Incident) { inc.Place.Lat, inc.Place.Lon = ptr(52.5), ptr(13.4) }, []string{"place.lat"}},
		{"ErrCoordinatesPair", func(inc *vrs.Incident) { inc.Place.Lon = nil }, []string{"place.lat"}},
		{"ErrTooLong", func(inc *vrs.Incident) { inc.Persons[2].Aliases = []string{strings.Repeat("x", 201)} }, []string{"persons[2].aliases[0]"}},
		{"ErrControl", func(inc *vrs.Incident) { inc.Place.Name = "Sadao\x00" }, []string{"place.name"}},
		{"ErrTooMany", func(inc *vrs.Incident) {
			inc.Legs = nil
			for i := range vrs.MaxLegs + 1 {
				inc.Legs = append(inc.Legs, vrs.RouteLeg{Country: "TH", Role: "transit", Place: strconv.Itoa(i)})
			}
		}, []string{"legs"}},
		{"ErrAgency", func(inc *vrs.Incident) { inc.AgencyID = 987654321 }, nil}, // not in the capture scope: 403
		{"ErrSeveral", func(inc *vrs.Incident) {
			inc.Persons[0].Sex, inc.Legs[0].Country, inc.Transactions[0].Method = "x", "ZZ", "barter"
		},
			[]string{"persons[0].sex", "legs[0].country", "transactions[0].method"}},
	}
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			police := e.app.World.Agencies["th-police"].ID
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					inc := interception(police, "V-"+tc.name)
					tc.change(inc)
					before := incidentSnapshot(t, e)
					resp := e.do(t, request{method: "POST", path: "/api/v1/incidents", token: e.tokens["reporter"], body: toJSON(t, inc)})
					if after := incidentSnapshot(t, e); after != before {
						t.Errorf("refused create saved something")
					}
					want := 400
					if tc.fields == nil {
						want = 403
					}
					if resp.status != want {
						t.Fatalf("status %d, want %d: %s", resp.status, want, resp.body)
					}
					eb := errorBody(t, resp)
					for _, f := range tc.fields {
						if eb.Fields[f] == "" {
							t.Errorf("fields %v lack %q", eb.Fields, f)
						}
					}
				})
			}
			t.Run("ErrReplace", func(t *testing.T) {
				inc := e.createIncident(t, "reporter", interception(police, "V-PUT"))
				bad := interception(police, "V-PUT")
				bad.Persons[1].Sex = "f"
				resp := e.step(t, "reporter", "PUT", fmt.Sprintf("/api/v1/incidents/%d", inc.ID), 1, toJSON(t, bad), 400)
				if eb := errorBody(t, resp); eb.Fields["persons[1].sex"] == "" {
					t.Errorf("fields = %v", eb.Fields)
				}
				if got := incidentOf(t, e.do(t, request{method: "GET", path: fmt.Sprintf("/api/v1/incidents/%d", inc.ID), token: e.tokens["reporter"]})); got.Version != 1 {
					t.Errorf("refused PUT saved version %d", got.Version)
				}
			})
			t.Run("ErrReferenceTaken", func(t *testing.T) {
				e.createIncident(t, "reporter", interception(police, "V-DUP"))
				resp := e.do(t, request{method: "POST", path: "/api/v1/incidents", token: e.tokens["reporter"], body: toJSON(t, interception(police, "V-DUP"))})
				if resp.status != 409 {
					t.Fatalf("status %d", resp.status)
				}
				if eb := errorBody(t, resp); eb.Fields["reference"] == "" {
					t.Errorf("fields = %v", eb.Fields)
				}
			})
		})
	}
}

// TestIncidentBadJSON: malformed bodies are refused with the path of the
// offending value, and nothing is saved.
func TestIncidentBadJSON(t *testing.T) {
	e := newEnv(t, "sqlite")
	police := e.app.World.Agencies["th-police"].ID
	good := toJSON(t, interception(police, "J-1"))
	sub := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("fixture lacks %s", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	cases := []struct {
		name, body string
		status     int
		field, msg string
	}{
		{"ErrTruncated", good[:len(good)/2], 400, "", "ends in the middle"},
		{"ErrSyntax", sub(`"type":`, `"type"`), 400, "", "not valid JSON"},
		{"ErrTrailing", good + `{}`, 400, "", "goes on after"},
		{"ErrNotObject", `[` + good + `]`, 400, "", "JSON object"},
		{"ErrUnknownTop", sub(`"type":`, `"colour":"red","type":`), 400, "colour", `"colour"`},
		{"ErrUnknownNested", sub(`"role":"migrant"`, `"role":"migrant","eyes":"brown"`), 400, "persons[0].eyes", `"persons[0].eyes"`},
		{"ErrUnknownDeep", sub(`"kind":"phone"`, `"kind":"phone","verified":true`), 400, "persons[2].identifiers[0].verified", "verified"},
		{"ErrCase", sub(`"reference":`, `"Reference":`), 400, "Reference", `"Reference"`},
		{"ErrCaseNested", sub(`"country":"MM"`, `"Country":"MM"`), 400, "legs[0].Country", `"legs[0].Country"`},
		{"ErrDuplicate", sub(`"type":`, `"reference":"J-2","type":`), 400, "reference", "more than once"},
		{"ErrDuplicateNested", sub(`"sex":"female"`, `"sex":"female","sex":"male"`), 400, "persons[1].sex", "more than once"},
		{"ErrTypeString", sub(`"sex":"female"`, `"sex":2`), 400, "persons[1].sex", "must be a string"},
		{"ErrTypeInteger", sub(`"age":24`, `"age":"24"`), 400, "persons[0].age", "whole number"},
		{"ErrTypeFraction", sub(`"age":24`, `"age":24.5`), 400, "persons[0].age", "whole number"},
		{"ErrHugeInteger", sub(`"age":24`, `"age":99999999999999999999`), 400, "persons[0].age", "whole number"},
		{"ErrHugeAgency", strings.Replace(good, fmt.Sprintf(`"agency_id":%d`, police), `"agency_id":1e400`, 1), 400, "agency_id", "whole number"},
		{"ErrHugeNumber", sub(`"amount":45000`, `"amount":1e400`), 400, "transactions[0].amount", "must be a number"},
		{"ErrTypeArray", sub(`"nationalities":["MM"]`, `"nationalities":"MM"`), 400, "persons[0].nationalities", "array of strings"},
		{"ErrTypeObject", sub(`"place":{`, `"place":[],"x":{`), 400, "place", "must be an object"},
		{"ErrTypeArrayOfObjects", sub(`"legs":[`, `"legs":["origin",`), 400, "legs[0]", "must be an object"},
		{"ErrTypeTime", sub(`"type":`, `"created_at":"yesterday","type":`), 400, "created_at", "created_at"},
		{"ErrUTF8", sub(`Sadao checkpoint`, "Sadao \xff"), 400, "", "UTF-8"},
		{"ErrEmpty", "", 400, "", "empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := incidentSnapshot(t, e)
			resp := e.do(t, request{method: "POST", path: "/api/v1/incidents", token: e.tokens["reporter"], body: tc.body,
				header: map[string]string{"Content-Type": "application/json"}})
			if incidentSnapshot(t, e) != before {
				t.Error("refused body saved something")
			}
			if resp.status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.status, tc.status, resp.body)
			}
			eb := errorBody(t, resp)
			if tc.field != "" && eb.Fields[tc.field] == "" {
				t.Errorf("fields %v lack %q", eb.Fields, tc.field)
			}
			if !strings.Contains(eb.Message, tc.msg) {
				t.Errorf("message %q lacks %q", eb.Message, tc.msg)
			}
		})
	}
	t.Run("ErrPutNested", func(t *testing.T) {
		inc := e.createIncident(t, "reporter", interception(police, "J-PUT"))
		resp := e.step(t, "reporter", "PUT", fmt.Sprintf("/api/v1/incidents/%d", inc.ID), 1, sub(`"mode":"car"`, `"mode":"car","speed":90`), 400)
		if eb := errorBody(t, resp); eb.Fields["legs[1].speed"] == "" {
			t.Errorf("fields = %v", eb.Fields)
		}
	})
	t.Run("ErrContentType", func(t *testing.T) {
		resp := e.do(t, request{method: "POST", path: "/api/v1/incidents", token: e.tokens["reporter"], body: good,
			header: map[string]string{"Content-Type": "text/plain"}})
		if resp.status != 415 {
			t.Errorf("status %d", resp.status)
		}
	})
}

// incidentSnapshot is every incident with its version and status, as
// the installation sees it.
func incidentSnapshot(t testing.TB, e *env) string {
	t.Helper()
	var out []string
	f := vrs.IncidentFilter{Limit: 200}
	for {
		page, err := e.app.DB.ListIncidents(storetest.System(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Items {
			out = append(out, fmt.Sprintf("%d:%d:%s", s.ID, s.Version, s.Status))
		}
		if page.Next == "" {
			break
		}
		f.After = page.Next
	}
	return strings.Join(out, ",")
}
