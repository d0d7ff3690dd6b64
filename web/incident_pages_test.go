package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vrs"
	"vrs/internal/apptest"
	"vrs/storetest"
)

// newIncident stores a valid smuggling incident of the Thai police as the
// Thai reporter and returns it.
func newIncident(t *testing.T, app *apptest.App, ref string, edit func(*vrs.Incident)) *vrs.Incident {
	t.Helper()
	inc := storetest.Interception(app.World.Agencies["th-police"].ID, ref)
	if edit != nil {
		edit(inc)
	}
	if err := app.DB.CreateIncident(storetest.As(app.World.Users["reporter"]), inc); err != nil {
		t.Fatalf("create %s: %v %v", ref, err, vrs.AsError(err).Fields)
	}
	return inc
}

func incPath(inc *vrs.Incident, suffix string) string {
	return fmt.Sprintf("/incidents/%d%s", inc.ID, suffix)
}

func TestIncidentPages(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testIncidentPages(t, dialect) })
	}
}

func testIncidentPages(t *testing.T, dialect string) {
	app := apptest.New(t, dialect)
	inc := newIncident(t, app, "TH-2025-001", nil)
	clients := map[string]*apptest.Client{}
	for _, key := range []string{"reporter", "reviewer", "analyst", "focal_point", "vn-reporter"} {
		clients[key] = app.SignIn(t, key)
	}

	// Who may open which page: a record the user may not see is missing
	// (404), never forbidden, so that its existence does not leak.
	cases := []struct {
		name, user, path string
		status           int
		want, lacks      []string
	}{
		{"ListReporter", "reporter", "/incidents", 200, []string{"TH-2025-001", `href="/incidents/new"`, "Migrant smuggling", `class="badge status-draft"`, ">3<"}, nil},
		{"ListReviewer", "reviewer", "/incidents", 200, []string{"TH-2025-001"}, []string{`href="/incidents/new"`}},
		{"ListAnalystSeesNoDraft", "analyst", "/incidents", 200, []string{"No incidents yet."}, []string{"TH-2025-001"}},
		{"ListOtherCountry", "vn-reporter", "/incidents", 200, nil, []string{"TH-2025-001"}},
		{"ListNoDataRole", "focal_point", "/incidents", 403, nil, []string{"TH-2025-001"}},
		{"DetailReporter", "reporter", incPath(inc, ""), 200, []string{
			"Incident TH-2025-001", "Myanmar (MM)", "Suspected smuggler or trafficker", "Transporter", "45,000 THB", "Cash",
			"Aung Min Thu", "Ko Chai", "&#43;66 81 234 5678", "Sadao checkpoint", "Border crossing", "08051 Smuggling of migrants",
			`<span class="stop">MM</span><span class="arrow" aria-hidden="true"> → </span><span class="stop">TH</span>`,
			`href="` + incPath(inc, "/edit") + `"`, `action="` + incPath(inc, "/submit") + `"`, `href="` + incPath(inc, "/delete") + `"`,
			`href="` + incPath(inc, "/history") + `"`, `name="version" value="1"`,
		}, []string{`action="` + incPath(inc, "/validate") + `"`, `action="` + incPath(inc, "/return") + `"`}},
		{"DetailReviewerDraft", "reviewer", incPath(inc, ""), 200, []string{"Aung Min Thu"}, []string{
			`action="` + incPath(inc, "/submit") + `"`, `action="` + incPath(inc, "/validate") + `"`, `href="` + incPath(inc, "/edit") + `"`}},
		{"DetailAnalyst", "analyst", incPath(inc, ""), 404, nil, []string{"TH-2025-001", "Aung"}},
		{"DetailOtherCountry", "vn-reporter", incPath(inc, ""), 404, nil, []string{"TH-2025-001", "Aung"}},
		{"DetailNoDataRole", "focal_point", incPath(inc, ""), 404, nil, []string{"TH-2025-001"}},
		{"DetailMissing", "reporter", "/incidents/999999", 404, nil, nil},
		{"DetailBadID", "reporter", "/incidents/abc", 404, nil, nil},
		{"HistoryReporter", "reporter", incPath(inc, "/history"), 200, []string{"History of TH-2025-001", "Version 1", "Created: the first version"}, nil},
		{"HistoryOtherCountry", "vn-reporter", incPath(inc, "/history"), 404, nil, []string{"TH-2025-001"}},
		{"DeleteFormReporter", "reporter", incPath(inc, "/delete"), 200, []string{"Delete draft TH-2025-001", `name="reason"`}, nil},
		{"DeleteFormReviewer", "reviewer", incPath(inc, "/delete"), 403, nil, nil},
		{"DeleteFormOtherCountry", "vn-reporter", incPath(inc, "/delete"), 404, nil, []string{"TH-2025-001"}},
		{"ReviewReviewer", "reviewer", "/review", 200, []string{"Nothing is waiting for review."}, nil},
		{"ReviewReporter", "reporter", "/review", 403, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := clients[tc.user].Get(t, tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tc.status, excerpt(body))
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, l := range tc.lacks {
				if strings.Contains(body, l) {
					t.Errorf("page shows %q", l)
				}
			}
		})
	}

	t.Run("Nav", func(t *testing.T) {
		_, body := clients["reporter"].Get(t, "/")
		if !strings.Contains(body, `<a href="/incidents">Incidents</a>`) || strings.Contains(body, `href="/review"`) {
			t.Error("a reporter's navigation: Incidents, no review queue")
		}
		_, body = clients["reviewer"].Get(t, "/review")
		if !strings.Contains(body, `<a href="/review" aria-current="page">Review queue</a>`) {
			t.Error("a reviewer's navigation lacks the review queue")
		}
		_, body = clients["reporter"].Get(t, "/")
		if !strings.Contains(body, "Drafts of your agency: 1") || !strings.Contains(body, "Returned for correction: 0") {
			t.Error("a reporter's home page lacks the incident counts")
		}
		_, body = clients["reviewer"].Get(t, "/")
		if !strings.Contains(body, "Waiting for review: 0") {
			t.Error("a reviewer's home page lacks the review count")
		}
		_, body = clients["focal_point"].Get(t, "/")
		if strings.Contains(body, `href="/incidents"`) {
			t.Error("a focal point without a data role is offered incidents")
		}
	})

	t.Run("TransitionsFromOtherCountry", func(t *testing.T) {
		vn := clients["vn-reporter"]
		vn.Get(t, "/incidents")
		for _, action := range []string{"submit", "withdraw", "return", "validate", "delete"} {
			resp, body := vn.Post(t, incPath(inc, "/"+action), url.Values{"version": {"1"}, "note": {"x"}, "reason": {"x"}})
			if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "TH-2025-001") {
				t.Errorf("%s: status %d", action, resp.StatusCode)
			}
		}
	})
}

func TestIncidentWorkflowPages(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testIncidentWorkflowPages(t, dialect) })
	}
}

func testIncidentWorkflowPages(t *testing.T, dialect string) {
	app := apptest.New(t, dialect)
	inc := newIncident(t, app, "TH-2025-002", nil)
	reporter, reviewer := app.SignIn(t, "reporter"), app.SignIn(t, "reviewer")
	post := func(c *apptest.Client, action string, version int, extra url.Values) (*http.Response, string) {
		t.Helper()
		c.Get(t, incPath(inc, ""))
		form := url.Values{"version": {fmt.Sprint(version)}}
		for k, v := range extra {
			form[k] = v
		}
		return c.Post(t, incPath(inc, "/"+action), form)
	}
	expectRedirect := func(resp *http.Response, body, flash string) {
		t.Helper()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d\n%s", resp.StatusCode, excerpt(body))
		}
		if loc := resp.Header.Get("Location"); loc != incPath(inc, "?flash="+flash) {
			t.Fatalf("redirect to %q", loc)
		}
	}

	steps := []struct {
		name    string
		client  *apptest.Client
		action  string
		version int
		extra   url.Values
		status  int
		flash   string
		want    []string
	}{
		{"Submit", reporter, "submit", 1, nil, 303, "incident_submitted", []string{"submitted for review", `action="` + incPath(inc, "/withdraw") + `"`}},
		{"SubmitTwice", reporter, "submit", 1, nil, 409, "", []string{"This incident has changed since you opened it", "Reload the incident"}},
		{"ValidateByReporter", reporter, "validate", 2, nil, 403, "", nil},
		{"ReturnWithoutReason", reviewer, "return", 2, url.Values{"note": {"  "}}, 400, "", []string{
			`<p class="field-error" id="note-error">Say what must be corrected: the reporter reads this.</p>`, `aria-invalid="true"`}},
		{"Return", reviewer, "return", 2, url.Values{"note": {"Give the smuggler's vehicle.\nCheck the fee."}}, 303, "incident_returned", nil},
		{"ReturnAgainConflict", reviewer, "return", 3, url.Values{"note": {"again"}}, 409, "", []string{"An incident that is returned cannot be moved to returned."}},
		{"Resubmit", reporter, "submit", 3, nil, 303, "incident_submitted", nil},
		{"Withdraw", reporter, "withdraw", 4, nil, 303, "incident_withdrawn", nil},
		{"SubmitAgain", reporter, "submit", 5, nil, 303, "incident_submitted", nil},
		{"ValidateStale", reviewer, "validate", 5, nil, 409, "", []string{"you edited version 5, the current one is 6"}},
		{"Validate", reviewer, "validate", 6, nil, 303, "incident_validated", nil},
		{"DeleteValidated", reporter, "delete", 7, url.Values{"reason": {"mistake"}}, 409, "", []string{"Only drafts can be deleted."}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			resp, body := post(st.client, st.action, st.version, st.extra)
			if st.status == http.StatusSeeOther {
				expectRedirect(resp, body, st.flash)
				_, body = st.client.Get(t, resp.Header.Get("Location"))
				if !strings.Contains(body, `<p class="flash" role="status">`) {
					t.Errorf("no flash after %s", st.action)
				}
			} else if resp.StatusCode != st.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, st.status, excerpt(body))
			}
			for _, w := range st.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q\n%s", w, excerpt(body))
				}
			}
		})
		if st.name == "Return" {
			t.Run("ReporterSeesReason", func(t *testing.T) {
				_, body := reporter.Get(t, incPath(inc, ""))
				for _, w := range []string{"Returned for correction", "Give the smuggler&#39;s vehicle.\nCheck the fee.", `action="` + incPath(inc, "/submit") + `"`} {
					if !strings.Contains(body, w) {
						t.Errorf("page lacks %q", w)
					}
				}
			})
			t.Run("ReviewQueueEmptyAfterReturn", func(t *testing.T) {
				if _, body := reviewer.Get(t, "/review"); strings.Contains(body, "TH-2025-002") {
					t.Error("a returned incident is still in the queue")
				}
			})
		}
		if st.name == "SubmitAgain" {
			t.Run("ReviewQueue", func(t *testing.T) {
				_, body := reviewer.Get(t, "/review")
				if !strings.Contains(body, `href="`+incPath(inc, "")+`"`) || !strings.Contains(body, "TH-2025-002") {
					t.Errorf("queue lacks the submitted incident\n%s", excerpt(body))
				}
				_, body = reviewer.Get(t, incPath(inc, ""))
				if !strings.Contains(body, `action="`+incPath(inc, "/validate")+`"`) || !strings.Contains(body, `id="note"`) {
					t.Error("the reviewer is not offered validate and return")
				}
			})
		}
	}

	t.Run("History", func(t *testing.T) {
		_, body := reporter.Get(t, incPath(inc, "/history"))
		for _, w := range []string{"Version 7 · validated", "Version 6 · submitted for review", "Version 5 · withdrawn from review",
			"Version 3 · returned for correction", "Give the smuggler&#39;s vehicle.", "Version 1 · created", "Created: the first version", "No change to the content."} {
			if !strings.Contains(body, w) {
				t.Errorf("history lacks %q", w)
			}
		}
		if strings.Index(body, "Version 7") > strings.Index(body, "Version 1 ·") {
			t.Error("history is not newest first")
		}
	})
}

func TestIncidentEditHistoryDiff(t *testing.T) {
	app := apptest.New(t, "sqlite")
	inc := newIncident(t, app, "TH-2025-003", nil)
	ctx := storetest.As(app.World.Users["reporter"])
	found, err := app.DB.FindIncident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	found.Persons[1].Sex = "male"
	found.Persons[0].Nationalities = []string{"MM", "BD"}
	found.Transactions[0].Amount = 50000
	if err := app.DB.UpdateIncident(ctx, found, 1); err != nil {
		t.Fatalf("update: %v %v", err, vrs.AsError(err).Fields)
	}
	c := app.SignIn(t, "reporter")
	_, body := c.Get(t, incPath(inc, "/history"))
	for _, w := range []string{"Version 2 · edited", "Person 2 · Sex", "<del>Female</del>", "<ins>Male</ins>",
		"Person 1 · Nationalities", "<ins>Myanmar (MM), Bangladesh (BD)</ins>", "Payment 1 · Amount", "<del>45000</del>", "<ins>50000</ins>"} {
		if !strings.Contains(body, w) {
			t.Errorf("history lacks %q", w)
		}
	}
}

func TestIncidentDeletePages(t *testing.T) {
	app := apptest.New(t, "sqlite")
	inc := newIncident(t, app, "TH-2025-004", nil)
	c := app.SignIn(t, "reporter")
	c.Get(t, incPath(inc, "/delete"))
	t.Run("NoReason", func(t *testing.T) {
		resp, body := c.Post(t, incPath(inc, "/delete"), url.Values{"version": {"1"}, "reason": {" "}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="reason-error">Say why this draft is deleted`) {
			t.Fatalf("status %d\n%s", resp.StatusCode, excerpt(body))
		}
	})
	t.Run("Stale", func(t *testing.T) {
		resp, body := c.Post(t, incPath(inc, "/delete"), url.Values{"version": {"7"}, "reason": {"typo"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Reload the incident") {
			t.Fatalf("status %d\n%s", resp.StatusCode, excerpt(body))
		}
	})
	t.Run("OK", func(t *testing.T) {
		resp, body := c.Post(t, incPath(inc, "/delete"), url.Values{"version": {"1"}, "reason": {"Entered twice."}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/incidents?flash=incident_deleted" {
			t.Fatalf("status %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), excerpt(body))
		}
		_, body = c.Get(t, "/incidents?flash=incident_deleted")
		if !strings.Contains(body, "The draft has been deleted.") || strings.Contains(body, "TH-2025-004") {
			t.Error("list after delete")
		}
		if resp, _ := c.Get(t, incPath(inc, "")); resp.StatusCode != http.StatusNotFound {
			t.Errorf("deleted incident: status %d", resp.StatusCode)
		}
	})
}

var rowRE = regexp.MustCompile(`<a href="/incidents/\d+">([^<]+)</a>`)

// listed returns the references a list page shows, in order.
func listed(body string) []string {
	var out []string
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestIncidentListFilters(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testIncidentListFilters(t, dialect) })
	}
}

func testIncidentListFilters(t *testing.T, dialect string) {
	app := apptest.New(t, dialect)
	newIncident(t, app, "TH-A", nil)
	newIncident(t, app, "TH-B", func(inc *vrs.Incident) {
		inc.DetectedOn, inc.ReportedOn = "2025-04-10", "2025-04-10"
		inc.Narrative = "Fishing boat intercepted off Satun with twelve passengers."
		inc.Persons[0].Nationalities = []string{"BD"}
		inc.Persons[1].Nationalities = []string{"BD"}
		inc.Persons[2].Identifiers = []vrs.Identifier{{Kind: "phone", Value: "+60 12 345 6789"}}
		inc.Legs[0].Country, inc.Legs[0].Place = "BD", "Cox's Bazar"
	})
	c := app.SignIn(t, "reporter")
	cases := []struct {
		name, query string
		status      int
		want        []string
		msgs        []string
	}{
		{"All", "", 200, []string{"TH-B", "TH-A"}, nil},
		{"SortReference", "sort=reference", 200, []string{"TH-A", "TH-B"}, nil},
		{"Type", "type=migrant_smuggling", 200, []string{"TH-B", "TH-A"}, nil},
		{"TypeNone", "type=document_fraud", 200, nil, []string{"No incident matches these filters."}},
		{"Status", "status=draft&sort=reference", 200, []string{"TH-A", "TH-B"}, nil},
		{"StatusNone", "status=validated", 200, nil, nil},
		{"Period", "from=2025-04-01&to=2025-04-30", 200, []string{"TH-B"}, nil},
		{"Nationality", "nationality=bd", 200, []string{"TH-B"}, nil},
		{"Route", "route=MM", 200, []string{"TH-A"}, nil},
		{"Country", "country=TH&sort=reference", 200, []string{"TH-A", "TH-B"}, nil},
		{"CountryOther", "country=VN", 200, nil, nil},
		{"Agency", fmt.Sprintf("agency=%d&sort=reference", app.World.Agencies["th-police"].ID), 200, []string{"TH-A", "TH-B"}, nil},
		{"Text", "q=fishing+satun", 200, []string{"TH-B"}, nil},
		{"TextReference", "q=TH-A", 200, []string{"TH-A"}, nil},
		// An identifier in the address is refused, not searched and not
		// ignored; the value is not shown back.
		{"IdentifierInAddress", "identifier_kind=phone&identifier=0060123456789", 400, nil, []string{"Searching by identifier is not done through the address"}},
		{"IdentifierAlone", "identifier=myat+KHIN&sort=reference", 400, nil, []string{"Searching by identifier is not done through the address"}},
		{"IdentifierKindAlone", "identifier_kind=name&type=migrant_smuggling", 400, nil, []string{"Searching by identifier is not done through the address"}},
		{"BadDate", "from=2025-13-01", 400, nil, []string{`id="from-error">Give a date as YYYY-MM-DD`, "Some filters need correcting."}},
		{"BadPeriod", "from=2025-05-01&to=2025-04-01", 400, nil, []string{`id="to-error">This date is before the start of the period.`}},
		{"BadType", "type=nonsense", 400, nil, []string{`id="type-error">Choose one of the incident types.`}},
		{"BadStatus", "status=lost", 400, nil, []string{`id="status-error">`}},
		{"BadCountry", "nationality=XX", 400, nil, []string{`id="nationality-error">Choose a country from the list`}},
		{"BadAgency", "agency=abc", 400, nil, []string{`id="agency-error">`}},
		{"BadSort", "sort=name", 400, nil, []string{`id="sort-error">Sort by one of`}},
		{"BadLimit", "limit=1000", 400, nil, []string{"Give a page size from 1 to 200."}},
		{"BadCursor", "after=!!!", 400, nil, []string{"This page link is not valid", `href="/incidents">First page</a>`}},
		{"BadCursorShape", "after=bm90aGluZw", 400, nil, []string{"This page link is not valid"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.Get(t, "/incidents?"+tc.query)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tc.status, excerpt(body))
			}
			if got := listed(body); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("listed %v, want %v", got, tc.want)
			}
			for _, m := range tc.msgs {
				if !strings.Contains(body, m) {
					t.Errorf("page lacks %q", m)
				}
			}
			for _, v := range []string{"0060123456789", "myat", "KHIN"} {
				if strings.Contains(body, v) {
					t.Errorf("page repeats the identifier %q", v)
				}
			}
		})
	}

	// The identifier search posts its value and answers the results
	// itself: no link on the page carries the value.
	t.Run("Find", func(t *testing.T) {
		if _, body := c.Get(t, "/incidents"); !strings.Contains(body, `<form method="post" action="/incidents/find"`) {
			t.Fatalf("the list offers no posted identifier search\n%s", excerpt(body))
		}
		finds := []struct {
			name, kind, value string
			status            int
			want              []string
			msgs              []string
		}{
			{"Phone", "phone", "0060123456789", 200, []string{"TH-B"}, []string{"Incidents holding this identifier: 1"}},
			{"Name", "name", "myat KHIN", 200, []string{"TH-B", "TH-A"}, []string{"Incidents holding this identifier: 2"}},
			{"DefaultKind", "", "khin myat", 200, []string{"TH-B", "TH-A"}, nil},
			{"PartialName", "name", "Khin", 200, nil, []string{"No incident you may see holds this identifier."}},
			{"Empty", "phone", "---", 400, nil, []string{`id="identifier-error">This identifier has nothing to search for`}},
			{"Missing", "phone", "  ", 400, nil, []string{`id="identifier-error">This field is required.`}},
			{"BadKind", "shoe", "zq-81", 400, nil, []string{`id="identifier_kind-error">`}},
			{"TooLong", "phone", strings.Repeat("9", 201), 400, nil, []string{`id="identifier-error">`}},
		}
		for _, tc := range finds {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := c.Post(t, "/incidents/find", url.Values{"identifier_kind": {tc.kind}, "identifier": {tc.value}})
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tc.status, excerpt(body))
				}
				if got := listed(body); strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("listed %v, want %v", got, tc.want)
				}
				for _, m := range tc.msgs {
					if !strings.Contains(body, m) {
						t.Errorf("page lacks %q", m)
					}
				}
				for _, m := range regexp.MustCompile(`(?:href|action)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
					if strings.Contains(m[1], "identifier") || (strings.TrimSpace(tc.value) != "" && strings.Contains(strings.ToLower(m[1]), strings.ToLower(strings.Fields(tc.value)[0]))) {
						t.Errorf("a link carries the identifier: %q", m[1])
					}
				}
			})
		}
		t.Run("CSRF", func(t *testing.T) {
			if resp, _ := c.Post(t, "/incidents/find", url.Values{"csrf": {"forged"}, "identifier": {"khin myat"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("without the token: status %d", resp.StatusCode)
			}
		})
		t.Run("NoDataRole", func(t *testing.T) {
			adm := app.SignIn(t, "admin")
			if resp, _ := adm.Post(t, "/incidents/find", url.Values{"identifier": {"khin myat"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("an administrator without a data role: status %d", resp.StatusCode)
			}
		})
	})

	t.Run("FiltersShownAgain", func(t *testing.T) {
		_, body := c.Get(t, "/incidents?type=migrant_smuggling&nationality=BD&q=boat&from=2025-01-01")
		for _, w := range []string{`<option value="migrant_smuggling" selected>`, `<option value="BD" selected>`, `value="boat"`, `value="2025-01-01"`} {
			if !strings.Contains(body, w) {
				t.Errorf("form lacks %q", w)
			}
		}
	})

	t.Run("Pages", func(t *testing.T) {
		_, body := c.Get(t, "/incidents?sort=reference&limit=1&nationality=")
		if got := listed(body); len(got) != 1 || got[0] != "TH-A" {
			t.Fatalf("page 1 = %v", got)
		}
		m := regexp.MustCompile(`<a href="([^"]+)" rel="next">Next page</a>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no next link\n%s", excerpt(body))
		}
		next := strings.ReplaceAll(m[1], "&amp;", "&")
		if !strings.Contains(next, "sort=reference") || !strings.Contains(next, "limit=1") || strings.Contains(next, "nationality") {
			t.Errorf("next link %q does not keep the filters (or keeps empty ones)", next)
		}
		if strings.Contains(body, "First page") {
			t.Error("page 1 offers the first page")
		}
		_, body = c.Get(t, next)
		if got := listed(body); len(got) != 1 || got[0] != "TH-B" {
			t.Fatalf("page 2 = %v", got)
		}
		if !strings.Contains(body, `href="/incidents?limit=1&amp;sort=reference">First page</a>`) {
			t.Errorf("page 2 lacks the first-page link\n%s", excerpt(body))
		}
		if strings.Contains(body, "Next page") {
			t.Error("the last page offers a next page")
		}
	})
}

// TestHomeCountsEveryWorkAgency: a reporter who captures for several
// agencies sees the drafts of all of them counted on the home page, not
// only those of the agency they belong to; a reviewer counts their own.
func TestHomeCountsEveryWorkAgency(t *testing.T) {
	app := apptest.New(t, "sqlite")
	police, immigration := app.World.Agencies["th-police"].ID, app.World.Agencies["th-immigration"].ID
	if _, err := app.DB.UpdateUser(storetest.System(), app.World.Users["reporter"].ID,
		vrs.UserUpdate{CaptureAgencyIDs: &[]int64{police, immigration}}); err != nil {
		t.Fatal(err)
	}
	app.World.Users["reporter"].CaptureAgencyIDs = []int64{police, immigration}
	newIncident(t, app, "TH-P-1", nil)
	for _, ref := range []string{"TH-I-1", "TH-I-2"} {
		newIncident(t, app, ref, func(inc *vrs.Incident) { inc.AgencyID = immigration })
	}
	_, body := app.SignIn(t, "reporter").Get(t, "/")
	if !strings.Contains(body, "Drafts of your agencies: 3") || !strings.Contains(body, `href="/incidents?status=draft"`) {
		t.Errorf("a reporter of two agencies:\n%s", excerpt(body))
	}
	_, body = app.SignIn(t, "reviewer").Get(t, "/")
	if !strings.Contains(body, "Drafts of your agency: 1") || !strings.Contains(body, fmt.Sprintf(`href="/incidents?status=draft&amp;agency=%d"`, police)) ||
		!strings.Contains(body, "Waiting for review: 0") {
		t.Errorf("a reviewer of the police:\n%s", excerpt(body))
	}
}
