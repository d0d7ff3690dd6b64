package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"vrs"
	"vrs/storetest"
)

// agreementOf decodes an agreement answer.
func agreementOf(t *testing.T, resp response) *vrs.SharingAgreement {
	t.Helper()
	var a vrs.SharingAgreement
	if err := json.Unmarshal(resp.body, &a); err != nil {
		t.Fatalf("not an agreement: %v %s", err, resp.body)
	}
	return &a
}

// expect sends req as caller and fails unless the status is want; for an
// error it also wants the field named, when field is not "".
func (e *env) expect(t *testing.T, caller string, req request, want int, field string) response {
	t.Helper()
	req.token = e.tokens[caller]
	resp := e.do(t, req)
	if resp.status != want {
		t.Fatalf("%s %s as %s: %d, want %d: %s", req.method, req.path, caller, resp.status, want, resp.body)
	}
	if want >= 400 {
		if eb := errorBody(t, resp); field != "" && eb.Fields[field] == "" {
			t.Fatalf("%s %s as %s: no error on %s: %s", req.method, req.path, caller, field, resp.body)
		}
	}
	return resp
}

// TestAgreementFlow takes agreements through every step over HTTP and
// checks that access follows at the very next request.
func TestAgreementFlow(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			w := newSharingWorld(t, dialect)
			e := w.e
			record := fmt.Sprintf("/api/v1/incidents/%d", w.records["th-community"].inc.ID)
			purpose := map[string]string{"VRS-Purpose": "prosecution: flow"}
			read := func(want int, header map[string]string) *vrs.Incident {
				t.Helper()
				resp := e.expect(t, "vn-analyst", request{method: "GET", path: record, header: header}, want, "")
				if want != http.StatusOK {
					twin := e.do(t, request{method: "GET", path: "/api/v1/incidents/987654321", token: e.tokens["vn-analyst"], header: header})
					if !bytes.Equal(twin.body, resp.body) {
						t.Fatalf("a record no longer shared answers unlike a missing one: %s %s", resp.body, twin.body)
					}
					return nil
				}
				return incidentOf(t, resp)
			}
			if inc := read(http.StatusOK, purpose); inc.Granularity != vrs.GranFull || inc.Persons[0].Name != "Name th-community" {
				t.Fatalf("before: %s %+v", inc.Granularity, inc.Persons[0])
			}
			thvn := fmt.Sprintf("/api/v1/agreements/%d", w.agreements["th-vn"].ID)

			t.Run("RevokeNeedsReason", func(t *testing.T) {
				e.expect(t, "focal_point", request{method: "POST", path: thvn + "/revoke"}, http.StatusBadRequest, "reason")
				e.expect(t, "focal_point", request{method: "POST", path: thvn + "/revoke", body: `{"reason":"` + strings.Repeat("x", vrs.MaxNoteLen+1) + `"}`},
					http.StatusBadRequest, "reason")
				e.expect(t, "focal_point", request{method: "POST", path: thvn + "/revoke", body: `{"why":"x"}`}, http.StatusBadRequest, "why")
				e.expect(t, "focal_point", request{method: "POST", path: thvn + "/revoke?reason=x"}, http.StatusBadRequest, "reason")
				read(http.StatusOK, purpose)
			})
			t.Run("Revoke", func(t *testing.T) {
				a := agreementOf(t, e.expect(t, "vn-focal_point", request{method: "POST", path: thvn + "/revoke", body: `{"reason":"Data review."}`}, http.StatusOK, ""))
				if a.Status != vrs.AgreementRevoked || a.Reason != "Data review." || a.RevokedBy != w.users["vn-focal_point"].ID || a.RevokedAt.IsZero() {
					t.Errorf("revoked = %+v", a)
				}
				read(http.StatusNotFound, purpose)
				read(http.StatusNotFound, nil)
				got, _ := w.summaries(t, e.expect(t, "vn-analyst", request{method: "GET", path: "/api/v1/incidents?limit=200"}, http.StatusOK, ""))
				if _, ok := got["th-community"]; ok {
					t.Error("listed after revocation")
				}
				e.expect(t, "focal_point", request{method: "POST", path: thvn + "/revoke", body: `{"reason":"Again."}`}, http.StatusConflict, "")
				e.expect(t, "vn-focal_point", request{method: "POST", path: thvn + "/accept"}, http.StatusConflict, "")
			})
			var proposal string
			t.Run("Propose", func(t *testing.T) {
				body := `{"partner":"th","types":["migrant_smuggling"],"granularity":"pseudonymised","data_from":"2025-01-01","note":"Smuggling, pseudonymised."}`
				resp := e.expect(t, "vn-focal_point", request{method: "POST", path: "/api/v1/agreements", body: body}, http.StatusCreated, "")
				a := agreementOf(t, resp)
				proposal = resp.header.Get("Location")
				if proposal != fmt.Sprintf("/api/v1/agreements/%d", a.ID) || a.Proposer != "VN" || a.Partner != "TH" || a.Status != vrs.AgreementProposed ||
					a.Granularity != vrs.GranPseudonymised || a.Starts == "" || a.DataFrom != "2025-01-01" {
					t.Fatalf("proposed %s %+v", proposal, a)
				}
				e.expect(t, "analyst", request{method: "GET", path: proposal}, http.StatusOK, "")
				e.expect(t, "la-focal_point", request{method: "GET", path: proposal}, http.StatusNotFound, "")
				// The same scope again meets the proposal.
				e.expect(t, "vn-focal_point", request{method: "POST", path: "/api/v1/agreements", body: body}, http.StatusConflict, "")
				l := e.expect(t, "focal_point", request{method: "GET", path: "/api/v1/agreements?status=proposed&country=VN"}, http.StatusOK, "")
				if ids := agreementIDs(t, l); len(ids) != 1 || ids[0] != a.ID {
					t.Errorf("proposals with VN: %v", ids)
				}
				read(http.StatusNotFound, nil) // a proposal grants nothing
			})
			t.Run("Accept", func(t *testing.T) {
				e.expect(t, "vn-focal_point", request{method: "POST", path: proposal + "/accept"}, http.StatusForbidden, "")
				e.expect(t, "analyst", request{method: "POST", path: proposal + "/accept"}, http.StatusForbidden, "")
				e.expect(t, "admin", request{method: "POST", path: proposal + "/accept"}, http.StatusForbidden, "")
				e.expect(t, "focal_point", request{method: "POST", path: proposal + "/accept", body: `{"reason":"x"}`}, http.StatusBadRequest, "reason")
				a := agreementOf(t, e.expect(t, "focal_point", request{method: "POST", path: proposal + "/accept", body: `{}`}, http.StatusOK, ""))
				if a.Status != vrs.AgreementActive || a.DecidedBy != w.users["focal_point"].ID {
					t.Errorf("accepted = %+v", a)
				}
				// Pseudonymised by the agreement: a purpose does not open it.
				for _, h := range []map[string]string{nil, purpose} {
					inc := read(http.StatusOK, h)
					if inc.Granularity != vrs.GranPseudonymised || inc.PurposeRequired || strings.Contains(toJSON(t, inc), "Name th-community") {
						t.Errorf("after accepting: %s purpose_required %v", inc.Granularity, inc.PurposeRequired)
					}
				}
				e.expect(t, "focal_point", request{method: "POST", path: proposal + "/decline"}, http.StatusConflict, "")
			})
			t.Run("DeclineAndWithdraw", func(t *testing.T) {
				propose := func(typ string) string {
					resp := e.expect(t, "la-focal_point", request{method: "POST", path: "/api/v1/agreements",
						body: `{"partner":"TH","types":["` + typ + `"],"granularity":"aggregate"}`}, http.StatusCreated, "")
					return resp.header.Get("Location")
				}
				declined := propose("document_fraud")
				a := agreementOf(t, e.expect(t, "focal_point", request{method: "POST", path: declined + "/decline", body: `{"reason":"Not now."}`}, http.StatusOK, ""))
				if a.Status != vrs.AgreementDeclined || a.Reason != "Not now." {
					t.Errorf("declined = %+v", a)
				}
				e.expect(t, "focal_point", request{method: "POST", path: declined + "/accept"}, http.StatusConflict, "")
				withdrawn := propose("related_conduct")
				if a := agreementOf(t, e.expect(t, "la-focal_point", request{method: "POST", path: withdrawn + "/revoke"}, http.StatusOK, "")); a.Status != vrs.AgreementRevoked {
					t.Errorf("withdrawn = %+v", a)
				}
				e.expect(t, "vn-focal_point", request{method: "POST", path: withdrawn + "/revoke"}, http.StatusNotFound, "")
			})
			t.Run("BadInput", func(t *testing.T) {
				for _, c := range []struct{ name, body, field string }{
					{"Self", `{"partner":"TH","types":["migrant_smuggling"],"granularity":"full"}`, "partner"},
					{"UnknownCountry", `{"partner":"ZZ","types":["migrant_smuggling"],"granularity":"full"}`, "partner"},
					{"NoTypes", `{"partner":"KH","types":[],"granularity":"full"}`, "types"},
					{"BadType", `{"partner":"KH","types":["theft"],"granularity":"full"}`, "types"},
					{"BadGranularity", `{"partner":"KH","types":["migrant_smuggling"],"granularity":"everything"}`, "granularity"},
					{"NoneGranularity", `{"partner":"KH","types":["migrant_smuggling"],"granularity":"none"}`, "granularity"},
					{"GranularityNumber", `{"partner":"KH","types":["migrant_smuggling"],"granularity":3}`, "granularity"},
					{"EndsBeforeStarts", `{"partner":"KH","types":["migrant_smuggling"],"granularity":"full","starts":"2030-01-02","ends":"2030-01-01"}`, "ends"},
					{"DataBackwards", `{"partner":"KH","types":["migrant_smuggling"],"granularity":"full","data_from":"2025-02-01","data_to":"2025-01-01"}`, "data_to"},
					{"BadDate", `{"partner":"KH","types":["migrant_smuggling"],"granularity":"full","starts":"01/02/2030"}`, "starts"},
					{"Proposer", `{"partner":"KH","proposer":"VN","types":["migrant_smuggling"],"granularity":"full"}`, "proposer"},
					{"Status", `{"partner":"KH","types":["migrant_smuggling"],"granularity":"full","status":"active"}`, "status"},
				} {
					t.Run(c.name, func(t *testing.T) {
						e.expect(t, "focal_point", request{method: "POST", path: "/api/v1/agreements", body: c.body}, http.StatusBadRequest, c.field)
					})
				}
				e.expect(t, "focal_point", request{method: "GET", path: "/api/v1/agreements?status=bogus"}, http.StatusBadRequest, "status")
				e.expect(t, "focal_point", request{method: "GET", path: "/api/v1/agreements?country=THA"}, http.StatusBadRequest, "country")
				e.expect(t, "focal_point", request{method: "GET", path: "/api/v1/agreements?partner=VN"}, http.StatusBadRequest, "partner")
				// A non-focal point is refused before its input is read.
				e.expect(t, "analyst", request{method: "POST", path: "/api/v1/agreements", body: `{"partner":"TH","types":[],"granularity":"x"}`}, http.StatusForbidden, "")
			})
		})
	}
}

// TestSharingGroupFlow creates, changes and deletes a group over HTTP.
func TestSharingGroupFlow(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			vn := e.app.World.Agencies["vn-police"].ID
			groupOf := func(resp response) *vrs.SharingGroup {
				var g vrs.SharingGroup
				if err := json.Unmarshal(resp.body, &g); err != nil {
					t.Fatalf("not a group: %v %s", err, resp.body)
				}
				return &g
			}
			body := fmt.Sprintf(`{"name":"  Gulf   partners ","releasability":"Law enforcement.","countries":["vn","KH","vn"],"agency_ids":[%d]}`, vn)
			resp := e.expect(t, "focal_point", request{method: "POST", path: "/api/v1/sharing-groups", body: body}, http.StatusCreated, "")
			g := groupOf(resp)
			path := resp.header.Get("Location")
			if path != fmt.Sprintf("/api/v1/sharing-groups/%d", g.ID) || g.Name != "Gulf partners" || g.Owner != "TH" ||
				strings.Join(g.Countries, ",") != "KH,VN" || len(g.AgencyIDs) != 1 || g.CreatedBy != e.app.World.Users["focal_point"].ID {
				t.Fatalf("created %s %+v", path, g)
			}
			e.expect(t, "vn-reporter", request{method: "GET", path: path}, http.StatusOK, "")
			if !strings.Contains(string(e.expect(t, "reporter", request{method: "GET", path: "/api/v1/sharing-groups"}, http.StatusOK, "").body), `"Gulf partners"`) {
				t.Error("not listed")
			}
			e.expect(t, "focal_point", request{method: "POST", path: "/api/v1/sharing-groups", body: body}, http.StatusConflict, "")

			for _, c := range []struct{ name, caller, body, field string }{
				{"Empty", "focal_point", `{"name":"Empty","releasability":"x","countries":[],"agency_ids":[]}`, "countries"},
				{"NoStatement", "focal_point", `{"name":"Quiet","releasability":" ","countries":["KH"]}`, "releasability"},
				{"BadCountry", "focal_point", `{"name":"Bad","releasability":"x","countries":["Thailand"]}`, "countries"},
				{"UnknownAgency", "focal_point", `{"name":"Ghosts","releasability":"x","agency_ids":[987654321]}`, "agency_ids[0]"},
				{"Owner", "focal_point", `{"name":"Mine","releasability":"x","countries":["KH"],"owner":"VN"}`, "owner"},
				{"AgencyIDType", "focal_point", `{"name":"Mine","releasability":"x","agency_ids":["1"]}`, "agency_ids"},
			} {
				t.Run(c.name, func(t *testing.T) {
					e.expect(t, c.caller, request{method: "POST", path: "/api/v1/sharing-groups", body: c.body}, http.StatusBadRequest, c.field)
				})
			}

			e.expect(t, "vn-focal_point", request{method: "PUT", path: path, body: body}, http.StatusForbidden, "")
			e.expect(t, "analyst", request{method: "DELETE", path: path}, http.StatusForbidden, "")
			g = groupOf(e.expect(t, "focal_point", request{method: "PUT", path: path,
				body: `{"name":"Gulf partners","releasability":"Police only.","countries":["LA"]}`}, http.StatusOK, ""))
			if g.Releasability != "Police only." || strings.Join(g.Countries, ",") != "LA" || len(g.AgencyIDs) != 0 || g.Owner != "TH" {
				t.Errorf("replaced %+v", g)
			}
			stored := groupOf(e.expect(t, "admin", request{method: "GET", path: path}, http.StatusOK, ""))
			if toJSON(t, stored) != toJSON(t, g) {
				t.Errorf("stored %+v, answered %+v", stored, g)
			}
			e.expect(t, "focal_point", request{method: "DELETE", path: path}, http.StatusNoContent, "")
			e.expect(t, "focal_point", request{method: "GET", path: path}, http.StatusNotFound, "")
			e.expect(t, "focal_point", request{method: "PUT", path: path, body: body}, http.StatusNotFound, "")
		})
	}
}

// TestAgencySharingDefaults: an agency's default distribution and label
// are set over HTTP and taken by its new records.
func TestAgencySharingDefaults(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			agencyOf := func(resp response) *vrs.Agency {
				var a vrs.Agency
				if err := json.Unmarshal(resp.body, &a); err != nil {
					t.Fatalf("not an agency: %v %s", err, resp.body)
				}
				return &a
			}
			a := agencyOf(e.expect(t, "focal_point", request{method: "POST", path: "/api/v1/agencies",
				body: `{"country":"TH","name":"Labour","kind":"labour_inspection"}`}, http.StatusCreated, ""))
			if a.DefaultDistribution != vrs.DefaultDistribution || a.DefaultTLP != vrs.DefaultTLP {
				t.Errorf("installation defaults: %s %s", a.DefaultDistribution, a.DefaultTLP)
			}
			a = agencyOf(e.expect(t, "focal_point", request{method: "POST", path: "/api/v1/agencies",
				body: `{"country":"TH","name":"Marine","kind":"coast_guard","default_distribution":"community","default_tlp":"GREEN"}`}, http.StatusCreated, ""))
			if a.DefaultDistribution != vrs.DistCommunity || a.DefaultTLP != vrs.TLPGreen {
				t.Errorf("chosen defaults: %s %s", a.DefaultDistribution, a.DefaultTLP)
			}
			for _, c := range []struct{ name, body, field string }{
				{"Partners", `{"country":"TH","name":"X","kind":"police","default_distribution":"partners"}`, "default_distribution"},
				{"Unknown", `{"country":"TH","name":"X","kind":"police","default_distribution":"world"}`, "default_distribution"},
				{"TLP", `{"country":"TH","name":"X","kind":"police","default_tlp":"BLUE"}`, "default_tlp"},
			} {
				t.Run(c.name, func(t *testing.T) {
					e.expect(t, "focal_point", request{method: "POST", path: "/api/v1/agencies", body: c.body}, http.StatusBadRequest, c.field)
				})
			}
			police := fmt.Sprintf("/api/v1/agencies/%d", e.app.World.Agencies["th-police"].ID)
			e.expect(t, "focal_point", request{method: "PATCH", path: police, body: `{"default_tlp":"RED+"}`}, http.StatusBadRequest, "default_tlp")
			a = agencyOf(e.expect(t, "focal_point", request{method: "PATCH", path: police, body: `{"default_distribution":"statistics","default_tlp":"RED"}`}, http.StatusOK, ""))
			if a.DefaultDistribution != vrs.DistStatistics || a.DefaultTLP != vrs.TLPRed || a.Name != "Royal Thai Police" {
				t.Errorf("patched %+v", a)
			}
			e.expect(t, "vn-focal_point", request{method: "PATCH", path: police, body: `{"default_tlp":"CLEAR"}`}, http.StatusForbidden, "")

			// A record that names neither takes its agency's.
			inc := interception(0, "DEF-1")
			resp := e.expect(t, "reporter", request{method: "POST", path: "/api/v1/incidents", body: toJSON(t, inc)}, http.StatusCreated, "")
			if got := incidentOf(t, resp); got.Distribution != vrs.DistStatistics || got.TLP != vrs.TLPRed {
				t.Errorf("new record: %s %s", got.Distribution, got.TLP)
			}
			a = agencyOf(e.expect(t, "focal_point", request{method: "PATCH", path: police, body: `{"default_distribution":"","default_tlp":null}`}, http.StatusOK, ""))
			if a.DefaultDistribution != vrs.DefaultDistribution || a.DefaultTLP != vrs.TLPRed {
				t.Errorf("emptied %+v", a)
			}
		})
	}
}

// TestPurposeHeader: the purpose opens another country's record in full;
// a malformed one is refused alike for hidden, missing and visible
// records; each representation has its own ETag.
func TestPurposeHeader(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			w := newSharingWorld(t, dialect)
			e := w.e
			shared := fmt.Sprintf("/api/v1/incidents/%d", w.records["th-community"].inc.ID)
			hidden := fmt.Sprintf("/api/v1/incidents/%d", w.records["th-agency"].inc.ID)
			for _, c := range []struct{ name, value string }{
				{"Unknown", "curiosity"}, {"Words", "just looking around"}, {"TooLong", "other: " + strings.Repeat("y", 200)},
			} {
				t.Run(c.name, func(t *testing.T) {
					var bodies []string
					for _, path := range []string{shared, hidden, "/api/v1/incidents/987654321", shared + "/history"} {
						resp := e.expect(t, "vn-analyst", request{method: "GET", path: path, header: map[string]string{"VRS-Purpose": c.value}}, http.StatusBadRequest, "VRS-Purpose")
						if eb := errorBody(t, resp); !strings.Contains(eb.Message, "VRS-Purpose") || strings.Contains(eb.Message, c.value) {
							t.Errorf("message %q", eb.Message)
						}
						bodies = append(bodies, string(resp.body))
					}
					if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
						t.Errorf("answers differ: %v", bodies)
					}
				})
			}
			pseudo := e.expect(t, "vn-analyst", request{method: "GET", path: shared}, http.StatusOK, "")
			tag := pseudo.header.Get("ETag")
			if inc := incidentOf(t, pseudo); !inc.PurposeRequired || !strings.HasSuffix(tag, `-pseudonymised"`) {
				t.Fatalf("without purpose: %v %s", inc.PurposeRequired, tag)
			}
			e.expect(t, "vn-analyst", request{method: "GET", path: shared, header: map[string]string{"If-None-Match": tag}}, http.StatusNotModified, "")
			full := e.expect(t, "vn-analyst", request{method: "GET", path: shared, header: map[string]string{"If-None-Match": tag, "VRS-Purpose": "victim_identification"}}, http.StatusOK, "")
			if inc := incidentOf(t, full); inc.Granularity != vrs.GranFull || inc.PurposeRequired || full.header.Get("ETag") == tag {
				t.Errorf("with purpose: %s %v %s", inc.Granularity, inc.PurposeRequired, full.header.Get("ETag"))
			}
			// The owners' own reads ignore it.
			own := e.expect(t, "reporter", request{method: "GET", path: shared, header: map[string]string{"VRS-Purpose": "analysis"}}, http.StatusOK, "")
			if inc := incidentOf(t, own); inc.Granularity != vrs.GranFull || inc.PurposeRequired {
				t.Errorf("own read: %s", inc.Granularity)
			}
		})
	}
}
