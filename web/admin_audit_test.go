package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vrs"
	"vrs/internal/apptest"
	"vrs/storetest"
)

func TestAdminCountries(t *testing.T) {
	app := apptest.New(t, "sqlite")
	admin := app.SignIn(t, "admin")
	ctx := storetest.System()

	t.Run("List", func(t *testing.T) {
		_, body := admin.Get(t, "/admin/countries")
		if !strings.Contains(body, "249 countries") || !strings.Contains(body, `id="c-TH"`) || !strings.Contains(body, "<code>THA</code>") {
			t.Error("the table should list all 249 countries with their codes")
		}
		_, body = admin.Get(t, "/admin/countries?members=only&region=Asia")
		if !strings.Contains(body, `id="c-TH"`) || strings.Contains(body, `id="c-FR"`) || strings.Contains(body, `id="c-AU"`) {
			t.Error("filter not applied")
		}
		if !strings.Contains(body, `<option value="Asia" selected>`) || !strings.Contains(body, `<option value="only" selected>`) {
			t.Error("filter not shown as chosen")
		}
	})
	t.Run("ToggleKeepsFilter", func(t *testing.T) {
		admin.Get(t, "/admin/countries?region=Europe")
		resp, _ := admin.Post(t, "/admin/countries/fr", url.Values{"member": {"on"}, "region": {"Europe"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if loc := resp.Header.Get("Location"); loc != "/admin/countries?flash=country_saved&region=Europe#c-FR" {
			t.Errorf("redirect to %q", loc)
		}
		if c, _ := app.DB.FindCountry(ctx, "FR"); !c.Member {
			t.Error("France is not a member")
		}
		_, body := admin.Get(t, "/admin/countries?region=Europe&flash=country_saved")
		if !strings.Contains(body, "membership has been changed") {
			t.Error("no flash")
		}
		resp, _ = admin.Post(t, "/admin/countries/FR", url.Values{"member": {"off"}, "members": {"only"}, "region": {"Nowhere"}})
		if loc := resp.Header.Get("Location"); loc != "/admin/countries?flash=country_saved&members=only#c-FR" {
			t.Errorf("redirect to %q", loc)
		}
		if c, _ := app.DB.FindCountry(ctx, "FR"); c.Member {
			t.Error("France is still a member")
		}
	})
	t.Run("ErrBadValues", func(t *testing.T) {
		if resp, _ := admin.Post(t, "/admin/countries/FR", url.Values{"member": {"maybe"}}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("member=maybe: %d", resp.StatusCode)
		}
		if resp, _ := admin.Post(t, "/admin/countries/QQ", url.Values{"member": {"on"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown country: %d", resp.StatusCode)
		}
	})
}

var seqRE = regexp.MustCompile(`<tr>\s*<td>(\d+)</td>`)

func TestAdminAudit(t *testing.T) {
	app := apptest.New(t, "sqlite")
	ctx := storetest.System()
	// 150 Thai entries and a Vietnamese one, besides the world's.
	for i := range 150 {
		if err := app.DB.AppendAudit(ctx, &vrs.AuditEntry{Action: vrs.ActSetting, ObjectType: "setting", ObjectID: fmt.Sprint(i), Country: "TH"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.DB.AppendAudit(ctx, &vrs.AuditEntry{Action: vrs.ActSetting, ObjectType: "setting", ObjectID: "vn", Country: "VN"}); err != nil {
		t.Fatal(err)
	}
	admin := app.SignIn(t, "admin")
	focal := app.SignIn(t, "focal_point")

	t.Run("PagingNewestFirst", func(t *testing.T) {
		resp, body := admin.Get(t, "/admin/audit?action=setting.update")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		seqs := seqRE.FindAllStringSubmatch(body, -1)
		if len(seqs) != 100 {
			t.Fatalf("%d entries on the first page, want 100", len(seqs))
		}
		var first, last int
		fmt.Sscan(seqs[0][1], &first)
		fmt.Sscan(seqs[99][1], &last)
		if first <= last {
			t.Errorf("not newest first: %d .. %d", first, last)
		}
		older := regexp.MustCompile(`href="([^"]*before=[^"]*)"`).FindStringSubmatch(body)
		if older == nil {
			t.Fatal("no link to older entries")
		}
		link := html.UnescapeString(older[1])
		if !strings.Contains(link, fmt.Sprintf("before=%d", last)) || !strings.Contains(link, "action=setting.update") {
			t.Errorf("older link %q", link)
		}
		_, body = admin.Get(t, link)
		if n := len(seqRE.FindAllStringSubmatch(body, -1)); n != 51 {
			t.Errorf("%d entries on the second page, want 51", n)
		}
		if strings.Contains(body, "before=") {
			t.Error("older link on the last page")
		}
	})
	t.Run("FocalPointOwnCountry", func(t *testing.T) {
		_, body := focal.Get(t, "/admin/audit?object_type=setting&object_id=vn")
		if seqRE.MatchString(body) {
			t.Error("a Thai focal point sees a Vietnamese entry")
		}
		_, body = admin.Get(t, "/admin/audit?object_type=setting&object_id=vn")
		if len(seqRE.FindAllString(body, -1)) != 1 {
			t.Error("an administrator should see the Vietnamese entry")
		}
		if _, body := focal.Get(t, "/admin/audit"); strings.Contains(body, "/admin/audit/verify") {
			t.Error("a focal point is offered to verify the chain")
		}
	})
	t.Run("Filters", func(t *testing.T) {
		_, body := admin.Get(t, "/admin/audit?action=agency.&since=2000-01-01&until=2999-12-31")
		if n := len(seqRE.FindAllString(body, -1)); n != 4 {
			t.Errorf("%d agency entries, want the world's 4", n)
		}
		_, body = admin.Get(t, "/admin/audit?actor=nobody")
		if seqRE.MatchString(body) || !strings.Contains(body, "No entries match") {
			t.Error("actor filter not applied")
		}
		_, body = admin.Get(t, "/admin/audit?until=2000-01-01")
		if seqRE.MatchString(body) {
			t.Error("until filter not applied")
		}
	})
	t.Run("ErrMalformedDate", func(t *testing.T) {
		cases := []struct{ name, query, field, label string }{
			{"Since", "since=2026-13-01", "since", "From date"},
			{"Until", "until=31/01/2026", "until", "To date"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := focal.Get(t, "/admin/audit?"+tc.query)
				if resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("status %d, want 400", resp.StatusCode)
				}
				if !strings.Contains(body, `id="`+tc.field+`-error">Write the date as YYYY-MM-DD`) || !strings.Contains(body, "Check: "+tc.label) {
					t.Errorf("no message naming %s\n%s", tc.label, excerpt(body))
				}
			})
		}
		if resp, _ := admin.Get(t, "/admin/audit?action=drop.table"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown action: %d", resp.StatusCode)
		}
	})
}

func TestAdminAuditVerify(t *testing.T) {
	app := apptest.New(t, "sqlite")
	admin := app.SignIn(t, "admin")
	focal := app.SignIn(t, "focal_point")
	admin.Get(t, "/admin/audit")
	resp, body := admin.Post(t, "/admin/audit/verify", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "The audit chain is intact") {
		t.Fatalf("verify: %d\n%s", resp.StatusCode, excerpt(body))
	}
	// Edit an entry behind the log's back: the page names it.
	if _, err := app.DB.SQL().Exec(`UPDATE audit_log SET detail = '{}' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	resp, body = admin.Post(t, "/admin/audit/verify", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "2 entries check out, then entry 3 was edited") {
		t.Errorf("tampered chain: %d\n%s", resp.StatusCode, excerpt(body))
	}
	focal.Get(t, "/admin/audit")
	if resp, _ := focal.Post(t, "/admin/audit/verify", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("focal point: status %d, want 403", resp.StatusCode)
	}
}
