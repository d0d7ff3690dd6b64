package access_test

import (
	"testing"

	"vrs"
	"vrs/access"
)

var (
	focalLA     = &vrs.User{ID: 8, Name: "fp.la", Country: "LA", Roles: []vrs.Role{vrs.RoleFocalPoint}}
	adminFocal  = &vrs.User{ID: 9, Name: "admin.fp", Country: "TH", Roles: []vrs.Role{vrs.RoleAdmin, vrs.RoleFocalPoint}}
	focalNoLand = &vrs.User{ID: 10, Name: "fp.none", Roles: []vrs.Role{vrs.RoleFocalPoint}}
)

// sharingActors are the actors of the sharing tables: those of admin_test
// plus a focal point of a third country, an administrator who is also a
// focal point, and a focal point without a country.
var sharingActors = append(actors[:len(actors):len(actors)], []struct {
	name string
	user *vrs.User
}{{"FocalPointLA", focalLA}, {"AdminFocalPointTH", adminFocal}, {"FocalPointNoCountry", focalNoLand}}...)

// thToVN is a proposal of Thailand to Viet Nam.
var thToVN = &vrs.SharingAgreement{ID: 1, Proposer: "TH", Partner: "VN", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling},
	Granularity: vrs.GranPseudonymised, Starts: "2025-01-01", Status: vrs.AgreementProposed}

func TestSharingRules(t *testing.T) {
	group := &vrs.SharingGroup{ID: 1, Name: "Mekong", Owner: "TH", Countries: []string{"VN"}}
	rules := []struct {
		name string
		fn   func(u *vrs.User) error
		want map[string]string
	}{
		{"ManageSharingTH", func(u *vrs.User) error { return access.ManageSharing(u, "TH") }, map[string]string{
			"Nil": unauth, "System": ok, "Admin": forbid, "FocalPointTH": ok, "FocalPointVN": forbid,
			"ReporterTH": forbid, "AnalystTH": forbid, "RegionalAnalyst": forbid,
			"FocalPointLA": forbid, "AdminFocalPointTH": ok, "FocalPointNoCountry": forbid,
		}},
		{"ManageSharingNoCountry", func(u *vrs.User) error { return access.ManageSharing(u, "") }, map[string]string{
			"Nil": unauth, "System": ok, "Admin": forbid, "FocalPointTH": forbid, "FocalPointVN": forbid,
			"ReporterTH": forbid, "AnalystTH": forbid, "RegionalAnalyst": forbid,
			"FocalPointLA": forbid, "AdminFocalPointTH": forbid, "FocalPointNoCountry": forbid,
		}},
		{"ReadAgreement", func(u *vrs.User) error { return access.ReadAgreement(u, thToVN) }, map[string]string{
			"Nil": unauth, "System": ok, "Admin": ok, "FocalPointTH": ok, "FocalPointVN": ok,
			"ReporterTH": ok, "AnalystTH": ok, "RegionalAnalyst": ok,
			"FocalPointLA": notFnd, "AdminFocalPointTH": ok, "FocalPointNoCountry": notFnd,
		}},
		{"DecideAgreement", func(u *vrs.User) error { return access.DecideAgreement(u, thToVN) }, map[string]string{
			"Nil": unauth, "System": ok, "Admin": forbid, "FocalPointTH": forbid, "FocalPointVN": ok,
			"ReporterTH": forbid, "AnalystTH": forbid, "RegionalAnalyst": forbid,
			"FocalPointLA": notFnd, "AdminFocalPointTH": forbid, "FocalPointNoCountry": notFnd,
		}},
		{"RevokeAgreement", func(u *vrs.User) error { return access.RevokeAgreement(u, thToVN) }, map[string]string{
			"Nil": unauth, "System": ok, "Admin": forbid, "FocalPointTH": ok, "FocalPointVN": ok,
			"ReporterTH": forbid, "AnalystTH": forbid, "RegionalAnalyst": forbid,
			"FocalPointLA": notFnd, "AdminFocalPointTH": ok, "FocalPointNoCountry": notFnd,
		}},
		{"ReadSharingGroups", access.ReadSharingGroups, map[string]string{
			"Nil": unauth, "System": ok, "Admin": ok, "FocalPointTH": ok, "FocalPointVN": ok,
			"ReporterTH": ok, "AnalystTH": ok, "RegionalAnalyst": ok,
			"FocalPointLA": ok, "AdminFocalPointTH": ok, "FocalPointNoCountry": ok,
		}},
		{"ManageSharingGroup", func(u *vrs.User) error { return access.ManageSharingGroup(u, group) }, map[string]string{
			"Nil": unauth, "System": ok, "Admin": forbid, "FocalPointTH": ok, "FocalPointVN": forbid,
			"ReporterTH": forbid, "AnalystTH": forbid, "RegionalAnalyst": forbid,
			"FocalPointLA": forbid, "AdminFocalPointTH": ok, "FocalPointNoCountry": forbid,
		}},
		{"ReadRecordViewsTH", func(u *vrs.User) error { return access.ReadRecordViews(u, "TH") }, map[string]string{
			"Nil": unauth, "System": ok, "Admin": ok, "FocalPointTH": ok, "FocalPointVN": forbid,
			"ReporterTH": forbid, "AnalystTH": forbid, "RegionalAnalyst": forbid,
			"FocalPointLA": forbid, "AdminFocalPointTH": ok, "FocalPointNoCountry": forbid,
		}},
	}
	for _, r := range rules {
		for _, a := range sharingActors {
			t.Run(r.name+"/"+a.name, func(t *testing.T) {
				w, found := r.want[a.name]
				if !found {
					t.Fatalf("no expectation for %s", a.name)
				}
				if got := vrs.ErrorCode(r.fn(a.user)); got != w {
					t.Errorf("code = %q, want %q", got, w)
				}
			})
		}
	}
}

// TestDecideOwnProposal: the proposer's focal point learns why, in words
// that name the country the proposal is addressed to.
func TestDecideOwnProposal(t *testing.T) {
	err := vrs.AsError(access.DecideAgreement(focalTH, thToVN))
	if err.Message != "error.agreement_addressed_to" || len(err.Args) != 1 || err.Args[0] != "VN" {
		t.Errorf("error = %+v, want error.agreement_addressed_to naming VN", err)
	}
	if err := vrs.AsError(access.DecideAgreement(reporterTH, thToVN)); err.Message != "error.sharing_focal_point" {
		t.Errorf("reporter of the proposer: %+v", err)
	}
}

func TestListAgreementsCountry(t *testing.T) {
	cases := []struct {
		name    string
		user    *vrs.User
		country string
		ok      bool
		code    string
	}{
		{"Nil", nil, "", false, unauth},
		{"System", vrs.SystemUser, "", true, ok},
		{"Admin", adminUser, "", true, ok},
		{"FocalPointVN", focalVN, "VN", true, ok},
		{"ReporterTH", reporterTH, "TH", true, ok},
		{"NoCountry", focalNoLand, "", false, ok},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, all, err := access.ListAgreementsCountry(tc.user)
			if c != tc.country || all != tc.ok || vrs.ErrorCode(err) != tc.code {
				t.Errorf("= %q, %v, %v; want %q, %v, %q", c, all, err, tc.country, tc.ok, tc.code)
			}
		})
	}
}
