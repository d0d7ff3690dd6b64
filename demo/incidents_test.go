package demo_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"vrs"
	"vrs/crypt"
	"vrs/demo"
	"vrs/refdata"
	"vrs/rules"
	"vrs/store"
)

var genEnd = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func hashIncidents(t *testing.T, seed int64, n int) string {
	t.Helper()
	g := demo.NewGenerator(seed, genEnd, demo.DemoAgencies())
	h := sha256.New()
	for i := range n {
		b, err := json.Marshal(g.Incident(i))
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestGeneratorDeterministic(t *testing.T) {
	a, b := hashIncidents(t, 42, 500), hashIncidents(t, 42, 500)
	if a != b {
		t.Errorf("same seed, different incidents: %s != %s", a, b)
	}
	if c := hashIncidents(t, 43, 500); c == a {
		t.Errorf("another seed gave the same incidents")
	}
}

func TestGeneratedIncidentsValid(t *testing.T) {
	set, err := rules.Compile(rules.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	today := genEnd.Format(time.DateOnly)
	g := demo.NewGenerator(7, genEnd, demo.DemoAgencies())
	n := 5000
	if testing.Short() {
		n = 1000
	}
	types := map[vrs.IncidentType]int{}
	statuses := map[vrs.IncidentStatus]int{}
	failures := 0
	for i := range n {
		inc := g.Incident(i)
		types[inc.Type]++
		statuses[inc.Status]++
		fields := map[string]string{}
		if err := inc.Validate(store.CodeLists, today); err != nil {
			fields = vrs.AsError(err).Fields
		}
		for f, m := range set.Check(inc, today) {
			fields[f] = m
		}
		if inc.Place.Lat != nil {
			margin := 0.5
			if inc.Place.Kind == vrs.PlaceAtSea {
				margin = 4
			}
			if in, known := refdata.InCountryBounds(inc.Place.Country, *inc.Place.Lat, *inc.Place.Lon, margin); !known || !in {
				fields["place.lat"] = "outside"
			}
		}
		if inc.Status == vrs.StatusReturned && inc.ReviewNote == "" {
			fields["review_note"] = "missing"
		}
		if len(fields) > 0 {
			failures++
			if failures <= 5 {
				b, _ := json.MarshalIndent(inc, "", " ")
				t.Errorf("incident %d invalid: %v\n%s", i, fields, b)
			}
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d incidents invalid", failures, n)
	}
	for _, ty := range vrs.IncidentTypes {
		if types[ty] == 0 {
			t.Errorf("no incident of type %s", ty)
		}
	}
	for _, s := range vrs.IncidentStatuses {
		if statuses[s] == 0 {
			t.Errorf("no incident with status %s", s)
		}
	}
	t.Logf("types %v statuses %v", types, statuses)
}

// TestHiddenNetwork: phones of the network recur across incidents of
// several countries, and the ground truth lists them.
func TestHiddenNetwork(t *testing.T) {
	g := demo.NewGenerator(11, genEnd, demo.DemoAgencies())
	n := 3000
	type seen struct {
		incidents map[int]bool
		countries map[string]bool
	}
	phones := map[string]*seen{}
	for i := range n {
		inc := g.Incident(i)
		for _, p := range inc.Persons {
			for _, id := range p.Identifiers {
				if id.Kind != "phone" {
					continue
				}
				k := crypt.Normalize(id.Kind, id.Value)
				s := phones[k]
				if s == nil {
					s = &seen{map[int]bool{}, map[string]bool{}}
					phones[k] = s
				}
				s.incidents[i] = true
				s.countries[inc.Country] = true
			}
		}
	}
	recurring := 0
	for _, s := range phones {
		if len(s.incidents) >= 3 && len(s.countries) >= 2 {
			recurring++
		}
	}
	if recurring == 0 {
		t.Fatal("no phone recurs in 3 incidents of 2 countries")
	}
	truth := g.Truth(n)
	multi, names := 0, 0
	for _, a := range truth {
		if len(a.Appearances) >= 3 {
			multi++
		}
		if len(a.Phones) == 0 || len(a.Accounts) == 0 {
			t.Errorf("actor %d without phone or account", a.ID)
		}
	}
	// The same actor is written several ways.
	for _, a := range truth[:min(20, len(truth))] {
		written := map[string]bool{}
		for _, ap := range a.Appearances {
			inc := g.Incident(ap.Index)
			if inc.Reference != ap.Reference {
				t.Fatalf("appearance reference %s, incident %s", ap.Reference, inc.Reference)
			}
			i := slices.IndexFunc(inc.Persons, func(p vrs.Person) bool { return p.Key == ap.PersonKey })
			if i < 0 {
				t.Fatalf("actor %d: no person %s in %s", a.ID, ap.PersonKey, ap.Reference)
			}
			if inc.Persons[i].Name != "" {
				written[inc.Persons[i].Name] = true
			}
		}
		if len(written) > 1 {
			names++
		}
	}
	if multi < 10 || names < 5 {
		t.Errorf("%d actors appear 3+ times, %d of 20 written several ways", multi, names)
	}
	t.Logf("%d recurring phones, %d actors (%d with 3+ appearances)", recurring, len(truth), multi)
}
