package web_test

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs/internal/apptest"
	"vrs/internal/browser"
)

// TestTemplatePageScreenshot keeps a picture of the import templates page
// as a reporter sees it. It runs when VRS_SCREENSHOTS names a directory.
func TestTemplatePageScreenshot(t *testing.T) {
	if os.Getenv("VRS_SCREENSHOTS") == "" {
		t.Skip("set VRS_SCREENSHOTS=DIR to take pictures of the templates page")
	}
	app := apptest.New(t, "sqlite")
	ctx := browser.New(t, time.Minute)
	browserSignIn(ctx, t, app, "reporter")
	if err := chromedp.Do(ctx, chromedp.Navigate(app.Server.URL+"/imports/templates"),
		chromedp.WaitVisible(chromedp.CSS("#template-trafficking_in_persons"))); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "import-templates")
}
