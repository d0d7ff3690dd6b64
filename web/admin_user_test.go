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

func TestAdminUsers(t *testing.T) {
	app := apptest.New(t, "sqlite")
	w := app.World
	ctx := storetest.System()
	focal := app.SignIn(t, "focal_point")
	admin := app.SignIn(t, "admin")
	vnFocal := app.SignIn(t, "vn-focal_point")
	const password = "four unrelated words here"
	agencyID := fmt.Sprint(w.Agencies["th-immigration"].ID)

	t.Run("ListScoped", func(t *testing.T) {
		_, body := focal.Get(t, "/admin/users")
		if !strings.Contains(body, ">th.reporter</a>") || strings.Contains(body, ">vn.reporter</a>") {
			t.Error("a Thai focal point should see Thai users only")
		}
		if !strings.Contains(body, "National focal point") {
			t.Error("roles are not labelled from the catalogue")
		}
		_, body = admin.Get(t, "/admin/users?role=reporter")
		if !strings.Contains(body, ">th.reporter</a>") || !strings.Contains(body, ">vn.reporter</a>") || strings.Contains(body, ">th.analyst</a>") {
			t.Error("role filter not applied")
		}
		_, body = admin.Get(t, "/admin/users?agency="+agencyID)
		if !strings.Contains(body, ">th.analyst</a>") || strings.Contains(body, ">th.reporter</a>") {
			t.Error("agency filter not applied")
		}
	})
	t.Run("NewFormOffersGrantableRoles", func(t *testing.T) {
		_, body := focal.Get(t, "/admin/users/new")
		if strings.Contains(body, `value="admin"`) || strings.Contains(body, `value="regional_analyst"`) {
			t.Error("a focal point is offered a role they may not give")
		}
		if !strings.Contains(body, `value="focal_point"`) || !strings.Contains(body, `value="reporter"`) {
			t.Error("grantable roles missing")
		}
		if strings.Contains(body, "Ministry of Public Security") {
			t.Error("a Thai focal point is offered a Vietnamese agency")
		}
		_, body = admin.Get(t, "/admin/users/new")
		if !strings.Contains(body, `value="admin"`) || !strings.Contains(body, "Ministry of Public Security") {
			t.Error("an administrator should be offered every role and member-country agency")
		}
	})
	t.Run("CreateFocalPointThenSignIn", func(t *testing.T) {
		focal.Get(t, "/admin/users/new")
		resp, body := focal.Post(t, "/admin/users", url.Values{
			"name": {"Th.Newcomer"}, "full_name": {"New Comer"}, "email": {"new@example.org"}, "agency_id": {agencyID},
			"roles": {"reporter", "reviewer"}, "view_scope": {""}, "capture_agency_ids": {agencyID, fmt.Sprint(w.Agencies["th-police"].ID)},
			"password": {password}, "confirm": {password},
		})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d\n%s", resp.StatusCode, excerpt(body))
		}
		u, err := app.DB.FindUserByName(ctx, "th.newcomer")
		if err != nil {
			t.Fatal(err)
		}
		if u.Country != "TH" || u.ViewScope != vrs.ViewAgency || len(u.Roles) != 2 || len(u.CaptureAgencyIDs) != 2 || u.Email != "new@example.org" {
			t.Errorf("created user: %+v", u)
		}
		if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/admin/users/%d?flash=user_created", u.ID) {
			t.Errorf("redirect to %q", loc)
		}
		c := app.NewClient()
		c.Get(t, "/signin")
		resp, _ = c.Post(t, "/signin", url.Values{"name": {"th.newcomer"}, "password": {password}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("new user's sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, body := c.Get(t, "/"); !strings.Contains(body, "Welcome, th.newcomer") {
			t.Errorf("home after sign-in: %d", resp.StatusCode)
		}
	})
	t.Run("ErrValidation", func(t *testing.T) {
		focal.Get(t, "/admin/users/new")
		cases := []struct {
			name string
			form url.Values
			want []string
		}{
			{"BadNameShortPassword", url.Values{"name": {"x"}, "agency_id": {agencyID}, "roles": {"reporter"}, "password": {"short"}, "confirm": {"short"}},
				[]string{`id="name-error">2 to 64 characters`, `id="password-error">At least 12 characters.`}},
			{"NoRolesNoAgency", url.Values{"name": {"th.someone"}, "password": {password}, "confirm": {password}},
				[]string{`id="roles-error">This field is required.`, `id="agency_id-error">This field is required.`, `value="th.someone"`}},
			{"Mismatch", url.Values{"name": {"th.someone"}, "agency_id": {agencyID}, "roles": {"reporter"}, "password": {password}, "confirm": {password + "!"}},
				[]string{`id="confirm-error">The two passwords differ.`}},
			{"PasswordIsName", url.Values{"name": {"th.someone.long"}, "agency_id": {agencyID}, "roles": {"reporter"}, "password": {"th.someone.long"}, "confirm": {"th.someone.long"}},
				[]string{`id="password-error">The password must not be the user name.`}},
			{"BadEmailAndScope", url.Values{"name": {"th.someone"}, "email": {"nobody"}, "agency_id": {agencyID}, "roles": {"reporter"}, "view_scope": {"everything"}, "password": {password}, "confirm": {password}},
				[]string{`id="email-error">This is not an e-mail address.`, `id="view_scope-error">Choose a view scope from the list.`}},
			{"UnknownAgency", url.Values{"name": {"th.someone"}, "agency_id": {"999999"}, "roles": {"reporter"}, "password": {password}, "confirm": {password}},
				[]string{`id="agency_id-error">No such agency.`}},
			{"CaptureAbroad", url.Values{"name": {"th.someone"}, "agency_id": {agencyID}, "roles": {"reporter"}, "capture_agency_ids": {fmt.Sprint(w.Agencies["vn-police"].ID)}, "password": {password}, "confirm": {password}},
				[]string{`id="capture-error">Data can only be entered for agencies of the user&#39;s own country.`}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := focal.Post(t, "/admin/users", tc.form)
				if resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("status %d, want 400\n%s", resp.StatusCode, excerpt(body))
				}
				for _, want := range tc.want {
					if !strings.Contains(body, want) {
						t.Errorf("form lacks %q\n%s", want, excerpt(body))
					}
				}
				if _, err := app.DB.FindUserByName(ctx, "th.someone"); vrs.ErrorCode(err) != vrs.ENOTFOUND {
					t.Error("a user was created")
				}
			})
		}
		resp, body := focal.Post(t, "/admin/users", url.Values{"name": {"th.reporter"}, "agency_id": {agencyID}, "roles": {"reporter"}, "password": {password}, "confirm": {password}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="name-error">Already taken.`) {
			t.Errorf("taken name: %d", resp.StatusCode)
		}
	})
	t.Run("ErrFocalPointForgesAdminRole", func(t *testing.T) {
		focal.Get(t, "/admin/users/new")
		for _, role := range []string{"admin", "regional_analyst"} {
			before := snapshot(t, app)
			resp, _ := focal.Post(t, "/admin/users", url.Values{"name": {"th.forged"}, "agency_id": {agencyID}, "roles": {"reporter", role},
				"password": {password}, "confirm": {password}})
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", role, resp.StatusCode)
			}
			if after := snapshot(t, app); before != after {
				t.Errorf("%s: store changed", role)
			}
		}
		// Nor may they add it to an existing user.
		path := fmt.Sprintf("/admin/users/%d", w.Users["reporter"].ID)
		focal.Get(t, path)
		resp, _ := focal.Post(t, path, url.Values{"full_name": {"th.reporter"}, "roles": {"reporter", "admin"}, "view_scope": {"agency"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("grant admin by update: status %d, want 403", resp.StatusCode)
		}
		if u, _ := app.DB.FindUserByID(ctx, w.Users["reporter"].ID); u.HasRole(vrs.RoleAdmin) {
			t.Error("the reporter became an administrator")
		}
	})
	t.Run("ErrVNFocalPointThaiUser", func(t *testing.T) {
		path := fmt.Sprintf("/admin/users/%d", w.Users["reporter"].ID)
		if resp, _ := vnFocal.Get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("view: status %d, want 404", resp.StatusCode)
		}
		vnFocal.Get(t, "/admin/users/new")
		resp, _ := vnFocal.Post(t, "/admin/users", url.Values{"name": {"vn.forged"}, "agency_id": {agencyID}, "roles": {"reporter"},
			"password": {password}, "confirm": {password}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("user in a Thai agency: status %d, want 403", resp.StatusCode)
		}
		if _, err := app.DB.FindUserByName(ctx, "vn.forged"); vrs.ErrorCode(err) != vrs.ENOTFOUND {
			t.Error("forged user created")
		}
	})
	t.Run("ViewAndEdit", func(t *testing.T) {
		target := addTarget(t, app, "th.editme", "th-police")
		path := fmt.Sprintf("/admin/users/%d", target.ID)
		resp, body := focal.Get(t, path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "User th.editme") || !strings.Contains(body, `action="`+path+`"`) {
			t.Fatalf("view: %d", resp.StatusCode)
		}
		resp, _ = focal.Post(t, path, url.Values{"full_name": {"Edited Name"}, "email": {"e@example.org"}, "roles": {"analyst", "reporter"},
			"view_scope": {""}, "capture_agency_ids": {agencyID}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "flash=user_saved") {
			t.Fatalf("update: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		u, _ := app.DB.FindUserByID(ctx, target.ID)
		if u.FullName != "Edited Name" || !u.HasRole(vrs.RoleAnalyst) || u.ViewScope != vrs.ViewCountry || len(u.CaptureAgencyIDs) != 1 {
			t.Errorf("after update: %+v", u)
		}
		// Invalid: re-rendered with the submitted values and the message.
		resp, body = focal.Post(t, path, url.Values{"full_name": {"Edited Name"}, "email": {"not an address"}, "roles": {"reporter"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="email-error">`) || !strings.Contains(body, `value="not an address"`) {
			t.Errorf("invalid update: %d", resp.StatusCode)
		}
		// Disable.
		resp, _ = focal.Post(t, path, url.Values{"full_name": {"Edited Name"}, "roles": {"reporter"}, "view_scope": {"agency"}, "disabled": {"on"}})
		if u, _ := app.DB.FindUserByID(ctx, target.ID); resp.StatusCode != http.StatusSeeOther || !u.Disabled {
			t.Errorf("disable: %d %v", resp.StatusCode, u.Disabled)
		}
	})
	t.Run("ErrDisableSelf", func(t *testing.T) {
		u := w.Users["focal_point"]
		path := fmt.Sprintf("/admin/users/%d", u.ID)
		focal.Get(t, path)
		resp, body := focal.Post(t, path, url.Values{"full_name": {u.FullName}, "roles": {"focal_point"}, "view_scope": {"none"}, "disabled": {"on"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "You cannot disable your own account.") {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("AdminUserReadOnlyForFocalPoint", func(t *testing.T) {
		path := fmt.Sprintf("/admin/users/%d", w.Users["admin"].ID)
		resp, body := focal.Get(t, path)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, `action="`+path+`"`) || strings.Contains(body, path+"/password") {
			t.Errorf("a focal point is offered to change an administrator: %d", resp.StatusCode)
		}
		before := snapshot(t, app)
		if resp, _ := focal.Post(t, path, url.Values{"full_name": {"Hijacked"}, "roles": {"admin"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("forged update: %d", resp.StatusCode)
		}
		if resp, _ := focal.Post(t, path+"/password", url.Values{"password": {password}, "confirm": {password}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("forged password: %d", resp.StatusCode)
		}
		if after := snapshot(t, app); before != after {
			t.Error("store changed")
		}
	})
	t.Run("SetPassword", func(t *testing.T) {
		target := addTarget(t, app, "th.forgetful", "th-police")
		path := fmt.Sprintf("/admin/users/%d", target.ID)
		focal.Get(t, path)
		resp, body := focal.Post(t, path+"/password", url.Values{"password": {"short"}, "confirm": {"short"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="password-error">At least 12 characters.`) {
			t.Fatalf("short: %d", resp.StatusCode)
		}
		resp, _ = focal.Post(t, path+"/password", url.Values{"password": {password}, "confirm": {password}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("set: %d", resp.StatusCode)
		}
		c := app.NewClient()
		c.Get(t, "/signin")
		if resp, _ := c.Post(t, "/signin", url.Values{"name": {"th.forgetful"}, "password": {password}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("sign in with the new password: %d", resp.StatusCode)
		}
	})
	t.Run("ResetSecondFactor", func(t *testing.T) {
		u := w.Users["vn-focal_point"]
		path := fmt.Sprintf("/admin/users/%d", u.ID)
		_, body := admin.Get(t, path)
		if !strings.Contains(body, path+"/second-factor/reset") || !strings.Contains(body, "data-confirm=") {
			t.Fatal("no reset button with confirmation")
		}
		resp, _ := admin.Post(t, path+"/second-factor/reset", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d", resp.StatusCode)
		}
		if got, _ := app.DB.FindUserByID(ctx, u.ID); got.TOTPEnabled {
			t.Error("second factor still on")
		}
		if _, body := admin.Get(t, path); strings.Contains(body, path+"/second-factor/reset") {
			t.Error("reset offered for a user without a second factor")
		}
	})
}
