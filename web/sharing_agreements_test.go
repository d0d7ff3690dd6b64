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

func proposal(partner, from string) url.Values {
	return url.Values{"partner": {partner}, "types": {"trafficking_in_persons"}, "granularity": {"pseudonymised"},
		"data_from": {from}, "data_to": {""}, "starts": {"2025-01-01"}, "ends": {""}, "note": {"Joint work on the Mekong routes."}}
}

func agreementPath(id int64, suffix string) string {
	return fmt.Sprintf("/sharing/agreements/%d%s", id, suffix)
}

// proposedID reads the id of a new agreement from the redirect.
func proposedID(t *testing.T, resp *http.Response) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(resp.Header.Get("Location"), "/sharing/agreements/%d?flash=sharing_agreement_proposed", &id); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("propose: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return id
}

func TestSharingAgreementPages(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testSharingAgreementPages(t, dialect) })
	}
}

func testSharingAgreementPages(t *testing.T, dialect string) {
	app := apptest.New(t, dialect)
	addSharingUsers(t, app)
	ctx := storetest.System()
	th := app.SignIn(t, "focal_point")
	vn := app.SignIn(t, "vn-focal_point")
	reporter := app.SignIn(t, "reporter")
	vnReporter := app.SignIn(t, "vn-reporter")
	la := app.SignIn(t, "la-reporter")
	find := func(id int64) *vrs.SharingAgreement {
		t.Helper()
		a, err := app.DB.FindAgreement(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	count := func() int {
		t.Helper()
		list, err := app.DB.ListAgreements(ctx, vrs.AgreementFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}

	t.Run("NewForm", func(t *testing.T) {
		resp, body := th.Get(t, "/sharing/agreements/new")
		wantPage(t, resp, body, 200, []string{`<option value="VN">Viet Nam (VN)</option>`, `value="trafficking_in_persons"`,
			`id="gran-pseudonymised" type="radio" name="granularity" value="pseudonymised" checked`, "Aggregate only", "stable pseudonyms",
			`name="data_from"`, `name="ends"`, "You propose on behalf of Thailand"}, `<option value="TH">`)
	})
	t.Run("ErrNotFocalPoint", func(t *testing.T) {
		resp, body := reporter.Get(t, "/sharing/agreements/new")
		wantPage(t, resp, body, 403, []string{"national focal point"}, `name="partner"`)
		resp, body = reporter.Post(t, "/sharing/agreements", proposal("VN", "2024-01-01"))
		wantPage(t, resp, body, 403, []string{"national focal point"})
		if n := count(); n != 0 {
			t.Errorf("%d agreements after a refusal", n)
		}
	})
	refusals := []struct {
		name   string
		edit   func(url.Values)
		status int
		want   []string
	}{
		{"ErrSelf", func(f url.Values) { f.Set("partner", "TH") }, 400,
			[]string{`id="partner-error">A country cannot make an agreement with itself`, `aria-describedby="partner-error"`}},
		{"ErrNoPartner", func(f url.Values) { f.Set("partner", "") }, 400, []string{`id="partner-error">`}},
		{"ErrEndBeforeStart", func(f url.Values) { f.Set("ends", "2024-12-31") }, 400,
			[]string{`id="ends-error">Ends on: This date is before the start.`, `value="2024-12-31" aria-invalid="true"`}},
		{"ErrDataToBeforeFrom", func(f url.Values) { f.Set("data_to", "2023-12-31") }, 400,
			[]string{`id="data_to-error">To: This date is before the start.`}},
		{"ErrNoTypes", func(f url.Values) { f.Del("types") }, 400, []string{`id="types-error">`, `aria-describedby="types-error"`}},
		{"ErrGranularity", func(f url.Values) { f.Set("granularity", "everything") }, 400,
			[]string{`id="granularity-error">Choose aggregate only, pseudonymised records or full records.`}},
		{"ErrBadDate", func(f url.Values) { f.Set("starts", "2025-02-30") }, 400, []string{`id="starts-error">`}},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			f := proposal("VN", "2024-01-01")
			tc.edit(f)
			th.Get(t, "/sharing/agreements/new")
			resp, body := th.Post(t, "/sharing/agreements", f)
			wantPage(t, resp, body, tc.status, append(tc.want, "Joint work on the Mekong routes."))
			if n := count(); n != 0 {
				t.Errorf("%d agreements after a refusal", n)
			}
		})
	}

	var id int64
	t.Run("Propose", func(t *testing.T) {
		th.Get(t, "/sharing/agreements/new")
		resp, _ := th.Post(t, "/sharing/agreements", proposal("VN", "2024-01-01"))
		id = proposedID(t, resp)
		a := find(id)
		if a.Proposer != "TH" || a.Partner != "VN" || a.Status != vrs.AgreementProposed || a.Granularity != vrs.GranPseudonymised ||
			a.DataFrom != "2024-01-01" || a.Starts != "2025-01-01" || a.Note != "Joint work on the Mekong routes." {
			t.Fatalf("stored %+v", a)
		}
		resp, body := th.Get(t, resp.Header.Get("Location"))
		wantPage(t, resp, body, 200, []string{"The agreement has been proposed.", "Agreement #" + fmt.Sprint(id) + ": Thailand and Viet Nam",
			"Trafficking in persons", "Pseudonymised records", "detected since 2024-01-01", "from 2025-01-01, with no end",
			"awaits the answer of Viet Nam", "Proposed by Thailand", "(th.focal)", `href="` + agreementPath(id, "/revoke") + `"`, "Withdraw"},
			`action="`+agreementPath(id, "/accept")+`"`)
	})
	t.Run("ErrOverlap", func(t *testing.T) {
		th.Get(t, "/sharing/agreements/new")
		f := proposal("VN", "2025-06-01")
		resp, body := th.Post(t, "/sharing/agreements", f)
		wantPage(t, resp, body, 409, []string{fmt.Sprintf(`id="partner-error">This agreement overlaps sharing agreement %d between the same countries`, id),
			`href="` + agreementPath(id, "") + `"`, "Some fields need correcting."})
		if strings.Count(body, "overlaps sharing agreement") != 1 {
			t.Error("the overlap is said more than once")
		}
		if n := count(); n != 1 {
			t.Errorf("%d agreements after an overlap", n)
		}
	})
	t.Run("DetailOtherCountryNotFound", func(t *testing.T) {
		resp, body := la.Get(t, agreementPath(id, ""))
		wantPage(t, resp, body, 404, nil, "Viet Nam", "Mekong")
		la.Get(t, "/sharing")
		resp, _ = la.Post(t, agreementPath(id, "/accept"), url.Values{})
		if resp.StatusCode != 404 {
			t.Errorf("accept from a third country: %d", resp.StatusCode)
		}
		resp, body = la.Get(t, "/sharing/agreements")
		wantPage(t, resp, body, 200, []string{"No agreement matches."}, agreementPath(id, ""))
	})
	t.Run("ErrNotAddressedToYou", func(t *testing.T) {
		th.Get(t, agreementPath(id, ""))
		resp, body := th.Post(t, agreementPath(id, "/accept"), url.Values{})
		wantPage(t, resp, body, 403, []string{`role="alert"`, "This proposal is addressed to VN", "Agreement #"})
		if a := find(id); a.Status != vrs.AgreementProposed {
			t.Errorf("status %s after a refusal", a.Status)
		}
	})
	t.Run("ErrNotFocalPointDecides", func(t *testing.T) {
		resp, body := vnReporter.Get(t, agreementPath(id, ""))
		wantPage(t, resp, body, 200, []string{"Agreement #"}, `action="`+agreementPath(id, "/accept")+`"`, agreementPath(id, "/revoke"))
		resp, body = vnReporter.Post(t, agreementPath(id, "/accept"), url.Values{})
		wantPage(t, resp, body, 403, []string{"national focal point"})
		resp, _ = vnReporter.Get(t, agreementPath(id, "/revoke"))
		if resp.StatusCode != 403 {
			t.Errorf("revoke form for a reporter: %d", resp.StatusCode)
		}
		resp, _ = vnReporter.Post(t, agreementPath(id, "/revoke"), url.Values{"reason": {"No."}})
		if resp.StatusCode != 403 {
			t.Errorf("revoke by a reporter: %d", resp.StatusCode)
		}
		if a := find(id); a.Status != vrs.AgreementProposed {
			t.Errorf("status %s after refusals", a.Status)
		}
	})
	t.Run("ListIncoming", func(t *testing.T) {
		resp, body := vn.Get(t, "/sharing/agreements")
		wantPage(t, resp, body, 200, []string{"Proposals awaiting your country&#39;s answer: 1.", "Thailand", "Awaits your answer"})
	})
	t.Run("Accept", func(t *testing.T) {
		resp, body := vn.Get(t, agreementPath(id, ""))
		wantPage(t, resp, body, 200, []string{`action="` + agreementPath(id, "/accept") + `"`, `action="` + agreementPath(id, "/decline") + `"`,
			"Answer the proposal of Thailand", "Joint work on the Mekong routes."})
		resp, _ = vn.Post(t, agreementPath(id, "/accept"), url.Values{})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != agreementPath(id, "?flash=sharing_agreement_accepted") {
			t.Fatalf("accept: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if a := find(id); a.Status != vrs.AgreementActive || a.DecidedBy != app.World.Users["vn-focal_point"].ID {
			t.Fatalf("after accept %+v", a)
		}
		_, body = vn.Get(t, agreementPath(id, "?flash=sharing_agreement_accepted"))
		wantPage(t, resp, body, 303, []string{"The agreement has been accepted.", "Accepted by Viet Nam", "(vn.focal)", "In force", "Revoke"},
			`action="`+agreementPath(id, "/accept")+`"`)
	})
	t.Run("ErrAcceptTwice", func(t *testing.T) {
		resp, body := vn.Post(t, agreementPath(id, "/accept"), url.Values{})
		wantPage(t, resp, body, 409, []string{`role="alert"`, "only a proposal can be accepted or declined"})
	})
	t.Run("CountryPage", func(t *testing.T) {
		community, red := vrs.DistCommunity, vrs.TLPRed
		if _, err := app.DB.UpdateAgency(ctx, app.World.Agencies["th-immigration"].ID, vrs.AgencyUpdate{DefaultDistribution: &community, DefaultTLP: &red}); err != nil {
			t.Fatal(err)
		}
		resp, body := th.Get(t, "/sharing")
		wantPage(t, resp, body, 200, []string{"<td>Immigration Bureau</td>\n      <td>The whole reporting community</td>\n      <td><code>TLP:RED</code></td>"})
		wantPage(t, resp, body, 200, []string{
			"Viet Nam sees your validated records of trafficking in persons detected since 2024-01-01, as pseudonymised records.",
			"You see Viet Nam&#39;s validated records of trafficking in persons detected since 2024-01-01, as pseudonymised records.",
			agreementPath(id, ""), "In force", "Royal Thai Police", "Immigration Bureau", "TLP:AMBER", `href="/sharing/agreements/new"`})
		resp, body = reporter.Get(t, "/sharing")
		wantPage(t, resp, body, 200, []string{"Viet Nam sees your validated records"}, `href="/sharing/agreements/new"`, `href="/sharing/views"`)
	})
	t.Run("ErrRevokeWithoutReason", func(t *testing.T) {
		resp, body := th.Get(t, agreementPath(id, "/revoke"))
		wantPage(t, resp, body, 200, []string{"This takes effect immediately.", "From the very next request, Viet Nam no longer sees", `name="reason"`})
		resp, body = th.Post(t, agreementPath(id, "/revoke"), url.Values{"reason": {"  "}})
		wantPage(t, resp, body, 400, []string{`id="reason-error">Say why the agreement ends`, "This takes effect immediately."})
		if a := find(id); a.Status != vrs.AgreementActive {
			t.Errorf("status %s after a refusal", a.Status)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		resp, _ := th.Post(t, agreementPath(id, "/revoke"), url.Values{"reason": {"Review of data protection."}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != agreementPath(id, "?flash=sharing_agreement_revoked") {
			t.Fatalf("revoke: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		a := find(id)
		if a.Status != vrs.AgreementRevoked || a.Reason != "Review of data protection." {
			t.Fatalf("after revoke %+v", a)
		}
		resp, body := vn.Get(t, agreementPath(id, ""))
		wantPage(t, resp, body, 200, []string{"Revoked", "Review of data protection.", "(th.focal)"}, agreementPath(id, "/revoke"))
		resp, body = vn.Post(t, agreementPath(id, "/revoke"), url.Values{"reason": {"Again."}})
		wantPage(t, resp, body, 409, []string{`role="alert"`, "only a proposal or an active agreement can be revoked"})
		_, body = th.Get(t, "/sharing")
		if strings.Contains(body, "Viet Nam sees your validated records") || !strings.Contains(body, "No agreement is in force") {
			t.Error("the country page still shows a revoked agreement in force")
		}
	})
	t.Run("DeclineAndWithdraw", func(t *testing.T) {
		vn.Get(t, "/sharing/agreements/new")
		f := proposal("TH", "")
		f.Set("types", "migrant_smuggling")
		f.Set("granularity", "aggregate")
		resp, _ := vn.Post(t, "/sharing/agreements", f)
		declined := proposedID(t, resp)
		resp, body := th.Get(t, agreementPath(declined, ""))
		// The addressed country declines; withdrawing is the proposer's.
		wantPage(t, resp, body, 200, []string{"Accepting starts mutual sharing with Viet Nam on 2025-01-01: each country sees the other&#39;s validated records of migrant smuggling whatever their detection date, only as counts in statistics."},
			agreementPath(declined, "/revoke"))
		resp, body = vn.Post(t, agreementPath(declined, "/decline"), url.Values{"reason": {"Changed our mind."}})
		wantPage(t, resp, body, 403, []string{"This proposal is addressed to TH"})
		resp, body = th.Post(t, agreementPath(declined, "/decline"), url.Values{"reason": {strings.Repeat("x", 2001)}})
		wantPage(t, resp, body, 400, []string{`id="reason-error">`, `aria-invalid="true"`})
		if a := find(declined); a.Status != vrs.AgreementProposed {
			t.Fatalf("status %s after refused declines", a.Status)
		}
		resp, _ = th.Post(t, agreementPath(declined, "/decline"), url.Values{"reason": {"Not before the new law."}})
		if resp.StatusCode != 303 || find(declined).Status != vrs.AgreementDeclined {
			t.Fatalf("decline: %d, %s", resp.StatusCode, find(declined).Status)
		}
		_, body = vn.Get(t, agreementPath(declined, ""))
		wantPage(t, resp, body, 303, []string{"Declined by Thailand", "Not before the new law.", "Aggregate only", "whatever their detection date"})

		resp, _ = vn.Post(t, "/sharing/agreements", f)
		withdrawn := proposedID(t, resp)
		resp, body = vn.Get(t, agreementPath(withdrawn, "/revoke"))
		wantPage(t, resp, body, 200, []string{"Withdraw proposal #", "Thailand can no longer accept this proposal."}, "This takes effect immediately.")
		resp, _ = vn.Post(t, agreementPath(withdrawn, "/revoke"), url.Values{"reason": {""}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != agreementPath(withdrawn, "?flash=sharing_agreement_withdrawn") {
			t.Fatalf("withdraw: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if a := find(withdrawn); a.Status != vrs.AgreementRevoked {
			t.Errorf("after withdrawal %s", a.Status)
		}
		_, body = vn.Get(t, agreementPath(withdrawn, ""))
		if !strings.Contains(body, "Proposal withdrawn") {
			t.Error("history does not say the proposal was withdrawn")
		}
	})
	t.Run("ListFilter", func(t *testing.T) {
		cases := []struct {
			status      string
			code        int
			want, lacks []string
		}{
			{"", 200, []string{agreementPath(id, ""), "Revoked", "Declined"}, nil},
			{"revoked", 200, []string{agreementPath(id, ""), `<option value="revoked" selected>`}, []string{"Declined</span>"}},
			{"active", 200, []string{"No agreement matches."}, []string{agreementPath(id, "")}},
			{"bogus", 400, []string{"Choose a status from the list."}, nil},
		}
		for _, c := range cases {
			resp, body := th.Get(t, "/sharing/agreements?status="+c.status)
			wantPage(t, resp, body, c.code, c.want, c.lacks...)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, path := range []string{"/sharing/agreements/999999", "/sharing/agreements/abc", "/sharing/agreements/999999/revoke"} {
			if resp, _ := th.Get(t, path); resp.StatusCode != 404 {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
		if resp, _ := th.Post(t, "/sharing/agreements/999999/accept", url.Values{}); resp.StatusCode != 404 {
			t.Errorf("accept a missing agreement: %d", resp.StatusCode)
		}
	})
	t.Run("ErrNoCSRF", func(t *testing.T) {
		resp, _ := th.Post(t, "/sharing/agreements", url.Values{"csrf": {"forged"}, "partner": {"VN"}})
		if resp.StatusCode != 403 {
			t.Errorf("forged token: %d", resp.StatusCode)
		}
	})
	t.Run("Anonymous", func(t *testing.T) {
		for _, path := range []string{"/sharing", "/sharing/agreements", "/sharing/groups", "/sharing/views", agreementPath(id, "")} {
			if resp, _ := app.NewClient().Get(t, path); resp.StatusCode != 303 {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
	})
	t.Run("NavLink", func(t *testing.T) {
		for _, c := range []*apptest.Client{th, reporter, vnReporter} {
			_, body := c.Get(t, "/")
			if !strings.Contains(body, `<a href="/sharing">Sharing</a>`) {
				t.Error("no Sharing link for a user with a country")
			}
		}
		_, body := th.Get(t, "/sharing/agreements")
		if !strings.Contains(body, `<a href="/sharing" aria-current="page">Sharing</a>`) {
			t.Error("the Sharing link is not marked current on a sharing page")
		}
	})
}
