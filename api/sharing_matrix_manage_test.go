package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"vrs"
	"vrs/api"
	"vrs/storetest"
)

// The sharing matrix, continued: agreements, groups, record views and the
// endpoints that hold no records, which must not reveal any either.

// readsAgreement: administrators and the users of either party.
func readsAgreement(u *vrs.User, a *vrs.SharingAgreement) bool {
	return u != nil && (u.HasRole(vrs.RoleAdmin) || u.Country == a.Proposer || u.Country == a.Partner)
}

// agreementIDs decodes a list of agreements.
func agreementIDs(t *testing.T, resp response) []int64 {
	t.Helper()
	var l struct {
		Items []vrs.SharingAgreement
		Count int
	}
	if err := json.Unmarshal(resp.body, &l); err != nil || l.Count != len(l.Items) {
		t.Fatalf("not a list of agreements: %v %s", err, resp.body)
	}
	var ids []int64
	for _, a := range l.Items {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	return ids
}

func (w *sharingWorld) checkAgreements(t *testing.T, caller string, v view) {
	all, err := w.e.app.DB.ListAgreements(storetest.System(), vrs.AgreementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		keep  func(a *vrs.SharingAgreement) bool
	}{
		{"", func(*vrs.SharingAgreement) bool { return true }},
		{"?country=LA", func(a *vrs.SharingAgreement) bool { return a.Proposer == "LA" || a.Partner == "LA" }},
		{"?status=proposed&country=vn", func(a *vrs.SharingAgreement) bool {
			return a.Status == vrs.AgreementProposed && (a.Proposer == "VN" || a.Partner == "VN")
		}},
	} {
		req := request{method: "GET", path: "/api/v1/agreements" + c.query}
		resp := w.call(t, caller, v, req, false)
		if !wantStatus(t, caller, req, resp, refused(v, false, http.StatusOK)) || v.u == nil {
			continue
		}
		var want []int64
		for _, a := range all {
			if readsAgreement(v.u, a) && c.keep(a) {
				want = append(want, a.ID)
			}
		}
		slices.Sort(want)
		if got := agreementIDs(t, resp); !slices.Equal(got, want) {
			t.Errorf("GET %s as %s: agreements %v, want %v", req.path, caller, got, want)
		}
	}
	for _, key := range []string{"th-vn", "th-vn-tip", "la-vn", "th-la"} {
		a := w.agreements[key]
		reads := readsAgreement(v.u, a)
		base := fmt.Sprintf("/api/v1/agreements/%d", a.ID)
		req := request{method: "GET", path: base}
		resp := w.call(t, caller, v, req, false)
		if wantStatus(t, caller, req, resp, refused(v, !reads, http.StatusOK)) && !reads && v.u != nil {
			w.missing(t, caller, req, a.ID, resp)
		}
		if !reads && v.u != nil && strings.Contains(string(resp.body), "Note "+key) {
			t.Errorf("%s sees the note of %s", caller, key)
		}
		focal := v.u != nil && v.u.HasRole(vrs.RoleFocalPoint) && (v.u.Country == a.Proposer || v.u.Country == a.Partner)
		for _, step := range []string{"accept", "decline", "revoke"} {
			want := http.StatusForbidden
			switch {
			case !focal:
			case step == "revoke" && a.Status == vrs.AgreementActive:
				want = http.StatusBadRequest // a reason is required
			case step == "revoke" && a.Status == vrs.AgreementProposed:
				continue // would withdraw it: TestAgreementFlow
			case step == "revoke":
				want = http.StatusConflict
			case v.u.Country != a.Partner:
			case a.Status == vrs.AgreementProposed:
				continue // would decide it: TestAgreementFlow
			default:
				want = http.StatusConflict
			}
			req := request{method: "POST", path: base + "/" + step}
			resp := w.call(t, caller, v, req, false)
			if wantStatus(t, caller, req, resp, refused(v, !reads, want)) && !reads && v.u != nil {
				w.missing(t, caller, req, a.ID, resp)
			}
		}
	}
	// Focal points propose for their own country; nobody else does.
	req := request{method: "POST", path: "/api/v1/agreements", body: `{"partner":"KH","types":["related_conduct"],"granularity":"aggregate","note":"From ` + caller + `"}`}
	resp := w.call(t, caller, v, req, false)
	want := http.StatusForbidden
	if v.u != nil && v.u.HasRole(vrs.RoleFocalPoint) {
		want = http.StatusCreated
	}
	if wantStatus(t, caller, req, resp, refused(v, false, want)) && want == http.StatusCreated {
		var a vrs.SharingAgreement
		json.Unmarshal(resp.body, &a)
		if a.Proposer != v.u.Country || a.Partner != "KH" || a.Status != vrs.AgreementProposed || a.Granularity != vrs.GranAggregate {
			t.Errorf("proposed %+v", a)
		}
	}
}

func (w *sharingWorld) checkGroups(t *testing.T, caller string, v view) {
	g := w.group
	base := fmt.Sprintf("/api/v1/sharing-groups/%d", g.ID)
	for _, path := range []string{"/api/v1/sharing-groups", base} {
		req := request{method: "GET", path: path}
		resp := w.call(t, caller, v, req, false)
		wantStatus(t, caller, req, resp, refused(v, false, http.StatusOK))
	}
	req := request{method: "GET", path: "/api/v1/sharing-groups/987654321"}
	wantStatus(t, caller, req, w.call(t, caller, v, req, false), refused(v, true, 0))

	owner := v.u != nil && v.u.HasRole(vrs.RoleFocalPoint) && v.u.Country == g.Owner
	same := toJSON(t, map[string]any{"name": g.Name, "releasability": g.Releasability, "countries": g.Countries, "agency_ids": g.AgencyIDs})
	want := http.StatusForbidden
	if owner {
		want = http.StatusOK // the same content: nothing changes
	}
	req = request{method: "PUT", path: base, body: same}
	wantStatus(t, caller, req, w.call(t, caller, v, req, false), refused(v, false, want))
	if !owner {
		req = request{method: "DELETE", path: base}
		wantStatus(t, caller, req, w.call(t, caller, v, req, false), refused(v, false, http.StatusForbidden))
	}
	req = request{method: "POST", path: "/api/v1/sharing-groups", body: `{"name":"Group of ` + caller + `","releasability":"Matrix.","countries":["KH"]}`}
	want = http.StatusForbidden
	if v.u != nil && v.u.HasRole(vrs.RoleFocalPoint) {
		want = http.StatusCreated
	}
	wantStatus(t, caller, req, w.call(t, caller, v, req, false), refused(v, false, want))
	got, err := w.e.app.DB.FindSharingGroup(storetest.System(), g.ID)
	if err != nil || got.Name != g.Name || !slices.Equal(got.Countries, g.Countries) || !slices.Equal(got.AgencyIDs, g.AgencyIDs) {
		t.Errorf("the group changed: %+v %v", got, err)
	}
}

// checkOthers calls the endpoints that hold no records: none may reveal one.
func (w *sharingWorld) checkOthers(t *testing.T, caller string, v view) {
	manager := v.u != nil && (v.u.HasRole(vrs.RoleAdmin) || v.u.HasRole(vrs.RoleFocalPoint))
	onlyManagers := http.StatusForbidden
	if manager {
		onlyManagers = http.StatusOK
	}
	for _, c := range []struct {
		path string
		want int
	}{
		{"/api/v1/me", http.StatusOK},
		{"/api/v1/countries?member=true", http.StatusOK},
		{"/api/v1/codelists", http.StatusOK},
		{"/api/v1/codelists/country", http.StatusOK},
		{"/api/v1/agencies", http.StatusOK},
		{fmt.Sprintf("/api/v1/agencies/%d", w.e.app.World.Agencies["th-police"].ID), http.StatusOK},
		{"/api/v1/users", http.StatusOK},
		{"/api/v1/validation-rules", http.StatusOK},
		{"/api/v1/audit?limit=500", onlyManagers},
		{"/api/v1/record-views?limit=1000", onlyManagers},
	} {
		req := request{method: "GET", path: c.path}
		wantStatus(t, caller, req, w.call(t, caller, v, req, false), refused(v, false, c.want))
	}
	// Records are created with partners and groups; agencies keep their
	// defaults (the same value again changes nothing).
	reporter := v.u != nil && v.u.HasRole(vrs.RoleReporter)
	inc := interception(0, "NEW "+caller)
	inc.Distribution, inc.ShareGroups = vrs.DistPartners, []int64{w.group.ID}
	want := http.StatusForbidden
	switch {
	case reporter && (w.group.Owner == v.u.Country || slices.Contains(w.group.Countries, v.u.Country)):
		want = http.StatusCreated
	case reporter: // a group its country neither manages nor belongs to
		want = http.StatusBadRequest
	}
	req := request{method: "POST", path: "/api/v1/incidents", body: toJSON(t, inc)}
	wantStatus(t, caller, req, w.call(t, caller, v, req, false), refused(v, false, want))
	inc.Reference, inc.ShareGroups = "BAD "+caller, []int64{987654321}
	if reporter {
		want = http.StatusBadRequest
	}
	req = request{method: "POST", path: "/api/v1/incidents", body: toJSON(t, inc)}
	wantStatus(t, caller, req, w.call(t, caller, v, req, false), refused(v, false, want))
	want = http.StatusForbidden
	if v.u != nil && (v.u.HasRole(vrs.RoleAdmin) || v.u.HasRole(vrs.RoleFocalPoint) && v.u.Country == "TH") {
		want = http.StatusOK
	}
	req = request{method: "PATCH", path: fmt.Sprintf("/api/v1/agencies/%d", w.e.app.World.Agencies["th-police"].ID),
		body: `{"default_distribution":"country","default_tlp":"AMBER"}`}
	wantStatus(t, caller, req, w.call(t, caller, v, req, false), refused(v, false, want))

	// Another country's record views: administrators only.
	for _, country := range []string{"TH", "VN", "LA"} {
		want := http.StatusForbidden
		if v.u != nil && (v.u.HasRole(vrs.RoleAdmin) || v.u.HasRole(vrs.RoleFocalPoint) && v.u.Country == country) {
			want = http.StatusOK
		}
		req = request{method: "GET", path: "/api/v1/record-views?country=" + country}
		wantStatus(t, caller, req, w.call(t, caller, v, req, false), refused(v, false, want))
	}
}

// checkRecordViews runs after every caller has read: the Thai focal point
// sees the reads of Thai records from abroad, with the purpose of full
// reads, and no Thai reader.
func (w *sharingWorld) checkRecordViews(t *testing.T) {
	resp := w.e.do(t, request{method: "GET", path: "/api/v1/record-views?limit=1000", token: w.e.tokens["focal_point"]})
	if resp.status != http.StatusOK {
		t.Fatalf("record views: %d %s", resp.status, resp.body)
	}
	var l struct{ Items []vrs.RecordView }
	if err := json.Unmarshal(resp.body, &l); err != nil {
		t.Fatal(err)
	}
	community := w.records["th-community"].inc.ID
	var full, pseudo bool
	for _, rv := range l.Items {
		if rv.Country == "TH" || rv.Country == "" {
			t.Errorf("a Thai read listed: %+v", rv)
		}
		if rv.IncidentID == community && rv.ViewerName == w.users["vn-analyst"].Name {
			switch {
			case strings.Contains(rv.Detail, `"granularity":"full"`) && strings.Contains(rv.Detail, "investigation: matrix vn-analyst"):
				full = true
			case strings.Contains(rv.Detail, `"granularity":"pseudonymised"`) && !strings.Contains(rv.Detail, "investigation"):
				pseudo = true
			}
		}
	}
	if !full || !pseudo {
		t.Errorf("the Vietnamese analyst's reads of %d, in full with a purpose (%v) and pseudonymised without (%v), are not both listed: %s",
			community, full, pseudo, resp.body)
	}
}

// elsewhere are the routes the sharing matrix leaves to others: they hold
// no records and TestMatrix calls each as every role.
var elsewhere = map[string]string{
	"GET /api/v1/countries/{code}":         "TestMatrix",
	"POST /api/v1/agencies":                "TestMatrix, TestAgencySharingDefaults",
	"POST /api/v1/agencies/{id}/units":     "TestMatrix",
	"POST /api/v1/users":                   "TestMatrix",
	"GET /api/v1/users/{id}":               "TestMatrix",
	"PATCH /api/v1/users/{id}":             "TestMatrix",
	"POST /api/v1/validation-rules":        "TestRuleAccess",
	"GET /api/v1/validation-rules/{id}":    "TestRuleAccess",
	"PUT /api/v1/validation-rules/{id}":    "TestRuleAccess",
	"DELETE /api/v1/validation-rules/{id}": "TestRuleAccess",
	"GET /api/v1/openapi.json":             "TestMatrix (public)",
	// Exports hold records: the same world, callers and canaries, in
	// every format.
	"GET /api/v1/incidents/export": "TestIncidentExportNoLeak",
	// Templates hold no records; import jobs are their user's alone.
	"GET /api/v1/import-templates/{type}": "TestImportTemplateAPI",
	"GET /api/v1/imports":                 "TestImportAPI",
	"POST /api/v1/imports":                "TestImportAPI, TestImportAPIBadInput",
	"GET /api/v1/imports/{id}":            "TestImportAPI (another user's job is 404)",
	"GET /api/v1/imports/{id}/problems":   "TestImportAPI",
	"GET /api/v1/imports/{id}/errors":     "TestImportAPI",
	"POST /api/v1/imports/{id}/cancel":    "TestImportAPIMappingAndCancel",
	"POST /api/v1/imports/{id}/commit":    "TestImportAPI",
	// Statistics count records: the same world, every caller.
	"GET /api/v1/stats":         "TestStatsNoLeak",
	"GET /api/v1/stats/records": "TestStatsNoLeak",
}

// checkCoverage holds the matrix to every registered route: each was
// called, or is named in elsewhere.
func (w *sharingWorld) checkCoverage(t *testing.T) {
	mux := http.NewServeMux()
	a := api.New(api.Config{})
	a.Register(mux)
	called := map[string]bool{}
	for hit := range w.hit {
		method, path, _ := strings.Cut(hit, " ")
		if _, pattern := mux.Handler(httptest.NewRequest(method, path, nil)); pattern != "" {
			called[pattern] = true
		}
	}
	for _, r := range a.Routes() {
		key := r.Method + " " + r.Pattern
		if !called[key] && elsewhere[key] == "" {
			t.Errorf("the sharing matrix never calls %s", key)
		}
		if called[key] && elsewhere[key] != "" {
			t.Errorf("%s is called here: drop it from elsewhere", key)
		}
	}
}
