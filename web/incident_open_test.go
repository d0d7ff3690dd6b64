package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vrs"
	"vrs/internal/apptest"
	"vrs/storetest"
)

// sharedWorld is the world with a Thai record shared with Viet Nam: an
// agreement in force between the two countries (full records of
// smuggling), a Vietnamese analyst, and a validated Vietnamese record that
// makes Viet Nam a contributor (reciprocity is on).
type sharedWorld struct {
	Rec       *vrs.Incident
	Agreement *vrs.SharingAgreement
}

func newSharedWorld(t *testing.T, app *apptest.App, gran vrs.Granularity, edit func(*vrs.Incident)) *sharedWorld {
	t.Helper()
	w := app.World
	if _, ok := w.Users["vn-analyst"]; !ok {
		shareUser(t, app, "vn-analyst", "vn.analyst", "vn-police", vrs.RoleAnalyst)
		shareUser(t, app, "vn-reviewer", "vn.reviewer", "vn-police", vrs.RoleReviewer)
	}
	a := &vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling}, Granularity: gran}
	if err := app.DB.ProposeAgreement(storetest.As(w.Users["focal_point"]), a); err != nil {
		t.Fatalf("propose: %v %v", err, vrs.AsError(err).Fields)
	}
	if _, err := app.DB.DecideAgreement(storetest.As(w.Users["vn-focal_point"]), a.ID, true, ""); err != nil {
		t.Fatalf("accept: %v", err)
	}
	vn := storetest.Interception(w.Agencies["vn-police"].ID, "VN-2025-001")
	vn.Place = vrs.Place{Country: "VN", Name: "Lao Cai", Kind: "border_crossing"}
	vn.Legs[1].Country, vn.Legs[1].Place = "VN", "Lao Cai"
	vn.Distribution = vrs.DistCommunity
	validateAs(t, app, "vn-reporter", "vn-reviewer", vn)
	rec := storetest.Interception(w.Agencies["th-police"].ID, "TH-2025-SHARED")
	rec.Distribution, rec.ShareCountries, rec.TLP = vrs.DistPartners, []string{"VN"}, vrs.TLPAmber
	if edit != nil {
		edit(rec)
	}
	validateAs(t, app, "reporter", "reviewer", rec)
	return &sharedWorld{Rec: rec, Agreement: a}
}

// validateAs stores inc as reporter and has reviewer validate it.
func validateAs(t *testing.T, app *apptest.App, reporter, reviewer string, inc *vrs.Incident) {
	t.Helper()
	w := app.World
	if err := app.DB.CreateIncident(storetest.As(w.Users[reporter]), inc); err != nil {
		t.Fatalf("create %s: %v %v", inc.Reference, err, vrs.AsError(err).Fields)
	}
	for i, step := range []struct {
		user string
		to   vrs.IncidentStatus
	}{{reporter, vrs.StatusSubmitted}, {reviewer, vrs.StatusValidated}} {
		if _, err := app.DB.TransitionIncident(storetest.As(w.Users[step.user]), inc.ID, i+1, step.to, ""); err != nil {
			t.Fatalf("%s %s: %v", inc.Reference, step.to, err)
		}
	}
	inc.Status, inc.Version = vrs.StatusValidated, 3
}

// wantBody fails unless the response has the status and the body holds
// every wanted text and none of the unwanted.
func wantBody(t *testing.T, resp *http.Response, body string, status int, want []string, lacks ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d\n%s", resp.StatusCode, status, excerpt(body))
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	for _, l := range lacks {
		if strings.Contains(body, l) {
			t.Errorf("page shows %q", l)
		}
	}
}

func TestIncidentOpenWithPurpose(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testIncidentOpenWithPurpose(t, dialect) })
	}
}

func testIncidentOpenWithPurpose(t *testing.T, dialect string) {
	app := apptest.New(t, dialect)
	sw := newSharedWorld(t, app, vrs.GranFull, nil)
	rec := sw.Rec
	vn := app.SignIn(t, "vn-analyst")
	names := []string{"Aung Min Thu", "Somchai Prasert", "KBANK 123-4-56789-0"}
	open := incPath(rec, "/open")

	t.Run("PseudonymisedFirst", func(t *testing.T) {
		resp, body := vn.Get(t, incPath(rec, ""))
		wantBody(t, resp, body, http.StatusOK, []string{"Pseudonymised record", `<span class="pseudonym">P-`, `action="` + open + `"`,
			`<option value="investigation">Criminal investigation</option>`, `maxlength="200"`, `<span class="tlp tlp-amber"`,
			fmt.Sprintf("You see it as a pseudonymised record, through the sharing agreement between Thailand and Viet Nam (agreement #%d).", sw.Agreement.ID),
			"Who else sees it is for Thailand to know."}, names...)
		if strings.Contains(body, "Other agencies of Thailand") {
			t.Error("another country's user is told the owner's audience")
		}
	})
	refused := []struct {
		name string
		form url.Values
		id   string
	}{
		{"ErrNoPurpose", url.Values{"purpose_note": {"case 1"}}, "purpose"},
		{"ErrUnknownPurpose", url.Values{"purpose": {"curiosity"}}, "purpose"},
		{"ErrOtherWithoutWords", url.Values{"purpose": {"other"}}, "purpose_note"},
		{"ErrTooLong", url.Values{"purpose": {"analysis"}, "purpose_note": {strings.Repeat("x", 201)}}, "purpose_note"},
		{"ErrControlChars", url.Values{"purpose": {"analysis"}, "purpose_note": {"a\x00b"}}, "purpose_note"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := vn.Post(t, open, tc.form)
			wantBody(t, resp, body, http.StatusBadRequest, []string{`<p class="field-error" id="` + tc.id + `-error">`, `aria-invalid="true"`},
				names...)
		})
	}
	t.Run("NoTokenRefused", func(t *testing.T) {
		resp, body := vn.Post(t, open, url.Values{"csrf": {"forged"}, "purpose": {"investigation"}})
		if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "Aung Min Thu") {
			t.Errorf("forged token: %d", resp.StatusCode)
		}
	})
	t.Run("OpenInFull", func(t *testing.T) {
		resp, body := vn.Post(t, open, url.Values{"purpose": {"investigation"}, "purpose_note": {"  case   VN-2025-17 "}})
		wantBody(t, resp, body, http.StatusOK, append(names[:1:1], "Shown in full for the purpose you stated: Criminal investigation – case VN-2025-17",
			fmt.Sprintf("You see it in full, through the sharing agreement between Thailand and Viet Nam (agreement #%d).", sw.Agreement.ID)),
			"Pseudonymised record", `action="`+open+`"`)
		es, err := app.DB.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActIncidentReadShared})
		if err != nil || len(es) == 0 {
			t.Fatalf("no shared read logged: %v", err)
		}
		if d := es[0].Detail; !strings.Contains(d, `"purpose":"investigation: case VN-2025-17"`) || !strings.Contains(d, `"granularity":"full"`) {
			t.Errorf("logged %s", d)
		}
		// The purpose is not kept: the next read is pseudonymised again.
		resp, body = vn.Get(t, incPath(rec, ""))
		wantBody(t, resp, body, http.StatusOK, []string{"Pseudonymised record"}, names...)
	})
	t.Run("History", func(t *testing.T) {
		resp, body := vn.Get(t, incPath(rec, "/history"))
		wantBody(t, resp, body, http.StatusOK, []string{"Pseudonymised record", `action="` + incPath(rec, "/history/open") + `"`}, names[:1]...)
		resp, body = vn.Post(t, incPath(rec, "/history/open"), url.Values{"purpose": {"prosecution"}})
		wantBody(t, resp, body, http.StatusOK, []string{"Shown in full for the purpose you stated: Prosecution."}, "Pseudonymised record")
		resp, body = vn.Post(t, incPath(rec, "/history/open"), url.Values{"purpose": {""}})
		wantBody(t, resp, body, http.StatusBadRequest, []string{`id="purpose-error"`})
	})
	t.Run("OwnerNeedsNoPurpose", func(t *testing.T) {
		rep := app.SignIn(t, "reporter")
		resp, body := rep.Get(t, incPath(rec, ""))
		wantBody(t, resp, body, http.StatusOK, names[:1], "Pseudonymised record", `action="`+open+`"`)
		resp, body = rep.Post(t, open, url.Values{"purpose": {"analysis"}})
		wantBody(t, resp, body, http.StatusOK, names[:1], "Pseudonymised record", "Shown in full for the purpose")
	})
	t.Run("UnseenIsMissing", func(t *testing.T) {
		other := app.SignIn(t, "vn-reporter")
		resp, body := other.Post(t, open, url.Values{"purpose": {"investigation"}})
		wantBody(t, resp, body, http.StatusNotFound, nil, names[0], rec.Reference)
		resp, body = other.Post(t, incPath(rec, "/history/open"), url.Values{"purpose": {"investigation"}})
		wantBody(t, resp, body, http.StatusNotFound, nil, names[0], rec.Reference)
	})
}

// TestIncidentAudience reads "Who can see this" on records of several
// distributions, as the owner country's users and as a partner's.
func TestIncidentAudience(t *testing.T) {
	app := apptest.New(t, "sqlite")
	sw := newSharedWorld(t, app, vrs.GranPseudonymised, func(inc *vrs.Incident) { inc.ShareCountries = []string{"MY", "VN"} })
	agreement := fmt.Sprintf("(agreement #%d)", sw.Agreement.ID)
	rec := func(ref string, d vrs.Distribution, validate bool) *vrs.Incident {
		inc := storetest.Interception(app.World.Agencies["th-police"].ID, ref)
		inc.Distribution = d
		if validate {
			validateAs(t, app, "reporter", "reviewer", inc)
		} else if err := app.DB.CreateIncident(storetest.As(app.World.Users["reporter"]), inc); err != nil {
			t.Fatal(err)
		}
		return inc
	}
	// Malaysia has an agreement for trafficking but shares nothing of
	// its own: reciprocity keeps it out.
	my := &vrs.SharingAgreement{Proposer: "TH", Partner: "MY", Types: []vrs.IncidentType{vrs.TypeTrafficking}, Granularity: vrs.GranFull}
	if err := app.DB.ProposeAgreement(storetest.System(), my); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.DecideAgreement(storetest.System(), my.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	trafficking := storetest.Interception(app.World.Agencies["th-police"].ID, "TH-TIP")
	trafficking.Type, trafficking.Distribution, trafficking.ShareCountries = vrs.TypeTrafficking, vrs.DistPartners, []string{"MY"}
	trafficking.Persons[1].Role = vrs.PersonVictim
	validateAs(t, app, "reporter", "reviewer", trafficking)
	rep, analyst, vn := app.SignIn(t, "reporter"), app.SignIn(t, "analyst"), app.SignIn(t, "vn-analyst")
	cases := []struct {
		name   string
		client *apptest.Client
		inc    *vrs.Incident
		want   []string
		lacks  []string
	}{
		{"PartnersAsOwner", rep, sw.Rec, []string{"Named partners: Malaysia, Viet Nam", "Your agency (Royal Thai Police) sees it in full.",
			"Other agencies of Thailand see it in full.", "Viet Nam sees it as a pseudonymised record " + agreement + ".",
			"Malaysia is named, but no sharing agreement in force with Thailand covers this record: it does not see it.",
			`<span class="tlp tlp-amber">TLP:AMBER</span> limited disclosure`}, []string{"Regional analysts", "reciprocity"}},
		{"PartnersAsAnotherAgency", analyst, sw.Rec, []string{"Royal Thai Police sees it in full.", "Viet Nam sees it as a pseudonymised record " + agreement + "."},
			[]string{"Your agency"}},
		{"PartnersAsPartner", vn, sw.Rec, []string{"You see it as a pseudonymised record, through the sharing agreement between Thailand and Viet Nam " + agreement + ".",
			"Who else sees it is for Thailand to know."}, []string{"Malaysia", "Other agencies of Thailand", "You may open it in full"}},
		{"Statistics", rep, rec("TH-STATS", vrs.DistStatistics, true), []string{"Statistics only", "Other agencies of Thailand count it in statistics only.",
			"Regional analysts count it in statistics only.", "Viet Nam counts it in statistics only " + agreement + "."}, nil},
		{"Community", rep, rec("TH-COMMUNITY", vrs.DistCommunity, true), []string{"Regional analysts see it as a pseudonymised record.",
			"Viet Nam sees it as a pseudonymised record " + agreement + "."}, []string{"Malaysia"}},
		{"ReciprocityKeepsOut", rep, trafficking, []string{fmt.Sprintf("Malaysia would see it in full (agreement #%d), but it shares no validated records of its own: reciprocity keeps it out for now.", my.ID)},
			[]string{"No other country sees it"}},
		{"AgencyOnly", rep, rec("TH-AGENCY", vrs.DistAgency, true), []string{"Other agencies of Thailand do not see it.", "No other country sees it."},
			[]string{"Viet Nam", "Reciprocity"}},
		{"Draft", rep, rec("TH-DRAFT", vrs.DistCommunity, false), []string{"Not validated yet: only those who report for and review Royal Thai Police see it. Once it is validated:",
			"Viet Nam sees it as a pseudonymised record"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.client.Get(t, incPath(tc.inc, ""))
			wantBody(t, resp, body, http.StatusOK, tc.want, tc.lacks...)
		})
	}
	t.Run("ListMarksPseudonymised", func(t *testing.T) {
		_, body := vn.Get(t, "/incidents")
		cell := func(ref string) string { // the reference cell of a row: link, TLP label, marker
			_, rest, _ := strings.Cut(body, ref+"</a>")
			cell, _, _ := strings.Cut(rest, "</td>")
			return cell
		}
		if !strings.Contains(cell("TH-2025-SHARED"), `<span class="badge gran-pseudonymised">pseudonymised</span>`) ||
			strings.Contains(cell("VN-2025-001"), `gran-pseudonymised`) || !strings.Contains(cell("TH-2025-SHARED"), `TLP:`) {
			t.Error("the list does not mark the pseudonymised record with its TLP label, or marks the own country's")
		}
	})
}
