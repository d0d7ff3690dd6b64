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

func TestAdminAgencies(t *testing.T) {
	app := apptest.New(t, "sqlite")
	w := app.World
	ctx := storetest.System()
	focal := app.SignIn(t, "focal_point")
	admin := app.SignIn(t, "admin")
	vnFocal := app.SignIn(t, "vn-focal_point")

	t.Run("ListFocalPointOwnCountry", func(t *testing.T) {
		resp, body := focal.Get(t, "/admin/agencies")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, want := range []string{"Royal Thai Police", "Immigration Bureau", "Regional Support Office", `href="/admin/agencies/new"`} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		if strings.Contains(body, "Ministry of Public Security") {
			t.Error("a Thai focal point sees a Vietnamese agency")
		}
		if strings.Contains(body, `name="country"`) {
			t.Error("a focal point is offered a country filter")
		}
	})
	t.Run("ListAdminCountryFilter", func(t *testing.T) {
		_, body := admin.Get(t, "/admin/agencies")
		if !strings.Contains(body, "Ministry of Public Security") || !strings.Contains(body, "Royal Thai Police") {
			t.Error("an administrator does not see every agency")
		}
		_, body = admin.Get(t, "/admin/agencies?country=VN")
		if !strings.Contains(body, "Ministry of Public Security") || strings.Contains(body, ">Royal Thai Police</a>") {
			t.Error("country filter not applied")
		}
		if !strings.Contains(body, `<option value="VN" selected>`) {
			t.Error("filter select does not show the chosen country")
		}
	})
	t.Run("NewFormFocalPoint", func(t *testing.T) {
		_, body := focal.Get(t, "/admin/agencies/new")
		if strings.Contains(body, `<select id="country"`) || !strings.Contains(body, "Thailand (TH)") {
			t.Error("a focal point's form should fix their own country")
		}
		for _, k := range vrs.AgencyKinds {
			if !strings.Contains(body, `value="`+string(k)+`"`) {
				t.Errorf("kind %s not offered", k)
			}
		}
		if !strings.Contains(body, "Labour inspection") {
			t.Error("kinds are not labelled from the catalogue")
		}
	})
	t.Run("NewFormAdminMembersFirst", func(t *testing.T) {
		_, body := admin.Get(t, "/admin/agencies/new")
		members, others := strings.Index(body, `label="Member countries"`), strings.Index(body, `label="Other countries"`)
		if members < 0 || others < members {
			t.Fatalf("member countries must come first (%d, %d)", members, others)
		}
		if th := strings.Index(body, `value="TH"`); th < members || th > others {
			t.Error("Thailand is not among the member countries")
		}
	})

	var created *vrs.Agency
	t.Run("CreateFocalPoint", func(t *testing.T) {
		focal.Get(t, "/admin/agencies/new")
		resp, _ := focal.Post(t, "/admin/agencies", url.Values{"name": {"  Marine   Police "}, "kind": {"coast_guard"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", resp.StatusCode)
		}
		a, err := app.DB.FindAgencyByName(ctx, "TH", "Marine Police")
		if err != nil {
			t.Fatal(err)
		}
		created = a
		if a.Kind != vrs.KindCoastGuard {
			t.Errorf("kind %s", a.Kind)
		}
		loc := resp.Header.Get("Location")
		if loc != fmt.Sprintf("/admin/agencies/%d?flash=agency_created", a.ID) {
			t.Fatalf("redirect to %q", loc)
		}
		resp, body := focal.Get(t, loc)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "The agency has been created") || !strings.Contains(body, "Marine Police") {
			t.Fatalf("agency page: %d\n%s", resp.StatusCode, excerpt(body))
		}
	})
	t.Run("UnitAndEdit", func(t *testing.T) {
		path := fmt.Sprintf("/admin/agencies/%d", created.ID)
		focal.Get(t, path)
		resp, _ := focal.Post(t, path+"/units", url.Values{"name": {"Andaman Sea Post"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("unit: status %d", resp.StatusCode)
		}
		// The same unit again is a conflict shown by the unit field.
		resp, body := focal.Post(t, path+"/units", url.Values{"name": {"Andaman Sea Post"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Already used by another unit of this agency.") {
			t.Fatalf("duplicate unit: status %d", resp.StatusCode)
		}
		resp, _ = focal.Post(t, path, url.Values{"name": {"Marine Police Division"}, "kind": {"police"}, "disabled": {"on"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: status %d", resp.StatusCode)
		}
		a, _ := app.DB.FindAgencyByID(ctx, created.ID)
		if a.Name != "Marine Police Division" || a.Kind != vrs.KindPolice || !a.Disabled || len(a.Units) != 1 {
			t.Errorf("agency after edit: %+v", a)
		}
		_, body = focal.Get(t, "/admin/agencies")
		if !strings.Contains(body, "Andaman Sea Post") || !strings.Contains(body, `badge off`) {
			t.Error("list shows neither the unit nor the disabled badge")
		}
	})
	t.Run("ErrValidation", func(t *testing.T) {
		focal.Get(t, "/admin/agencies/new")
		resp, body := focal.Post(t, "/admin/agencies", url.Values{"name": {""}, "kind": {"navy"}})
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, want := range []string{`id="name-error">This field is required.`, `id="kind-error">Choose one of the agency kinds.`, `aria-invalid="true"`} {
			if !strings.Contains(body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
		admin.Get(t, "/admin/agencies/new")
		resp, body = admin.Post(t, "/admin/agencies", url.Values{"country": {"VN"}, "name": {"Border Guard Command"}, "kind": {"bogus"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `value="Border Guard Command"`) || !strings.Contains(body, `<option value="VN" selected>`) {
			t.Errorf("submitted values not kept: %d", resp.StatusCode)
		}
	})
	t.Run("ErrDuplicateName", func(t *testing.T) {
		focal.Get(t, "/admin/agencies/new")
		resp, body := focal.Post(t, "/admin/agencies", url.Values{"name": {"Royal Thai Police"}, "kind": {"police"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="name-error">Already used by another agency of this country.`) {
			t.Fatalf("status %d\n%s", resp.StatusCode, excerpt(body))
		}
		resp, body = focal.Post(t, fmt.Sprintf("/admin/agencies/%d", w.Agencies["th-immigration"].ID), url.Values{"name": {"Royal Thai Police"}, "kind": {"immigration"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `value="Royal Thai Police"`) {
			t.Fatalf("edit to a taken name: status %d", resp.StatusCode)
		}
	})
	t.Run("ErrVNFocalPointForgesThaiAgency", func(t *testing.T) {
		vnFocal.Get(t, "/admin/agencies/new")
		resp, _ := vnFocal.Post(t, "/admin/agencies", url.Values{"country": {"TH"}, "name": {"Forged Agency"}, "kind": {"police"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
		if _, err := app.DB.FindAgencyByName(ctx, "TH", "Forged Agency"); vrs.ErrorCode(err) != vrs.ENOTFOUND {
			t.Errorf("forged agency exists: %v", err)
		}
		resp, _ = vnFocal.Post(t, fmt.Sprintf("/admin/agencies/%d/units", w.Agencies["th-police"].ID), url.Values{"name": {"Forged Unit"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("unit in a Thai agency: status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, path := range []string{"/admin/agencies/999999", "/admin/agencies/abc"} {
			if resp, _ := admin.Get(t, path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d", path, resp.StatusCode)
			}
		}
	})
}
