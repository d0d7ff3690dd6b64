package demo_test

import (
	"context"
	"slices"
	"testing"

	"vrs"
	"vrs/auth"
	"vrs/demo"
	"vrs/store"
	"vrs/storetest"
)

// demoGroups are the demo groups with made-up ids, for generating
// without a store.
func demoGroups() []*vrs.SharingGroup {
	agencies := demo.DemoAgencies()
	var out []*vrs.SharingGroup
	for i, dg := range demo.Groups {
		g := &vrs.SharingGroup{ID: int64(100 + i), Name: dg.Name, Owner: dg.Owner, Countries: dg.Countries}
		for _, k := range dg.Agencies {
			g.AgencyIDs = append(g.AgencyIDs, agencies[k].ID)
		}
		out = append(out, g)
	}
	return out
}

func TestShare(t *testing.T) {
	g := demo.NewGenerator(3, genEnd, demo.DemoAgencies())
	groups := demoGroups()
	g.UseGroups(groups)
	const n = 4000
	dists := map[vrs.Distribution]int{}
	tlps := map[vrs.TLP]int{}
	withGroups, shareable := 0, 0
	for i := range n {
		inc := g.Incident(i)
		dists[inc.Distribution]++
		tlps[inc.TLP]++
		if !inc.Distribution.Valid() || !inc.TLP.Valid() {
			t.Fatalf("incident %d: distribution %q, TLP %q", i, inc.Distribution, inc.TLP)
		}
		if inc.NarrativeShareable {
			shareable++
		}
		partners := len(inc.ShareCountries) + len(inc.ShareGroups)
		if (inc.Distribution == vrs.DistPartners) != (partners > 0) {
			t.Fatalf("incident %d: distribution %s with %d partners", i, inc.Distribution, partners)
		}
		if inc.Distribution == vrs.DistAgency && inc.TLP != vrs.TLPRed && inc.TLP != vrs.TLPAmberStrict {
			t.Errorf("incident %d: kept in its agency but labelled %s", i, inc.TLP)
		}
		// Partners are countries the incident touches, never its owner.
		touched := map[string]bool{inc.Place.Country: true}
		for _, l := range inc.Legs {
			touched[l.Country] = true
		}
		for _, p := range inc.Persons {
			for _, c := range p.Nationalities {
				touched[c] = true
			}
		}
		for _, c := range inc.Counts {
			touched[c.Nationality] = true
		}
		for _, c := range inc.ShareCountries {
			if c == inc.Country || !touched[c] {
				t.Errorf("incident %d of %s (%s): partner %s", i, inc.Country, inc.Reference, c)
			}
		}
		if len(inc.ShareCountries) > 3 {
			t.Errorf("incident %d: %d partner countries", i, len(inc.ShareCountries))
		}
		// The owner country owns the group or belongs to it.
		for _, id := range inc.ShareGroups {
			withGroups++
			k := slices.IndexFunc(groups, func(g *vrs.SharingGroup) bool { return g.ID == id })
			if k < 0 || groups[k].Owner != inc.Country && !slices.Contains(groups[k].Countries, inc.Country) {
				t.Errorf("incident %d of %s: group %d is neither owned by nor holds its country", i, inc.Country, id)
			}
		}
		if err := inc.Validate(store.CodeLists, genEnd.Format("2006-01-02")); err != nil {
			t.Errorf("incident %d invalid: %v", i, vrs.AsError(err).Fields)
		}
	}
	pct := func(d vrs.Distribution) int { return dists[d] * 100 / n }
	// Mostly community and partners, some country, few agency and statistics.
	if pct(vrs.DistCommunity)+pct(vrs.DistPartners) < 60 || pct(vrs.DistCountry) < 8 || pct(vrs.DistCountry) > 30 ||
		pct(vrs.DistAgency) < 2 || pct(vrs.DistAgency) > 12 || pct(vrs.DistStatistics) < 2 || pct(vrs.DistStatistics) > 12 {
		t.Errorf("distributions %v", dists)
	}
	for _, l := range vrs.TLPs {
		if tlps[l] == 0 {
			t.Errorf("no incident labelled %s: %v", l, tlps)
		}
	}
	if withGroups == 0 || shareable == 0 {
		t.Errorf("%d shared with groups, %d narratives shareable", withGroups, shareable)
	}
	t.Logf("distributions %v, labels %v, %d group shares", dists, tlps, withGroups)
}

// TestShareWithoutGroups: without groups, partners are countries only.
func TestShareWithoutGroups(t *testing.T) {
	g := demo.NewGenerator(3, genEnd, demo.DemoAgencies())
	for i := range 1000 {
		if inc := g.Incident(i); len(inc.ShareGroups) > 0 {
			t.Fatalf("incident %d names groups %v", i, inc.ShareGroups)
		}
	}
}

// TestShareOtherOwner: sharing again after a change of owner drops the new
// owner from the partners, and is the same for the same incident.
func TestShareOtherOwner(t *testing.T) {
	g := demo.NewGenerator(5, genEnd, demo.DemoAgencies())
	for i := range 2000 {
		inc := g.Incident(i)
		if len(inc.ShareCountries) == 0 {
			continue
		}
		inc.Country = inc.ShareCountries[0]
		g.Share(i, inc)
		if slices.Contains(inc.ShareCountries, inc.Country) {
			t.Fatalf("incident %d shared with its new owner %s", i, inc.Country)
		}
		again := *inc
		g.Share(i, &again)
		if again.Distribution != inc.Distribution || again.TLP != inc.TLP || !slices.Equal(again.ShareCountries, inc.ShareCountries) {
			t.Fatalf("incident %d shared two ways", i)
		}
	}
}

// TestSeedSharing: the demo's groups and agreements are accepted by the
// store's own methods, each ending in its planned state.
func TestSeedSharing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		st, ok := any(db).(demo.SharingStore)
		if !ok {
			t.Skip("the store has no agreement and group methods yet")
		}
		ctx := storetest.System()
		accounts, err := demo.Seed(ctx, db, auth.NewHasher(auth.TestParams, 2))
		if err != nil {
			t.Fatal(err)
		}
		as := func(country string) context.Context {
			for _, a := range accounts {
				if a.User.Country == country && a.User.HasRole(vrs.RoleFocalPoint) {
					return storetest.As(a.User)
				}
			}
			return ctx
		}
		agencies, err := db.ListAgencies(ctx, vrs.AgencyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		groups, err := demo.SeedGroups(as, st, demo.StoredAgencies(agencies))
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != len(demo.Groups) || groups[0].ID == 0 {
			t.Errorf("groups %v", groups)
		}
		agreements, err := demo.SeedAgreements(as, st, genEnd)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range agreements {
			if a.Status != demo.Agreements[i].Status {
				t.Errorf("agreement %d (%s–%s): %s, want %s", i, a.Proposer, a.Partner, a.Status, demo.Agreements[i].Status)
			}
		}
	})
}
