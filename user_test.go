package vrs_test

import (
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"vrs"
)

func validTestUser() vrs.User {
	return vrs.User{
		Name:     "somchai",
		FullName: "Somchai Jaidee",
		Email:    "somchai@police.go.th",
		AgencyID: 7,
		Country:  "TH",
		Roles:    []vrs.Role{vrs.RoleReporter},
	}
}

func TestUserNormalizeValidate(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(u *vrs.User)
		check      func(t *testing.T, u *vrs.User)
		wantFields map[string]string
	}{
		{name: "OK"},
		{
			name: "OKNameLowerCasedAndTrimmed",
			edit: func(u *vrs.User) { u.Name = "  Somchai.J@TH-Police_1 \t" },
			check: func(t *testing.T, u *vrs.User) {
				if u.Name != "somchai.j@th-police_1" {
					t.Errorf("Name = %q", u.Name)
				}
			},
		},
		{
			name: "OKFullNameCollapsed",
			edit: func(u *vrs.User) { u.FullName = "  Somchai \t  Jaidee\n" },
			check: func(t *testing.T, u *vrs.User) {
				if u.FullName != "Somchai Jaidee" {
					t.Errorf("FullName = %q", u.FullName)
				}
			},
		},
		{name: "OKNameTwoChars", edit: func(u *vrs.User) { u.Name = "ab" }},
		{name: "OKNameDigitFirst", edit: func(u *vrs.User) { u.Name = "0x" }},
		{name: "OKName64", edit: func(u *vrs.User) { u.Name = strings.Repeat("a", 64) }},
		{name: "ErrNameEmpty", edit: func(u *vrs.User) { u.Name = "" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrNameOneChar", edit: func(u *vrs.User) { u.Name = " a " }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrName65", edit: func(u *vrs.User) { u.Name = strings.Repeat("a", 65) }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrNameLeadingDot", edit: func(u *vrs.User) { u.Name = ".somchai" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrNameLeadingDash", edit: func(u *vrs.User) { u.Name = "-somchai" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrNameInnerSpace", edit: func(u *vrs.User) { u.Name = "som chai" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "OKNameUnderscore", edit: func(u *vrs.User) { u.Name = "som_chai" }},
		{name: "ErrNameLeadingUnderscore", edit: func(u *vrs.User) { u.Name = "_somchai" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrNamePlus", edit: func(u *vrs.User) { u.Name = "som+chai" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrNameSlash", edit: func(u *vrs.User) { u.Name = "th/somchai" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrNameNewline", edit: func(u *vrs.User) { u.Name = "som\nchai" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrNameNonASCII", edit: func(u *vrs.User) { u.Name = "สมชาย" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "ErrNameAccented", edit: func(u *vrs.User) { u.Name = "nguyễn" }, wantFields: map[string]string{"name": "field.user_name"}},
		{name: "OKFullNameEmpty", edit: func(u *vrs.User) { u.FullName = "" }},
		{name: "ErrFullNameControl", edit: func(u *vrs.User) { u.FullName = "Som\x00chai" }, wantFields: map[string]string{"full_name": "field.control_chars"}},
		{name: "ErrFullNameUTF8", edit: func(u *vrs.User) { u.FullName = "Som\xffchai" }, wantFields: map[string]string{"full_name": "field.utf8"}},
		{name: "ErrFullNameTooLong", edit: func(u *vrs.User) { u.FullName = strings.Repeat("ก", 201) }, wantFields: map[string]string{"full_name": "field.too_long"}},
		{name: "OKEmailEmpty", edit: func(u *vrs.User) { u.Email = "" }},
		{
			name: "OKEmailTrimmed",
			edit: func(u *vrs.User) { u.Email = "  a@b.org\n" },
			check: func(t *testing.T, u *vrs.User) {
				if u.Email != "a@b.org" {
					t.Errorf("Email = %q", u.Email)
				}
			},
		},
		{name: "ErrEmailNoAt", edit: func(u *vrs.User) { u.Email = "somchai.police.go.th" }, wantFields: map[string]string{"email": "field.email"}},
		{name: "ErrEmailSpace", edit: func(u *vrs.User) { u.Email = "som chai@police.go.th" }, wantFields: map[string]string{"email": "field.email"}},
		{name: "ErrEmailAngle", edit: func(u *vrs.User) { u.Email = "<a@b.org>" }, wantFields: map[string]string{"email": "field.email"}},
		{name: "ErrEmailTooLong", edit: func(u *vrs.User) { u.Email = strings.Repeat("a", 250) + "@b.org" }, wantFields: map[string]string{"email": "field.email"}},
		{name: "ErrAgencyMissing", edit: func(u *vrs.User) { u.AgencyID = 0 }, wantFields: map[string]string{"agency_id": "field.required"}},
		{name: "ErrAgencyNegative", edit: func(u *vrs.User) { u.AgencyID = -1 }, wantFields: map[string]string{"agency_id": "field.required"}},
		{
			name:       "ErrRolesMissing",
			edit:       func(u *vrs.User) { u.Roles = nil },
			wantFields: map[string]string{"roles": "field.required"},
		},
		{
			name:       "ErrRoleUnknown",
			edit:       func(u *vrs.User) { u.Roles = []vrs.Role{vrs.RoleReporter, "superuser"} },
			wantFields: map[string]string{"roles": "field.role"},
		},
		{
			name: "OKDuplicateRolesCompacted",
			edit: func(u *vrs.User) {
				u.Roles = []vrs.Role{vrs.RoleReporter, vrs.RoleAnalyst, vrs.RoleReporter, vrs.RoleAnalyst}
			},
			check: func(t *testing.T, u *vrs.User) {
				want := []vrs.Role{vrs.RoleAnalyst, vrs.RoleReporter}
				if !slices.Equal(u.Roles, want) {
					t.Errorf("Roles = %v, want %v", u.Roles, want)
				}
			},
		},
		{
			name: "OKDefaultScopeKept",
			edit: func(u *vrs.User) { u.Roles = []vrs.Role{vrs.RoleAnalyst}; u.ViewScope = vrs.ViewAgency },
			check: func(t *testing.T, u *vrs.User) {
				if u.ViewScope != vrs.ViewAgency {
					t.Errorf("explicit ViewScope replaced by %q", u.ViewScope)
				}
			},
		},
		{name: "OKScopeNoneWithDataRole", edit: func(u *vrs.User) { u.ViewScope = vrs.ViewNone }},
		{name: "OKScopeCountryReporter", edit: func(u *vrs.User) { u.ViewScope = vrs.ViewCountry }},
		{
			name: "OKScopeSharedRegional",
			edit: func(u *vrs.User) { u.Roles = []vrs.Role{vrs.RoleRegionalAnalyst}; u.ViewScope = vrs.ViewShared },
		},
		{
			name: "OKScopeSharedAdminRegional",
			edit: func(u *vrs.User) {
				u.Roles = []vrs.Role{vrs.RoleAdmin, vrs.RoleRegionalAnalyst}
				u.ViewScope = vrs.ViewShared
			},
		},
		{
			name:       "ErrScopeUnknown",
			edit:       func(u *vrs.User) { u.ViewScope = "everything" },
			wantFields: map[string]string{"view_scope": "field.view_scope"},
		},
		{
			name:       "ErrScopeSharedWithoutRegional",
			edit:       func(u *vrs.User) { u.ViewScope = vrs.ViewShared },
			wantFields: map[string]string{"view_scope": "field.view_scope_shared"},
		},
		{
			name:       "ErrScopeAgencyAdminOnly",
			edit:       func(u *vrs.User) { u.Roles = []vrs.Role{vrs.RoleAdmin}; u.ViewScope = vrs.ViewAgency },
			wantFields: map[string]string{"view_scope": "field.view_scope_needs_data_role"},
		},
		{
			name: "ErrScopeCountryFocalPointOnly",
			edit: func(u *vrs.User) {
				u.Roles = []vrs.Role{vrs.RoleFocalPoint}
				u.ViewScope = vrs.ViewCountry
			},
			wantFields: map[string]string{"view_scope": "field.view_scope_needs_data_role"},
		},
		{
			name:  "OKAdminDefaultsToNone",
			edit:  func(u *vrs.User) { u.Roles = []vrs.Role{vrs.RoleAdmin} },
			check: wantScope(vrs.ViewNone),
		},
		{
			name: "ErrMany",
			edit: func(u *vrs.User) {
				u.Name, u.Email, u.AgencyID, u.Roles = "x", "nope", 0, nil
			},
			wantFields: map[string]string{
				"name":      "field.user_name",
				"email":     "field.email",
				"agency_id": "field.required",
				"roles":     "field.required",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := validTestUser()
			if tt.edit != nil {
				tt.edit(&u)
			}
			u.Normalize()
			if tt.check != nil {
				tt.check(t, &u)
			}
			got := fieldsOf(t, u.Validate())
			if !maps.Equal(got, tt.wantFields) {
				t.Errorf("Validate fields = %v, want %v", got, tt.wantFields)
			}
		})
	}
}

func wantScope(want vrs.ViewScope) func(t *testing.T, u *vrs.User) {
	return func(t *testing.T, u *vrs.User) {
		t.Helper()
		if u.ViewScope != want {
			t.Errorf("ViewScope = %q, want %q", u.ViewScope, want)
		}
	}
}

func TestDefaultViewScope(t *testing.T) {
	R := func(rs ...vrs.Role) []vrs.Role { return rs }
	tests := []struct {
		name  string
		roles []vrs.Role
		want  vrs.ViewScope
	}{
		{"None", nil, vrs.ViewNone},
		{"Reporter", R(vrs.RoleReporter), vrs.ViewAgency},
		{"Reviewer", R(vrs.RoleReviewer), vrs.ViewAgency},
		{"Analyst", R(vrs.RoleAnalyst), vrs.ViewCountry},
		{"FocalPoint", R(vrs.RoleFocalPoint), vrs.ViewNone},
		{"RegionalAnalyst", R(vrs.RoleRegionalAnalyst), vrs.ViewShared},
		{"Admin", R(vrs.RoleAdmin), vrs.ViewNone},
		{"AdminFocalPoint", R(vrs.RoleAdmin, vrs.RoleFocalPoint), vrs.ViewNone},
		{"ReporterAnalyst", R(vrs.RoleReporter, vrs.RoleAnalyst), vrs.ViewCountry},
		{"FocalPointReporter", R(vrs.RoleFocalPoint, vrs.RoleReporter), vrs.ViewAgency},
		{"RegionalReporter", R(vrs.RoleRegionalAnalyst, vrs.RoleReporter), vrs.ViewAgency},
		{"RegionalAnalyst+Analyst", R(vrs.RoleRegionalAnalyst, vrs.RoleAnalyst), vrs.ViewCountry},
		{"AdminRegional", R(vrs.RoleAdmin, vrs.RoleRegionalAnalyst), vrs.ViewShared},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vrs.DefaultViewScope(tt.roles); got != tt.want {
				t.Errorf("DefaultViewScope(%v) = %q, want %q", tt.roles, got, tt.want)
			}
			// Normalize fills an empty scope with the default, and the
			// default always passes Validate's scope rules.
			u := validTestUser()
			u.Roles = slices.Clone(tt.roles)
			u.ViewScope = ""
			u.Normalize()
			if u.ViewScope != tt.want {
				t.Errorf("after Normalize ViewScope = %q, want %q", u.ViewScope, tt.want)
			}
			if len(tt.roles) > 0 {
				if err := u.Validate(); err != nil {
					t.Errorf("default scope rejected: %v", err)
				}
			}
		})
	}
}

func TestUserRoles(t *testing.T) {
	tests := []struct {
		name     string
		user     *vrs.User
		has      []vrs.Role
		hasNot   []vrs.Role
		dataRole bool
	}{
		{"Nil", nil, nil, vrs.Roles, false},
		{"NoRoles", &vrs.User{}, nil, vrs.Roles, false},
		{"Reporter", &vrs.User{Roles: []vrs.Role{vrs.RoleReporter}}, []vrs.Role{vrs.RoleReporter}, []vrs.Role{vrs.RoleAdmin, vrs.RoleAnalyst}, true},
		{"Reviewer", &vrs.User{Roles: []vrs.Role{vrs.RoleReviewer}}, []vrs.Role{vrs.RoleReviewer}, []vrs.Role{vrs.RoleReporter}, true},
		{"Analyst", &vrs.User{Roles: []vrs.Role{vrs.RoleAnalyst}}, []vrs.Role{vrs.RoleAnalyst}, []vrs.Role{vrs.RoleRegionalAnalyst}, true},
		{"Regional", &vrs.User{Roles: []vrs.Role{vrs.RoleRegionalAnalyst}}, []vrs.Role{vrs.RoleRegionalAnalyst}, []vrs.Role{vrs.RoleAnalyst}, true},
		{"Admin", &vrs.User{Roles: []vrs.Role{vrs.RoleAdmin}}, []vrs.Role{vrs.RoleAdmin}, []vrs.Role{vrs.RoleFocalPoint}, false},
		{"FocalPoint", &vrs.User{Roles: []vrs.Role{vrs.RoleFocalPoint}}, []vrs.Role{vrs.RoleFocalPoint}, []vrs.Role{vrs.RoleAdmin}, false},
		{"AdminFocalPoint", &vrs.User{Roles: []vrs.Role{vrs.RoleAdmin, vrs.RoleFocalPoint}}, []vrs.Role{vrs.RoleAdmin, vrs.RoleFocalPoint}, []vrs.Role{vrs.RoleReporter}, false},
		{"AdminReviewer", &vrs.User{Roles: []vrs.Role{vrs.RoleAdmin, vrs.RoleReviewer}}, []vrs.Role{vrs.RoleAdmin, vrs.RoleReviewer}, nil, true},
		{"UnknownRole", &vrs.User{Roles: []vrs.Role{"superuser"}}, []vrs.Role{"superuser"}, vrs.Roles, false},
		{"System", vrs.SystemUser, []vrs.Role{vrs.RoleAdmin}, []vrs.Role{vrs.RoleReporter}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range tt.has {
				if !tt.user.HasRole(r) {
					t.Errorf("HasRole(%q) = false", r)
				}
			}
			for _, r := range tt.hasNot {
				if tt.user.HasRole(r) {
					t.Errorf("HasRole(%q) = true", r)
				}
			}
			if got := tt.user.HasDataRole(); got != tt.dataRole {
				t.Errorf("HasDataRole() = %v, want %v", got, tt.dataRole)
			}
		})
	}
}

func TestRoleValidAndDataRole(t *testing.T) {
	data := map[vrs.Role]bool{
		vrs.RoleReporter: true, vrs.RoleReviewer: true, vrs.RoleAnalyst: true,
		vrs.RoleRegionalAnalyst: true, vrs.RoleFocalPoint: false, vrs.RoleAdmin: false,
	}
	if len(vrs.Roles) != len(data) {
		t.Fatalf("Roles = %v, test knows %d roles", vrs.Roles, len(data))
	}
	for _, r := range vrs.Roles {
		t.Run(string(r), func(t *testing.T) {
			if !r.Valid() {
				t.Errorf("Valid() = false")
			}
			want, ok := data[r]
			if !ok {
				t.Fatalf("role %q unknown to this test", r)
			}
			if r.DataRole() != want {
				t.Errorf("DataRole() = %v, want %v", r.DataRole(), want)
			}
		})
	}
	for _, r := range []vrs.Role{"", "Admin", "superuser"} {
		t.Run("Invalid_"+string(r), func(t *testing.T) {
			if r.Valid() || r.DataRole() {
				t.Errorf("%q: Valid=%v DataRole=%v", r, r.Valid(), r.DataRole())
			}
		})
	}
}

func TestNeedsSecondFactor(t *testing.T) {
	tests := []struct {
		name  string
		roles []vrs.Role
		totp  bool
		want  bool
	}{
		{"ReporterNoTOTP", []vrs.Role{vrs.RoleReporter}, false, false},
		{"ReporterTOTP", []vrs.Role{vrs.RoleReporter}, true, true},
		{"ReviewerNoTOTP", []vrs.Role{vrs.RoleReviewer}, false, false},
		{"AnalystNoTOTP", []vrs.Role{vrs.RoleAnalyst}, false, false},
		{"AnalystTOTP", []vrs.Role{vrs.RoleAnalyst}, true, true},
		{"RegionalNoTOTP", []vrs.Role{vrs.RoleRegionalAnalyst}, false, false},
		{"FocalPointNoTOTP", []vrs.Role{vrs.RoleFocalPoint}, false, true},
		{"FocalPointTOTP", []vrs.Role{vrs.RoleFocalPoint}, true, true},
		{"AdminNoTOTP", []vrs.Role{vrs.RoleAdmin}, false, true},
		{"AdminTOTP", []vrs.Role{vrs.RoleAdmin}, true, true},
		{"ReporterFocalPoint", []vrs.Role{vrs.RoleReporter, vrs.RoleFocalPoint}, false, true},
		{"NoRolesNoTOTP", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &vrs.User{Roles: tt.roles, TOTPEnabled: tt.totp}
			if got := u.NeedsSecondFactor(); got != tt.want {
				t.Errorf("NeedsSecondFactor() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCaptureAgencies(t *testing.T) {
	tests := []struct {
		name string
		ids  []int64
		want []int64
	}{
		{"DefaultNil", nil, []int64{7}},
		{"DefaultEmpty", []int64{}, []int64{7}},
		{"One", []int64{9}, []int64{9}},
		{"Several", []int64{7, 9, 11}, []int64{7, 9, 11}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &vrs.User{AgencyID: 7, CaptureAgencyIDs: tt.ids}
			if got := u.CaptureAgencies(); !slices.Equal(got, tt.want) {
				t.Errorf("CaptureAgencies() = %v, want %v", got, tt.want)
			}
		})
	}
}

var fuzzUserNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{1,63}$`)

func FuzzUserValidate(f *testing.F) {
	f.Add("somchai", "Somchai Jaidee", "a@b.org", "reporter", "", int64(7))
	f.Add(" ADMIN ", "", "", "admin,focal_point", "none", int64(1))
	f.Add("x", "\x00", "no at", "superuser,reporter,reporter", "shared", int64(0))
	f.Add("ab\n", strings.Repeat("ก", 201), "<@>", "", "country", int64(-1))
	f.Add("\u212a\u212a", "\xff", "a@b", "regional_analyst", "shared", int64(3))
	f.Fuzz(func(t *testing.T, name, fullName, email, roles, scope string, agencyID int64) {
		u := &vrs.User{
			Name: name, FullName: fullName, Email: email,
			AgencyID: agencyID, ViewScope: vrs.ViewScope(scope),
		}
		if roles != "" {
			for r := range strings.SplitSeq(roles, ",") {
				u.Roles = append(u.Roles, vrs.Role(r))
			}
		}
		u.Normalize()
		err := u.Validate()
		var fields map[string]string
		if err != nil {
			var e *vrs.Error
			if !errors.As(err, &e) || e.Code != vrs.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("Validate returned %v (%T)", err, err)
			}
			fields = e.Fields
		}
		if _, bad := fields["name"]; !bad && !fuzzUserNameRE.MatchString(u.Name) {
			t.Errorf("accepted user name %q", u.Name)
		}
		if err == nil {
			if len(u.Roles) == 0 || !u.ViewScope.Valid() {
				t.Errorf("accepted user with roles %v scope %q", u.Roles, u.ViewScope)
			}
			if u.ViewScope != vrs.ViewNone && !u.HasDataRole() {
				t.Errorf("accepted scope %q without data role %v", u.ViewScope, u.Roles)
			}
		}
	})
}
