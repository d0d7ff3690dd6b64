package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vrs"
	"vrs/internal/apptest"
	"vrs/storetest"
)

func groupForm(name string, countries []string, agencies ...int64) url.Values {
	f := url.Values{"name": {name}, "releasability": {"Operational use by member agencies only; no onward release."}, "countries": countries}
	for _, id := range agencies {
		f.Add("agency_ids", strconv.FormatInt(id, 10))
	}
	return f
}

func TestSharingGroupPages(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testSharingGroupPages(t, dialect) })
	}
}

func testSharingGroupPages(t *testing.T, dialect string) {
	app := apptest.New(t, dialect)
	addSharingUsers(t, app)
	w := app.World
	ctx := storetest.System()
	th := app.SignIn(t, "focal_point")
	vn := app.SignIn(t, "vn-focal_point")
	reporter := app.SignIn(t, "reporter")
	laPolice := w.Agencies["la-police"].ID
	groups := func() []*vrs.SharingGroup {
		t.Helper()
		list, err := app.DB.ListSharingGroups(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}

	t.Run("ErrNotFocalPoint", func(t *testing.T) {
		resp, body := reporter.Get(t, "/sharing/groups")
		wantPage(t, resp, body, 200, []string{"Your country manages no sharing group."}, `href="/sharing/groups/new"`)
		resp, body = reporter.Get(t, "/sharing/groups/new")
		wantPage(t, resp, body, 403, []string{"national focal point"}, `name="releasability"`)
		resp, body = reporter.Post(t, "/sharing/groups", groupForm("Mekong", []string{"VN"}))
		wantPage(t, resp, body, 403, []string{"national focal point"})
		if n := len(groups()); n != 0 {
			t.Errorf("%d groups after a refusal", n)
		}
	})
	t.Run("NewForm", func(t *testing.T) {
		resp, body := th.Get(t, "/sharing/groups/new")
		wantPage(t, resp, body, 200, []string{`<select id="countries" name="countries" multiple`, `<option value="VN">Viet Nam (VN)</option>`,
			`<optgroup label="Lao People`, `>Lao Police</option>`, `>Ministry of Public Security</option>`, `name="releasability"`})
	})
	refusals := []struct {
		name string
		form url.Values
		want []string
	}{
		{"ErrEmpty", url.Values{"name": {""}, "releasability": {""}}, []string{`id="name-error">`, `id="releasability-error">This field is required.`,
			`id="countries-error">Add at least one country or agency to the group.`}},
		{"ErrUnknownCountry", groupForm("Mekong", []string{"VN", "XX"}), []string{`id="countries-error">This is not an ISO 3166-1 country code.`}},
		{"ErrUnknownAgency", groupForm("Mekong", nil, 999999), []string{`id="agencies-error">No such agency.`}},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			th.Get(t, "/sharing/groups/new")
			resp, body := th.Post(t, "/sharing/groups", tc.form)
			wantPage(t, resp, body, 400, append(tc.want, `aria-invalid="true"`))
			if n := len(groups()); n != 0 {
				t.Errorf("%d groups after a refusal", n)
			}
		})
	}

	var id int64
	t.Run("Create", func(t *testing.T) {
		th.Get(t, "/sharing/groups/new")
		resp, _ := th.Post(t, "/sharing/groups", groupForm("  Mekong   taskforce ", []string{"VN"}, laPolice))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", resp.StatusCode)
		}
		list := groups()
		if len(list) != 1 || list[0].Name != "Mekong taskforce" || list[0].Owner != "TH" || !slices.Equal(list[0].Countries, []string{"VN"}) ||
			!slices.Equal(list[0].AgencyIDs, []int64{laPolice}) {
			t.Fatalf("stored %+v", list)
		}
		id = list[0].ID
		if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/sharing/groups/%d?flash=sharing_group_created", id) {
			t.Fatalf("location %q", loc)
		}
		resp, body := th.Get(t, resp.Header.Get("Location"))
		wantPage(t, resp, body, 200, []string{"The sharing group has been created.", "Viet Nam, Lao Police (LA)", "no onward release",
			`<option value="VN" selected>`, fmt.Sprintf(`<option value="%d" selected>Lao Police</option>`, laPolice),
			fmt.Sprintf(`href="/sharing/groups/%d/delete"`, id)})
	})
	t.Run("ErrDuplicateName", func(t *testing.T) {
		resp, body := th.Post(t, "/sharing/groups", groupForm("Mekong taskforce", []string{"LA"}))
		wantPage(t, resp, body, 409, []string{`id="name-error">`, `value="Mekong taskforce"`})
	})
	t.Run("OtherCountryReadsOnly", func(t *testing.T) {
		path := fmt.Sprintf("/sharing/groups/%d", id)
		resp, body := vn.Get(t, path)
		wantPage(t, resp, body, 200, []string{"Mekong taskforce", "Only the focal points of Thailand can change this group."},
			`name="releasability"`, path+"/delete")
		resp, body = vn.Post(t, path, groupForm("Taken over", []string{"VN"}))
		wantPage(t, resp, body, 403, []string{"Only a focal point of TH"})
		resp, _ = vn.Get(t, path+"/delete")
		if resp.StatusCode != 403 {
			t.Errorf("delete form for another country: %d", resp.StatusCode)
		}
		resp, _ = vn.Post(t, path+"/delete", url.Values{})
		if resp.StatusCode != 403 {
			t.Errorf("delete by another country: %d", resp.StatusCode)
		}
		if list := groups(); len(list) != 1 || list[0].Name != "Mekong taskforce" {
			t.Errorf("after refusals %+v", list)
		}
		_, body = vn.Get(t, "/sharing/groups")
		if !strings.Contains(body, `id="groups-member"`) || !strings.Contains(body, path) {
			t.Error("Viet Nam is not shown as a member")
		}
		_, body = vn.Get(t, "/sharing")
		if !strings.Contains(body, ">Mekong taskforce</a> <span class=\"muted\">· managed by Thailand") {
			t.Errorf("the country page does not list the group Viet Nam belongs to\n%s", excerpt(body))
		}
	})
	t.Run("Update", func(t *testing.T) {
		path := fmt.Sprintf("/sharing/groups/%d", id)
		th.Get(t, path)
		resp, body := th.Post(t, path, groupForm("Mekong taskforce", nil))
		wantPage(t, resp, body, 400, []string{`id="countries-error">Add at least one country`, "Viet Nam, Lao Police (LA)"})
		resp, _ = th.Post(t, path, groupForm("Mekong taskforce", []string{"LA", "VN"}))
		if resp.StatusCode != 303 || resp.Header.Get("Location") != path+"?flash=sharing_group_saved" {
			t.Fatalf("update: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if list := groups(); !slices.Equal(list[0].Countries, []string{"LA", "VN"}) || len(list[0].AgencyIDs) != 0 {
			t.Errorf("after update %+v", list[0])
		}
	})
	t.Run("Delete", func(t *testing.T) {
		path := fmt.Sprintf("/sharing/groups/%d/delete", id)
		resp, body := th.Get(t, path)
		wantPage(t, resp, body, 200, []string{"Every record distributed to “Mekong taskforce”, of any country, loses that audience at once.",
			"Its members (Lao People", `action="` + path + `"`})
		resp, _ = th.Post(t, path, url.Values{})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/sharing/groups?flash=sharing_group_deleted" {
			t.Fatalf("delete: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if n := len(groups()); n != 0 {
			t.Errorf("%d groups after delete", n)
		}
		if resp, _ := th.Get(t, fmt.Sprintf("/sharing/groups/%d", id)); resp.StatusCode != 404 {
			t.Errorf("deleted group: %d", resp.StatusCode)
		}
		if resp, _ := th.Post(t, path, url.Values{}); resp.StatusCode != 404 {
			t.Errorf("second delete: %d", resp.StatusCode)
		}
	})
}
