package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"vrs"
	"vrs/internal/apptest"
	"vrs/storetest"
)

func TestSignIn(t *testing.T) {
	app := apptest.New(t, "sqlite")
	t.Run("OK", func(t *testing.T) {
		c := app.SignIn(t, "reporter")
		resp, body := c.Get(t, "/")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Welcome, th.reporter") {
			t.Fatalf("home: %d %s", resp.StatusCode, body)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("missing header %s", h)
			}
		}
	})
	t.Run("CookieFlags", func(t *testing.T) {
		c := app.NewClient()
		c.Get(t, "/signin")
		resp, _ := c.Post(t, "/signin", url.Values{"name": {"th.reporter"}, "password": {apptest.Password}})
		var found bool
		for _, ck := range resp.Cookies() {
			if ck.Name == "vrs_session" {
				found = true
				if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
					t.Errorf("session cookie flags: %+v", ck)
				}
			}
		}
		if !found {
			t.Fatal("no session cookie")
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		c := app.NewClient()
		c.Get(t, "/signin")
		resp, body := c.Post(t, "/signin", url.Values{"name": {"th.analyst"}, "password": {"wrong password!"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong user name or password") {
			t.Fatalf("wrong password: %d", resp.StatusCode)
		}
		es, _ := app.DB.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActSignInFail, Limit: 1})
		if len(es) != 1 || es[0].ActorName != "th.analyst" || !strings.Contains(es[0].Detail, "password") {
			t.Errorf("audit = %+v", es)
		}
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		c := app.NewClient()
		c.Get(t, "/signin")
		resp, body := c.Post(t, "/signin", url.Values{"name": {"nobody"}, "password": {"whatever-whatever"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong user name or password") {
			t.Fatalf("unknown user: %d", resp.StatusCode)
		}
		es, _ := app.DB.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActSignInFail, Limit: 1})
		if strings.Contains(es[0].Detail+es[0].ActorName, "nobody") {
			t.Errorf("typed name reached the audit log: %+v", es[0])
		}
	})
	t.Run("ErrMissingCSRF", func(t *testing.T) {
		c := app.NewClient()
		c.Get(t, "/signin")
		resp, body := c.Post(t, "/signin", url.Values{"csrf": {"forged"}, "name": {"th.reporter"}, "password": {apptest.Password}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "sign-in form has expired") {
			t.Fatalf("forged csrf: %d", resp.StatusCode)
		}
	})
	t.Run("ErrThrottled", func(t *testing.T) {
		c := app.NewClient()
		c.Get(t, "/signin")
		for range 5 {
			c.Post(t, "/signin", url.Values{"name": {"th.reviewer"}, "password": {"wrong password!"}})
		}
		resp, body := c.Post(t, "/signin", url.Values{"name": {"th.reviewer"}, "password": {apptest.Password}})
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins for this account") {
			t.Fatalf("throttle: %d", resp.StatusCode)
		}
	})
	t.Run("SecondFactor", func(t *testing.T) {
		c := app.NewClient()
		c.Get(t, "/signin")
		resp, _ := c.Post(t, "/signin", url.Values{"name": {"th.focal"}, "password": {apptest.Password}})
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/signin/second-factor") {
			t.Fatalf("redirect to %q, want second factor", loc)
		}
		// Half-signed-in: no page but the second factor opens.
		if resp, _ := c.Get(t, "/account"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin/second-factor") {
			t.Fatalf("admin page before second factor: %d", resp.StatusCode)
		}
		c.Get(t, "/signin/second-factor")
		resp, body := c.Post(t, "/signin/second-factor", url.Values{"code": {"000000"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "code is not right") {
			t.Fatalf("wrong code: %d", resp.StatusCode)
		}
		app.Advance(31 * time.Second)
		code, _ := totp.GenerateCode(app.Secrets["focal_point"], app.Now())
		resp, _ = c.Post(t, "/signin/second-factor", url.Values{"code": {code}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("right code: %d", resp.StatusCode)
		}
		// The same code again, in another browser, is a replay.
		c2 := app.NewClient()
		c2.Get(t, "/signin")
		c2.Post(t, "/signin", url.Values{"name": {"th.focal"}, "password": {apptest.Password}})
		c2.Get(t, "/signin/second-factor")
		resp, body = c2.Post(t, "/signin/second-factor", url.Values{"code": {code}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "already been used") {
			t.Fatalf("replayed code: %d", resp.StatusCode)
		}
		resp, _ = c2.Post(t, "/signin/second-factor", url.Values{"recovery": {"AAAAA BBBBB"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recovery code: %d", resp.StatusCode)
		}
	})
	t.Run("SignOut", func(t *testing.T) {
		c := app.SignIn(t, "analyst")
		resp, _ := c.Post(t, "/signout", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign out: %d", resp.StatusCode)
		}
		if resp, _ := c.Get(t, "/account"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
			t.Fatalf("after sign-out /account = %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("IdleExpiry", func(t *testing.T) {
		c := app.SignIn(t, "regional_analyst")
		app.Advance(31 * time.Minute)
		if resp, _ := c.Get(t, "/account"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("idle session still served /account: %d", resp.StatusCode)
		}
	})
}
