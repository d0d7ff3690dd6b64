package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"vrs"
	"vrs/demo"
)

// The world of 'vrs bench sharing': the demo's agencies and records spread
// over many countries, each with agencies of its own, random agreements in
// force between them, and a few sharing groups.

// The benchmark's users, each named for the case it measures.
const (
	shMany     = "bench.many"     // analyst of the country with the most agreements
	shFew      = "bench.few"      // analyst of a country with few agreements
	shReporter = "bench.reporter" // reporter of one agency
	shRegional = "bench.regional" // regional analyst
)

var shUsers = []string{shMany, shFew, shReporter, shRegional}

// Countries of the benchmark's users: Thailand, where most demo records
// are, has the most agreements; Sri Lanka, with few records, few.
const (
	manyCountry = "TH"
	fewCountry  = "LK"
	fewCap      = 3
)

type sharingBuild struct {
	records, countries, agreements int
	seed                           int64
}

// buildSharingWorld fills an empty store: countries (made members), their
// agencies, groups, users, incidents and agreements.
func (c *cli) buildSharingWorld(ctx context.Context, m *Main, b sharingBuild) error {
	sys := system(ctx)
	start := time.Now()
	countries, err := benchCountries(sys, m, b.countries)
	if err != nil {
		return err
	}
	for _, a := range demo.Agencies {
		if err := m.DB.CreateAgency(sys, &vrs.Agency{Country: a.Country, Name: a.Name, Kind: a.Kind}); err != nil {
			return err
		}
	}
	have := map[string]bool{}
	for _, a := range demo.Agencies {
		have[a.Country] = true
	}
	for _, cc := range countries {
		if have[cc] {
			continue
		}
		for _, a := range []*vrs.Agency{{Country: cc, Name: "National Police " + cc, Kind: vrs.KindPolice},
			{Country: cc, Name: "Immigration Service " + cc, Kind: vrs.KindImmigration}} {
			if err := m.DB.CreateAgency(sys, a); err != nil {
				return err
			}
		}
	}
	agencies, err := m.DB.ListAgencies(sys, vrs.AgencyFilter{})
	if err != nil {
		return err
	}
	stored := demo.StoredAgencies(agencies)
	var st demo.SharingStore = m.DB
	groups, err := demo.SeedGroups(func(string) context.Context { return sys }, st, stored)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(uint64(b.seed), 0x62656e6368))
	for k := range 2 {
		g := &vrs.SharingGroup{Name: fmt.Sprintf("Benchmark group %d", k+1), Owner: countries[k], Releasability: "Benchmark data only.",
			Countries: []string{countries[k]}}
		for _, i := range r.Perm(len(countries))[:6] {
			g.Countries = append(g.Countries, countries[i])
		}
		if err := st.CreateSharingGroup(sys, g); err != nil {
			return err
		}
		groups = append(groups, g)
	}
	if err := c.benchSharingUsers(sys, m, agencies); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "bench sharing: %d countries, %d agencies, %d groups; loading %d incidents\n", len(countries), len(agencies), len(groups), b.records)

	g := demo.NewGenerator(b.seed, start.UTC(), stored)
	g.UseGroups(groups)
	src := newSpread(g, agencies, countries, b.seed)
	last := start
	err = demo.LoadIncidents(sys, m.DB, src, b.records, func(done int) {
		if time.Since(last) > 30*time.Second {
			last = time.Now()
			fmt.Fprintf(c.stderr, "bench sharing: %d of %d incidents stored (%.0f s)\n", done, b.records, time.Since(start).Seconds())
		}
	})
	if err != nil {
		return err
	}
	n, err := benchAgreements(sys, st, countries, b.agreements, b.seed, start.UTC())
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "bench sharing: built in %.0f s: %d incidents, %d agreements\n", time.Since(start).Seconds(), b.records, n)
	return nil
}

// benchCountries picks n countries: those of the demo agencies, then the
// other members of the community, then others; it makes them all members.
func benchCountries(sys context.Context, m *Main, n int) ([]string, error) {
	all, err := m.DB.ListCountries(sys, vrs.CountryFilter{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range demo.Agencies {
		if !slices.Contains(out, a.Country) {
			out = append(out, a.Country)
		}
	}
	for _, members := range []bool{true, false} {
		for _, c := range all {
			if c.Member == members && !slices.Contains(out, c.Alpha2) {
				out = append(out, c.Alpha2)
			}
		}
	}
	if n > len(out) {
		return nil, usagef("--countries must be at most %d", len(out))
	}
	out = out[:n]
	for _, c := range all {
		if !c.Member && slices.Contains(out, c.Alpha2) {
			if err := m.DB.SetCountryMember(sys, c.Alpha2, true); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (c *cli) benchSharingUsers(sys context.Context, m *Main, agencies []*vrs.Agency) error {
	find := func(country string, kind vrs.AgencyKind) int64 {
		for _, a := range agencies {
			if a.Country == country && a.Kind == kind {
				return a.ID
			}
		}
		return 0
	}
	for _, u := range []*vrs.User{
		{Name: shMany, AgencyID: find(manyCountry, vrs.KindImmigration), Roles: []vrs.Role{vrs.RoleAnalyst}},
		{Name: shFew, AgencyID: find(fewCountry, vrs.KindCoastGuard), Roles: []vrs.Role{vrs.RoleAnalyst}},
		{Name: shReporter, AgencyID: find(manyCountry, vrs.KindPolice), Roles: []vrs.Role{vrs.RoleReporter}},
		{Name: shRegional, AgencyID: find(manyCountry, vrs.KindRegionalOffice), Roles: []vrs.Role{vrs.RoleRegionalAnalyst}},
	} {
		if u.AgencyID == 0 {
			return fmt.Errorf("bench sharing: no agency for %s", u.Name)
		}
		u.FullName = "VRS benchmark"
		var err error
		if u.PasswordHash, err = m.Hasher.Hash(sys, "bench-"+u.Name+"-not-for-use"); err != nil {
			return err
		}
		if err := m.DB.CreateUser(sys, u); err != nil {
			return err
		}
	}
	return nil
}

// spread is the demo generator with a part of its incidents moved to
// other countries' agencies, fewer the further down the list a country is
// (Zipf-like), and shared again from there.
type spread struct {
	g        *demo.Generator
	agencies []*vrs.Agency
	cum      []float64
	seed     uint64
}

// spreadKeep is the share of incidents left with their demo agency.
const spreadKeep = 35

func newSpread(g *demo.Generator, agencies []*vrs.Agency, countries []string, seed int64) *spread {
	s := &spread{g: g, seed: uint64(seed)}
	total := 0.0
	for _, a := range agencies {
		k := slices.Index(countries, a.Country)
		if k < 0 || a.Kind == vrs.KindRegionalOffice {
			continue
		}
		total += 1 / math.Pow(float64(k+1), 0.8)
		s.agencies = append(s.agencies, a)
		s.cum = append(s.cum, total)
	}
	return s
}

func (s *spread) Incident(i int) *vrs.Incident {
	inc := s.g.Incident(i)
	r := rand.New(rand.NewPCG(s.seed, uint64(i)|3<<62))
	if r.IntN(100) < spreadKeep {
		return inc
	}
	x := r.Float64() * s.cum[len(s.cum)-1]
	k, _ := slices.BinarySearch(s.cum, x)
	a := s.agencies[min(k, len(s.agencies)-1)]
	inc.AgencyID, inc.Country, inc.AgencyName = a.ID, a.Country, a.Name
	s.g.Share(i, inc)
	return inc
}

// benchAgreements makes n agreements in force, proposed and accepted by
// the installation: every other country with manyCountry first (up to a
// third of n), at most fewCap with fewCountry, the rest between random
// pairs, with random types, granularities, data periods and ends.
func benchAgreements(sys context.Context, st demo.SharingStore, countries []string, n int, seed int64, today time.Time) (int, error) {
	r := rand.New(rand.NewPCG(uint64(seed), 0x6167726565))
	var pairs [][2]string
	for i, a := range countries {
		for _, b := range countries[i+1:] {
			pairs = append(pairs, [2]string{a, b})
		}
	}
	r.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	has := func(p [2]string, c string) bool { return p[0] == c || p[1] == c }
	slices.SortStableFunc(pairs, func(a, b [2]string) int {
		switch ha, hb := has(a, manyCountry), has(b, manyCountry); {
		case ha && !hb:
			return -1
		case hb && !ha:
			return 1
		}
		return 0
	})
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	made, many, few := 0, 0, 0
	for _, p := range pairs {
		if made == n {
			break
		}
		if has(p, manyCountry) {
			if many >= max(1, n/3) {
				continue
			}
			many++
		}
		if has(p, fewCountry) {
			if few >= fewCap {
				continue
			}
			few++
		}
		if r.IntN(2) == 0 {
			p[0], p[1] = p[1], p[0]
		}
		a := &vrs.SharingAgreement{Proposer: p[0], Partner: p[1], Starts: day(today), Granularity: vrs.Granularity(1 + r.IntN(3))}
		if r.IntN(5) < 2 {
			a.Types = slices.Clone(vrs.IncidentTypes)
		} else {
			for _, k := range r.Perm(len(vrs.IncidentTypes))[:1+r.IntN(4)] {
				a.Types = append(a.Types, vrs.IncidentTypes[k])
			}
		}
		if r.IntN(2) == 0 {
			from := today.AddDate(-1-r.IntN(5), -r.IntN(12), 0)
			a.DataFrom = day(from)
			if r.IntN(6) == 0 {
				a.DataTo = day(from.AddDate(1+r.IntN(2), 0, 0))
			}
		}
		if r.IntN(5) < 2 {
			a.Ends = day(today.AddDate(1+r.IntN(3), 0, 0))
		}
		if err := st.ProposeAgreement(sys, a); err != nil {
			return made, fmt.Errorf("agreement %s–%s: %w", a.Proposer, a.Partner, err)
		}
		if _, err := st.DecideAgreement(sys, a.ID, true, ""); err != nil {
			return made, fmt.Errorf("agreement %s–%s: %w", a.Proposer, a.Partner, err)
		}
		made++
	}
	return made, nil
}
