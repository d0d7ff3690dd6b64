package web

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"vrs"
	"vrs/access"
	"vrs/i18n"
)

// claim is what the audience says about user u: the granularity of the
// line that names u's audience (the finest, when two do), the installation
// and those who work for the record's agency in full. It reads the lines,
// not the rule, so that comparing it with access.ReadIncident checks that
// the lines leave no one out and name no one wrongly.
func claim(entries []audienceEntry, ref access.IncidentRef, u *vrs.User) vrs.Granularity {
	if u.System {
		return vrs.GranFull
	}
	works := u.HasRole(vrs.RoleReporter) && slices.Contains(u.CaptureAgencies(), ref.AgencyID) || u.HasRole(vrs.RoleReviewer) && u.AgencyID == ref.AgencyID
	if works {
		return vrs.GranFull
	}
	if !u.HasDataRole() || ref.Status != vrs.StatusValidated {
		return vrs.GranNone
	}
	line := func(kind, country string, agency int64) vrs.Granularity {
		for _, e := range entries {
			if e.Kind == kind && (country == "" || e.Country == country) && (agency == 0 || e.AgencyID == agency) {
				return e.Gran
			}
		}
		return vrs.GranNone
	}
	switch {
	case u.ViewScope == vrs.ViewShared:
		g := line("regional", "", 0)
		if u.Country != ref.Country {
			g = max(g, line("group_agency", u.Country, u.AgencyID))
		}
		return g
	case u.Country == ref.Country:
		if u.AgencyID == ref.AgencyID && (u.ViewScope == vrs.ViewAgency || u.ViewScope == vrs.ViewCountry) {
			return line("agency", "", 0)
		}
		if u.ViewScope == vrs.ViewCountry {
			return line("country", "", 0)
		}
		return vrs.GranNone
	case u.ViewScope == vrs.ViewNone: // no record content, from abroad either
		return vrs.GranNone
	}
	g := line("group_agency", u.Country, u.AgencyID)
	if u.ViewScope == vrs.ViewCountry {
		g = max(g, line("foreign", u.Country, 0))
	}
	return g
}

// TestAudienceAgreesWithRule builds random worlds and asks, for random
// users, whether the audience's lines say what access.ReadIncident
// decides (reciprocity off: the page leaves it to a note).
func TestAudienceAgreesWithRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2025))
	countries := []string{"TH", "VN", "MY", "KH", "LA"}
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	// Agencies 1-10: agency i is in countries[i%5].
	agencyCountry := func(id int64) string { return countries[id%5] }
	grans := []vrs.Granularity{vrs.GranAggregate, vrs.GranPseudonymised, vrs.GranFull}
	types := []vrs.IncidentType{vrs.TypeMigrantSmuggling, vrs.TypeTrafficking}
	roles := [][]vrs.Role{{vrs.RoleAnalyst}, {vrs.RoleReporter}, {vrs.RoleReviewer}, {vrs.RoleRegionalAnalyst}, {vrs.RoleFocalPoint}, {vrs.RoleAnalyst, vrs.RoleReporter}}
	scopes := []vrs.ViewScope{vrs.ViewAgency, vrs.ViewCountry, vrs.ViewShared, vrs.ViewNone}
	const today = "2025-06-01"
	checked := map[vrs.Granularity]int{}
	for world := range 400 {
		w := audienceWorld{Today: today, Members: map[string]bool{}, AgencyCountry: map[int64]string{}}
		for _, c := range countries {
			w.Members[c] = rng.IntN(3) > 0
		}
		for i := range rng.IntN(6) {
			a := &vrs.SharingAgreement{ID: int64(i + 1), Proposer: pick(countries), Partner: pick(countries), Granularity: grans[rng.IntN(3)],
				Status: []vrs.AgreementStatus{vrs.AgreementActive, vrs.AgreementActive, vrs.AgreementRevoked}[rng.IntN(3)], Starts: "2025-01-01"}
			a.Types = []vrs.IncidentType{types[rng.IntN(2)]}
			if rng.IntN(4) == 0 {
				a.DataFrom = "2025-03-01"
			}
			if rng.IntN(5) == 0 {
				a.Ends = "2025-05-31"
			}
			if a.Proposer != a.Partner {
				w.Agreements = append(w.Agreements, a)
			}
		}
		for g := range rng.IntN(3) {
			grp := &vrs.SharingGroup{ID: int64(g + 1)}
			for range rng.IntN(3) {
				grp.Countries = append(grp.Countries, pick(countries))
			}
			for range rng.IntN(3) {
				id := int64(rng.IntN(10) + 1)
				grp.AgencyIDs = append(grp.AgencyIDs, id)
				w.AgencyCountry[id] = agencyCountry(id)
			}
			w.Groups = append(w.Groups, grp)
		}
		agency := int64(rng.IntN(10) + 1)
		ref := access.IncidentRef{ID: 1, AgencyID: agency, Country: agencyCountry(agency), Type: types[rng.IntN(2)],
			Status:     []vrs.IncidentStatus{vrs.StatusValidated, vrs.StatusValidated, vrs.StatusSubmitted}[rng.IntN(3)],
			DetectedOn: []string{"2025-02-01", "2025-04-01"}[rng.IntN(2)], Distribution: vrs.Distributions[rng.IntN(len(vrs.Distributions))]}
		if ref.Distribution == vrs.DistPartners {
			for range rng.IntN(3) {
				if c := pick(countries); c != ref.Country && !slices.Contains(ref.ShareCountries, c) {
					ref.ShareCountries = append(ref.ShareCountries, c)
				}
			}
			for _, g := range w.Groups {
				if rng.IntN(2) == 0 {
					ref.ShareGroups = append(ref.ShareGroups, g.ID)
				}
			}
		}
		entries := recordAudience(ref, w)
		sh := &access.Sharing{Today: today, Members: w.Members, Agreements: w.Agreements, Groups: w.Groups}
		for n := range 60 {
			id := int64(rng.IntN(12) + 1) // 11 and 12: agencies no group names
			u := &vrs.User{ID: int64(n + 1), AgencyID: id, Country: agencyCountry(id), Roles: roles[rng.IntN(len(roles))], ViewScope: scopes[rng.IntN(len(scopes))]}
			if rng.IntN(8) == 0 {
				u.CaptureAgencyIDs = []int64{ref.AgencyID}
			}
			want := access.ReadIncident(u, sh, ref)
			if got := claim(entries, ref, u); got != want {
				t.Fatalf("world %d: %+v\nuser %+v\nthe audience says %s, the rule %s\nentries %+v\nagreements %s", world, ref, u, got, want, entries, agreementsText(w.Agreements))
			}
			checked[want]++
		}
	}
	for _, g := range []vrs.Granularity{vrs.GranNone, vrs.GranAggregate, vrs.GranPseudonymised, vrs.GranFull} {
		if checked[g] < 50 {
			t.Errorf("only %d users read at %s: the worlds do not test it", checked[g], g)
		}
	}
}

func agreementsText(as []*vrs.SharingAgreement) string {
	var s string
	for _, a := range as {
		s += fmt.Sprintf("%+v ", *a)
	}
	return s
}

// TestRecordAudience checks the lines of a fixed world: who is named, at
// which granularity, through which agreement.
func TestRecordAudience(t *testing.T) {
	w := audienceWorld{Today: "2025-06-01", Members: map[string]bool{"TH": true, "VN": true, "MY": true, "KH": true},
		Agreements: []*vrs.SharingAgreement{
			{ID: 3, Proposer: "TH", Partner: "VN", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling}, Granularity: vrs.GranPseudonymised, Status: vrs.AgreementActive, Starts: "2025-01-01"},
			{ID: 4, Proposer: "MY", Partner: "TH", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling}, Granularity: vrs.GranFull, Status: vrs.AgreementActive, Starts: "2025-01-01"},
		},
		Groups:        []*vrs.SharingGroup{{ID: 7, Countries: []string{"KH"}, AgencyIDs: []int64{42}}},
		AgencyCountry: map[int64]string{42: "MY"},
	}
	ref := access.IncidentRef{AgencyID: 1, Country: "TH", Type: vrs.TypeMigrantSmuggling, DetectedOn: "2025-03-01", Status: vrs.StatusDraft}
	lines := func(d vrs.Distribution, countries []string, groups []int64) string {
		r := ref
		r.Distribution, r.ShareCountries, r.ShareGroups = d, countries, groups
		var out string
		for _, e := range recordAudience(r, w) {
			out += fmt.Sprintf("%s:%s:%d:%s:%d:%v ", e.Kind, e.Country, e.AgencyID, e.Gran, e.Agreement, e.Named)
		}
		return out
	}
	cases := []struct {
		name, got, want string
	}{
		{"Agency", lines(vrs.DistAgency, nil, nil), "agency:TH:1:full:0:false country:TH:0:none:0:false regional::0:none:0:false "},
		{"Country", lines(vrs.DistCountry, nil, nil), "agency:TH:1:full:0:false country:TH:0:full:0:false regional::0:none:0:false "},
		{"Community", lines(vrs.DistCommunity, nil, nil),
			"agency:TH:1:full:0:false country:TH:0:full:0:false regional::0:pseudonymised:0:false foreign:MY:0:full:4:false foreign:VN:0:pseudonymised:3:false "},
		{"Statistics", lines(vrs.DistStatistics, nil, nil),
			"agency:TH:1:full:0:false country:TH:0:aggregate:0:false regional::0:aggregate:0:false foreign:MY:0:aggregate:4:false foreign:VN:0:aggregate:3:false "},
		{"PartnersNamedWithoutAgreement", lines(vrs.DistPartners, []string{"VN"}, []int64{7}),
			"agency:TH:1:full:0:false country:TH:0:full:0:false regional::0:none:0:false foreign:KH:0:none:0:true foreign:VN:0:pseudonymised:3:true group_agency:MY:42:full:4:true "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("\n got %s\nwant %s", tc.got, tc.want)
			}
		})
	}
}

// TestSharingUIKeysExist checks the catalogue keys the sharing parts of
// the incident, agency and settings pages complete at run time.
func TestSharingUIKeysExist(t *testing.T) {
	cat := i18n.MustLoad()
	var keys []string
	for _, tl := range vrs.TLPs {
		keys = append(keys, "incident.share.tlp_meaning."+tlpKeys[tl])
	}
	for _, d := range vrs.Distributions {
		keys = append(keys, "incident.share.dist."+string(d), "incident.share.dist."+string(d)+".hint")
	}
	for _, p := range vrs.Purposes {
		keys = append(keys, "incident.purpose."+p)
	}
	for _, g := range []vrs.Granularity{vrs.GranNone, vrs.GranAggregate, vrs.GranPseudonymised, vrs.GranFull} {
		keys = append(keys, "incident.audience.sees."+g.String(), "incident.audience.see."+g.String(), "incident.audience.you."+g.String())
	}
	for _, d := range vrs.SettingDefs {
		for _, c := range d.Choices {
			keys = append(keys, "admin.setting_choice."+d.Key+"."+c)
		}
	}
	for _, k := range keys {
		if !cat.Has(i18n.Fallback, k) {
			t.Errorf("missing key %q", k)
		}
	}
}
