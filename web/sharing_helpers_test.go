package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vrs"
	"vrs/auth"
	"vrs/i18n"
	"vrs/internal/apptest"
	"vrs/storetest"
)

// addSharingUsers adds to the app's world what sharing needs: a Lao agency
// with a focal point and a reporter (a third country, party to nothing),
// and a Vietnamese reviewer and analyst. They sign in like the world's.
func addSharingUsers(t *testing.T, app *apptest.App) {
	t.Helper()
	ctx := storetest.System()
	la := &vrs.Agency{Country: "LA", Name: "Lao Police", Kind: vrs.KindPolice}
	if err := app.DB.CreateAgency(ctx, la); err != nil {
		t.Fatal(err)
	}
	app.World.Agencies["la-police"] = la
	hash, err := auth.NewHasher(auth.TestParams, 1).Hash(context.Background(), apptest.Password)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		key, name, agency string
		role              vrs.Role
	}{
		{"la-focal_point", "la.focal", "la-police", vrs.RoleFocalPoint},
		{"la-reporter", "la.reporter", "la-police", vrs.RoleReporter},
		{"vn-reviewer", "vn.reviewer", "vn-police", vrs.RoleReviewer},
		{"vn-analyst", "vn.analyst", "vn-police", vrs.RoleAnalyst},
	} {
		u := &vrs.User{Name: x.name, FullName: x.name, AgencyID: app.World.Agencies[x.agency].ID, Roles: []vrs.Role{x.role}, PasswordHash: hash}
		if err := app.DB.CreateUser(ctx, u); err != nil {
			t.Fatalf("user %s: %v", x.key, err)
		}
		if u.NeedsSecondFactor() {
			secret, _, err := auth.NewTOTP("VRS", u.Name)
			if err != nil {
				t.Fatal(err)
			}
			if err := app.DB.SetSecondFactor(ctx, u.ID, secret, []string{auth.HashRecoveryCode("aaaaa-bbbbb")}); err != nil {
				t.Fatal(err)
			}
			app.Secrets[x.key] = secret
			u.TOTPEnabled = true
		}
		app.World.Users[x.key] = u
	}
}

// validatedIncident stores inc as reporter and has reviewer validate it.
func validatedIncident(t *testing.T, app *apptest.App, reporter, reviewer string, inc *vrs.Incident) *vrs.Incident {
	t.Helper()
	w := app.World
	if err := app.DB.CreateIncident(storetest.As(w.Users[reporter]), inc); err != nil {
		t.Fatalf("create %s: %v %v", inc.Reference, err, vrs.AsError(err).Fields)
	}
	if _, err := app.DB.TransitionIncident(storetest.As(w.Users[reporter]), inc.ID, 1, vrs.StatusSubmitted, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.TransitionIncident(storetest.As(w.Users[reviewer]), inc.ID, 2, vrs.StatusValidated, ""); err != nil {
		t.Fatal(err)
	}
	return inc
}

// wantPage fails unless the response has the status and the body holds
// every wanted text and none of the unwanted.
func wantPage(t *testing.T, resp *http.Response, body string, status int, want []string, lacks ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d\n%s", resp.StatusCode, status, excerpt(body))
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	for _, l := range lacks {
		if strings.Contains(body, l) {
			t.Errorf("page shows %q", l)
		}
	}
}

// TestSharingKeysExist checks the catalogue keys of the sharing pages,
// which the catalogue's own test does not scan ("sharing." is not among
// its prefixes): every key written whole, and every key completed at run
// time from an enumeration.
func TestSharingKeysExist(t *testing.T) {
	cat := i18n.MustLoad()
	files, _ := filepath.Glob("sharing_*.go")
	more, _ := filepath.Glob("templates/sharing_*.html")
	files = append(append(files, more...), "templates/layout.html")
	re := regexp.MustCompile(`"(sharing\.ui\.[a-z0-9_.]*[a-z0-9_])"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			if !cat.Has("en", string(m[1])) {
				t.Errorf("%s: key %q is not in the catalogue", f, m[1])
			}
		}
	}
	var keys []string
	for _, g := range []vrs.Granularity{vrs.GranAggregate, vrs.GranPseudonymised, vrs.GranFull} {
		keys = append(keys, "sharing.ui.gran."+g.String(), "sharing.ui.gran."+g.String()+".hint", "sharing.ui.summary.as."+g.String())
	}
	for _, st := range []vrs.AgreementStatus{vrs.AgreementProposed, vrs.AgreementActive, vrs.AgreementDeclined, vrs.AgreementRevoked} {
		keys = append(keys, "sharing.ui.status."+string(st))
	}
	for _, k := range keys {
		if !cat.Has("en", k) {
			t.Errorf("missing key %q", k)
		}
	}
}
