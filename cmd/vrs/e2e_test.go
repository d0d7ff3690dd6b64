package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"vrs/internal/browser"
)

// TestEndToEnd drives the real binary's server in headless Chromium: a
// focal point enrols a second factor at first sign-in, signs out, signs in
// again with a TOTP code, creates an agency and a reporter in it; the
// reporter signs in and out. Set VRS_SCREENSHOTS=DIR to keep a PNG of
// every step.
func TestEndToEnd(t *testing.T) {
	in := newInstallation(t, "sqlite")
	must(t, "", in.cmd("agency add", "--country", "TH", "--name", "Royal Thai Police", "--kind", "police")...)
	must(t, testPassword+"\n", in.cmd("user add", "--country", "TH", "--agency", "Royal Thai Police", "--role", "focal_point",
		"--name", "th.focal", "--password-stdin")...)
	srv := start(t, in.cmd("serve", "--addr", "127.0.0.1:0")...)
	base := "http://" + srv.addr
	ctx := browser.New(t, 2*time.Minute)
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		browser.Screenshot(ctx, t, "e2e-"+name)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	submit := chromedp.Click(chromedp.CSS("main form button[type=submit]"))
	signIn := func(name, password string) {
		t.Helper()
		step("signin-"+name,
			chromedp.Navigate(base+"/signin"),
			chromedp.WaitVisible(chromedp.CSS("#name")),
			chromedp.SendKeys(chromedp.CSS("#name"), name),
			chromedp.SendKeys(chromedp.CSS("#password"), password),
			submit,
			// Every page after the password form lacks a password field.
			chromedp.WaitNotPresent(chromedp.CSS("#password")),
		)
	}
	signOut := func(name string) {
		t.Helper()
		step("signout-"+name,
			chromedp.Click(chromedp.CSS("header .who button[type=submit]")),
			// Only the sign-in page has this form.
			chromedp.WaitVisible(chromedp.CSS(`form[action="/signin"]`)),
		)
		if got := text("p.flash"); !strings.Contains(got, "signed out") {
			t.Fatalf("after sign-out the page says %q", got)
		}
	}

	// First sign-in: the focal point's role requires a second factor, so
	// VRS asks them to set one up before anything else.
	signIn("th.focal", testPassword)
	step("enrol", chromedp.WaitVisible(chromedp.CSS("img[alt]")))
	secret := text("code.secret")
	if !regexp.MustCompile(`^[A-Z2-7]{16,}$`).MatchString(secret) {
		t.Fatalf("enrolment page shows no secret: %q", secret)
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	step("enrol-done",
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		submit,
		chromedp.WaitVisible(chromedp.CSS("#recovery-codes")),
	)
	if n := strings.Count(text("#recovery-codes"), "-"); n != 10 {
		t.Fatalf("%d recovery codes shown, want 10", n)
	}
	step("home-after-enrol", chromedp.Click(chromedp.CSS("main a.button")), chromedp.WaitVisible(chromedp.CSS("main .grid")))
	signOut("th.focal")

	// Second sign-in: password, then a code. The code for the next 30 s
	// step is accepted (clock skew) and is not the one used to enrol.
	signIn("th.focal", testPassword)
	step("second-factor", chromedp.WaitVisible(chromedp.CSS("#code")))
	next, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	step("focal-home",
		chromedp.SendKeys(chromedp.CSS("#code"), next),
		submit,
		chromedp.WaitVisible(chromedp.CSS("header nav")),
	)
	if got := text("main h1"); !strings.Contains(got, "th.focal") {
		t.Fatalf("home page heading %q", got)
	}

	// A new agency of the focal point's country.
	step("agency-new",
		chromedp.Navigate(base+"/admin/agencies/new"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Department of Special Investigation"),
		chromedp.SetValue(chromedp.CSS("#kind"), "police"),
		submit,
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if got := text("main h1"); got != "Department of Special Investigation" {
		t.Fatalf("agency page heading %q", got)
	}

	// A reporter in that agency.
	const reporterPassword = "river lantern copper meadow"
	if _, err := chromedp.Run(ctx, chromedp.Navigate(base+"/admin/users/new")); err != nil {
		t.Fatal(err)
	}
	pick := `(() => { const s = document.querySelector('#agency_id');
		const o = [...s.options].find(o => o.text.includes('Department of Special Investigation'));
		s.value = o.value; return o.value; })()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](pick)); err != nil {
		t.Fatalf("choose agency: %v", err)
	}
	step("user-new",
		chromedp.SendKeys(chromedp.CSS("#name"), "th.dsi.reporter"),
		chromedp.SendKeys(chromedp.CSS("#full_name"), "Somchai Reporter"),
		chromedp.Click(chromedp.CSS("#role-reporter")),
		chromedp.SendKeys(chromedp.CSS("#password"), reporterPassword),
		chromedp.SendKeys(chromedp.CSS("#confirm"), reporterPassword),
		submit,
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	)
	if got := text("main"); !strings.Contains(got, "th.dsi.reporter") || !strings.Contains(got, "Department of Special Investigation") {
		t.Fatalf("user page lacks the new reporter:\n%s", got)
	}
	signOut("th.focal")

	// The reporter signs in with the initial password: no second factor
	// is required for the role.
	signIn("th.dsi.reporter", reporterPassword)
	step("reporter-home", chromedp.WaitVisible(chromedp.CSS("header nav")))
	home := text("main")
	if !strings.Contains(home, "Welcome, th.dsi.reporter") || !strings.Contains(home, "Department of Special Investigation") {
		t.Fatalf("reporter home page:\n%s", home)
	}
	if strings.Contains(text("header nav"), "Users") {
		t.Error("a reporter is offered user administration")
	}
	signOut("th.dsi.reporter")

	// Signed out means signed out.
	if code, _, body := srv.get(t, "http", "/account", ""); code != http.StatusOK || !strings.Contains(body, `action="/signin"`) {
		t.Errorf("anonymous /account does not lead to the sign-in form: %d", code)
	}
}
