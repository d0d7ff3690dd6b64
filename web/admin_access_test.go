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

// roleKeys are the world's users the administration pages are tried as.
var roleKeys = []string{"reporter", "reviewer", "analyst", "focal_point", "regional_analyst", "admin", "vn-focal_point"}

// snapshot fingerprints what the administration pages can change: agencies
// and units, users (with credentials), country membership and the head of
// the audit log.
func snapshot(t *testing.T, app *apptest.App) string {
	t.Helper()
	ctx := storetest.System()
	var b strings.Builder
	agencies, err := app.DB.ListAgencies(ctx, vrs.AgencyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range agencies {
		full, err := app.DB.FindAgencyByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "agency %d %s %q %s %v %v:", a.ID, a.Country, a.Name, a.Kind, a.Disabled, a.UpdatedAt.UnixMicro())
		for _, u := range full.Units {
			fmt.Fprintf(&b, " %q", u.Name)
		}
		b.WriteString("\n")
	}
	users, err := app.DB.ListUsers(ctx, vrs.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		fmt.Fprintf(&b, "user %d %s %q %q %d %v %v %s %v %q %q %v\n", u.ID, u.Name, u.FullName, u.Email, u.AgencyID, u.Roles,
			u.CaptureAgencyIDs, u.ViewScope, u.Disabled, u.PasswordHash, u.TOTPSecret, u.UpdatedAt.UnixMicro())
	}
	members, err := app.DB.ListCountries(ctx, vrs.CountryFilter{MembersOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range members {
		b.WriteString(c.Alpha2 + " ")
	}
	head, err := app.DB.ListAudit(ctx, vrs.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(head) > 0 {
		fmt.Fprintf(&b, "\naudit %d", head[0].Seq)
	}
	return b.String()
}

// addTarget adds a Thai user that the tests change, so that the signed-in
// clients of the world keep their sessions.
func addTarget(t *testing.T, app *apptest.App, name, agency string) *vrs.User {
	t.Helper()
	u := &vrs.User{Name: name, FullName: "Target " + name, AgencyID: app.World.Agencies[agency].ID,
		Roles: []vrs.Role{vrs.RoleReporter}, PasswordHash: storetest.PasswordHash}
	if err := app.DB.CreateUser(storetest.System(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestAdminAccess tries every administration page and action as every
// role: who gets it (200, or 303 after a change), who is refused (403 or
// 404) with nothing changed, and that anonymous visitors are sent to sign in.
func TestAdminAccess(t *testing.T) {
	app := apptest.New(t, "sqlite")
	w := app.World
	target := addTarget(t, app, "th.target", "th-immigration")
	vnTarget := addTarget(t, app, "vn.target", "vn-police")
	clients := map[string]*apptest.Client{}
	for _, key := range roleKeys {
		clients[key] = app.SignIn(t, key)
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	const password = "a fresh initial passphrase"

	// only lists who gets the allowed status; everyone else gets refused.
	type outcome struct {
		ok      int
		allowed []string
		refused int
		// refusedAs overrides refused for some roles.
		refusedAs map[string]int
	}
	mgr := []string{"focal_point", "admin", "vn-focal_point"}
	th := []string{"focal_point", "admin"}
	cases := []struct {
		name   string
		method string
		path   string
		form   func(key string) url.Values
		want   outcome
	}{
		{"AgencyList", "GET", "/admin/agencies", nil, outcome{ok: 200, allowed: mgr, refused: 403}},
		{"AgencyNew", "GET", "/admin/agencies/new", nil, outcome{ok: 200, allowed: mgr, refused: 403}},
		{"AgencyCreate", "POST", "/admin/agencies", func(key string) url.Values {
			return url.Values{"country": {"TH"}, "name": {"Agency by " + key}, "kind": {"police"}}
		}, outcome{ok: 303, allowed: th, refused: 403}},
		{"AgencyView", "GET", "/admin/agencies/" + id(w.Agencies["th-police"].ID), nil, outcome{ok: 200, allowed: th, refused: 403}},
		{"AgencyViewVN", "GET", "/admin/agencies/" + id(w.Agencies["vn-police"].ID), nil, outcome{ok: 200, allowed: []string{"admin", "vn-focal_point"}, refused: 403}},
		{"AgencyUpdate", "POST", "/admin/agencies/" + id(w.Agencies["th-immigration"].ID), func(key string) url.Values {
			return url.Values{"name": {"Immigration Bureau " + key}, "kind": {"immigration"}}
		}, outcome{ok: 303, allowed: th, refused: 403}},
		{"UnitCreate", "POST", "/admin/agencies/" + id(w.Agencies["th-police"].ID) + "/units", func(key string) url.Values {
			return url.Values{"name": {"Unit of " + key}}
		}, outcome{ok: 303, allowed: th, refused: 403}},
		{"UserList", "GET", "/admin/users", nil, outcome{ok: 200, allowed: mgr, refused: 403}},
		{"UserNew", "GET", "/admin/users/new", nil, outcome{ok: 200, allowed: mgr, refused: 403}},
		{"UserCreate", "POST", "/admin/users", func(key string) url.Values {
			return url.Values{"name": {"new." + key}, "agency_id": {id(w.Agencies["th-police"].ID)}, "roles": {"reporter"},
				"password": {password}, "confirm": {password}}
		}, outcome{ok: 303, allowed: th, refused: 403}},
		{"UserView", "GET", "/admin/users/" + id(target.ID), nil, outcome{ok: 200, allowed: th, refused: 403,
			refusedAs: map[string]int{"vn-focal_point": 404}}},
		{"UserUpdate", "POST", "/admin/users/" + id(target.ID), func(key string) url.Values {
			return url.Values{"full_name": {"Renamed by " + key}, "roles": {"reporter"}, "view_scope": {"agency"}}
		}, outcome{ok: 303, allowed: th, refused: 403, refusedAs: map[string]int{"vn-focal_point": 404}}},
		{"UserPassword", "POST", "/admin/users/" + id(target.ID) + "/password", func(key string) url.Values {
			return url.Values{"password": {password + " " + key}, "confirm": {password + " " + key}}
		}, outcome{ok: 303, allowed: th, refused: 403, refusedAs: map[string]int{"vn-focal_point": 404}}},
		{"UserSecondFactorReset", "POST", "/admin/users/" + id(vnTarget.ID) + "/second-factor/reset", nil,
			outcome{ok: 303, allowed: []string{"admin", "vn-focal_point"}, refused: 403, refusedAs: map[string]int{"focal_point": 404}}},
		{"CountryList", "GET", "/admin/countries", nil, outcome{ok: 200, allowed: []string{"admin"}, refused: 403}},
		{"CountryUpdate", "POST", "/admin/countries/FR", func(string) url.Values {
			return url.Values{"member": {"on"}}
		}, outcome{ok: 303, allowed: []string{"admin"}, refused: 403}},
		{"AuditList", "GET", "/admin/audit", nil, outcome{ok: 200, allowed: mgr, refused: 403}},
		{"AuditBadDate", "GET", "/admin/audit?since=2026-02-30", nil, outcome{ok: 400, allowed: mgr, refused: 403}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, key := range roleKeys {
				t.Run(key, func(t *testing.T) {
					c := clients[key]
					c.Get(t, "/account") // a fresh CSRF token
					var form url.Values
					if tc.form != nil {
						form = tc.form(key)
					}
					before := snapshot(t, app)
					var resp *http.Response
					var body string
					if tc.method == "POST" {
						resp, body = c.Post(t, tc.path, form)
					} else {
						resp, body = c.Get(t, tc.path)
					}
					after := snapshot(t, app)
					allowed := false
					for _, k := range tc.want.allowed {
						allowed = allowed || k == key
					}
					want := tc.want.refused
					if s, ok := tc.want.refusedAs[key]; ok {
						want = s
					}
					if allowed {
						want = tc.want.ok
					}
					if resp.StatusCode != want {
						t.Fatalf("%s %s as %s: status %d, want %d\n%s", tc.method, tc.path, key, resp.StatusCode, want, excerpt(body))
					}
					switch {
					case !allowed || tc.method == "GET":
						// Refusals change nothing; pages (the audit log
						// included) are read without a trace.
						if before != after {
							t.Errorf("store changed:\nbefore %s\nafter  %s", before, after)
						}
					case before == after:
						t.Errorf("allowed %s changed nothing", tc.name)
					}
				})
			}
			t.Run("anonymous", func(t *testing.T) {
				c := app.NewClient()
				before := snapshot(t, app)
				var resp *http.Response
				if tc.method == "POST" {
					// No session, no token: the CSRF check refuses first.
					var form url.Values
					if tc.form != nil {
						form = tc.form("anonymous")
					}
					resp, _ = c.Post(t, tc.path, form)
					if resp.StatusCode != http.StatusForbidden {
						t.Errorf("anonymous POST: status %d, want 403", resp.StatusCode)
					}
				} else {
					resp, _ = c.Get(t, tc.path)
					if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
						t.Errorf("anonymous GET: status %d to %q, want 303 to /signin", resp.StatusCode, resp.Header.Get("Location"))
					}
				}
				if after := snapshot(t, app); before != after {
					t.Errorf("store changed:\nbefore %s\nafter  %s", before, after)
				}
			})
		})
	}
}

// excerpt shortens a page for a failure message.
func excerpt(body string) string {
	if i := strings.Index(body, `<main id="main">`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}
