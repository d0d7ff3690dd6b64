package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"vrs"
	"vrs/demo"
	"vrs/internal/loadgen"
)

// The world of 'vrs bench analysis': the demo's agencies, sharing groups
// and agreements, the data set, and the benchmark's users, each named for
// the case it measures.

// The users, in the order they are looked for.
const (
	baNational = "bench.analysis.national" // analyst of the country with most records, country view
	baRegional = "bench.analysis.regional" // regional analyst, shared view
	baForeign  = "bench.analysis.foreign"  // analyst of another country, through an agreement
	baWriter   = "bench.analysis.writer"   // reporter of the agency the write benchmark writes for
)

var baUsers = []string{baNational, baRegional, baForeign, baWriter}

// The foreign analyst's country counts the national analyst's country's
// records through the demo agreement between the two (TH–MY: every type,
// full records).
const (
	baHomeCountry    = "TH"
	baForeignCountry = "MY"
	baWriterAgency   = "VRS analysis benchmark writes"
)

// baMeta is how the national analyst's full name records the data set,
// so that a reused store reports what it holds.
const baMeta = "VRS analysis benchmark: %d persons in %d incidents, seed %d"

// analysisWorld is a built or reused benchmark store.
type analysisWorld struct {
	users     map[string]*vrs.User
	writer    *vrs.Agency
	persons   int64
	incidents int
	seed      int64
	// loaded is how long the incidents took to generate and store, built
	// the whole build (agencies, groups, agreements, users too); both
	// zero for a reused store.
	loaded, built time.Duration
}

// findAnalysisWorld finds the benchmark's users in the store: nil when
// the store holds none of them and no incident (a new store).
func findAnalysisWorld(ctx context.Context, m *Main) (*analysisWorld, error) {
	w := &analysisWorld{users: map[string]*vrs.User{}}
	for _, name := range baUsers {
		u, err := m.DB.FindUserByName(ctx, name)
		if vrs.ErrorCode(err) == vrs.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		w.users[name] = u
	}
	switch {
	case len(w.users) == 0:
		var some bool
		if err := m.DB.SQL().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM incidents)`).Scan(&some); err != nil {
			return nil, err
		}
		if some {
			return nil, errors.New("bench analysis: the store holds incidents but not the benchmark's users: give a new --data-dir or --db")
		}
		return nil, nil
	case len(w.users) < len(baUsers):
		return nil, errors.New("bench analysis: the store holds only some of the benchmark's users (an interrupted build?): give a new --data-dir or --db")
	}
	if _, err := fmt.Sscanf(w.users[baNational].FullName, baMeta, &w.persons, &w.incidents, &w.seed); err != nil {
		return nil, fmt.Errorf("bench analysis: the store's data set is not described (%q): give a new --data-dir or --db", w.users[baNational].FullName)
	}
	a, err := m.DB.FindAgencyByID(ctx, w.users[baWriter].AgencyID)
	if err != nil {
		return nil, err
	}
	w.writer = a
	return w, nil
}

// buildAnalysisWorld fills a new store: the demo's agencies and groups,
// incidents of the data set through the bulk path (an initial load on
// SQLite), the demo's agreements and the benchmark's users. The users
// come last, so that a build cut short is never taken for a whole one.
func (c *cli) buildAnalysisWorld(ctx context.Context, m *Main, persons int, seed int64) (*analysisWorld, error) {
	sys := system(ctx)
	start := time.Now()
	for _, a := range demo.Agencies {
		if err := m.DB.CreateAgency(sys, &vrs.Agency{Country: a.Country, Name: a.Name, Kind: a.Kind}); err != nil {
			return nil, err
		}
	}
	writer := &vrs.Agency{Country: baHomeCountry, Name: baWriterAgency, Kind: vrs.KindPolice}
	if err := m.DB.CreateAgency(sys, writer); err != nil {
		return nil, err
	}
	agencies, err := m.DB.ListAgencies(sys, vrs.AgencyFilter{})
	if err != nil {
		return nil, err
	}
	stored := demo.StoredAgencies(agencies)
	delete(stored, demo.AgencyKey(writer.Country, writer.Name))
	as := func(string) context.Context { return sys }
	var st demo.SharingStore = m.DB
	groups, err := demo.SeedGroups(as, st, stored)
	if err != nil {
		return nil, err
	}
	g := demo.NewGenerator(seed, start.UTC(), stored)
	g.UseGroups(groups)
	src := &countingSource{s: loadgen.NewAnalysisSource(g, seed)}
	n := max(1, persons/loadgen.AnalysisPersonsPerIncident)
	fmt.Fprintf(c.stderr, "bench analysis: generating about %d persons in %d incidents (seed %d) into the %s store\n", persons, n, seed, m.DB.Dialect())
	loadStart := time.Now()
	last := loadStart
	err = demo.LoadIncidents(sys, m.DB, src, n, func(done int) {
		if time.Since(last) < 10*time.Second && done < n {
			return
		}
		last = time.Now()
		s := time.Since(loadStart).Seconds()
		fmt.Fprintf(c.stderr, "bench analysis: %d of %d incidents stored in %.0f s: %.0f incidents/s, about %.0f persons/s\n",
			done, n, s, float64(done)/s, src.mean()*float64(done)/s)
	})
	if err != nil {
		return nil, err
	}
	loaded := time.Since(loadStart)
	if _, err := demo.SeedAgreements(as, st, start.UTC()); err != nil {
		return nil, err
	}
	w := &analysisWorld{users: map[string]*vrs.User{}, writer: writer, persons: src.persons.Load(), incidents: n, seed: seed}
	if err := c.analysisUsers(sys, m, agencies, w); err != nil {
		return nil, err
	}
	w.loaded, w.built = loaded, time.Since(start)
	return w, nil
}

// analysisUsers creates the benchmark's users; the national analyst's full
// name describes the data set.
func (c *cli) analysisUsers(sys context.Context, m *Main, agencies []*vrs.Agency, w *analysisWorld) error {
	find := func(country, name string) int64 {
		for _, a := range agencies {
			if a.Country == country && a.Name == name {
				return a.ID
			}
		}
		return 0
	}
	password := make([]byte, 24)
	rand.Read(password)
	for _, u := range []*vrs.User{
		{Name: baNational, FullName: fmt.Sprintf(baMeta, w.persons, w.incidents, w.seed), AgencyID: find(baHomeCountry, "Immigration Bureau"),
			Roles: []vrs.Role{vrs.RoleAnalyst}},
		{Name: baRegional, FullName: "VRS analysis benchmark, regional", AgencyID: find(baHomeCountry, demo.RegionalOffice),
			Roles: []vrs.Role{vrs.RoleRegionalAnalyst}},
		{Name: baForeign, FullName: "VRS analysis benchmark, foreign", AgencyID: find(baForeignCountry, "Royal Malaysia Police"),
			Roles: []vrs.Role{vrs.RoleAnalyst}},
		{Name: baWriter, FullName: "VRS analysis benchmark, writes", AgencyID: w.writer.ID, Roles: []vrs.Role{vrs.RoleReporter}},
	} {
		if u.AgencyID == 0 {
			return fmt.Errorf("bench analysis: no agency for %s", u.Name)
		}
		var err error
		// Nobody signs in as these users: a random password nobody keeps.
		if u.PasswordHash, err = m.Hasher.Hash(sys, hex.EncodeToString(password)); err != nil {
			return err
		}
		if err := m.DB.CreateUser(sys, u); err != nil {
			return err
		}
		w.users[u.Name] = u
	}
	return nil
}

// countingSource counts the persons of the incidents it makes.
type countingSource struct {
	s         *loadgen.AnalysisSource
	persons   atomic.Int64
	incidents atomic.Int64
}

func (c *countingSource) Incident(i int) *vrs.Incident {
	inc := c.s.Incident(i)
	c.persons.Add(int64(loadgen.PersonsOf(inc)))
	c.incidents.Add(1)
	return inc
}

// mean is the persons per incident made so far.
func (c *countingSource) mean() float64 {
	n := c.incidents.Load()
	if n == 0 {
		return 0
	}
	return float64(c.persons.Load()) / float64(n)
}
