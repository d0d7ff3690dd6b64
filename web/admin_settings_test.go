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
	t.Run("OK", func(t *testing.T) {
		admin.Get(t, "/admin/settings")
		resp, _ := admin.Post(t, "/admin/settings", url.Values{vrs.SettingName: {"Regional VRS"}, vrs.SettingSignInNotice: {"For authorised officials only.\nAll use is logged."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		_, body := app.NewClient().Get(t, "/signin")
		if !strings.Contains(body, "For authorised officials only.\nAll use is logged.") {
			t.Error("the sign-in page lacks the notice")
		}
		es, _ := app.DB.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActSetting})
		if len(es) != 2 {
			t.Errorf("%d setting entries in the audit log, want 2", len(es))
		}
	})
}
