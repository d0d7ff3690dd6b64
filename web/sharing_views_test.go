package web_test

import (
	"fmt"
	"strings"
	"testing"

	"vrs"
	"vrs/internal/apptest"
	"vrs/storetest"
)

func TestSharingViewsPage(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testSharingViewsPage(t, dialect) })
	}
}

// testSharingViewsPage has a Vietnamese analyst read a Thai record, once
// pseudonymised and once in full with a purpose, and shows both reads to
// Thailand's focal point and to nobody else.
func testSharingViewsPage(t *testing.T, dialect string) {
	app := apptest.New(t, dialect)
	addSharingUsers(t, app)
	w := app.World
	th := storetest.Interception(w.Agencies["th-police"].ID, "TH-SHARED-1")
	th.Distribution = vrs.DistCommunity
	validatedIncident(t, app, "reporter", "reviewer", th)
	vn := storetest.Interception(w.Agencies["vn-police"].ID, "VN-SHARED-1")
	vn.Place = vrs.Place{Country: "VN", Name: "Lao Cai", Kind: "border_crossing"}
	vn.Legs[1].Country, vn.Legs[1].Place = "VN", "Lao Cai"
	vn.Distribution = vrs.DistCommunity
	validatedIncident(t, app, "vn-reporter", "vn-reviewer", vn)
	a := &vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling}, Granularity: vrs.GranFull, Starts: "2025-01-01"}
	if err := app.DB.ProposeAgreement(storetest.As(w.Users["focal_point"]), a); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.DecideAgreement(storetest.As(w.Users["vn-focal_point"]), a.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	analyst := storetest.As(w.Users["vn-analyst"])
	if _, err := app.DB.FindIncident(analyst, th.ID); err != nil {
		t.Fatal(err)
	}
	if inc, err := app.DB.FindIncident(vrs.NewContextWithPurpose(analyst, "investigation: case 2025/114"), th.ID); err != nil || inc.Granularity != vrs.GranFull {
		t.Fatalf("full read: %v", err)
	}

	t.Run("OwnerFocalPoint", func(t *testing.T) {
		c := app.SignIn(t, "focal_point")
		resp, body := c.Get(t, "/sharing/views")
		wantPage(t, resp, body, 200, []string{"vn.analyst", "Viet Nam", "Ministry of Public Security", fmt.Sprintf(`href="/incidents/%d"`, th.ID),
			"Full records", "Pseudonymised records", "Criminal investigation", "case 2025/114", `href="/sharing/views" aria-current="page"`})
		full, pseudo := strings.Index(body, "Full records"), strings.Index(body, "Pseudonymised records")
		if full > pseudo {
			t.Error("the newest read is not first")
		}
		if n := strings.Count(body, "vn.analyst"); n != 2 {
			t.Errorf("%d reads listed, want 2", n)
		}
	})
	t.Run("ReaderCountrySeesNone", func(t *testing.T) {
		c := app.SignIn(t, "vn-focal_point")
		resp, body := c.Get(t, "/sharing/views")
		wantPage(t, resp, body, 200, []string{"Nobody from another country has read your records yet."}, "vn.analyst")
	})
	t.Run("ErrNotFocalPoint", func(t *testing.T) {
		for _, key := range []string{"reporter", "analyst", "vn-analyst"} {
			c := app.SignIn(t, key)
			resp, body := c.Get(t, "/sharing/views")
			wantPage(t, resp, body, 403, nil, "case 2025/114", "Full records")
			if strings.Contains(body, `href="/sharing/views"`) {
				t.Errorf("%s is offered the page", key)
			}
		}
	})
}
