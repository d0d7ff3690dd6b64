package storetest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vrs"
	"vrs/store"
)

// Run is the conformance suite: every dialect must pass it unchanged.
func Run(t *testing.T, dialect string) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db *store.DB)
	}{
		{"Countries", testCountries},
		{"Agencies", testAgencies},
		{"Users", testUsers},
		{"UserScoping", testUserScoping},
		{"SecondFactor", testSecondFactor},
		{"Sessions", testSessions},
		{"Tokens", testTokens},
		{"Settings", testSettings},
		{"AuditChain", testAuditChain},
		{"AuditTamper", testAuditTamper},
		{"AuditConcurrent", testAuditConcurrent},
		{"AuditList", testAuditList},
		{"Backup", testBackup},
		{"Keys", testKeys},
		{"ValidationRules", testValidationRules},
		{"IncidentWorkflow", testIncidentWorkflow},
		{"IncidentFourEyes", testIncidentFourEyes},
		{"IncidentDelete", testIncidentDelete},
		{"IncidentEncryption", testIncidentEncryption},
		{"IncidentValidation", testIncidentValidation},
		{"IncidentList", testIncidentList},
		{"IncidentAccessRule", testIncidentAccessRule},
		{"IncidentReseal", testIncidentReseal},
		{"IncidentConcurrentCreates", testIncidentConcurrentCreates},
		{"IncidentConcurrentEdits", testIncidentConcurrentEdits},
		{"IncidentBulk", testIncidentBulk},
		{"IncidentExport", testIncidentExport},
		{"Import", testImport},
		{"SharingProperty", testSharingProperty},
		{"SecretsSealed", testSecretsSealed},
		{"SecretsLegacy", testSecretsLegacy},
		{"SharingPropose", testSharingPropose},
		{"SharingDecide", testSharingDecide},
		{"SharingCutOff", testSharingCutOff},
		{"SharingGroups", testSharingGroups},
		{"SharingAgencyDefaults", testSharingAgencyDefaults},
		{"Stats", testStats},
		{"StatsCube", testStatsCube},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, Open(t, dialect)) })
	}
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := vrs.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func lastAudit(t *testing.T, db *store.DB) *vrs.AuditEntry {
	t.Helper()
	es, err := db.ListAudit(System(), vrs.AuditFilter{Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("audit: %v (%d entries)", err, len(es))
	}
	return es[0]
}

func testCountries(t *testing.T, db *store.DB) {
	ctx := System()
	all, err := db.ListCountries(ctx, vrs.CountryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 249 {
		t.Errorf("countries = %d, want 249", len(all))
	}
	members, _ := db.ListCountries(ctx, vrs.CountryFilter{MembersOnly: true})
	if len(members) < 40 || len(members) > 50 {
		t.Errorf("members = %d, want the Bali Process list", len(members))
	}
	vn, err := db.FindCountry(ctx, "vn")
	if err != nil || vn.Alpha3 != "VNM" || !vn.Member || vn.SubRegion != "South-eastern Asia" {
		t.Fatalf("VN = %+v, %v", vn, err)
	}
	_, err = db.FindCountry(ctx, "XX")
	wantCode(t, err, vrs.ENOTFOUND)

	w := NewWorld(t, db)
	wantCode(t, db.SetCountryMember(As(w.Users["focal_point"]), "DE", true), vrs.EFORBIDDEN)
	if err := db.SetCountryMember(As(w.Users["admin"]), "DE", true); err != nil {
		t.Fatal(err)
	}
	if de, _ := db.FindCountry(ctx, "DE"); !de.Member {
		t.Error("DE not a member after SetCountryMember")
	}
	if e := lastAudit(t, db); e.Action != vrs.ActCountryMember || e.ObjectID != "DE" || e.ActorName != "admin" {
		t.Errorf("audit = %+v", e)
	}
	wantCode(t, db.SetCountryMember(As(w.Users["admin"]), "XX", true), vrs.ENOTFOUND)
}

func testAgencies(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	th, vn := As(w.Users["focal_point"]), As(w.Users["vn-focal_point"])
	cases := []struct {
		name string
		ctx  context.Context
		a    vrs.Agency
		code string
	}{
		{"OK", th, vrs.Agency{Country: "th", Name: "  Department of  Labour Protection ", Kind: vrs.KindLabour}, ""},
		{"ErrDuplicate", th, vrs.Agency{Country: "TH", Name: "Royal Thai Police", Kind: vrs.KindPolice}, vrs.ECONFLICT},
		{"ErrOtherCountry", vn, vrs.Agency{Country: "TH", Name: "Customs", Kind: vrs.KindBorderGuard}, vrs.EFORBIDDEN},
		{"ErrNotFocalPoint", As(w.Users["analyst"]), vrs.Agency{Country: "TH", Name: "Customs", Kind: vrs.KindBorderGuard}, vrs.EFORBIDDEN},
		{"ErrAnonymous", context.Background(), vrs.Agency{Country: "TH", Name: "Customs", Kind: vrs.KindBorderGuard}, vrs.EUNAUTHORIZED},
		{"ErrKind", th, vrs.Agency{Country: "TH", Name: "Customs", Kind: "navy"}, vrs.EINVALID},
		{"ErrEmptyName", th, vrs.Agency{Country: "TH", Name: " ", Kind: vrs.KindPolice}, vrs.EINVALID},
		{"ErrControlChars", th, vrs.Agency{Country: "TH", Name: "a\x00b", Kind: vrs.KindPolice}, vrs.EINVALID},
		{"ErrUnknownCountry", System(), vrs.Agency{Country: "XX", Name: "Nowhere", Kind: vrs.KindPolice}, vrs.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := db.ListAgencies(System(), vrs.AgencyFilter{})
			a := tc.a
			err := db.CreateAgency(tc.ctx, &a)
			wantCode(t, err, tc.code)
			after, _ := db.ListAgencies(System(), vrs.AgencyFilter{})
			if tc.code != "" && len(after) != len(before) {
				t.Errorf("failed create changed the agency count from %d to %d", len(before), len(after))
			}
			if tc.code == "" {
				got, err := db.FindAgencyByID(th, a.ID)
				if err != nil || got.Name != "Department of Labour Protection" || got.Country != "TH" {
					t.Errorf("stored %+v, %v", got, err)
				}
				if e := lastAudit(t, db); e.Action != vrs.ActAgencyCreate || e.Country != "TH" || e.ActorName != "th.focal" {
					t.Errorf("audit = %+v", e)
				}
			}
		})
	}
	t.Run("ListFilter", func(t *testing.T) {
		got, err := db.ListAgencies(vn, vrs.AgencyFilter{Country: "vn"})
		if err != nil || len(got) != 1 || got[0].Name != "Ministry of Public Security" {
			t.Fatalf("VN agencies = %v, %v", got, err)
		}
		got, _ = db.ListAgencies(vn, vrs.AgencyFilter{Kind: vrs.KindPolice})
		if len(got) != 2 {
			t.Errorf("police agencies = %d, want 2", len(got))
		}
	})
	t.Run("UpdateAndUnits", func(t *testing.T) {
		id := w.Agencies["th-immigration"].ID
		name := "Immigration Bureau (HQ)"
		if _, err := db.UpdateAgency(vn, id, vrs.AgencyUpdate{Name: &name}); vrs.ErrorCode(err) != vrs.EFORBIDDEN {
			t.Fatalf("VN focal point updated a Thai agency: %v", err)
		}
		a, err := db.UpdateAgency(th, id, vrs.AgencyUpdate{Name: &name})
		if err != nil || a.Name != name {
			t.Fatalf("update: %+v, %v", a, err)
		}
		dup := "Royal Thai Police"
		_, err = db.UpdateAgency(th, id, vrs.AgencyUpdate{Name: &dup})
		wantCode(t, err, vrs.ECONFLICT)
		u := &vrs.Unit{AgencyID: id, Name: "Suvarnabhumi Airport"}
		if err := db.CreateUnit(th, u); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.CreateUnit(th, &vrs.Unit{AgencyID: id, Name: "Suvarnabhumi Airport"}), vrs.ECONFLICT)
		wantCode(t, db.CreateUnit(vn, &vrs.Unit{AgencyID: id, Name: "Mae Sot"}), vrs.EFORBIDDEN)
		got, _ := db.FindAgencyByName(th, "th", "Immigration Bureau (HQ)")
		if got == nil || len(got.Units) != 1 || got.Units[0].Name != "Suvarnabhumi Airport" {
			t.Errorf("units = %+v", got)
		}
		_, err = db.FindAgencyByID(th, 999999)
		wantCode(t, err, vrs.ENOTFOUND)
	})
}

func testUsers(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	th := As(w.Users["focal_point"])
	newUser := func(name string, agency string, roles ...vrs.Role) *vrs.User {
		return &vrs.User{Name: name, AgencyID: w.Agencies[agency].ID, Roles: roles, PasswordHash: PasswordHash}
	}
	cases := []struct {
		name string
		ctx  context.Context
		u    *vrs.User
		code string
	}{
		{"OK", th, newUser("TH.New ", "th-immigration", vrs.RoleReporter), ""},
		{"ErrDuplicate", th, newUser("th.reporter", "th-police", vrs.RoleReporter), vrs.ECONFLICT},
		{"ErrOtherCountry", As(w.Users["vn-focal_point"]), newUser("x.y", "th-police", vrs.RoleReporter), vrs.EFORBIDDEN},
		{"ErrGrantAdmin", th, newUser("x.admin", "th-police", vrs.RoleAdmin), vrs.EFORBIDDEN},
		{"ErrGrantRegional", th, newUser("x.region", "th-police", vrs.RoleRegionalAnalyst), vrs.EFORBIDDEN},
		{"ErrReporterCreates", As(w.Users["reporter"]), newUser("x.z", "th-police", vrs.RoleReporter), vrs.EFORBIDDEN},
		{"ErrBadName", System(), newUser("bad name!", "th-police", vrs.RoleReporter), vrs.EINVALID},
		{"ErrAdminScopeWithoutDataRole", System(), &vrs.User{Name: "x.adm", AgencyID: w.Agencies["th-police"].ID, Roles: []vrs.Role{vrs.RoleAdmin},
			ViewScope: vrs.ViewCountry, PasswordHash: PasswordHash}, vrs.EINVALID},
		{"ErrSharedScopeForAnalyst", System(), &vrs.User{Name: "x.shared", AgencyID: w.Agencies["th-police"].ID, Roles: []vrs.Role{vrs.RoleAnalyst},
			ViewScope: vrs.ViewShared, PasswordHash: PasswordHash}, vrs.EINVALID},
		{"ErrNoRoles", th, newUser("x.none", "th-police"), vrs.EINVALID},
		{"ErrUnknownRole", th, newUser("x.role", "th-police", "superuser"), vrs.EINVALID},
		{"ErrUnknownAgency", th, &vrs.User{Name: "x.agency", AgencyID: 424242, Roles: []vrs.Role{vrs.RoleReporter}, PasswordHash: PasswordHash}, vrs.EINVALID},
		{"ErrNoPassword", th, &vrs.User{Name: "x.pw", AgencyID: w.Agencies["th-police"].ID, Roles: []vrs.Role{vrs.RoleReporter}}, vrs.EINVALID},
		{"ErrCaptureAbroad", th, &vrs.User{Name: "x.cap", AgencyID: w.Agencies["th-police"].ID, Roles: []vrs.Role{vrs.RoleReporter},
			CaptureAgencyIDs: []int64{w.Agencies["vn-police"].ID}, PasswordHash: PasswordHash}, vrs.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := db.CreateUser(tc.ctx, tc.u)
			wantCode(t, err, tc.code)
			if tc.code != "" {
				if _, err := db.FindUserByName(context.Background(), tc.u.Name); tc.code != vrs.ECONFLICT && err == nil {
					t.Errorf("refused user %q was stored", tc.u.Name)
				}
				return
			}
			got, err := db.FindUserByName(context.Background(), "th.new")
			if err != nil || got.Country != "TH" || got.ViewScope != vrs.ViewAgency || got.AgencyName != "Immigration Bureau" {
				t.Fatalf("stored %+v, %v", got, err)
			}
		})
	}
	t.Run("ErrOwnRights", func(t *testing.T) {
		for _, key := range []string{"focal_point", "admin"} {
			self := w.Users[key]
			analyst := []vrs.Role{self.Roles[0], vrs.RoleAnalyst}
			_, err := db.UpdateUser(As(self), self.ID, vrs.UserUpdate{Roles: &analyst})
			wantCode(t, err, vrs.EFORBIDDEN)
			scope := vrs.ViewCountry
			_, err = db.UpdateUser(As(self), self.ID, vrs.UserUpdate{Roles: &analyst, ViewScope: &scope})
			wantCode(t, err, vrs.EFORBIDDEN)
			if got, _ := db.FindUserByName(context.Background(), self.Name); got.HasRole(vrs.RoleAnalyst) || got.ViewScope != vrs.ViewNone {
				t.Errorf("%s raised own rights: %+v", key, got)
			}
			name := "New Name"
			if _, err := db.UpdateUser(As(self), self.ID, vrs.UserUpdate{FullName: &name}); err != nil {
				t.Errorf("%s cannot change own name: %v", key, err)
			}
		}
	})
	t.Run("ErrStaleVersion", func(t *testing.T) {
		u := w.Users["analyst"]
		current, _ := db.FindUserByID(th, u.ID)
		name := "First"
		if _, err := db.UpdateUser(th, u.ID, vrs.UserUpdate{FullName: &name, Version: &current.UpdatedAt}); err != nil {
			t.Fatal(err)
		}
		yes := true
		_, err := db.UpdateUser(th, u.ID, vrs.UserUpdate{Disabled: &yes, Version: &current.UpdatedAt})
		wantCode(t, err, vrs.ECONFLICT)
		if got, _ := db.FindUserByName(context.Background(), u.Name); got.Disabled || got.FullName != "First" {
			t.Errorf("stale update applied: %+v", got)
		}
	})
	t.Run("Update", func(t *testing.T) {
		id := w.Users["reporter"].ID
		roles := []vrs.Role{vrs.RoleReporter, vrs.RoleReviewer}
		u, err := db.UpdateUser(th, id, vrs.UserUpdate{Roles: &roles})
		if err != nil || !u.HasRole(vrs.RoleReviewer) {
			t.Fatalf("update roles: %+v, %v", u, err)
		}
		admin := []vrs.Role{vrs.RoleAdmin}
		_, err = db.UpdateUser(th, id, vrs.UserUpdate{Roles: &admin})
		wantCode(t, err, vrs.EFORBIDDEN)
		_, err = db.UpdateUser(th, w.Users["admin"].ID, vrs.UserUpdate{Roles: &roles})
		wantCode(t, err, vrs.EFORBIDDEN)
		_, err = db.UpdateUser(As(w.Users["vn-focal_point"]), id, vrs.UserUpdate{Roles: &roles})
		wantCode(t, err, vrs.ENOTFOUND)
		yes := true
		_, err = db.UpdateUser(th, w.Users["focal_point"].ID, vrs.UserUpdate{Disabled: &yes})
		wantCode(t, err, vrs.EINVALID)
		if err := db.SetPassword(As(w.Users["reporter"]), id, "$argon2id$new"); err != nil {
			t.Fatalf("own password: %v", err)
		}
		wantCode(t, db.SetPassword(As(w.Users["analyst"]), id, "$argon2id$x"), vrs.ENOTFOUND)
		wantCode(t, db.SetPassword(th, w.Users["admin"].ID, "$argon2id$x"), vrs.EFORBIDDEN)
		if got, _ := db.FindUserByName(context.Background(), "th.reporter"); got.PasswordHash != "$argon2id$new" {
			t.Errorf("password hash not stored")
		}
	})
}

func testUserScoping(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	cases := []struct {
		actor string
		want  int
	}{
		{"admin", 8}, {"focal_point", 6}, {"vn-focal_point", 2}, {"reporter", 1}, {"analyst", 1}, {"regional_analyst", 1},
	}
	for _, tc := range cases {
		t.Run(tc.actor, func(t *testing.T) {
			us, err := db.ListUsers(As(w.Users[tc.actor]), vrs.UserFilter{})
			if err != nil || len(us) != tc.want {
				t.Fatalf("ListUsers = %d users, %v; want %d", len(us), err, tc.want)
			}
			for _, u := range us {
				if _, err := db.FindUserByID(As(w.Users[tc.actor]), u.ID); err != nil {
					t.Errorf("listed user %s not readable: %v", u.Name, err)
				}
			}
		})
	}
	_, err := db.FindUserByID(As(w.Users["reporter"]), w.Users["analyst"].ID)
	wantCode(t, err, vrs.ENOTFOUND)
	us, _ := db.ListUsers(As(w.Users["admin"]), vrs.UserFilter{Role: vrs.RoleFocalPoint})
	if len(us) != 2 {
		t.Errorf("focal points = %d, want 2", len(us))
	}
}

func testSecondFactor(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	u := w.Users["focal_point"]
	ctx := As(u)
	if err := db.SetSecondFactor(ctx, u.ID, "JBSWY3DPEHPK3PXP", []string{"h1", "h2"}); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindUserByName(ctx, u.Name)
	if !got.TOTPEnabled || got.TOTPSecret != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("second factor not stored: %+v", got)
	}
	if err := db.UseTOTPStep(ctx, u.ID, 100); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.UseTOTPStep(ctx, u.ID, 100), vrs.ECONFLICT)
	wantCode(t, db.UseTOTPStep(ctx, u.ID, 99), vrs.ECONFLICT)
	if err := db.UseTOTPStep(ctx, u.ID, 101); err != nil {
		t.Fatal(err)
	}
	if err := db.UseRecoveryCode(ctx, u.ID, "h1"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.UseRecoveryCode(ctx, u.ID, "h1"), vrs.ENOTFOUND)
	wantCode(t, db.UseRecoveryCode(ctx, u.ID, "nope"), vrs.ENOTFOUND)
	if n, _ := db.CountRecoveryCodes(ctx, u.ID); n != 1 {
		t.Errorf("recovery codes left = %d, want 1", n)
	}
	wantCode(t, db.SetSecondFactor(As(w.Users["reporter"]), u.ID, "", nil), vrs.ENOTFOUND)
	if err := db.SetSecondFactor(As(w.Users["admin"]), u.ID, "", nil); err != nil {
		t.Fatalf("admin resets second factor: %v", err)
	}
	if got, _ := db.FindUserByName(ctx, u.Name); got.TOTPEnabled {
		t.Error("second factor still enabled after reset")
	}
}

func testSessions(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	u := w.Users["reporter"]
	ctx := context.Background()
	s := &vrs.Session{ID: "sess-1", UserID: u.ID, CSRFToken: "csrf", ClientIP: "10.0.0.1", UserAgent: "test"}
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, gu, err := db.FindSession(ctx, "sess-1")
	if err != nil || gu.Name != u.Name || got.CSRFToken != "csrf" || got.MFAPassed {
		t.Fatalf("FindSession = %+v %+v %v", got, gu, err)
	}
	if err := db.SetSessionTOTP(ctx, "sess-1", "SECRETSECRETSECRET"); err != nil {
		t.Fatal(err)
	}
	if got, _, _ = db.FindSession(ctx, "sess-1"); got.PendingTOTP != "SECRETSECRETSECRET" {
		t.Errorf("pending secret = %q", got.PendingTOTP)
	}
	// Renewal replaces the session: the old id no longer signs in.
	if err := db.RenewSession(ctx, "sess-0", &vrs.Session{ID: "sess-1b", UserID: u.ID, CSRFToken: "csrf2", MFAPassed: true}); err != nil {
		t.Fatalf("renew from a missing session: %v", err)
	}
	if err := db.RenewSession(ctx, "sess-1", &vrs.Session{ID: "sess-1", UserID: u.ID, CSRFToken: "csrf3", MFAPassed: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.RenewSession(ctx, "sess-1b", &vrs.Session{ID: "sess-2", UserID: u.ID, CSRFToken: "csrf4", MFAPassed: true}); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.FindSession(ctx, "sess-1b")
	wantCode(t, err, vrs.ENOTFOUND)
	later := time.Now().Add(time.Hour)
	if err := db.TouchSession(ctx, "sess-1", later); err != nil {
		t.Fatal(err)
	}
	got, _, _ = db.FindSession(ctx, "sess-1")
	if !got.MFAPassed || got.CSRFToken != "csrf3" || got.PendingTOTP != "" || got.LastSeenAt.Unix() != later.Unix() {
		t.Errorf("session after renew and touch = %+v", got)
	}
	_, _, err = db.FindSession(ctx, "nope")
	wantCode(t, err, vrs.ENOTFOUND)

	// Disabling a user ends their sessions.
	yes := true
	if _, err := db.UpdateUser(As(w.Users["focal_point"]), u.ID, vrs.UserUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.FindSession(ctx, "sess-1")
	wantCode(t, err, vrs.ENOTFOUND)

	// Expiry by idle time and by age.
	v := w.Users["analyst"]
	db.CreateSession(ctx, &vrs.Session{ID: "old", UserID: v.ID, CSRFToken: "c"})
	db.CreateSession(ctx, &vrs.Session{ID: "fresh", UserID: v.ID, CSRFToken: "c"})
	db.TouchSession(ctx, "old", time.Now().Add(-2*time.Hour))
	n, err := db.DeleteExpiredSessions(ctx, time.Now().Add(-time.Hour), time.Now().Add(-24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("expired = %d, %v; want 1", n, err)
	}
	if _, _, err := db.FindSession(ctx, "fresh"); err != nil {
		t.Errorf("fresh session gone: %v", err)
	}
	// A password change ends every session but the current one.
	db.CreateSession(ctx, &vrs.Session{ID: "other", UserID: v.ID, CSRFToken: "c"})
	pctx := vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, v), vrs.RequestMeta{SessionID: "fresh"})
	if err := db.SetPassword(pctx, v.ID, "$argon2id$changed"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.FindSession(ctx, "other"); vrs.ErrorCode(err) != vrs.ENOTFOUND {
		t.Errorf("other session survived a password change: %v", err)
	}
	if _, _, err := db.FindSession(ctx, "fresh"); err != nil {
		t.Errorf("current session ended by own password change: %v", err)
	}
}

func testTokens(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	u := w.Users["analyst"]
	ctx := As(u)
	tok := &vrs.APIToken{UserID: u.ID, Name: "etl", Prefix: "vrs_abc", Hash: "hash-1"}
	if err := db.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.CreateToken(As(w.Users["reporter"]), &vrs.APIToken{UserID: u.ID, Name: "x", Hash: "hash-2"}), vrs.EFORBIDDEN)
	wantCode(t, db.CreateToken(ctx, &vrs.APIToken{UserID: u.ID, Name: "", Hash: "hash-3"}), vrs.EINVALID)
	gt, gu, err := db.FindTokenUser(context.Background(), "hash-1")
	if err != nil || gu.ID != u.ID || gt.ID != tok.ID {
		t.Fatalf("FindTokenUser = %+v %+v %v", gt, gu, err)
	}
	if err := db.TouchToken(context.Background(), tok.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	list, _ := db.ListTokens(ctx, u.ID)
	if len(list) != 1 || list[0].LastUsedAt == nil {
		t.Errorf("tokens = %+v", list)
	}
	_, err = db.ListTokens(As(w.Users["reporter"]), u.ID)
	wantCode(t, err, vrs.ENOTFOUND)
	wantCode(t, db.RevokeToken(As(w.Users["reporter"]), u.ID, tok.ID), vrs.ENOTFOUND)
	if err := db.RevokeToken(ctx, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.FindTokenUser(context.Background(), "hash-1")
	wantCode(t, err, vrs.EUNAUTHORIZED)
	wantCode(t, db.RevokeToken(ctx, u.ID, tok.ID), vrs.ENOTFOUND)

	past := time.Now().Add(-time.Minute)
	db.CreateToken(ctx, &vrs.APIToken{UserID: u.ID, Name: "old", Hash: "hash-old", ExpiresAt: &past})
	_, _, err = db.FindTokenUser(context.Background(), "hash-old")
	wantCode(t, err, vrs.EUNAUTHORIZED)
}

func testSettings(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	admin := As(w.Users["admin"])
	wantCode(t, db.SetSetting(As(w.Users["focal_point"]), vrs.SettingName, "Regional VRS"), vrs.EFORBIDDEN)
	wantCode(t, db.SetSetting(admin, "no.such.setting", "x"), vrs.EINVALID)
	wantCode(t, db.SetSetting(admin, vrs.SettingName, ""), vrs.EINVALID)
	wantCode(t, db.SetSetting(admin, vrs.SettingName, strings.Repeat("x", 61)), vrs.EINVALID)
	if err := db.SetSetting(admin, vrs.SettingName, "First"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(admin, vrs.SettingName, "  Regional VRS "); err != nil {
		t.Fatal(err)
	}
	s, _ := db.Settings(context.Background())
	if s[vrs.SettingName] != "Regional VRS" {
		t.Errorf("settings = %v", s)
	}
	e := lastAudit(t, db)
	if e.Action != vrs.ActSetting || e.ObjectID != vrs.SettingName || e.Detail != `{"new":"Regional VRS","old":"First"}` {
		t.Errorf("audit = %+v", e)
	}
	// Saving the same value again changes nothing and logs nothing.
	if err := db.SetSetting(admin, vrs.SettingName, "Regional VRS"); err != nil {
		t.Fatal(err)
	}
	if again := lastAudit(t, db); again.Seq != e.Seq {
		t.Errorf("an unchanged setting was logged: %+v", again)
	}
}

func testAuditChain(t *testing.T, db *store.DB) {
	NewWorld(t, db)
	v, err := db.VerifyAudit(System())
	if err != nil || v.Problem != nil || v.Entries != 12 {
		t.Fatalf("verify = %+v, %v; want 12 intact entries", v, err)
	}
	_, err = db.VerifyAudit(context.Background())
	wantCode(t, err, vrs.EUNAUTHORIZED)
}

func testAuditTamper(t *testing.T, db *store.DB) {
	cases := []struct {
		name    string
		tamper  []string
		seq     int64
		problem string
	}{
		{"Edited", []string{`UPDATE audit_log SET detail = '{"kind":"judiciary"}' WHERE seq = 3`}, 3, "edited"},
		{"EditedActor", []string{`UPDATE audit_log SET actor_name = 'nobody' WHERE seq = 7`}, 7, "edited"},
		{"Deleted", []string{`DELETE FROM audit_log WHERE seq = 5`}, 5, "deleted"},
		{"DeletedAndRenumbered", []string{`DELETE FROM audit_log WHERE seq = 5`, `UPDATE audit_log SET seq = seq - 1 WHERE seq > 5`}, 5, "reordered"},
		{"Reordered", []string{`UPDATE audit_log SET seq = -1 WHERE seq = 4`, `UPDATE audit_log SET seq = 4 WHERE seq = 6`, `UPDATE audit_log SET seq = 6 WHERE seq = -1`}, 4, "reordered"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := Open(t, db.Dialect())
			NewWorld(t, db)
			for _, q := range tc.tamper {
				if _, err := db.SQL().Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			v, err := db.VerifyAudit(System())
			if err != nil {
				t.Fatal(err)
			}
			if v.Problem == nil || v.Problem.Seq != tc.seq || v.Problem.Kind != tc.problem {
				t.Fatalf("verify = %+v, want %s at %d", v.Problem, tc.problem, tc.seq)
			}
		})
	}
}

func testAuditConcurrent(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	var wg sync.WaitGroup
	errs := make(chan error, 80)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				errs <- db.AppendAudit(As(w.Users["reporter"]), &vrs.AuditEntry{Action: vrs.ActSignIn, ObjectType: "user", ObjectID: fmt.Sprint(i*10 + j)})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	v, err := db.VerifyAudit(System())
	if err != nil || v.Problem != nil || v.Entries != 92 {
		t.Fatalf("verify after concurrent appends = %+v, %v", v, err)
	}
}

func testAuditList(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	all, err := db.ListAudit(As(w.Users["admin"]), vrs.AuditFilter{})
	if err != nil || len(all) != 12 {
		t.Fatalf("admin sees %d entries, %v", len(all), err)
	}
	if all[0].Seq < all[1].Seq {
		t.Error("audit not newest first")
	}
	vn, _ := db.ListAudit(As(w.Users["vn-focal_point"]), vrs.AuditFilter{})
	for _, e := range vn {
		if e.Country != "VN" {
			t.Errorf("VN focal point sees %s entry %d", e.Country, e.Seq)
		}
	}
	if len(vn) != 3 {
		t.Errorf("VN focal point sees %d entries, want 3", len(vn))
	}
	_, err = db.ListAudit(As(w.Users["analyst"]), vrs.AuditFilter{})
	wantCode(t, err, vrs.EFORBIDDEN)
	users, _ := db.ListAudit(System(), vrs.AuditFilter{Action: "user."})
	if len(users) != 8 {
		t.Errorf("user.* entries = %d, want 8", len(users))
	}
	page, _ := db.ListAudit(System(), vrs.AuditFilter{Limit: 5, BeforeSeq: 6})
	if len(page) != 5 || page[0].Seq != 5 {
		t.Errorf("page before 6 = %d entries starting %d", len(page), page[0].Seq)
	}
}

func testBackup(t *testing.T, db *store.DB) {
	NewWorld(t, db)
	out := filepath.Join(t.TempDir(), "backup.db")
	if db.Dialect() != "sqlite" {
		// PostgreSQL installations back up with pg_dump; the command says so.
		wantCode(t, db.Backup(System(), out), vrs.EINVALID)
		return
	}
	if err := db.Backup(System(), out); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.Backup(System(), out), vrs.ECONFLICT)
	copyDB, err := store.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if v, err := copyDB.VerifyAudit(System()); err != nil || v.Problem != nil || v.Entries != 13 {
		t.Fatalf("backup audit = %+v, %v", v, err)
	}
	us, _ := copyDB.ListUsers(System(), vrs.UserFilter{})
	if len(us) != 8 {
		t.Errorf("backup has %d users", len(us))
	}
}
