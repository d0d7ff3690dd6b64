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

// TestAdminAgencySharingDefaults sets an agency's default distribution and
// TLP label on its create and edit forms, and sees the incident form take
// them.
func TestAdminAgencySharingDefaults(t *testing.T) {
	app := apptest.New(t, "sqlite")
	ctx := storetest.System()
	focal := app.SignIn(t, "focal_point")

	t.Run("NewFormOffersDefaults", func(t *testing.T) {
		_, body := focal.Get(t, "/admin/agencies/new")
		for _, want := range []string{`<option value="country" selected>Our country</option>`, `<option value="statistics">Statistics only</option>`,
			`<option value="AMBER" selected>TLP:AMBER – limited disclosure`, `<option value="CLEAR">TLP:CLEAR – disclosure is not limited</option>`,
			`id="default_distribution-hint"`} {
			if !strings.Contains(body, want) {
				t.Errorf("form lacks %s", want)
			}
		}
		if strings.Contains(body, `<option value="partners"`) {
			t.Error("named partners offered as an agency's default")
		}
	})
	var id int64
	t.Run("CreateWithDefaults", func(t *testing.T) {
		resp, body := focal.Post(t, "/admin/agencies", url.Values{"name": {"Anti-Trafficking Division"}, "kind": {"police"},
			"default_distribution": {"community"}, "default_tlp": {"GREEN"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d\n%s", resp.StatusCode, excerpt(body))
		}
		a, err := app.DB.FindAgencyByName(ctx, "TH", "Anti-Trafficking Division")
		if err != nil {
			t.Fatal(err)
		}
		id = a.ID
		if a.DefaultDistribution != vrs.DistCommunity || a.DefaultTLP != vrs.TLPGreen {
			t.Errorf("stored %s %s", a.DefaultDistribution, a.DefaultTLP)
		}
		_, body = focal.Get(t, fmt.Sprintf("/admin/agencies/%d", id))
		for _, want := range []string{"<dt>Default distribution</dt><dd>The whole reporting community</dd>", `<span class="tlp tlp-green">TLP:GREEN</span>`,
			`<option value="community" selected>`, `<option value="GREEN" selected>`} {
			if !strings.Contains(body, want) {
				t.Errorf("agency page lacks %s", want)
			}
		}
	})
	t.Run("Edit", func(t *testing.T) {
		path := fmt.Sprintf("/admin/agencies/%d", id)
		focal.Get(t, path)
		resp, _ := focal.Post(t, path, url.Values{"name": {"Anti-Trafficking Division"}, "kind": {"police"},
			"default_distribution": {"statistics"}, "default_tlp": {"RED"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if a, _ := app.DB.FindAgencyByID(ctx, id); a.DefaultDistribution != vrs.DistStatistics || a.DefaultTLP != vrs.TLPRed {
			t.Errorf("stored %s %s", a.DefaultDistribution, a.DefaultTLP)
		}
		// A form without the defaults (an older page) leaves them alone.
		resp, _ = focal.Post(t, path, url.Values{"name": {"Anti-Trafficking Division"}, "kind": {"police"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if a, _ := app.DB.FindAgencyByID(ctx, id); a.DefaultDistribution != vrs.DistStatistics || a.DefaultTLP != vrs.TLPRed {
			t.Errorf("a form without defaults changed them: %s %s", a.DefaultDistribution, a.DefaultTLP)
		}
	})
	t.Run("ErrNextToFields", func(t *testing.T) {
		cases := []struct {
			name, path string
			form       url.Values
		}{
			{"Create", "/admin/agencies", url.Values{"name": {"Harbour Police"}, "kind": {"police"}, "default_distribution": {"partners"}, "default_tlp": {"PURPLE"}}},
			{"Edit", fmt.Sprintf("/admin/agencies/%d", id), url.Values{"name": {"Anti-Trafficking Division"}, "kind": {"police"},
				"default_distribution": {"partners"}, "default_tlp": {"PURPLE"}}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				focal.Get(t, "/admin/agencies/new")
				resp, body := focal.Post(t, tc.path, tc.form)
				if resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("status %d", resp.StatusCode)
				}
				for _, want := range []string{`<p class="field-error" id="default_distribution-error">Choose who may receive this record`,
					`<p class="field-error" id="default_tlp-error">Choose a TLP label`, `<option value="partners" selected>Named partners</option>`,
					`<option value="PURPLE" selected>PURPLE</option>`} {
					if !strings.Contains(body, want) {
						t.Errorf("page lacks %s", want)
					}
				}
			})
		}
		if a, _ := app.DB.FindAgencyByID(ctx, id); a.DefaultDistribution != vrs.DistStatistics {
			t.Errorf("a refused edit changed the default to %s", a.DefaultDistribution)
		}
	})
	t.Run("IncidentFormTakesThem", func(t *testing.T) {
		shareUser(t, app, "atd-reporter", "atd.reporter", "th-police", vrs.RoleReporter)
		u := app.World.Users["atd-reporter"]
		if _, err := app.DB.UpdateUser(ctx, u.ID, vrs.UserUpdate{CaptureAgencyIDs: &[]int64{id}}); err != nil {
			t.Fatal(err)
		}
		_, body := app.SignIn(t, "atd-reporter").Get(t, "/incidents/new")
		if checkedRadio(body, "distribution") != "statistics" || !strings.Contains(body, `<option value="RED" selected>`) {
			t.Error("the incident form does not preselect the agency's defaults")
		}
	})
}
