package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"vrs"
	"vrs/store"
)

// sharingWorld is the fixed world plus what sharing needs: a Vietnamese
// reviewer and analyst (country view), and a Lao agency with a focal
// point and a reporter, a third country that is party to nothing.
func sharingWorld(t *testing.T, db *store.DB) *World {
	t.Helper()
	w := NewWorld(t, db)
	la := &vrs.Agency{Country: "LA", Name: "Lao Police", Kind: vrs.KindPolice}
	if err := db.CreateAgency(System(), la); err != nil {
		t.Fatal(err)
	}
	w.Agencies["la-police"] = la
	for key, u := range map[string]*vrs.User{
		"vn-reviewer":    {Name: "vn.reviewer", AgencyID: w.Agencies["vn-police"].ID, Roles: []vrs.Role{vrs.RoleReviewer}},
		"vn-analyst":     {Name: "vn.analyst", AgencyID: w.Agencies["vn-police"].ID, Roles: []vrs.Role{vrs.RoleAnalyst}},
		"la-focal_point": {Name: "la.focal", AgencyID: la.ID, Roles: []vrs.Role{vrs.RoleFocalPoint}},
		"la-reporter":    {Name: "la.reporter", AgencyID: la.ID, Roles: []vrs.Role{vrs.RoleReporter}},
	} {
		u.FullName, u.PasswordHash = u.Name, PasswordHash
		if err := db.CreateUser(System(), u); err != nil {
			t.Fatalf("user %s: %v", key, err)
		}
		w.Users[key] = u
	}
	return w
}

func smuggling(starts string) *vrs.SharingAgreement {
	return &vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling}, Granularity: vrs.GranFull, Starts: starts}
}

// wantField fails the test unless err is invalid on field with key msg.
func wantField(t *testing.T, err error, field, msg string) {
	t.Helper()
	wantCode(t, err, vrs.EINVALID)
	if got := vrs.AsError(err).Fields[field]; got != msg {
		t.Fatalf("field %s = %q, want %q (fields %v)", field, got, msg, vrs.AsError(err).Fields)
	}
}

// wantFieldErr fails the test unless err is invalid on field.
func wantFieldErr(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, vrs.EINVALID)
	if vrs.AsError(err).Fields[field] == "" {
		t.Fatalf("no error on %s: %v", field, vrs.AsError(err).Fields)
	}
}

func testSharingPropose(t *testing.T, db *store.DB) {
	w := sharingWorld(t, db)
	th := As(w.Users["focal_point"])
	first := smuggling("")
	first.DataTo = "2024-12-31"
	if err := db.ProposeAgreement(th, first); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	if first.Proposer != "TH" || first.Status != vrs.AgreementProposed || first.Starts != today || first.ProposedBy != w.Users["focal_point"].ID {
		t.Fatalf("proposed = %+v", first)
	}
	edit := func(f func(a *vrs.SharingAgreement)) *vrs.SharingAgreement {
		a := smuggling("2025-01-01")
		f(a)
		return a
	}
	cases := []struct {
		name  string
		actor string // "" for the installation
		a     *vrs.SharingAgreement
		code  string
		field string // with code EINVALID: the field; else the message
	}{
		{"ErrSelf", "focal_point", edit(func(a *vrs.SharingAgreement) { a.Partner = "th" }), vrs.EINVALID, "partner"},
		{"ErrUnknownPartner", "focal_point", edit(func(a *vrs.SharingAgreement) { a.Partner = "ZZ" }), vrs.EINVALID, "partner"},
		{"ErrPartnerShape", "focal_point", edit(func(a *vrs.SharingAgreement) { a.Partner = "Viet Nam" }), vrs.EINVALID, "partner"},
		{"ErrEndBeforeStart", "focal_point", edit(func(a *vrs.SharingAgreement) { a.Ends = "2024-12-31" }), vrs.EINVALID, "ends"},
		{"ErrDataPeriod", "focal_point", edit(func(a *vrs.SharingAgreement) { a.DataFrom, a.DataTo = "2025-02-01", "2025-01-01" }), vrs.EINVALID, "data_to"},
		{"ErrNoTypes", "focal_point", edit(func(a *vrs.SharingAgreement) { a.Types = nil }), vrs.EINVALID, "types"},
		{"ErrGranularity", "focal_point", edit(func(a *vrs.SharingAgreement) { a.Granularity = vrs.GranNone }), vrs.EINVALID, "granularity"},
		{"ErrBadDate", "focal_point", edit(func(a *vrs.SharingAgreement) { a.Starts = "1 May" }), vrs.EINVALID, "starts"},
		{"ErrOverlap", "focal_point", smuggling("2030-01-01"), vrs.ECONFLICT, "error.agreement_overlap"},
		{"ErrOverlapFromPartner", "vn-focal_point", edit(func(a *vrs.SharingAgreement) { a.Partner = "TH" }), vrs.ECONFLICT, "error.agreement_overlap"},
		{"ErrReporter", "reporter", smuggling(""), vrs.EFORBIDDEN, "error.sharing_focal_point"},
		{"ErrAnalyst", "analyst", smuggling(""), vrs.EFORBIDDEN, "error.sharing_focal_point"},
		{"ErrAdmin", "admin", smuggling(""), vrs.EFORBIDDEN, "error.sharing_focal_point"},
		{"ErrSystemWithoutProposer", "", smuggling(""), vrs.EINVALID, "proposer"},
		{"OKOtherType", "focal_point", edit(func(a *vrs.SharingAgreement) { a.Types = []vrs.IncidentType{vrs.TypeTrafficking} }), "", ""},
		{"OKLaterData", "focal_point", edit(func(a *vrs.SharingAgreement) { a.DataFrom = "2025-01-01" }), "", ""},
		{"OKOtherPair", "la-focal_point", smuggling(""), "", ""},
		{"OKSystem", "", edit(func(a *vrs.SharingAgreement) { a.Proposer, a.Partner = "la", "TH" }), "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := System()
			if tc.actor != "" {
				ctx = As(w.Users[tc.actor])
			}
			err := db.ProposeAgreement(ctx, tc.a)
			switch {
			case tc.code == "":
				if err != nil {
					t.Fatalf("propose: %v %v", err, vrs.AsError(err).Fields)
				}
				if got, err := db.FindAgreement(ctx, tc.a.ID); err != nil || got.Status != vrs.AgreementProposed || got.Starts != tc.a.Starts {
					t.Errorf("stored %+v, %v", got, err)
				}
			case tc.code == vrs.EINVALID:
				wantFieldErr(t, err, tc.field)
			default:
				wantCode(t, err, tc.code)
				if e := vrs.AsError(err); e.Message != tc.field {
					t.Errorf("message = %s, want %s", e.Message, tc.field)
				}
			}
		})
	}
	t.Run("OverlapNamesTheOther", func(t *testing.T) {
		e := vrs.AsError(db.ProposeAgreement(th, smuggling("2024-06-01")))
		if e.Code != vrs.ECONFLICT || len(e.Args) != 1 || fmt.Sprint(e.Args[0]) != fmt.Sprint(first.ID) {
			t.Errorf("overlap error = %+v, want one naming agreement %d", e, first.ID)
		}
	})
	t.Run("RaceOneWins", func(t *testing.T) {
		// Warm the connection pool, so that the proposals below meet in
		// the database rather than queue for connections.
		if db.Dialect() == "postgres" {
			var warm sync.WaitGroup
			for range 4 {
				warm.Go(func() {
					var s string
					db.SQL().QueryRow(`SELECT pg_sleep(0.05)::text`).Scan(&s)
				})
			}
			warm.Wait()
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := smuggling("2025-01-01")
				a.Types = []vrs.IncidentType{vrs.TypeDocumentFraud}
				<-start
				errs[i] = db.ProposeAgreement(th, a)
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if vrs.ErrorCode(err) != vrs.ECONFLICT {
				t.Errorf("racing proposal: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d of %d overlapping proposals made at once were accepted, want 1", ok, len(errs))
		}
	})
}

func testSharingDecide(t *testing.T, db *store.DB) {
	w := sharingWorld(t, db)
	th, vn := As(w.Users["focal_point"]), As(w.Users["vn-focal_point"])
	propose := func(a *vrs.SharingAgreement) int64 {
		t.Helper()
		if err := db.ProposeAgreement(th, a); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	accept := propose(smuggling("2025-01-01"))
	decline := propose(&vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeTrafficking}, Granularity: vrs.GranAggregate, Starts: "2025-01-01"})
	ended := propose(&vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeDocumentFraud}, Granularity: vrs.GranAggregate, Starts: "2020-01-01", Ends: "2020-12-31"})
	steps := []struct {
		name   string
		actor  string
		id     int64
		accept bool
		reason string
		code   string
		msg    string
	}{
		{"ErrProposerAccepts", "focal_point", accept, true, "", vrs.EFORBIDDEN, "error.agreement_addressed_to"},
		{"ErrThirdCountry", "la-focal_point", accept, true, "", vrs.ENOTFOUND, ""},
		{"ErrPartnerReporter", "vn-reporter", accept, true, "", vrs.EFORBIDDEN, "error.sharing_focal_point"},
		{"ErrAdmin", "admin", accept, true, "", vrs.EFORBIDDEN, "error.sharing_focal_point"},
		{"ErrMissing", "vn-focal_point", 999999, true, "", vrs.ENOTFOUND, ""},
		{"ErrLongReason", "vn-focal_point", decline, false, strings.Repeat("x", vrs.MaxNoteLen+1), vrs.EINVALID, ""},
		{"ErrEnded", "vn-focal_point", ended, true, "", vrs.ECONFLICT, "error.agreement_ended"},
		{"Accept", "vn-focal_point", accept, true, "", "", ""},
		{"ErrAcceptAgain", "vn-focal_point", accept, true, "", vrs.ECONFLICT, "error.agreement_not_proposed"},
		{"Decline", "vn-focal_point", decline, false, " Not now. ", "", ""},
		{"ErrDeclineDeclined", "vn-focal_point", decline, false, "", vrs.ECONFLICT, "error.agreement_not_proposed"},
		{"DeclineEnded", "vn-focal_point", ended, false, "", "", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := db.DecideAgreement(As(w.Users[s.actor]), s.id, s.accept, s.reason)
			if s.code != "" {
				wantCode(t, err, s.code)
				if s.msg != "" && vrs.AsError(err).Message != s.msg {
					t.Errorf("message = %s, want %s", vrs.AsError(err).Message, s.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := vrs.AgreementDeclined
			if s.accept {
				want = vrs.AgreementActive
			}
			stored, err := db.FindAgreement(th, s.id)
			if err != nil || stored.Status != want || got.Status != want || stored.DecidedBy != w.Users[s.actor].ID || stored.DecidedAt.IsZero() ||
				stored.Reason != strings.TrimSpace(s.reason) {
				t.Errorf("after decision: %+v, %v", stored, err)
			}
		})
	}
	// Revocation: either party's focal point; reasons for active ones.
	withdraw := propose(&vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeTrafficking}, Granularity: vrs.GranFull, Starts: "2026-01-01"})
	revokes := []struct {
		name   string
		actor  string
		id     int64
		reason string
		code   string
		field  string
	}{
		{"ErrNoReason", "vn-focal_point", accept, "  ", vrs.EINVALID, "reason"},
		{"ErrThirdCountry", "la-focal_point", accept, "x", vrs.ENOTFOUND, ""},
		{"ErrReporter", "reporter", accept, "x", vrs.EFORBIDDEN, ""},
		{"ErrAdmin", "admin", accept, "x", vrs.EFORBIDDEN, ""},
		{"ErrDeclined", "focal_point", decline, "x", vrs.ECONFLICT, ""},
		{"Withdraw", "focal_point", withdraw, "", "", ""},
		{"Revoke", "vn-focal_point", accept, "Data protection review.", "", ""},
		{"ErrRevokeAgain", "focal_point", accept, "again", vrs.ECONFLICT, ""},
	}
	for _, s := range revokes {
		t.Run("Revoke"+s.name, func(t *testing.T) {
			got, err := db.RevokeAgreement(As(w.Users[s.actor]), s.id, s.reason)
			if s.code == vrs.EINVALID {
				wantField(t, err, s.field, "field.revoke_reason")
				return
			}
			if s.code != "" {
				wantCode(t, err, s.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != vrs.AgreementRevoked || got.RevokedBy != w.Users[s.actor].ID || got.Reason != s.reason {
				t.Errorf("revoked = %+v", got)
			}
		})
	}
	t.Run("NewAfterRevoked", func(t *testing.T) {
		if err := db.ProposeAgreement(vn, &vrs.SharingAgreement{Partner: "TH", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling, vrs.TypeTrafficking},
			Granularity: vrs.GranPseudonymised, Starts: "2025-06-01"}); err != nil {
			t.Fatalf("declined, revoked and withdrawn agreements still block: %v", err)
		}
	})
	t.Run("History", func(t *testing.T) {
		for _, fp := range []string{"focal_point", "vn-focal_point"} {
			es, err := db.ListAudit(As(w.Users[fp]), vrs.AuditFilter{ObjectType: "agreement", ObjectID: fmt.Sprint(accept)})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range es {
				actions = append(actions, e.Action)
			}
			want := []string{vrs.ActAgreementRevoke, vrs.ActAgreementAccept, vrs.ActAgreementPropose}
			if strings.Join(actions, " ") != strings.Join(want, " ") {
				t.Fatalf("%s reads history %v, want %v", fp, actions, want)
			}
			if d := es[0].Detail; !strings.Contains(d, `"reason":"Data protection review."`) || !strings.Contains(d, `"types":["migrant_smuggling"]`) ||
				!strings.Contains(d, `"granularity":"full"`) || !strings.Contains(d, `"from":"active"`) {
				t.Errorf("revocation detail = %s", d)
			}
		}
	})
	t.Run("FindAndList", func(t *testing.T) {
		for _, who := range []string{"reporter", "vn-reporter", "admin", "analyst"} {
			if _, err := db.FindAgreement(As(w.Users[who]), accept); err != nil {
				t.Errorf("%s: %v", who, err)
			}
		}
		_, err := db.FindAgreement(As(w.Users["la-focal_point"]), accept)
		wantCode(t, err, vrs.ENOTFOUND)
		list := func(who string, f vrs.AgreementFilter) []*vrs.SharingAgreement {
			as, err := db.ListAgreements(As(w.Users[who]), f)
			if err != nil {
				t.Fatal(err)
			}
			return as
		}
		if la := list("la-reporter", vrs.AgreementFilter{}); len(la) != 0 {
			t.Errorf("LA lists %d agreements of others", len(la))
		}
		vnAll := list("vn-reporter", vrs.AgreementFilter{})
		if len(vnAll) != 5 || vnAll[0].Proposer != "VN" || vnAll[4].ID != accept {
			t.Errorf("VN lists %d agreements, newest first: %+v", len(vnAll), vnAll)
		}
		if got := list("focal_point", vrs.AgreementFilter{Status: vrs.AgreementRevoked}); len(got) != 2 {
			t.Errorf("revoked = %d, want 2", len(got))
		}
		if got := list("admin", vrs.AgreementFilter{Country: "la"}); len(got) != 0 {
			t.Errorf("admin lists %d LA agreements", len(got))
		}
		if got := list("admin", vrs.AgreementFilter{}); len(got) != 5 {
			t.Errorf("admin lists %d agreements", len(got))
		}
	})
}

// validated creates inc as reporter and has reviewer validate it.
func validated(t *testing.T, db *store.DB, reporter, reviewer *vrs.User, inc *vrs.Incident) *vrs.Incident {
	t.Helper()
	if err := db.CreateIncident(As(reporter), inc); err != nil {
		t.Fatalf("create %s: %v %v", inc.Reference, err, vrs.AsError(err).Fields)
	}
	if _, err := db.TransitionIncident(As(reporter), inc.ID, 1, vrs.StatusSubmitted, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionIncident(As(reviewer), inc.ID, 2, vrs.StatusValidated, ""); err != nil {
		t.Fatal(err)
	}
	return inc
}

// vietnamese returns a valid incident of the Vietnamese police.
func vietnamese(w *World, ref string) *vrs.Incident {
	inc := Interception(w.Agencies["vn-police"].ID, ref)
	inc.Place = vrs.Place{Country: "VN", Name: "Lao Cai", Kind: "border_crossing"}
	inc.Legs[1].Country, inc.Legs[1].Place = "VN", "Lao Cai"
	return inc
}

// testSharingCutOff follows one record across a border: not before the
// reader's country contributes (reciprocity), then read in full with a
// purpose and listed in the owner's record views, then gone on the very
// next request after the agreement is revoked.
func testSharingCutOff(t *testing.T, db *store.DB) {
	w := sharingWorld(t, db)
	thRec := Interception(w.Agencies["th-police"].ID, "TH-SHARED-1")
	thRec.Distribution = vrs.DistCommunity
	validated(t, db, w.Users["reporter"], w.Users["reviewer"], thRec)
	a := smuggling("2025-01-01")
	if err := db.ProposeAgreement(As(w.Users["focal_point"]), a); err != nil {
		t.Fatal(err)
	}
	analyst := As(w.Users["vn-analyst"])
	sees := func() bool {
		t.Helper()
		page, err := db.ListIncidents(analyst, vrs.IncidentFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		listed := false
		for _, it := range page.Items {
			listed = listed || it.ID == thRec.ID
		}
		_, err = db.FindIncident(analyst, thRec.ID)
		if (err == nil) != listed || err != nil && vrs.ErrorCode(err) != vrs.ENOTFOUND {
			t.Fatalf("listed %v but find says %v", listed, err)
		}
		return listed
	}
	if sees() {
		t.Fatal("a proposal shares records")
	}
	if _, err := db.DecideAgreement(As(w.Users["vn-focal_point"]), a.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if sees() {
		t.Fatal("reciprocity: a country that contributes nothing reads another's records")
	}
	vnRec := vietnamese(w, "VN-SHARED-1")
	vnRec.Distribution = vrs.DistCommunity
	validated(t, db, w.Users["vn-reporter"], w.Users["vn-reviewer"], vnRec)
	if !sees() {
		t.Fatal("an accepted agreement does not share")
	}
	inc, err := db.FindIncident(vrs.NewContextWithPurpose(analyst, "investigation"), thRec.ID)
	if err != nil || inc.Granularity != vrs.GranFull || inc.Persons[0].Name != "Aung Min Thu" {
		t.Fatalf("full read with a purpose: %v, %v", inc, err)
	}

	t.Run("RecordViews", func(t *testing.T) {
		views, err := db.ListRecordViews(As(w.Users["focal_point"]), "th", 0)
		if err != nil {
			t.Fatal(err)
		}
		// One read without a purpose (pseudonymised) and one with.
		if len(views) != 2 || !strings.Contains(views[1].Detail, `"granularity":"pseudonymised"`) {
			t.Fatalf("views = %d, want 2 (%+v)", len(views), views)
		}
		v := views[0]
		if v.IncidentID != thRec.ID || v.ViewerName != "vn.analyst" || v.Country != "VN" || v.Agency != "Ministry of Public Security" ||
			v.Action != vrs.ActIncidentRead || !strings.Contains(v.Detail, `"purpose":"investigation"`) || v.At.IsZero() {
			t.Errorf("newest view = %+v", v)
		}
		if one, _ := db.ListRecordViews(As(w.Users["admin"]), "TH", 1); len(one) != 1 {
			t.Errorf("admin with limit 1: %d views", len(one))
		}
		if vn, _ := db.ListRecordViews(As(w.Users["vn-focal_point"]), "VN", 0); len(vn) != 0 {
			t.Errorf("VN's own records viewed %d times from abroad", len(vn))
		}
		for _, who := range []string{"vn-focal_point", "reporter", "analyst"} {
			_, err := db.ListRecordViews(As(w.Users[who]), "TH", 0)
			wantCode(t, err, vrs.EFORBIDDEN)
		}
	})
	t.Run("RevokedOnNextRequest", func(t *testing.T) {
		if _, err := db.RevokeAgreement(As(w.Users["focal_point"]), a.ID, "Review of data protection."); err != nil {
			t.Fatal(err)
		}
		if sees() {
			t.Fatal("a revoked agreement still shares on the next request")
		}
	})
}
