package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"vrs"
	"vrs/storetest"
)

// TestIncidentMatrix runs every incident endpoint as every caller. Each
// change acts on an incident made for it, in the state the step needs, so
// that callers do not depend on one another. A 404 must read exactly as
// the 404 of an incident that does not exist.
func TestIncidentMatrix(t *testing.T) {
	const (
		ok        = http.StatusOK
		created   = http.StatusCreated
		noContent = http.StatusNoContent
		forbidden = http.StatusForbidden
		notFound  = http.StatusNotFound
	)
	// Thai police records: its reporter and reviewer work on them.
	thWork := func(reporter, reviewer int) want {
		return want{"*": notFound, "reporter": reporter, "reviewer": reviewer}
	}
	rows := []struct {
		name, method, suffix, body string
		// state of the incident the row acts on; "" for rows without one.
		state   vrs.IncidentStatus
		country string // "TH" (th-police) or "VN" (vn-police)
		want    want
	}{
		{name: "List", method: "GET", suffix: "?limit=5", want: want{"*": ok}},
		{name: "ListFiltered", method: "GET", suffix: "?type=migrant_smuggling&status=validated&country=TH", want: want{"*": ok}},
		{name: "CreateTH", method: "POST", body: `{"agency_id":{th-police}}`, want: want{"*": forbidden, "reporter": created}},
		{name: "CreateVN", method: "POST", body: `{"agency_id":{vn-police}}`, want: want{"*": forbidden, "vn-reporter": created}},

		{name: "GetDraftTH", method: "GET", state: vrs.StatusDraft, country: "TH", want: thWork(ok, ok)},
		{name: "GetSubmittedTH", method: "GET", state: vrs.StatusSubmitted, country: "TH", want: thWork(ok, ok)},
		// Validated: the Thai analyst (country view) reads it too.
		{name: "GetValidatedTH", method: "GET", state: vrs.StatusValidated, country: "TH",
			want: want{"*": notFound, "reporter": ok, "reviewer": ok, "analyst": ok}},
		{name: "GetDraftVN", method: "GET", state: vrs.StatusDraft, country: "VN", want: want{"*": notFound, "vn-reporter": ok}},
		{name: "HistoryDraftTH", method: "GET", suffix: "/history", state: vrs.StatusDraft, country: "TH", want: thWork(ok, ok)},
		{name: "HistoryValidatedTH", method: "GET", suffix: "/history?full=true", state: vrs.StatusValidated, country: "TH",
			want: want{"*": notFound, "reporter": ok, "reviewer": ok, "analyst": ok}},

		{name: "ReplaceTH", method: "PUT", body: `{"agency_id":{th-police}}`, state: vrs.StatusDraft, country: "TH", want: thWork(ok, forbidden)},
		{name: "ReplaceValidatedTH", method: "PUT", body: `{"agency_id":{th-police}}`, state: vrs.StatusValidated, country: "TH",
			want: want{"*": notFound, "reporter": ok, "reviewer": forbidden, "analyst": forbidden}},
		{name: "ReplaceVN", method: "PUT", body: `{"agency_id":{vn-police}}`, state: vrs.StatusDraft, country: "VN", want: want{"*": notFound, "vn-reporter": ok}},
		{name: "SubmitTH", method: "POST", suffix: "/submit", state: vrs.StatusDraft, country: "TH", want: thWork(ok, forbidden)},
		{name: "WithdrawTH", method: "POST", suffix: "/withdraw", state: vrs.StatusSubmitted, country: "TH", want: thWork(ok, forbidden)},
		{name: "ReturnTH", method: "POST", suffix: "/return", body: `{"note":"Check the dates."}`, state: vrs.StatusSubmitted, country: "TH", want: thWork(forbidden, ok)},
		{name: "ValidateTH", method: "POST", suffix: "/validate", state: vrs.StatusSubmitted, country: "TH", want: thWork(forbidden, ok)},
		{name: "ValidateVN", method: "POST", suffix: "/validate", state: vrs.StatusSubmitted, country: "VN", want: want{"*": notFound, "vn-reporter": forbidden}},
		{name: "DeleteTH", method: "DELETE", body: `{"reason":"Duplicate"}`, state: vrs.StatusDraft, country: "TH", want: thWork(noContent, forbidden)},
		{name: "DeleteVN", method: "DELETE", body: `{"reason":"Duplicate"}`, state: vrs.StatusDraft, country: "VN", want: want{"*": notFound, "vn-reporter": noContent}},
	}
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			w := e.app.World
			ids := e.ids()
			n := 0
			// make records an incident in the state asked, as the
			// installation's own reporters and reviewers would.
			makeIncident := func(t *testing.T, country string, state vrs.IncidentStatus) *vrs.Incident {
				n++
				agency, reporter := w.Agencies["th-police"], w.Users["reporter"]
				if country == "VN" {
					agency, reporter = w.Agencies["vn-police"], w.Users["vn-reporter"]
				}
				inc := interception(agency.ID, fmt.Sprintf("M-%d", n))
				if err := e.app.DB.CreateIncident(storetest.As(reporter), inc); err != nil {
					t.Fatal(err)
				}
				steps := map[vrs.IncidentStatus][]vrs.IncidentStatus{
					vrs.StatusSubmitted: {vrs.StatusSubmitted},
					vrs.StatusValidated: {vrs.StatusSubmitted, vrs.StatusValidated},
				}[state]
				for _, to := range steps {
					ctx := storetest.As(reporter)
					if to == vrs.StatusValidated {
						ctx = storetest.As(w.Users["reviewer"]) // Thai records only
					}
					got, err := e.app.DB.TransitionIncident(ctx, inc.ID, inc.Version, to, "")
					if err != nil {
						t.Fatal(err)
					}
					inc.Version, inc.Status = got.Version, got.Status
				}
				return inc
			}
			for _, row := range rows {
				t.Run(row.name, func(t *testing.T) {
					for _, caller := range callers {
						t.Run(caller, func(t *testing.T) {
							path := "/api/v1/incidents"
							header := map[string]string{}
							body := row.body
							if row.state != "" {
								inc := makeIncident(t, row.country, row.state)
								path = fmt.Sprintf("%s/%d", path, inc.ID)
								header["If-Match"] = fmt.Sprintf(`"%d"`, inc.Version)
								if row.method == "PUT" {
									// Without its id, so that the missing twin reads the same body.
									c := *inc
									c.ID, c.Narrative = 0, "Replaced by "+caller
									body = toJSON(t, &c)
								}
							} else if row.method == "POST" {
								inc := interception(0, "C-"+caller+"-"+row.name)
								b := toJSON(t, inc)
								body = strings.Replace(b, `"agency_id":0`, strings.Trim(ids.Replace(row.body), "{}"), 1)
							}
							req := request{method: row.method, path: path + row.suffix, token: e.tokens[caller], body: body, header: header}
							before := incidentSnapshot(t, e)
							resp := e.do(t, req)
							after := incidentSnapshot(t, e)
							wantStatus := row.want.of(caller)
							if caller == "anonymous" && isWrite(row.method) && resp.status == forbidden {
								wantStatus = forbidden // no CSRF token, refused before the API
							}
							if resp.status != wantStatus {
								t.Fatalf("%s %s as %s: status %d, want %d: %s", req.method, req.path, caller, resp.status, wantStatus, resp.body)
							}
							success := resp.status < 300
							if (!success || !isWrite(row.method)) && before != after {
								t.Errorf("answered %d but changed the incidents", resp.status)
							}
							if success && isWrite(row.method) && before == after {
								t.Errorf("answered %d but changed nothing", resp.status)
							}
							if !success {
								errorBody(t, resp)
								if resp.status == notFound {
									twin := e.do(t, request{method: req.method, path: strings.Replace(req.path, path, "/api/v1/incidents/987654321", 1),
										token: req.token, body: req.body, header: header})
									if twin.status != notFound || !bytes.Equal(twin.body, resp.body) {
										t.Errorf("hidden incident answers differently from a missing one:\n%s\n%s", resp.body, twin.body)
									}
								}
								return
							}
							if resp.status == noContent {
								return
							}
							if resp.header.Get("ETag") == "" && row.state != "" && !strings.HasSuffix(row.suffix, "history") && !strings.Contains(row.suffix, "history?") {
								t.Errorf("no ETag: %v", resp.header)
							}
						})
					}
				})
			}
		})
	}
}
