package demo

import (
	"math/rand/v2"
	"slices"

	"vrs"
)

// Sharing of the demo records. Each incident gets a distribution and a
// TLP label drawn from a stream of its own (seed, i), so that adding them
// changed none of the incidents' other values; partners are the countries
// its route, place and people touch, and the demo's sharing groups that
// its owner country owns or belongs to (see Groups).

// distWeights are the odds of each distribution (in vrs.Distributions
// order: agency, country, partners, community, statistics) by type. Most
// records travel: to partners on the route or to the whole community.
// Trafficking cases, with victims in them, stay closer more often;
// corruption and money laundering, under investigation, closest.
var distWeights = map[vrs.IncidentType][5]int{
	vrs.TypeIrregularMigration: {4, 14, 27, 47, 8},
	vrs.TypeMigrantSmuggling:   {5, 15, 32, 41, 7},
	vrs.TypeTrafficking:        {9, 20, 37, 27, 7},
	vrs.TypeDocumentFraud:      {6, 18, 28, 42, 6},
	vrs.TypeRelatedConduct:     {14, 30, 30, 21, 5},
}

// tlpWeights are the odds of each label (in vrs.TLPs order: RED,
// AMBER+STRICT, AMBER, GREEN, CLEAR) by distribution: the wider a record
// travels, the more its recipients may usually do with it.
var tlpWeights = map[vrs.Distribution][5]int{
	vrs.DistAgency:     {60, 40, 0, 0, 0},
	vrs.DistCountry:    {5, 45, 50, 0, 0},
	vrs.DistPartners:   {0, 20, 60, 20, 0},
	vrs.DistCommunity:  {0, 0, 35, 50, 15},
	vrs.DistStatistics: {0, 0, 0, 40, 60},
}

func pickIndex(r *rand.Rand, w [5]int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	x := r.IntN(total)
	for i, v := range w {
		if x -= v; x < 0 {
			return i
		}
	}
	return len(w) - 1
}

// UseGroups tells the generator which sharing groups exist (with their
// stored ids, owners and members): incidents distributed to partners name
// those that their owner country owns or belongs to. Call it before
// generating.
func (g *Generator) UseGroups(groups []*vrs.SharingGroup) {
	g.groups = groups
}

// Share sets incident i's distribution, label, partners and whether its
// narrative may travel pseudonymised, from its type, owner and route. It
// draws from a stream of its own, so that a caller that gives an
// incident another owner (vrs bench sharing) can share it again.
func (g *Generator) Share(i int, inc *vrs.Incident) {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)|2<<62))
	w, ok := distWeights[inc.Type]
	if !ok {
		w = distWeights[vrs.TypeMigrantSmuggling]
	}
	inc.Distribution = vrs.Distributions[pickIndex(r, w)]
	inc.ShareCountries, inc.ShareGroups, inc.NarrativeShareable = nil, nil, false
	if inc.Distribution == vrs.DistPartners {
		countries, groups := g.partners(inc)
		// Named countries alone, groups alone, or both.
		switch x := r.IntN(100); {
		case len(groups) == 0 || x < 55 && len(countries) > 0:
			inc.ShareCountries = countries
		case x < 75 || len(countries) == 0:
			inc.ShareGroups = groups[:1+r.IntN(len(groups))]
		default:
			inc.ShareCountries, inc.ShareGroups = countries, groups[:1]
		}
		if len(inc.ShareCountries)+len(inc.ShareGroups) == 0 {
			inc.Distribution = vrs.DistCountry
		}
	}
	inc.TLP = vrs.TLPs[pickIndex(r, tlpWeights[inc.Distribution])]
	if inc.Distribution == vrs.DistPartners || inc.Distribution == vrs.DistCommunity {
		inc.NarrativeShareable = r.IntN(5) < 2
	}
}

// maxPartners bounds the countries a demo record names: the nearest stops
// of its route come first.
const maxPartners = 3

// partners returns the other countries that incident inc touches (route,
// place, nationalities of its people), nearest to its detection first,
// and the groups its owner country may distribute to that reach one of
// those countries or are networks of agencies.
func (g *Generator) partners(inc *vrs.Incident) ([]string, []int64) {
	var countries []string
	add := func(c string) {
		if c != "" && c != inc.Country && !slices.Contains(countries, c) {
			countries = append(countries, c)
		}
	}
	add(inc.Place.Country)
	for k := len(inc.Legs) - 1; k >= 0; k-- {
		add(inc.Legs[k].Country)
	}
	for _, p := range inc.Persons {
		for _, n := range p.Nationalities {
			add(n)
		}
	}
	for _, c := range inc.Counts {
		add(c.Nationality)
	}
	var groups []int64
	for _, gr := range g.groups {
		// Only the owner country and member countries may distribute
		// records to a group (the store refuses others).
		if gr.Owner != inc.Country && !slices.Contains(gr.Countries, inc.Country) {
			continue
		}
		// A network of agencies receives its owner's records; a group
		// of countries those that touch another of its members.
		reaches := len(gr.AgencyIDs) > 0
		for _, c := range countries {
			reaches = reaches || slices.Contains(gr.Countries, c)
		}
		if reaches {
			groups = append(groups, gr.ID)
		}
	}
	if len(countries) > maxPartners {
		countries = countries[:maxPartners]
	}
	slices.Sort(countries)
	return countries, groups
}
