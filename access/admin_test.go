package access_test

import (
	"testing"

	"vrs"
	"vrs/access"
)

// The acting users of every table below.
var (
	adminUser    = &vrs.User{ID: 1, Name: "admin", Country: "TH", Roles: []vrs.Role{vrs.RoleAdmin}}
	focalTH      = &vrs.User{ID: 2, Name: "fp.th", Country: "TH", Roles: []vrs.Role{vrs.RoleFocalPoint}}
	focalVN      = &vrs.User{ID: 3, Name: "fp.vn", Country: "VN", Roles: []vrs.Role{vrs.RoleFocalPoint}}
	reporterTH   = &vrs.User{ID: 4, Name: "rep.th", Country: "TH", Roles: []vrs.Role{vrs.RoleReporter}}
	analystTH    = &vrs.User{ID: 5, Name: "an.th", Country: "TH", Roles: []vrs.Role{vrs.RoleAnalyst}}
	regionalUser = &vrs.User{ID: 6, Name: "regional", Country: "TH", Roles: []vrs.Role{vrs.RoleRegionalAnalyst}}
	reporterVN   = &vrs.User{ID: 7, Name: "rep.vn", Country: "VN", Roles: []vrs.Role{vrs.RoleReporter}}
)

var actors = []struct {
	name string
	user *vrs.User
}{
	{"Nil", nil},
	{"System", vrs.SystemUser},
	{"Admin", adminUser},
	{"FocalPointTH", focalTH},
	{"FocalPointVN", focalVN},
	{"ReporterTH", reporterTH},
	{"AnalystTH", analystTH},
	{"RegionalAnalyst", regionalUser},
}

const (
	ok     = ""
	unauth = vrs.EUNAUTHORIZED
	forbid = vrs.EFORBIDDEN
	notFnd = vrs.ENOTFOUND
)

func TestManageInstallation(t *testing.T) {
	want := map[string]string{
		"Nil": unauth, "System": ok, "Admin": ok,
		"FocalPointTH": forbid, "FocalPointVN": forbid, "ReporterTH": forbid,
		"AnalystTH": forbid, "RegionalAnalyst": forbid,
	}
	for _, a := range actors {
		t.Run(a.name, func(t *testing.T) {
			w, found := want[a.name]
			if !found {
				t.Fatalf("no expectation for %s", a.name)
			}
			if got := vrs.ErrorCode(access.ManageInstallation(a.user)); got != w {
				t.Errorf("ManageInstallation = %q, want %q", got, w)
			}
		})
	}
}

func TestManageCountry(t *testing.T) {
	// want[actor] = codes for countries TH, VN, "" and "th".
	countries := []string{"TH", "VN", "", "th"}
	want := map[string][]string{
		"Nil":             {unauth, unauth, unauth, unauth},
		"System":          {ok, ok, ok, ok},
		"Admin":           {ok, ok, ok, ok},
		"FocalPointTH":    {ok, forbid, forbid, forbid},
		"FocalPointVN":    {forbid, ok, forbid, forbid},
		"ReporterTH":      {forbid, forbid, forbid, forbid},
		"AnalystTH":       {forbid, forbid, forbid, forbid},
		"RegionalAnalyst": {forbid, forbid, forbid, forbid},
	}
	for _, a := range actors {
		for i, c := range countries {
			t.Run(a.name+"/"+c, func(t *testing.T) {
				w, found := want[a.name]
				if !found {
					t.Fatalf("no expectation for %s", a.name)
				}
				if got := vrs.ErrorCode(access.ManageCountry(a.user, c)); got != w[i] {
					t.Errorf("ManageCountry(%q) = %q, want %q", c, got, w[i])
				}
			})
		}
	}
}

func TestCanManageSomeCountry(t *testing.T) {
	want := map[string]bool{
		"Nil": false, "System": true, "Admin": true,
		"FocalPointTH": true, "FocalPointVN": true, "ReporterTH": false,
		"AnalystTH": false, "RegionalAnalyst": false,
	}
	for _, a := range actors {
		t.Run(a.name, func(t *testing.T) {
			w, found := want[a.name]
			if !found {
				t.Fatalf("no expectation for %s", a.name)
			}
			if got := access.CanManageSomeCountry(a.user); got != w {
				t.Errorf("CanManageSomeCountry = %v, want %v", got, w)
			}
		})
	}
}

func TestReadUser(t *testing.T) {
	// A user one may not read answers not_found, never forbidden: the
	// caller must not learn that the account exists.
	targets := []struct {
		name string
		user func(self *vrs.User) *vrs.User
	}{
		{"Self", func(self *vrs.User) *vrs.User { return self }},
		{"SelfCopy", func(self *vrs.User) *vrs.User {
			if self == nil {
				return &vrs.User{ID: 99}
			}
			c := *self
			return &c
		}},
		{"ReporterTH", func(*vrs.User) *vrs.User { return reporterTH }},
		{"ReporterVN", func(*vrs.User) *vrs.User { return reporterVN }},
		{"FocalPointVN", func(*vrs.User) *vrs.User { return focalVN }},
		{"AdminTH", func(*vrs.User) *vrs.User { return adminUser }},
	}
	want := map[string][]string{ //  Self    SelfCopy ReporterTH ReporterVN FocalPointVN AdminTH
		"Nil":             {unauth, unauth, unauth, unauth, unauth, unauth},
		"System":          {ok, ok, ok, ok, ok, ok},
		"Admin":           {ok, ok, ok, ok, ok, ok},
		"FocalPointTH":    {ok, ok, ok, notFnd, notFnd, ok},
		"FocalPointVN":    {ok, ok, notFnd, ok, ok, notFnd},
		"ReporterTH":      {ok, ok, ok, notFnd, notFnd, notFnd},
		"AnalystTH":       {ok, ok, notFnd, notFnd, notFnd, notFnd},
		"RegionalAnalyst": {ok, ok, notFnd, notFnd, notFnd, notFnd},
	}
	for _, a := range actors {
		for i, tg := range targets {
			t.Run(a.name+"/"+tg.name, func(t *testing.T) {
				w, found := want[a.name]
				if !found {
					t.Fatalf("no expectation for %s", a.name)
				}
				target := tg.user(a.user)
				if target == nil {
					target = &vrs.User{ID: 99}
				}
				if got := vrs.ErrorCode(access.ReadUser(a.user, target)); got != w[i] {
					t.Errorf("ReadUser(%s) = %q, want %q", target.Name, got, w[i])
				}
			})
		}
	}
}

func TestGrantRoles(t *testing.T) {
	R := func(rs ...vrs.Role) []vrs.Role { return rs }
	grants := []struct {
		name  string
		roles []vrs.Role
	}{
		{"None", nil},
		{"Reporter", R(vrs.RoleReporter)},
		{"NationalRoles", R(vrs.RoleReporter, vrs.RoleReviewer, vrs.RoleAnalyst, vrs.RoleFocalPoint)},
		{"Admin", R(vrs.RoleAdmin)},
		{"Regional", R(vrs.RoleRegionalAnalyst)},
		{"ReporterAndAdmin", R(vrs.RoleReporter, vrs.RoleAdmin)},
	}
	want := map[string][]string{ // None Reporter National Admin Regional ReporterAndAdmin
		"Nil":             {unauth, unauth, unauth, unauth, unauth, unauth},
		"System":          {ok, ok, ok, ok, ok, ok},
		"Admin":           {ok, ok, ok, ok, ok, ok},
		"FocalPointTH":    {ok, ok, ok, forbid, forbid, forbid},
		"FocalPointVN":    {ok, ok, ok, forbid, forbid, forbid},
		"ReporterTH":      {forbid, forbid, forbid, forbid, forbid, forbid},
		"AnalystTH":       {forbid, forbid, forbid, forbid, forbid, forbid},
		"RegionalAnalyst": {forbid, forbid, forbid, forbid, forbid, forbid},
	}
	for _, a := range actors {
		for i, g := range grants {
			t.Run(a.name+"/"+g.name, func(t *testing.T) {
				w, found := want[a.name]
				if !found {
					t.Fatalf("no expectation for %s", a.name)
				}
				got := vrs.ErrorCode(access.GrantRoles(a.user, g.roles))
				if got == w[i] {
					return
				}
				t.Errorf("GrantRoles(%v) = %q, want %q", g.roles, got, w[i])
			})
		}
	}
}

func TestReadAuditCountry(t *testing.T) {
	type res struct{ country, code string }
	want := map[string]res{
		"Nil":             {"", unauth},
		"System":          {"", ok},
		"Admin":           {"", ok},
		"FocalPointTH":    {"TH", ok},
		"FocalPointVN":    {"VN", ok},
		"ReporterTH":      {"", forbid},
		"AnalystTH":       {"", forbid},
		"RegionalAnalyst": {"", forbid},
	}
	for _, a := range actors {
		t.Run(a.name, func(t *testing.T) {
			w, found := want[a.name]
			if !found {
				t.Fatalf("no expectation for %s", a.name)
			}
			country, err := access.ReadAuditCountry(a.user)
			got := res{country, vrs.ErrorCode(err)}
			if got == w {
				return
			}
			t.Errorf("ReadAuditCountry = %+v, want %+v", got, w)
		})
	}
}

// TestReadAuditCountryNoCountry: a focal point whose Country is empty must
// not be told "" (which means every country).
func TestReadAuditCountryNoCountry(t *testing.T) {
	fp := &vrs.User{ID: 8, Roles: []vrs.Role{vrs.RoleFocalPoint}}
	country, err := access.ReadAuditCountry(fp)
	if vrs.ErrorCode(err) != vrs.EFORBIDDEN || country != "" {
		t.Errorf("ReadAuditCountry = %q, %v; want forbidden", country, err)
	}
}
