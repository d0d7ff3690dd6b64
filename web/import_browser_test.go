package web_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vrs/internal/browser"
	"vrs/storetest"
)

// TestImportBrowser walks the import in Chromium as a reporter does:
// upload a file with bad rows, read the dry run's report, download the
// error report, fix its rows, upload it, commit the fixed file together
// with the good rows, and watch the progress bar finish.
func TestImportBrowser(t *testing.T) {
	app := importApp(t, storetest.Dialects()[0])
	ctx := browser.New(t, 2*time.Minute)
	browserSignIn(ctx, t, app, "reporter")
	dir := t.TempDir()
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	// commit clicks the page's Commit button and waits until the browser
	// is on the new job's page: until then the old page's elements still
	// answer. Evaluations during the navigation fail; they are retried.
	commit := func() {
		t.Helper()
		old, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
		if err != nil {
			t.Fatal(err)
		}
		run("commit", chromedp.Click(chromedp.CSS("#commit")))
		for deadline := time.Now().Add(30 * time.Second); ; {
			p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
			if err == nil && p != "" && p != old {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("still on %s after Commit", old)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	text := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}

	// A file of 400 incidents, three of them with a bad row.
	var b strings.Builder
	b.WriteString(importHeader)
	for i := 1; i <= 400; i++ {
		age := strconv.Itoa(18 + i%30)
		switch i {
		case 7:
			age = "abc"
		case 19:
			age = "-4"
		case 33:
			age = "thirty"
		}
		b.WriteString("B-" + strconv.Itoa(i) + ",irregular_migration,2025-03-02,2025-03-02,TH,migrant,female," + age + ",MM,Person " + strconv.Itoa(i) + "\n")
	}
	bad := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(bad, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	run("imports page", chromedp.Navigate(app.Server.URL+"/imports"), chromedp.WaitVisible(chromedp.CSS("#upload-form")))
	if nav := text(`document.querySelector("header nav a[href='/imports']").textContent`); nav != "Import" {
		t.Errorf("navigation link %q", nav)
	}
	browser.Screenshot(ctx, t, "import-list-empty")
	run("upload", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{bad}),
		chromedp.Click(chromedp.CSS("#upload-form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#summary")))
	browser.Screenshot(ctx, t, "import-dry-run")
	summary := text(`document.querySelector("#summary").innerText`)
	for _, want := range []string{"Dry run of people.csv: 400 rows read", "Would create: 397 incidents", "Rejected: 3 incidents (3 rows)"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q: %s", want, summary)
		}
	}
	problems := text(`document.querySelector("table.problems").innerText`)
	for _, want := range []string{"abc", "thirty", "persons[].age"} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems lack %q: %s", want, problems)
		}
	}

	// The error report, fetched from the page's link with its session.
	href := text(`document.querySelector("#report-csv").getAttribute("href")`)
	report, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(href)+`).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(report, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 4 || recs[0][len(recs[0])-1] != "errors" {
		t.Fatalf("error report %q: %v", recs, err)
	}
	// Fix the rows where the report says, keep its errors column: the
	// importer ignores it.
	for _, r := range recs[1:] {
		if r[len(r)-1] == "" {
			t.Errorf("row %v has no reason", r)
		}
		r[7] = "30"
	}
	fixed := filepath.Join(dir, "people-errors-fixed.csv")
	f, err := os.Create(fixed)
	if err != nil {
		t.Fatal(err)
	}
	csv.NewWriter(f).WriteAll(recs)
	f.Close()

	// Commit the good rows of the first file, one incident per
	// transaction, so that the page shows the bar moving; it reloads
	// itself with the summary when the job ends.
	app.Web.Imports.Chunk = 1
	commit()
	run("commit page", chromedp.WaitVisible(chromedp.CSS("#summary, #progress progress")))
	// Wait for the bar to have moved (rows done, of 400), then take its
	// picture; the page reloads itself when the job ends, so evaluations
	// may fail on the way.
	moved := regexp.MustCompile(`[1-9]\d* of 400 rows`)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#progress-text") || {textContent: document.querySelector("#summary") ? "done" : ""}).textContent`))
		if err != nil {
			continue
		}
		if moved.MatchString(s) {
			browser.Screenshot(ctx, t, "import-progress")
			break
		}
		if s == "done" {
			t.Log("the commit finished before the page showed its progress")
			break
		}
	}
	run("progress finishes", chromedp.WaitVisible(chromedp.CSS("#summary")))
	app.Web.Imports.Chunk = 0
	browser.Screenshot(ctx, t, "import-committed")
	if s := text(`document.querySelector("#summary").innerText`); !strings.Contains(s, "Created: 397 incidents") {
		t.Errorf("commit summary: %s", s)
	}

	// The fixed report: its dry run is clean, its commit creates the three.
	run("upload fixed", chromedp.Navigate(app.Server.URL+"/imports"), chromedp.WaitVisible(chromedp.CSS("#upload-form")),
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{fixed}),
		chromedp.Click(chromedp.CSS("#upload-form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#summary")))
	if s := text(`document.querySelector("#summary").innerText`); !strings.Contains(s, "Would create: 3 incidents") || !strings.Contains(s, "Rejected: 0 incidents") {
		t.Errorf("fixed dry run: %s", s)
	}
	commit()
	run("commit fixed page", chromedp.WaitVisible(chromedp.CSS("#summary, #progress")))
	run("progress finishes", chromedp.WaitVisible(chromedp.CSS("#summary")))
	browser.Screenshot(ctx, t, "import-fixed-committed")
	if s := text(`document.querySelector("#summary").innerText`); !strings.Contains(s, "Created: 3 incidents") {
		t.Errorf("fixed commit: %s", s)
	}
	if n := importedIncidents(t, app, "reporter"); n != 400 {
		t.Errorf("%d incidents, want 400", n)
	}
	run("list", chromedp.Navigate(app.Server.URL+"/imports"), chromedp.WaitVisible(chromedp.CSS("table.imports")))
	browser.Screenshot(ctx, t, "import-list")
}

// TestImportMappingBrowser takes a picture of the mapping page of a file
// in another layout.
func TestImportMappingBrowser(t *testing.T) {
	if os.Getenv("VRS_SCREENSHOTS") == "" {
		t.Skip("set VRS_SCREENSHOTS=DIR to take pictures of the mapping page")
	}
	app := importApp(t, storetest.Dialects()[0])
	ctx := browser.New(t, time.Minute)
	browserSignIn(ctx, t, app, "reporter")
	file := filepath.Join(t.TempDir(), "theirs.csv")
	os.WriteFile(file, []byte("Case no;Kind;Reported;Country;Role;Gender;Age;Nationality\n"+
		"M-1;irregular_migration;02/03/2025;Thailand;migrant;M;24;Viet Nam\n"+
		"M-2;irregular_migration;05/03/2025;Thailand;migrant;F;31;Burma\n"), 0o600)
	if err := chromedp.Do(ctx, chromedp.Navigate(app.Server.URL+"/imports"), chromedp.WaitVisible(chromedp.CSS("#upload-form")),
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
		chromedp.Click(chromedp.CSS("#upload-form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#mapping-form"))); err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(ctx, t, "import-mapping")
}
