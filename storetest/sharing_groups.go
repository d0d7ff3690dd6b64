package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"vrs"
	"vrs/store"
)

func testSharingGroups(t *testing.T, db *store.DB) {
	w := sharingWorld(t, db)
	th, vn := As(w.Users["focal_point"]), As(w.Users["vn-focal_point"])
	vnPolice := w.Agencies["vn-police"].ID
	mekong := &vrs.SharingGroup{Name: " Mekong  partners ", Releasability: "Investigators only.", Countries: []string{"la", "VN", "LA"}, AgencyIDs: []int64{vnPolice}}
	if err := db.CreateSharingGroup(th, mekong); err != nil {
		t.Fatalf("create: %v %v", err, vrs.AsError(err).Fields)
	}
	if mekong.Owner != "TH" || mekong.Name != "Mekong partners" || strings.Join(mekong.Countries, ",") != "LA,VN" {
		t.Fatalf("created %+v", mekong)
	}
	// Logged for the owner and for each member country.
	for _, c := range []string{"TH", "LA", "VN"} {
		if e := lastAuditOf(t, db, c); e.Action != vrs.ActGroupCreate || e.ObjectID != fmt.Sprint(mekong.ID) {
			t.Errorf("audit of %s = %+v", c, e)
		}
	}
	group := func(f func(g *vrs.SharingGroup)) *vrs.SharingGroup {
		g := &vrs.SharingGroup{Name: "Other", Releasability: "All.", Countries: []string{"VN"}}
		f(g)
		return g
	}
	cases := []struct {
		name  string
		actor string
		g     *vrs.SharingGroup
		code  string
		field string
	}{
		{"ErrSameName", "focal_point", group(func(g *vrs.SharingGroup) { g.Name = "Mekong partners" }), vrs.ECONFLICT, "name"},
		{"ErrEmpty", "focal_point", group(func(g *vrs.SharingGroup) { g.Countries = nil }), vrs.EINVALID, "countries"},
		{"ErrUnknownCountry", "focal_point", group(func(g *vrs.SharingGroup) { g.Countries = []string{"VN", "ZZ"} }), vrs.EINVALID, "countries[1]"},
		{"ErrUnknownAgency", "focal_point", group(func(g *vrs.SharingGroup) { g.AgencyIDs = []int64{999999} }), vrs.EINVALID, "agency_ids[0]"},
		{"ErrNoName", "focal_point", group(func(g *vrs.SharingGroup) { g.Name = " " }), vrs.EINVALID, "name"},
		{"ErrNoReleasability", "focal_point", group(func(g *vrs.SharingGroup) { g.Releasability = "" }), vrs.EINVALID, "releasability"},
		{"ErrReporter", "reporter", group(func(*vrs.SharingGroup) {}), vrs.EFORBIDDEN, ""},
		{"ErrAdmin", "admin", group(func(*vrs.SharingGroup) {}), vrs.EFORBIDDEN, ""},
		{"ErrSystemWithoutOwner", "", group(func(*vrs.SharingGroup) {}), vrs.EINVALID, "owner"},
		{"OKSameNameOtherOwner", "vn-focal_point", group(func(g *vrs.SharingGroup) { g.Name, g.Countries = "Mekong partners", []string{"TH"} }), "", ""},
		{"OKSystem", "", group(func(g *vrs.SharingGroup) { g.Owner = "LA" }), "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := System()
			if tc.actor != "" {
				ctx = As(w.Users[tc.actor])
			}
			err := db.CreateSharingGroup(ctx, tc.g)
			wantCode(t, err, tc.code)
			if tc.field != "" && vrs.AsError(err).Fields[tc.field] == "" {
				t.Errorf("no error on %s: %v", tc.field, vrs.AsError(err).Fields)
			}
		})
	}
	t.Run("ReadByEveryone", func(t *testing.T) {
		gs, err := db.ListSharingGroups(As(w.Users["la-reporter"]))
		if err != nil || len(gs) != 3 {
			t.Fatalf("list: %d groups, %v", len(gs), err)
		}
		g, err := db.FindSharingGroup(As(w.Users["vn-reporter"]), mekong.ID)
		if err != nil || strings.Join(g.Countries, ",") != "LA,VN" || len(g.AgencyIDs) != 1 || g.AgencyIDs[0] != vnPolice || g.Releasability != "Investigators only." {
			t.Errorf("find: %+v, %v", g, err)
		}
		_, err = db.ListSharingGroups(context.Background())
		wantCode(t, err, vrs.EUNAUTHORIZED)
	})
	t.Run("Update", func(t *testing.T) {
		change := &vrs.SharingGroup{ID: mekong.ID, Name: "Mekong partners", Releasability: "Prosecutors too.", Countries: []string{"VN"}}
		for _, who := range []string{"vn-focal_point", "reporter", "admin"} {
			wantCode(t, db.UpdateSharingGroup(As(w.Users[who]), change), vrs.EFORBIDDEN)
		}
		if err := db.UpdateSharingGroup(th, change); err != nil {
			t.Fatal(err)
		}
		g, _ := db.FindSharingGroup(vn, mekong.ID)
		if g.Owner != "TH" || g.Releasability != "Prosecutors too." || strings.Join(g.Countries, ",") != "VN" || len(g.AgencyIDs) != 0 {
			t.Errorf("updated: %+v", g)
		}
		e := lastAuditOf(t, db, "TH")
		if e.Action != vrs.ActGroupUpdate || !strings.Contains(e.Detail, `"changed":["releasability","countries","agency_ids"]`) {
			t.Errorf("audit = %+v", e)
		}
		second := &vrs.SharingGroup{Name: "Second", Releasability: "x", Countries: []string{"LA"}}
		if err := db.CreateSharingGroup(th, second); err != nil {
			t.Fatal(err)
		}
		second.Name = "Mekong partners"
		wantCode(t, db.UpdateSharingGroup(th, second), vrs.ECONFLICT)
		wantCode(t, db.UpdateSharingGroup(th, &vrs.SharingGroup{ID: 999999, Name: "x", Releasability: "x", Countries: []string{"LA"}}), vrs.ENOTFOUND)
	})
	t.Run("DeleteReachesNobody", func(t *testing.T) {
		inc := Interception(w.Agencies["th-police"].ID, "TH-GROUP-1")
		inc.Distribution, inc.ShareGroups = vrs.DistPartners, []int64{mekong.ID}
		if err := db.CreateIncident(As(w.Users["reporter"]), inc); err != nil {
			t.Fatalf("%v %v", err, vrs.AsError(err).Fields)
		}
		count := func() int {
			var n int
			if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM incident_share_groups WHERE group_id = $1`, mekong.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count() != 1 {
			t.Fatal("the record is not distributed to the group")
		}
		wantCode(t, db.DeleteSharingGroup(vn, mekong.ID), vrs.EFORBIDDEN)
		if err := db.DeleteSharingGroup(th, mekong.ID); err != nil {
			t.Fatal(err)
		}
		_, err := db.FindSharingGroup(th, mekong.ID)
		wantCode(t, err, vrs.ENOTFOUND)
		if count() != 0 {
			t.Error("a deleted group still reaches records")
		}
		if e := lastAuditOf(t, db, "TH"); e.Action != vrs.ActGroupDelete || !strings.Contains(e.Detail, `"records":1`) {
			t.Errorf("audit = %+v", e)
		}
		wantCode(t, db.DeleteSharingGroup(th, mekong.ID), vrs.ENOTFOUND)
	})
}

func testSharingAgencyDefaults(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	fp := As(w.Users["focal_point"])
	if a := w.Agencies["th-police"]; a.DefaultDistribution != vrs.DefaultDistribution || a.DefaultTLP != vrs.DefaultTLP {
		t.Errorf("defaults of a new agency = %s %s", a.DefaultDistribution, a.DefaultTLP)
	}
	cases := []struct {
		name  string
		dist  vrs.Distribution
		tlp   vrs.TLP
		field string
	}{
		{"OK", vrs.DistCommunity, vrs.TLPGreen, ""},
		{"ErrPartners", vrs.DistPartners, vrs.TLPGreen, "default_distribution"},
		{"ErrUnknownDistribution", "world", vrs.TLPGreen, "default_distribution"},
		{"ErrUnknownTLP", vrs.DistCountry, "PINK", "default_tlp"},
	}
	for _, tc := range cases {
		t.Run("Create"+tc.name, func(t *testing.T) {
			a := &vrs.Agency{Country: "TH", Name: "Agency " + tc.name, Kind: vrs.KindLabour, DefaultDistribution: tc.dist, DefaultTLP: tc.tlp}
			err := db.CreateAgency(fp, a)
			if tc.field != "" {
				wantFieldErr(t, err, tc.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := db.FindAgencyByID(fp, a.ID)
			if got.DefaultDistribution != tc.dist || got.DefaultTLP != tc.tlp {
				t.Errorf("stored %s %s", got.DefaultDistribution, got.DefaultTLP)
			}
		})
		t.Run("Update"+tc.name, func(t *testing.T) {
			id := w.Agencies["th-immigration"].ID
			_, err := db.UpdateAgency(fp, id, vrs.AgencyUpdate{DefaultDistribution: &tc.dist, DefaultTLP: &tc.tlp})
			if tc.field != "" {
				wantCode(t, err, vrs.EINVALID)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e := lastAudit(t, db); e.Action != vrs.ActAgencyUpdate || !strings.Contains(e.Detail, "default_distribution") {
				t.Errorf("audit = %+v", e)
			}
			got, _ := db.FindAgencyByID(fp, id)
			if got.DefaultDistribution != tc.dist || got.DefaultTLP != tc.tlp {
				t.Errorf("stored %s %s", got.DefaultDistribution, got.DefaultTLP)
			}
		})
	}
	wantCode(t, func() error {
		d := vrs.DistStatistics
		_, err := db.UpdateAgency(As(w.Users["vn-focal_point"]), w.Agencies["th-police"].ID, vrs.AgencyUpdate{DefaultDistribution: &d})
		return err
	}(), vrs.EFORBIDDEN)

	t.Run("NewIncidents", func(t *testing.T) {
		d, tlp := vrs.DistStatistics, vrs.TLPClear
		if _, err := db.UpdateAgency(fp, w.Agencies["th-police"].ID, vrs.AgencyUpdate{DefaultDistribution: &d, DefaultTLP: &tlp}); err != nil {
			t.Fatal(err)
		}
		reporter := As(w.Users["reporter"])
		plain := Interception(w.Agencies["th-police"].ID, "DEFAULTS-1")
		chosen := Interception(w.Agencies["th-police"].ID, "DEFAULTS-2")
		chosen.Distribution, chosen.TLP = vrs.DistAgency, vrs.TLPRed
		for _, tc := range []struct {
			inc  *vrs.Incident
			dist vrs.Distribution
			tlp  vrs.TLP
		}{{plain, vrs.DistStatistics, vrs.TLPClear}, {chosen, vrs.DistAgency, vrs.TLPRed}} {
			if err := db.CreateIncident(reporter, tc.inc); err != nil {
				t.Fatal(err)
			}
			got, err := db.FindIncident(reporter, tc.inc.ID)
			if err != nil || got.Distribution != tc.dist || got.TLP != tc.tlp {
				t.Errorf("%s: %s %s, %v; want %s %s", tc.inc.Reference, got.Distribution, got.TLP, err, tc.dist, tc.tlp)
			}
		}
	})
}

// lastAuditOf returns the newest audit entry logged for a country.
func lastAuditOf(t *testing.T, db *store.DB, country string) *vrs.AuditEntry {
	t.Helper()
	es, err := db.ListAudit(System(), vrs.AuditFilter{Country: country, Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("audit of %s: %v (%d entries)", country, err, len(es))
	}
	return es[0]
}
