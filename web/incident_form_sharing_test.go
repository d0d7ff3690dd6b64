package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"vrs"
	"vrs/auth"
	"vrs/internal/apptest"
	"vrs/storetest"
)

// shareUser adds a user who signs in like the world's (no second factor:
// give it no role that needs one).
func shareUser(t *testing.T, app *apptest.App, key, name, agency string, roles ...vrs.Role) *vrs.User {
	t.Helper()
	hash, err := auth.NewHasher(auth.TestParams, 1).Hash(context.Background(), apptest.Password)
	if err != nil {
		t.Fatal(err)
	}
	u := &vrs.User{Name: name, FullName: name, AgencyID: app.World.Agencies[agency].ID, Roles: roles, PasswordHash: hash}
	if err := app.DB.CreateUser(storetest.System(), u); err != nil {
		t.Fatalf("user %s: %v", key, err)
	}
	app.World.Users[key] = u
	return u
}

// checkedRadio returns the value of the checked radio button named name.
func checkedRadio(body, name string) string {
	m := regexp.MustCompile(`<input type="radio" name="` + name + `" id="[^"]*" value="([^"]*)" checked`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// wantShareError checks that an error of the sharing part is shown next to
// the input with id (described by it, marked invalid) and linked from the
// summary.
func wantShareError(t *testing.T, body, id, text string) {
	t.Helper()
	m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(id) + `-error">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Errorf("%s: no error next to it", id)
		return
	}
	if !strings.Contains(m[1], htmlEscape(text)) {
		t.Errorf("%s: error %q, want %q", id, m[1], text)
	}
	if !regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*aria-describedby="[^"]*` + regexp.QuoteMeta(id) + `-error`).MatchString(body) {
		t.Errorf("%s: not described by its error", id)
	}
	if !strings.Contains(body, `href="#`+id+`"`) {
		t.Errorf("%s: the summary does not link to it", id)
	}
}

func TestIncidentFormSharing(t *testing.T) {
	app := apptest.New(t, "sqlite")
	w := app.World
	ctx := storetest.System()
	rep := app.SignIn(t, "reporter")
	group := &vrs.SharingGroup{Name: "Mekong partners", Releasability: "Law enforcement of the Mekong countries", Owner: "TH", Countries: []string{"KH", "LA"}}
	if err := app.DB.CreateSharingGroup(storetest.As(w.Users["focal_point"]), group); err != nil {
		t.Fatalf("group: %v %v", err, vrs.AsError(err).Fields)
	}

	t.Run("NewOffersAgencyDefaults", func(t *testing.T) {
		community, green := vrs.DistCommunity, vrs.TLPGreen
		if _, err := app.DB.UpdateAgency(ctx, w.Agencies["th-police"].ID, vrs.AgencyUpdate{DefaultDistribution: &community, DefaultTLP: &green}); err != nil {
			t.Fatal(err)
		}
		defer func() {
			country, amber := vrs.DistCountry, vrs.TLPAmber
			app.DB.UpdateAgency(ctx, w.Agencies["th-police"].ID, vrs.AgencyUpdate{DefaultDistribution: &country, DefaultTLP: &amber})
		}()
		_, body := rep.Get(t, "/incidents/new")
		if got := checkedRadio(body, "distribution"); got != "community" {
			t.Errorf("distribution %q preselected, want the agency's community", got)
		}
		if !regexp.MustCompile(`<label for="f-distribution-community">The whole reporting community <span class="default">\(your agency&#39;s default\)</span></label>`).MatchString(body) {
			t.Error("the agency's default is not marked")
		}
		if !regexp.MustCompile(`<option value="GREEN" selected>TLP:GREEN – limited disclosure, within the recipient&#39;s community \(your agency&#39;s default\)</option>`).MatchString(body) {
			t.Error("the agency's TLP label is not preselected with its meaning")
		}
		for _, want := range []string{"Only Royal Thai Police sees this record.", "Every agency of Thailand sees it once it is validated.",
			`value="VN"`, `<label for="f-share_groups-` + fmt.Sprint(group.ID) + `">`, "Mekong partners", "Law enforcement of the Mekong countries",
			`name="narrative_shareable" value="1"`, "TLP:RED – for the eyes and ears of individual recipients only"} {
			if !strings.Contains(body, htmlEscape(want)) && !strings.Contains(body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
		if strings.Contains(body, `id="f-share_countries-TH"`) {
			t.Error("the own country is offered as a partner")
		}
	})

	var id int64
	t.Run("RoundTripWithPartners", func(t *testing.T) {
		f := interception("TH-SHARE-1")
		f.Set("distribution", "partners")
		f["share_countries"] = []string{"VN", "MY"}
		f["share_groups"] = []string{fmt.Sprint(group.ID)}
		f.Set("tlp", "AMBER+STRICT")
		f.Set("narrative_shareable", "1")
		rep.Get(t, "/incidents/new")
		resp, body := rep.Post(t, "/incidents", f)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d: %s", resp.StatusCode, summaryOf(body))
		}
		fmt.Sscanf(resp.Header.Get("Location"), "/incidents/%d", &id)
		inc, err := app.DB.FindIncident(storetest.As(w.Users["reporter"]), id)
		if err != nil {
			t.Fatal(err)
		}
		if inc.Distribution != vrs.DistPartners || inc.TLP != vrs.TLPAmberStrict || strings.Join(inc.ShareCountries, ",") != "MY,VN" ||
			len(inc.ShareGroups) != 1 || inc.ShareGroups[0] != group.ID || !inc.NarrativeShareable {
			t.Fatalf("stored %s %s %v %v %v", inc.Distribution, inc.TLP, inc.ShareCountries, inc.ShareGroups, inc.NarrativeShareable)
		}
		_, body = rep.Get(t, fmt.Sprintf("/incidents/%d/edit", id))
		if got := checkedRadio(body, "distribution"); got != "partners" {
			t.Errorf("edit form: distribution %q", got)
		}
		for _, want := range []string{`id="f-share_countries-VN" name="share_countries" value="VN" checked`, `id="f-share_countries-MY" name="share_countries" value="MY" checked`,
			fmt.Sprintf(`name="share_groups" value="%d" checked`, group.ID), `<option value="AMBER&#43;STRICT" selected>`, `name="narrative_shareable" value="1" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("edit form lacks %s", want)
			}
		}
		if strings.Contains(body, `value="KH" checked`) {
			t.Error("a country of the group shows as named")
		}
		// Back to the country: partners unchecked, label cleared to the
		// form's choice.
		e := interception("TH-SHARE-1")
		e.Set("version", "1")
		e.Set("distribution", "country")
		e.Set("tlp", "GREEN")
		resp, body = rep.Post(t, fmt.Sprintf("/incidents/%d", id), e)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d %s", resp.StatusCode, summaryOf(body))
		}
		inc, _ = app.DB.FindIncident(storetest.As(w.Users["reporter"]), id)
		if inc.Distribution != vrs.DistCountry || inc.TLP != vrs.TLPGreen || len(inc.ShareCountries)+len(inc.ShareGroups) != 0 || inc.NarrativeShareable {
			t.Errorf("updated %s %s %v %v %v", inc.Distribution, inc.TLP, inc.ShareCountries, inc.ShareGroups, inc.NarrativeShareable)
		}
	})

	t.Run("ErrorsNextToFields", func(t *testing.T) {
		cases := []struct {
			name string
			set  map[string][]string
			// id of the input the error stands next to, and its text
			id, text string
		}{
			{"ErrPartnersRequired", map[string][]string{"distribution": {"partners"}}, "f-share_countries", "Name at least one partner country or sharing group"},
			{"ErrPartnersUnused", map[string][]string{"distribution": {"country"}, "share_countries": {"VN"}}, "f-share_countries", "apply only to the distribution"},
			{"ErrOwnCountry", map[string][]string{"distribution": {"partners"}, "share_countries": {"VN", "TH"}}, "f-share_countries-TH", "Your own country always sees"},
			{"ErrCountryUnknown", map[string][]string{"distribution": {"partners"}, "share_countries": {"QQ"}}, "f-share_countries-QQ", ""},
			{"ErrGroupUnknown", map[string][]string{"distribution": {"partners"}, "share_groups": {"99999"}}, "f-share_groups-99999", "There is no such sharing group, or your country neither manages it nor belongs to it."},
			{"ErrGroupNotNumber", map[string][]string{"distribution": {"partners"}, "share_groups": {"abc"}}, "f-share_groups", "There is no such sharing group, or your country neither manages it nor belongs to it."},
			{"ErrDistribution", map[string][]string{"distribution": {"everyone"}}, "f-distribution", "Choose who may receive this record"},
			{"ErrTLP", map[string][]string{"tlp": {"PURPLE"}}, "f-tlp", "Choose a TLP label"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				f := interception("TH-SHARE-ERR")
				for k, v := range tc.set {
					f[k] = v
				}
				rep.Get(t, "/incidents/new")
				resp, body := rep.Post(t, "/incidents", f)
				if resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("status %d", resp.StatusCode)
				}
				wantShareError(t, body, tc.id, tc.text)
			})
		}
		if n := countIncidents(t, app, "reporter"); n != 1 {
			t.Errorf("%d incidents stored, want the one of the round trip", n)
		}
	})
}
