package web_test

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"vrs/internal/apptest"
	"vrs/internal/browser"
)

// TestAdminRulesScreenshots signs an administrator in through Chromium
// and keeps pictures of the rules page, listing and refusing a rule. It
// runs when VRS_SCREENSHOTS names a directory.
func TestAdminRulesScreenshots(t *testing.T) {
	if os.Getenv("VRS_SCREENSHOTS") == "" {
		t.Skip("set VRS_SCREENSHOTS=DIR to take pictures of the rules page")
	}
	app := apptest.New(t, "sqlite")
	admin := app.SignIn(t, "admin")
	admin.Get(t, "/admin/rules")
	admin.Post(t, "/admin/rules", ruleForm("victims_within_total", "count(persons where role = 'victim')", "<=", "persons_involved"))
	ctx := browser.New(t, time.Minute)
	base := app.Server.URL
	app.Advance(time.Minute) // a code of its own: the client's sign-in used the current one
	code, err := totp.GenerateCode(app.Secrets["admin"], app.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#name"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#code")),
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header nav")),
		chromedp.Navigate(base+"/admin/rules"),
		chromedp.WaitVisible(chromedp.CSS("#rule-form")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "admin-rules")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#rule-name"), "deaths_within_total"),
		chromedp.SendKeys(chromedp.CSS("#rule-left"), "count(persons where status in ('deceased', 'mising') + 1"),
		chromedp.SendKeys(chromedp.CSS("#rule-right"), "persons_involved"),
		chromedp.SendKeys(chromedp.CSS("#rule-field"), "persons_involved"),
		chromedp.SendKeys(chromedp.CSS("#rule-message"), "More deaths than persons involved."),
		chromedp.Click(chromedp.CSS("#rule-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#rule-left-error")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "admin-rules-error")
}
