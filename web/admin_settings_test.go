package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vrs"
	"vrs/internal/apptest"
	"vrs/storetest"
)

func TestAdminSettings(t *testing.T) {
	app := apptest.New(t, "sqlite")
	admin := app.SignIn(t, "admin")
	t.Run("OnlyAdministrators", func(t *testing.T) {
		for _, key := range []string{"focal_point", "analyst"} {
			c := app.SignIn(t, key)
			if resp, _ := c.Get(t, "/admin/settings"); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET: %d", key, resp.StatusCode)
			}
			if resp, _ := c.Post(t, "/admin/settings", url.Values{vrs.SettingName: {"Mine"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST: %d", key, resp.StatusCode)
			}
		}
	})
	t.Run("ErrTooLongChangesNothing", func(t *testing.T) {
		admin.Get(t, "/admin/settings")
		resp, body := admin.Post(t, "/admin/settings", url.Values{vrs.SettingName: {"Fine"}, vrs.SettingSignInNotice: {strings.Repeat("x", 1001)}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "too long for this setting") {
			t.Fatalf("too long: %d", resp.StatusCode)
		}
		if s, _ := app.DB.Settings(storetest.System()); len(s) != 0 {
			t.Errorf("a refused form stored %v", s)
		}
	})
	t.Run("ChoicesAsSelect", func(t *testing.T) {
		_, body := admin.Get(t, "/admin/settings")
		for _, want := range []string{`<select id="setting-2" name="sharing.reciprocity"`, `<option value="on" selected>On: only countries that share receive</option>`,
			`<option value="off">Off: agreements alone decide</option>`, `<select id="setting-3" name="sharing.coordinate_decimals"`,
			`<option value="1" selected>1 decimal (about 11 km)</option>`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %s", want)
			}
		}
	})
	t.Run("ErrChoiceChangesNothing", func(t *testing.T) {
		admin.Get(t, "/admin/settings")
		resp, body := admin.Post(t, "/admin/settings", url.Values{vrs.SettingName: {"Fine"}, vrs.SettingReciprocity: {"yes"}})
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("a value not offered: %d", resp.StatusCode)
		}
		if !strings.Contains(body, `<p id="setting-2-error" class="field-error">Choose one of the values offered.</p>`) ||
			!strings.Contains(body, `<option value="yes" selected>yes</option>`) {
			t.Errorf("the refused choice is not shown with its error\n%s", body)
		}
		if s, _ := app.DB.Settings(storetest.System()); len(s) != 0 {
			t.Errorf("a refused form stored %v", s)
		}
	})
	t.Run("OK", func(t *testing.T) {
		admin.Get(t, "/admin/settings")
		// The form as the page sends it: every setting, the choices at
		// their values (reciprocity unchanged, coordinates changed).
		resp, _ := admin.Post(t, "/admin/settings", url.Values{vrs.SettingName: {"Regional VRS"}, vrs.SettingSignInNotice: {"For authorised officials only.\nAll use is logged."},
			vrs.SettingReciprocity: {"on"}, vrs.SettingCoordinateDecimals: {"2"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		_, body := app.NewClient().Get(t, "/signin")
		if !strings.Contains(body, "For authorised officials only.\nAll use is logged.") {
			t.Error("the sign-in page lacks the notice")
		}
		es, _ := app.DB.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActSetting})
		if len(es) != 3 {
			t.Errorf("%d setting entries in the audit log, want 3 (name, notice, decimals)", len(es))
		}
		if s, _ := app.DB.Settings(storetest.System()); s[vrs.SettingCoordinateDecimals] != "2" || vrs.SettingValue(s, vrs.SettingReciprocity) != "on" {
			t.Errorf("stored %v", s)
		}
	})
	t.Run("AbsentLeftAlone", func(t *testing.T) {
		admin.Get(t, "/admin/settings")
		resp, _ := admin.Post(t, "/admin/settings", url.Values{vrs.SettingName: {"Regional VRS"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		if s, _ := app.DB.Settings(storetest.System()); s[vrs.SettingCoordinateDecimals] != "2" || s[vrs.SettingSignInNotice] == "" {
			t.Errorf("a setting the form did not send changed: %v", s)
		}
	})
}
