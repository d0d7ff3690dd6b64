// Package browser starts Debian's headless Chromium for end-to-end tests
// and screenshots, through chromedp.
package browser

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path finds a Chromium binary: $VRS_CHROMIUM, then the usual names.
func Path() string {
	if p := os.Getenv("VRS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New returns a browser tab context for a test, closed at its end. Without
// a browser the test is skipped with a message saying how to get one (CI
// installs Debian's chromium, so there it always runs).
func New(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	path := Path()
	if path == "" {
		t.Skip("no Chromium found: install Debian's chromium package (apt-get install chromium) or set VRS_CHROMIUM to run the end-to-end tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(actx)
	// The first call starts the browser, which lives as long as that call's
	// context: it must have no timeout of its own.
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("start chromium (%s): %v", path, err)
	}
	ctx, cancelTimeout := context.WithTimeout(tab, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// Screenshot saves a full-page PNG of the current page to path when
// VRS_SCREENSHOTS names a directory; tests call it at each step so that a
// developer can look at every page.
func Screenshot(ctx context.Context, t testing.TB, name string) {
	t.Helper()
	dir := os.Getenv("VRS_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(dir+"/"+name+".png", png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// HTMXSettled waits until htmx has no request, swap or settle in progress.
// An action that queries a node while a swap replaces it fails with "No
// node with given id found", so tests wait for this after every click that
// triggers htmx.
func HTMXSettled() chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`!document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`)
}
