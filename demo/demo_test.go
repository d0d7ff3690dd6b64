package demo_test

import (
	"context"
	"slices"
	"testing"

	"vrs"
	"vrs/auth"
	"vrs/demo"
	"vrs/store"
	"vrs/storetest"
)

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.System()
		h := auth.NewHasher(auth.TestParams, 2)
		accounts, err := demo.Seed(ctx, db, h)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("OneUserPerRole", func(t *testing.T) {
			var roles []vrs.Role
			for _, a := range accounts {
				roles = append(roles, a.User.Roles...)
			}
			slices.Sort(roles)
			want := slices.Clone(vrs.Roles)
			slices.Sort(want)
			if !slices.Equal(roles, want) {
				t.Errorf("roles = %v, want %v", roles, want)
			}
		})
		t.Run("PasswordsStrongDistinctAndStored", func(t *testing.T) {
			seen := map[string]bool{}
			for _, a := range accounts {
				if err := auth.ValidatePassword(a.Password, a.User.Name); err != nil {
					t.Errorf("%s: weak password: %v", a.User.Name, err)
				}
				if seen[a.Password] {
					t.Errorf("%s: password repeated", a.User.Name)
				}
				seen[a.Password] = true
				u, err := db.FindUserByName(context.Background(), a.User.Name)
				if err != nil {
					t.Fatal(err)
				}
				if ok, _, err := h.Verify(context.Background(), a.Password, u.PasswordHash); err != nil || !ok {
					t.Errorf("%s: stored hash does not match the password (%v)", a.User.Name, err)
				}
			}
		})
		t.Run("SecondFactorAtFirstSignIn", func(t *testing.T) {
			for _, a := range accounts {
				must := a.User.HasRole(vrs.RoleFocalPoint) || a.User.HasRole(vrs.RoleAdmin)
				if a.User.NeedsSecondFactor() != must || a.User.TOTPEnabled {
					t.Errorf("%s: NeedsSecondFactor = %v, TOTPEnabled = %v", a.User.Name, a.User.NeedsSecondFactor(), a.User.TOTPEnabled)
				}
			}
		})
		t.Run("AgenciesInMemberCountries", func(t *testing.T) {
			agencies, err := db.ListAgencies(ctx, vrs.AgencyFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(agencies) != len(demo.Agencies) {
				t.Errorf("%d agencies, want %d", len(agencies), len(demo.Agencies))
			}
			kinds := map[vrs.AgencyKind]bool{}
			for _, a := range agencies {
				kinds[a.Kind] = true
				c, err := db.FindCountry(ctx, a.Country)
				if err != nil || !c.Member {
					t.Errorf("%s: country %s is not a member (%v)", a.Name, a.Country, err)
				}
			}
			if len(kinds) < 5 || !kinds[vrs.KindRegionalOffice] {
				t.Errorf("kinds = %v", kinds)
			}
		})
		t.Run("ErrSecondSeed", func(t *testing.T) {
			if _, err := demo.Seed(ctx, db, h); vrs.ErrorCode(err) != vrs.ECONFLICT {
				t.Errorf("second seed: err = %v, want conflict", err)
			}
		})
	})
}

func TestNewPassword(t *testing.T) {
	for range 100 {
		p, err := demo.NewPassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 19 || auth.ValidatePassword(p, "") != nil {
			t.Fatalf("password %q", p)
		}
	}
}
