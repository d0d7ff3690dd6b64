package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"vrs"
	"vrs/internal/apptest"
)

// TestTokenOpensNoPage: an API token is refused by the pages, so a leaked
// token cannot reach the account or administration forms.
func TestTokenOpensNoPage(t *testing.T) {
	app := apptest.New(t, "sqlite")
	token := app.Token(t, "focal_point")
	for _, path := range []string{"/account", "/account/second-factor", "/admin/users"} {
		req, _ := http.NewRequest("GET", app.Server.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := app.NewClient().HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s with a token: %d, want a redirect to sign in", path, resp.StatusCode)
		}
	}
	if code, _ := app.Call(t, "GET", "/api/v1/me", token, ""); code != http.StatusOK {
		t.Errorf("the token no longer opens the API: %d", code)
	}
}

func TestNoSelfResetThroughAdministration(t *testing.T) {
	app := apptest.New(t, "sqlite")
	c := app.SignIn(t, "focal_point")
	self := strconv.FormatInt(app.World.Users["focal_point"].ID, 10)
	c.Get(t, "/admin/users/"+self)
	if resp, _ := c.Post(t, "/admin/users/"+self+"/password", url.Values{"password": {"a brand new password"}, "confirm": {"a brand new password"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("own password through administration: %d", resp.StatusCode)
	}
	if resp, _ := c.Post(t, "/admin/users/"+self+"/second-factor/reset", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("own second factor through administration: %d", resp.StatusCode)
	}
	if u, err := app.DB.FindUserByName(t.Context(), "th.focal"); err != nil || !u.TOTPEnabled {
		t.Error("the second factor was reset")
	}
}

func TestRoleChangeEndsSessions(t *testing.T) {
	app := apptest.New(t, "sqlite")
	reporter := app.SignIn(t, "reporter")
	roles := []vrs.Role{vrs.RoleReporter, vrs.RoleFocalPoint}
	scope := vrs.ViewAgency
	if _, err := app.DB.UpdateUser(vrs.NewContextWithUser(t.Context(), app.World.Users["focal_point"]), app.World.Users["reporter"].ID,
		vrs.UserUpdate{Roles: &roles, ViewScope: &scope}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := reporter.Get(t, "/account"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a promoted user's old session still opens /account: %d", resp.StatusCode)
	}
}
