package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"vrs"
	"vrs/internal/apptest"
	"vrs/internal/browser"
	"vrs/storetest"
)

// browserSignIn signs a world user in through the sign-in pages, second
// factor included.
func browserSignIn(ctx context.Context, t *testing.T, app *apptest.App, key string) {
	t.Helper()
	base := app.Server.URL
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/signin"),
		chromedp.SendKeys(chromedp.CSS("#name"), app.World.Users[key].Name),
		chromedp.SendKeys(chromedp.CSS("#password"), apptest.Password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
	}
	if secret, ok := app.Secrets[key]; ok {
		app.Advance(time.Minute) // a code of its own: each time step is used once
		code, err := totp.GenerateCode(secret, app.Now())
		if err != nil {
			t.Fatal(err)
		}
		steps = append(steps, chromedp.WaitVisible(chromedp.CSS("#code")), chromedp.SendKeys(chromedp.CSS("#code"), code),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	}
	steps = append(steps, chromedp.WaitVisible(chromedp.CSS("header nav")))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("sign in %s: %v", key, err)
	}
}

func browserSignOut(ctx context.Context, t *testing.T) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".who form button")), chromedp.WaitVisible(chromedp.CSS("#password"))); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

// TestSharingAgreementBrowser: in Chromium, Thailand's focal point proposes
// an agreement through the form and Viet Nam's focal point accepts it from
// the list of agreements. Pictures are kept when VRS_SCREENSHOTS names a
// directory.
func TestSharingAgreementBrowser(t *testing.T) {
	app := apptest.New(t, "sqlite")
	ctx := browser.New(t, 2*time.Minute)
	base := app.Server.URL
	browserSignIn(ctx, t, app, "focal_point")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/sharing"),
		chromedp.Click(chromedp.CSS(`a.button[href="/sharing/agreements/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#partner")),
		chromedp.SetValue(chromedp.CSS("#partner"), "VN"),
		chromedp.Click(chromedp.CSS("#type-trafficking_in_persons")),
		chromedp.Click(chromedp.CSS("#gran-pseudonymised")),
		chromedp.SetValue(chromedp.CSS("#data_from"), "2024-01-01"),
		chromedp.SendKeys(chromedp.CSS("#note"), "Joint work on the Mekong routes."),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "sharing-agreement-new")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "sharing-agreement-proposed")
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if _, err := fmt.Sscanf(loc, "/sharing/agreements/%d", &id); err != nil {
		t.Fatalf("after proposing, the browser is at %q", loc)
	}
	a, err := app.DB.FindAgreement(storetest.System(), id)
	if err != nil || a.Partner != "VN" || a.Status != vrs.AgreementProposed || a.DataFrom != "2024-01-01" || a.Granularity != vrs.GranPseudonymised {
		t.Fatalf("stored %+v, %v", a, err)
	}

	browserSignOut(ctx, t)
	browserSignIn(ctx, t, app, "vn-focal_point")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`header nav a[href="/sharing"]`)),
		chromedp.WaitVisible(chromedp.CSS("#plain-words")),
		chromedp.Click(chromedp.CSS(`main nav a[href="/sharing/agreements"]`)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/sharing/agreements/%d#decide"]`, id))),
		chromedp.WaitVisible(chromedp.CSS("#decide")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "sharing-agreement-decide")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#accept")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "sharing-agreement-accepted")
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"The agreement has been accepted.", "In force", "Accepted by Viet Nam"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q:\n%s", want, text)
		}
	}
	if a, _ := app.DB.FindAgreement(storetest.System(), id); a.Status != vrs.AgreementActive {
		t.Errorf("status %s after accepting", a.Status)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/sharing"), chromedp.WaitVisible(chromedp.CSS("#plain-words"))); err != nil {
		t.Fatal(err)
	}
	summary, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#plain-words").innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(summary, "Thailand sees your validated records of trafficking in persons detected since 2024-01-01, as pseudonymised records.") {
		t.Errorf("summary:\n%s", summary)
	}
}
