package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"vrs/internal/apptest"
	"vrs/storetest"
)

func sessionCookie(t *testing.T, c *apptest.Client) string {
	t.Helper()
	u, _ := url.Parse(c.App.Server.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "vrs_session" {
			return ck.Value
		}
	}
	return ""
}

// withCookie returns a browser that presents only the given session cookie.
func withCookie(app *apptest.App, value string) *apptest.Client {
	c := app.NewClient()
	u, _ := url.Parse(app.Server.URL)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "vrs_session", Value: value, Path: "/"}})
	return c
}

func TestSessionRenewedAtEachPrivilegeStep(t *testing.T) {
	app := apptest.New(t, "sqlite")
	c := app.NewClient()
	c.Get(t, "/signin")
	c.Post(t, "/signin", url.Values{"name": {"th.focal"}, "password": {apptest.Password}})
	halfway := sessionCookie(t, c)
	app.Advance(31 * time.Second)
	code, _ := totp.GenerateCode(app.Secrets["focal_point"], app.Now())
	c.Get(t, "/signin/second-factor")
	if resp, _ := c.Post(t, "/signin/second-factor", url.Values{"code": {code}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second factor: %d", resp.StatusCode)
	}
	full := sessionCookie(t, c)
	if full == "" || full == halfway {
		t.Fatal("the session id was not renewed after the second factor")
	}
	if resp, _ := withCookie(app, halfway).Get(t, "/account"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the half-way session still opens /account: %d", resp.StatusCode)
	}
	if resp, _ := c.Get(t, "/account"); resp.StatusCode != http.StatusOK {
		t.Errorf("the renewed session does not open /account: %d", resp.StatusCode)
	}
	// Signing in again ends the previous session of that browser.
	c.Get(t, "/signin")
	c.Post(t, "/signin", url.Values{"name": {"th.reporter"}, "password": {apptest.Password}})
	if resp, _ := withCookie(app, full).Get(t, "/account"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the previous session survived a new sign-in: %d", resp.StatusCode)
	}
}

func TestSecondFactorGuessesAddUpAcrossSignIns(t *testing.T) {
	app := apptest.New(t, "sqlite")
	c := app.NewClient()
	fail := func(n int) {
		c.Get(t, "/signin")
		if resp, _ := c.Post(t, "/signin", url.Values{"name": {"th.focal"}, "password": {apptest.Password}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("password step: %d", resp.StatusCode)
		}
		c.Get(t, "/signin/second-factor")
		for range n {
			c.Post(t, "/signin/second-factor", url.Values{"code": {"000000"}})
		}
	}
	fail(3)
	fail(2)
	c.Get(t, "/signin")
	resp, body := c.Post(t, "/signin", url.Values{"name": {"th.focal"}, "password": {apptest.Password}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed sign-ins for this account") {
		t.Fatalf("after 5 wrong codes in two sign-ins: %d", resp.StatusCode)
	}
}

var secretRE = regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`)

func TestEnrolment(t *testing.T) {
	app := apptest.New(t, "sqlite")
	admin := app.World.Users["admin"]
	if err := app.DB.SetSecondFactor(storetest.System(), admin.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	c := app.NewClient()
	c.Get(t, "/signin")
	resp, _ := c.Post(t, "/signin", url.Values{"name": {"admin"}, "password": {apptest.Password}})
	if loc := resp.Header.Get("Location"); loc != "/account/second-factor" {
		t.Fatalf("an administrator without a second factor is sent to %q", loc)
	}
	if resp, _ := c.Get(t, "/admin/users"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("administration before enrolment: %d", resp.StatusCode)
	}
	_, body := c.Get(t, "/account/second-factor")
	m := secretRE.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatal("enrolment page shows no secret or QR code")
	}
	offered := m[1]
	t.Run("ErrBrowserChosenSecret", func(t *testing.T) {
		chosen := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		code, _ := totp.GenerateCode(chosen, app.Now())
		resp, body := c.Post(t, "/account/second-factor", url.Values{"secret": {chosen}, "code": {code}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "code does not match") {
			t.Fatalf("a secret chosen by the browser was accepted: %d", resp.StatusCode)
		}
	})
	code, _ := totp.GenerateCode(offered, app.Now())
	resp, body = c.Post(t, "/account/second-factor", url.Values{"code": {code}})
	if resp.StatusCode != http.StatusOK || strings.Count(body, "<li><code>") != 10 {
		t.Fatalf("enrolment: %d, want 10 recovery codes shown", resp.StatusCode)
	}
	if resp, _ := c.Get(t, "/admin/users"); resp.StatusCode != http.StatusOK {
		t.Fatalf("administration after enrolment: %d", resp.StatusCode)
	}
	got, _ := app.DB.FindUserByName(storetest.System(), "admin")
	if got.TOTPSecret != offered {
		t.Fatal("the stored secret is not the one offered")
	}
	t.Run("ReplaceNeedsPassword", func(t *testing.T) {
		_, body := c.Get(t, "/account/second-factor")
		next := secretRE.FindStringSubmatch(body)[1]
		app.Advance(31 * time.Second)
		code, _ := totp.GenerateCode(next, app.Now())
		resp, _ := c.Post(t, "/account/second-factor", url.Values{"code": {code}, "password": {"not my password"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("replacement without the password: %d", resp.StatusCode)
		}
		if got, _ := app.DB.FindUserByName(storetest.System(), "admin"); got.TOTPSecret != offered {
			t.Fatal("second factor replaced without the password")
		}
		resp, _ = c.Post(t, "/account/second-factor", url.Values{"code": {code}, "password": {apptest.Password}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("replacement with the password: %d", resp.StatusCode)
		}
		if got, _ := app.DB.FindUserByName(storetest.System(), "admin"); got.TOTPSecret != next {
			t.Fatal("second factor not replaced")
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	app := apptest.New(t, "sqlite")
	t.Run("IdleBelowLimit", func(t *testing.T) {
		c := app.SignIn(t, "reporter")
		app.Advance(29 * time.Minute)
		if resp, _ := c.Get(t, "/account"); resp.StatusCode != http.StatusOK {
			t.Fatalf("29 minutes idle: %d", resp.StatusCode)
		}
	})
	t.Run("IdleExpiredPost", func(t *testing.T) {
		c := app.SignIn(t, "reviewer")
		c.Get(t, "/account")
		app.Advance(31 * time.Minute)
		resp, body := c.Post(t, "/account/password", url.Values{"current": {apptest.Password}, "new": {"x"}, "confirm": {"x"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Your session has expired") {
			t.Fatalf("POST with an expired session: %d", resp.StatusCode)
		}
	})
	t.Run("Absolute", func(t *testing.T) {
		c := app.SignIn(t, "analyst")
		for range 35 { // active every 20 minutes: 11 h 40 min
			app.Advance(20 * time.Minute)
			if resp, _ := c.Get(t, "/account"); resp.StatusCode != http.StatusOK {
				t.Fatalf("active session ended early at %v", app.Now())
			}
		}
		app.Advance(21 * time.Minute)
		if resp, _ := c.Get(t, "/account"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("session older than 12 h still open: %d", resp.StatusCode)
		}
	})
}

// hiddenLength hides a body's size, as a chunked upload does.
type hiddenLength struct{ io.Reader }

func TestFormTooLarge(t *testing.T) {
	app := apptest.New(t, "sqlite")
	c := app.SignIn(t, "reporter")
	body := "csrf=" + c.CSRF + "&name=" + strings.Repeat("x", 2<<20)
	req, _ := http.NewRequest("POST", app.Server.URL+"/account/tokens", hiddenLength{strings.NewReader(body)})
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB chunked form: %d, want 413", resp.StatusCode)
	}
}

func TestPasswordChangeThrottled(t *testing.T) {
	app := apptest.New(t, "sqlite")
	c := app.SignIn(t, "reporter")
	c.Get(t, "/account")
	for range 5 {
		c.Post(t, "/account/password", url.Values{"current": {"guess guess guess"}, "new": {"a new long password"}, "confirm": {"a new long password"}})
	}
	resp, body := c.Post(t, "/account/password", url.Values{"current": {apptest.Password}, "new": {"a new long password"}, "confirm": {"a new long password"}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed") {
		t.Fatalf("sixth guess: %d", resp.StatusCode)
	}
}
