package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"vrs"
)

// Generator makes realistic, entirely synthetic incidents: every type of
// the region's routes over the five years before End, with seasons,
// realistic fees and group sizes, and a hidden network of facilitators
// that recurs across them. Incident i depends only on the seed, the end
// date, the agencies and i, so incidents can be generated in parallel and
// the same seed gives byte-identical incidents.
type Generator struct {
	seed       uint64
	end, start time.Time
	days       int
	agencies   map[string]AgencyRef
	prefixes   map[string]string
	patterns   []*pattern
	cum        []float64
	actors     []*actor
	rings      map[string][]*actor
	groups     []*vrs.SharingGroup
}

// AgencyRef is an agency incidents may belong to.
type AgencyRef struct {
	ID      int64
	Country string
	Name    string
}

// AgencyKey names a demo agency in the agency map: "TH/Royal Thai Police".
func AgencyKey(country, name string) string { return country + "/" + name }

// NewGenerator prepares a generator. end is the last day incidents may
// be detected or reported on; agencies maps AgencyKey to the stored
// agencies (patterns whose agencies are all missing are left out).
func NewGenerator(seed int64, end time.Time, agencies map[string]AgencyRef) *Generator {
	end = time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	g := &Generator{seed: uint64(seed), end: end, agencies: agencies, prefixes: map[string]string{}}
	g.start = end.AddDate(-5, 0, 0)
	g.days = int(end.Sub(g.start).Hours()/24) + 1
	for k := range agencies {
		g.prefixes[k] = prefixOf(k)
	}
	total := 0.0
	for _, p := range patterns {
		ok := false
		for _, d := range p.detect {
			_, ok2 := agencies[d.key]
			ok = ok || ok2
		}
		if !ok {
			continue
		}
		total += p.weight
		g.patterns = append(g.patterns, p)
		g.cum = append(g.cum, total)
	}
	g.buildNetwork()
	return g
}

// DemoAgencies maps the demo agencies (Agencies) to fake ids 1, 2, ...,
// for generating without a store.
func DemoAgencies() map[string]AgencyRef {
	m := map[string]AgencyRef{}
	for i, a := range Agencies {
		m[AgencyKey(a.Country, a.Name)] = AgencyRef{ID: int64(i + 1), Country: a.Country, Name: a.Name}
	}
	return m
}

// prefixOf makes a reference prefix from an agency's initials: "TH-RTP".
func prefixOf(key string) string {
	country, name, _ := strings.Cut(key, "/")
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '–' || r == '-' }) {
		if w == "of" || w == "and" || w == "for" || w == "the" {
			continue
		}
		if c := w[0]; c >= 'A' && c <= 'Z' {
			b.WriteByte(c)
		}
	}
	return country + "-" + b.String()
}

// Incident returns incident i (0-based), ready for the store: normalised
// values, a status, a reference unique in its agency.
func (g *Generator) Incident(i int) *vrs.Incident {
	inc, _ := g.build(i)
	return inc
}

// appearance is a network actor's place in an incident.
type appearance struct {
	actor int
	key   string
}

// builder holds the state of one incident being made.
type builder struct {
	g      *Generator
	r      *rand.Rand
	inc    *vrs.Incident
	p      *pattern
	day    time.Time
	apps   []appearance
	nPers  int
	main   string // main nationality of migrants or victims
	origin site
}

func (b *builder) date(t time.Time) string { return t.Format(time.DateOnly) }

func (g *Generator) build(i int) (*vrs.Incident, []appearance) {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)|1<<62))
	b := &builder{g: g, r: r, inc: &vrs.Incident{Persons: make([]vrs.Person, 0, 8)}}
	x := r.Float64() * g.cum[len(g.cum)-1]
	b.p = g.patterns[len(g.cum)-1]
	for k, c := range g.cum {
		if x < c {
			b.p = g.patterns[k]
			break
		}
	}
	b.day = g.pickDay(r, b.p)
	b.make(i)
	g.Share(i, b.inc)
	return b.inc, b.apps
}

// holidays are days around which movement and detections rise: Tet,
// Songkran, Eid al-Fitr, the year's end.
var holidays = []string{
	"2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17", "2027-02-06",
	"2021-05-13", "2022-05-02", "2023-04-21", "2024-04-10", "2025-03-30", "2026-03-20", "2027-03-10",
}

var holidayDays = func() []time.Time {
	out := make([]time.Time, len(holidays))
	for i, h := range holidays {
		out[i], _ = time.Parse(time.DateOnly, h)
	}
	return out
}()

func holidayFactor(t time.Time) float64 {
	m, d := t.Month(), t.Day()
	if m == time.April && d >= 8 && d <= 20 || m == time.December && d >= 20 || m == time.January && d <= 3 {
		return 1.6
	}
	for _, h := range holidayDays {
		if diff := t.Sub(h).Hours() / 24; diff >= -7 && diff <= 7 {
			return 1.6
		}
	}
	return 1
}

// pickDay draws a detection day with the pattern's season, growth over
// the years and holiday peaks.
func (g *Generator) pickDay(r *rand.Rand, p *pattern) time.Time {
	max := 0.0
	for _, s := range p.season {
		max = math.Max(max, s)
	}
	gmax := 0.0
	for _, v := range p.growth {
		gmax = math.Max(gmax, v)
	}
	max *= gmax * 1.6
	for range 200 {
		d := r.IntN(g.days)
		t := g.start.AddDate(0, 0, d)
		year := min(d*5/g.days, 5)
		w := p.season[t.Month()-1] * p.growth[year] * holidayFactor(t)
		if r.Float64()*max < w {
			return t
		}
	}
	return g.start.AddDate(0, 0, r.IntN(g.days))
}

func ptr[T any](v T) *T { return &v }

func (b *builder) chance(p float64) bool { return b.r.Float64() < p }

func (b *builder) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + b.r.IntN(hi-lo+1)
}

// make fills b.inc.
func (b *builder) make(i int) {
	g, r, p, inc := b.g, b.r, b.p, b.inc
	path := p.paths[r.IntN(len(p.paths))]

	// Who detected it, and where on the path.
	type cand struct {
		agency AgencyRef
		key    string
		pos    []int
		w      float64
	}
	var cands []cand
	total := 0.0
	for _, d := range p.detect {
		a, ok := g.agencies[d.key]
		if !ok {
			continue
		}
		var pos, origin []int
		for k, h := range path {
			if sites[h.site].country == a.Country {
				if k == 0 {
					origin = append(origin, k)
				} else {
					pos = append(pos, k)
				}
			}
		}
		if len(pos) == 0 {
			pos = origin
		}
		if len(pos) > 0 {
			cands = append(cands, cand{a, d.key, pos, d.w})
			total += d.w
		}
	}
	if len(cands) == 0 {
		// The path does not cross any agency's country: detected at the
		// first stop by the pattern's first agency present.
		for _, d := range p.detect {
			if a, ok := g.agencies[d.key]; ok {
				cands = append(cands, cand{a, d.key, []int{0}, 1})
				total = 1
				break
			}
		}
	}
	x := r.Float64() * total
	c := cands[len(cands)-1]
	for _, cd := range cands {
		if x -= cd.w; x < 0 {
			c = cd
			break
		}
	}
	pos := c.pos[r.IntN(len(c.pos))]
	at := sites[path[pos].site]
	if at.country != c.agency.Country {
		// Only possible in the fallback: use the agency's own capital area.
		at = site{c.agency.Country, "", "inland", math.NaN(), 0}
	}
	b.origin = sites[path[0].site]
	inc.AgencyID, inc.Country, inc.AgencyName = c.agency.ID, c.agency.Country, c.agency.Name

	// Dates.
	detected := b.day
	arrived := detected.AddDate(0, 0, -b.between(0, 2))
	if at.kind == "at_sea" {
		arrived = detected
	}
	reported := detected.AddDate(0, 0, b.between(0, 6))
	if reported.After(g.end) {
		reported = g.end
	}
	inc.DetectedOn, inc.ReportedOn = b.date(detected), b.date(reported)
	inc.Reference = fmt.Sprintf("%s-%d-%07d", g.prefixes[c.key], detected.Year(), i+1)

	// Route legs up to the detection, dated backwards from it.
	if p.kind != kindLaundering {
		legs := make([]vrs.RouteLeg, pos+1)
		// arr[k] is the arrival at stop k, dep[k] the departure from it;
		// leg k (k > 0) is the way from stop k-1 to stop k.
		arr, dep := make([]time.Time, pos+1), make([]time.Time, pos+1)
		arr[pos] = arrived
		for k := pos - 1; k >= 0; k-- {
			dep[k] = arr[k+1].AddDate(0, 0, -b.between(path[k+1].days[0], path[k+1].days[1]))
			arr[k] = dep[k].AddDate(0, 0, -b.between(0, 3))
		}
		for k := 0; k <= pos; k++ {
			s := sites[path[k].site]
			l := vrs.RouteLeg{Country: s.country, Place: s.name}
			switch {
			case k == 0:
				l.Role = vrs.LegOrigin
				if len(path) > 1 {
					l.Mode = path[1].mode
				}
				if pos > 0 {
					l.DepartedOn = b.date(dep[0])
				}
			default:
				l.Role = vrs.LegTransit
				if k == len(path)-1 {
					l.Role = vrs.LegDestination
				} else if k == pos {
					l.Role = vrs.LegInterception
				}
				l.Mode = path[k].mode
				l.DepartedOn, l.ArrivedOn = b.date(dep[k-1]), b.date(arr[k])
			}
			legs[k] = l
		}
		// The intended destination, when the journey was cut short.
		if pos < len(path)-1 && pos > 0 && r.IntN(2) == 0 {
			s := sites[path[len(path)-1].site]
			if s.country != at.country {
				legs = append(legs, vrs.RouteLeg{Country: s.country, Place: s.name, Role: vrs.LegDestination, Mode: path[len(path)-1].mode})
			}
		}
		inc.Legs = legs
		inc.OccurredOn = b.date(arrived)
	} else {
		inc.OccurredOn = b.date(detected.AddDate(0, -b.between(1, 24), 0))
	}

	// Place.
	inc.Place = vrs.Place{Country: at.country, Name: at.name, Kind: at.kind}
	if !math.IsNaN(at.lat) && at.name != "" && r.IntN(5) != 0 {
		spread := 0.06
		if at.kind == "at_sea" {
			spread = 0.6
		}
		lat := math.Round((at.lat+(r.Float64()-0.5)*spread)*1e5) / 1e5
		lon := math.Round((at.lon+(r.Float64()-0.5)*spread)*1e5) / 1e5
		inc.Place.Lat, inc.Place.Lon = &lat, &lon
	}
	if at.name == "" {
		inc.Place.Kind = ""
	}
	b.main = pickW(r, p.nats)

	switch p.kind {
	case kindSmuggling, kindSeaSmuggling:
		b.smuggling(at)
	case kindTrafficking, kindScam:
		b.trafficking(at)
	case kindDocFraud:
		b.documentFraud(at)
	case kindCorruption:
		b.corruption(at)
	case kindLaundering:
		b.laundering(at)
	}
	b.status(reported)
	for i := range inc.Persons {
		if p := &inc.Persons[i]; p.Age != nil && p.AgeGroup == "" {
			p.AgeGroup = vrs.AgeGroupOf(*p.Age)
		}
	}
}

// person adds a person and returns its key.
func (b *builder) person(p vrs.Person) string {
	b.nPers++
	p.Key = fmt.Sprintf("p%d", b.nPers)
	b.inc.Persons = append(b.inc.Persons, p)
	return p.Key
}

// someone is a person of a nationality who is not part of the network:
// a migrant, victim or one-off suspect.
func (b *builder) someone(role, nat string, male bool, age int) vrs.Person {
	r := b.r
	p := vrs.Person{Role: role, Nationalities: []string{nat}}
	if male {
		p.Sex = "male"
	} else {
		p.Sex = "female"
	}
	if r.IntN(12) == 0 {
		p.Sex = ""
	}
	if r.IntN(8) != 0 {
		p.Name = newName(r, cultureOf(nat, r), male).canonical()
	}
	if r.IntN(5) == 0 {
		born := b.day.AddDate(-age, -r.IntN(12), -r.IntN(28))
		p.DateOfBirth = b.date(born)
		p.AgeGroup = vrs.AgeGroupOf(age)
	} else if r.IntN(6) != 0 {
		p.Age = ptr(age)
	} else {
		p.AgeGroup = "unknown"
	}
	if r.IntN(7) == 0 {
		p.Identifiers = append(p.Identifiers, vrs.Identifier{Kind: "document_number", Value: docNumber(r, nat), Country: nat})
	}
	if role != vrs.PersonMigrant && role != vrs.PersonVictim && r.IntN(2) == 0 || r.IntN(12) == 0 {
		p.Identifiers = append(p.Identifiers, vrs.Identifier{Kind: "phone", Value: newPhone(r, nat)})
	}
	return p
}

func docNumber(r *rand.Rand, nat string) string {
	letters := "ABCDEFGHJKLMNPRSTUVWXYZ"
	return fmt.Sprintf("%c%c%07d", letters[r.IntN(len(letters))], letters[r.IntN(len(letters))], r.IntN(10_000_000))
}

// adultAge draws the age of a migrant or worker.
func (b *builder) adultAge() int {
	switch b.r.IntN(10) {
	case 0:
		return b.between(12, 17)
	case 1, 2:
		return b.between(35, 55)
	}
	return b.between(18, 34)
}

// actorPerson adds a network actor to the incident as written this time.
func (b *builder) actorPerson(a *actor) string {
	r := b.r
	p := vrs.Person{Role: vrs.PersonSuspect, PerpetratorRoles: []string{a.role}, Nationalities: []string{a.nat}}
	switch a.role {
	case "recruiter":
		if r.IntN(3) == 0 {
			p.Role = vrs.PersonRecruiter
		}
	case "document_supplier", "financier":
		if r.IntN(3) == 0 {
			p.Role = vrs.PersonFacilitator
		}
	}
	if a.male {
		p.Sex = "male"
	} else {
		p.Sex = "female"
	}
	if r.IntN(2) == 0 {
		p.Name = a.name.canonical()
	} else {
		p.Name = a.name.variant(r)
	}
	if r.IntN(10) == 0 {
		p.Name = "" // known only by an alias or a phone
	}
	if r.IntN(3) == 0 || p.Name == "" {
		p.Aliases = []string{a.name.nickname(rand.New(rand.NewPCG(uint64(a.id), 7)))}
	}
	if r.IntN(4) == 0 {
		p.DateOfBirth = a.born
	}
	for _, ph := range a.phones {
		if r.IntN(5) < 3 {
			p.Identifiers = append(p.Identifiers, vrs.Identifier{Kind: "phone", Value: phoneVariant(r, ph)})
		}
	}
	if r.IntN(5) == 0 {
		p.Identifiers = append(p.Identifiers, vrs.Identifier{Kind: "account", Value: pick(r, a.accounts)})
	}
	key := b.person(p)
	b.apps = append(b.apps, appearance{a.id, key})
	return key
}

// network adds up to n actors of the pattern's ring active on the day.
func (b *builder) network(n int) []*actor {
	var out []*actor
	day := b.g.dayOf(b.day)
	for range n {
		a := b.g.pickActor(b.r, b.p.ring, day)
		if a == nil || slices.Contains(out, a) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// fee converts an amount in USD to a currency of the pattern, rounded as
// people pay.
func (b *builder) fee(usd float64) (float64, string) {
	cur := pick(b.r, b.p.currencies)
	rt := usdRate[cur]
	v := math.Round(usd*rt.rate/rt.round) * rt.round
	if v <= 0 {
		v = rt.round
	}
	return v, cur
}

// migrants records total persons: some one by one, the rest in counts.
// It returns the keys of those recorded one by one.
func (b *builder) migrants(role string, total int, status string, sea bool) []string {
	r := b.r
	individual := total
	if total > 8 {
		individual = b.between(1, 4)
		if r.IntN(4) == 0 {
			individual = 0
		}
	}
	femaleShare := 0.2
	if b.main == "MM" && sea || b.p.kind == kindTrafficking && slices.Contains(b.p.exploitation, "sexual_exploitation") {
		femaleShare = 0.55
	}
	var keys []string
	for range individual {
		nat := b.main
		if r.IntN(8) == 0 {
			nat = pickW(r, b.p.nats)
		}
		p := b.someone(role, nat, !b.chance(femaleShare), b.adultAge())
		p.Status = status
		keys = append(keys, b.person(p))
	}
	rest := total - individual
	if rest <= 0 {
		return keys
	}
	cells := map[vrs.AggregateCount]int{}
	add := func(c vrs.AggregateCount, n int) {
		if n > 0 {
			cells[c] += n
		}
	}
	dead := 0
	if sea && r.IntN(6) == 0 {
		dead = min(rest/3, b.between(1, 40))
	}
	missing := 0
	if sea && r.IntN(8) == 0 {
		missing = min((rest-dead)/3, b.between(1, 60))
	}
	alive := rest - dead - missing
	childShare := 0.05
	if sea && b.main == "MM" {
		childShare = 0.25
	}
	// Large groups are counted as officers count them: men, women and
	// children.
	split := func(n int, status string) {
		children := int(math.Round(float64(n) * childShare * b.r.Float64() * 2))
		children = min(children, n)
		women := int(math.Round(float64(n-children) * femaleShare))
		add(vrs.AggregateCount{Role: role, Nationality: b.main, Sex: "male", Status: status}, n-children-women)
		add(vrs.AggregateCount{Role: role, Nationality: b.main, Sex: "female", Status: status}, women)
		young := children / 3
		add(vrs.AggregateCount{Role: role, Nationality: b.main, AgeGroup: "0-11", Status: status}, young)
		add(vrs.AggregateCount{Role: role, Nationality: b.main, AgeGroup: "12-17", Status: status}, children-young)
	}
	split(alive, status)
	if dead > 0 {
		add(vrs.AggregateCount{Role: role, Nationality: b.main, Status: "deceased"}, dead)
	}
	if missing > 0 {
		add(vrs.AggregateCount{Role: role, Nationality: b.main, Status: "missing"}, missing)
	}
	var counts []vrs.AggregateCount
	for c, n := range cells {
		c.Count = n
		counts = append(counts, c)
	}
	slices.SortFunc(counts, func(x, y vrs.AggregateCount) int {
		return strings.Compare(x.Status+x.AgeGroup+x.Sex+x.Nationality, y.Status+y.AgeGroup+y.Sex+y.Nationality)
	})
	b.inc.Counts = counts
	return keys
}

func (b *builder) groupSize() int {
	if b.chance(b.p.largeShare) {
		return b.between(b.p.large[0], b.p.large[1])
	}
	return b.between(b.p.small[0], b.p.small[1])
}

func (b *builder) total() {
	n := len(b.inc.Persons)
	for _, c := range b.inc.Counts {
		n += c.Count
	}
	b.inc.PersonsInvolved = ptr(n)
}

func (b *builder) smuggling(at site) {
	r, inc, p := b.r, b.inc, b.p
	sea := p.kind == kindSeaSmuggling
	size := b.groupSize()
	status := "intercepted"
	switch {
	case at.kind == "at_sea" && r.IntN(3) == 0:
		status = "rescued"
	case at.kind != "at_sea" && r.IntN(2) == 0:
		status = "detained"
	case at.kind == "border_crossing" && r.IntN(3) == 0:
		status = "detected"
	}
	migrants := b.migrants(vrs.PersonMigrant, size, status, sea)
	// Facilitators: often none are caught, especially on land routes.
	facilitated := sea || r.IntN(10) < 6
	if p.key == "kh_la_th_labour" {
		facilitated = r.IntN(10) < 3
	}
	var suspects []string
	var transporter *actor
	if facilitated {
		for _, a := range b.network(b.between(0, 2)) {
			suspects = append(suspects, b.actorPerson(a))
			if a.vessel != nil || a.role == "transporter" {
				transporter = a
			}
		}
		if len(suspects) == 0 || r.IntN(3) == 0 {
			nat := b.origin.country
			if r.IntN(2) == 0 {
				nat = at.country
			}
			if _, ok := phoneFormats[nat]; !ok {
				nat = b.main
			}
			s := b.someone(vrs.PersonSuspect, nat, true, b.between(22, 55))
			s.PerpetratorRoles = []string{pick(r, []string{"transporter", "guide", "transporter", "smuggler"})}
			s.Status = "detained"
			suspects = append(suspects, b.person(s))
		}
	}
	// Fees.
	if len(suspects) > 0 && len(migrants) > 0 && r.IntN(10) < 7 {
		payers := migrants
		if len(payers) > 3 {
			payers = payers[:3]
		}
		payee := suspects[0]
		for _, payer := range payers {
			amount, cur := b.fee(p.fee[0] + r.Float64()*(p.fee[1]-p.fee[0]))
			t := vrs.Transaction{PayerKey: payer, PayeeKey: payee, Amount: amount, Currency: cur, Purpose: "smuggling_fee", Method: "cash"}
			switch {
			case sea && b.main == "MM" && r.IntN(3) == 0:
				t.Method, t.Purpose = "debt", "smuggling_fee"
			case (b.main == "AF" || b.main == "PK" || b.main == "IR" || b.main == "BD") && r.IntN(2) == 0:
				t.Method = "informal_value_transfer"
			case r.IntN(4) == 0:
				t.Method = "mobile_money"
			case r.IntN(4) == 0:
				t.Method = "bank_transfer"
			}
			if t.Method == "bank_transfer" || t.Method == "mobile_money" {
				if idx := slices.IndexFunc(b.apps, func(ap appearance) bool { return ap.key == payee }); idx >= 0 {
					t.PayeeAccount = pick(r, b.g.actors[b.apps[idx].actor-1].accounts)
				} else {
					t.PayeeAccount = newAccount(r, at.country)
				}
			}
			if dep := inc.Legs[0].DepartedOn; dep != "" && r.IntN(2) == 0 {
				t.Date = dep
			}
			inc.Transactions = append(inc.Transactions, t)
		}
	}
	// The vessel or vehicle.
	if sea {
		v := vrs.Vehicle{Key: "v1", Kind: "vessel"}
		if transporter != nil && transporter.vessel != nil {
			v.Name, v.Registration, v.Flag = transporter.vessel.name, transporter.vessel.registration, transporter.vessel.flag
		} else {
			nv := newVessel(r, b.origin.country)
			v.Name, v.Registration, v.Flag = nv.name, nv.registration, nv.flag
		}
		v.Description = pick(r, []string{"Wooden fishing boat", "Wooden boat, single engine", "Steel-hulled fishing vessel", "Small motor boat", "Overloaded wooden boat"})
		inc.Vehicles = append(inc.Vehicles, v)
	} else if at.kind != "airport" && r.IntN(2) == 0 {
		kind := pick(r, []string{"truck", "van", "car", "truck"})
		inc.Vehicles = append(inc.Vehicles, vrs.Vehicle{Key: "v1", Kind: kind, Registration: plate(r, at.country), Flag: at.country,
			Description: pick(r, []string{"Pickup with a covered load bed", "Refrigerated truck", "Passenger van", "Six-wheel truck loaded with vegetables", "Saloon car"})})
	}
	if len(suspects) > 0 || len(inc.Transactions) > 0 {
		inc.Type = vrs.TypeMigrantSmuggling
		inc.OffenceCodes = []string{"08051"}
		if len(b.apps) > 0 && r.IntN(3) == 0 {
			inc.OffenceCodes = append(inc.OffenceCodes, "09051")
		}
		inc.Proceedings = b.proceedings()
	} else {
		inc.Type = vrs.TypeIrregularMigration
		if r.IntN(2) == 0 {
			inc.OffenceCodes = []string{"08059"}
		}
	}
	if sea {
		inc.Source = pick(r, []string{"patrol", "patrol", "foreign_authority", "tip_off"})
	} else {
		inc.Source = pick(r, []string{"border_check", "patrol", "border_check", "tip_off", "investigation"})
	}
	b.total()
	b.narrate(at)
}

func plate(r *rand.Rand, country string) string {
	switch country {
	case "TH":
		return fmt.Sprintf("%d%c%c-%04d", 1+r.IntN(9), 'A'+rune(r.IntN(26)), 'A'+rune(r.IntN(26)), r.IntN(10000))
	case "MY":
		return fmt.Sprintf("%c%c%c %d", pick(r, []rune("KPWJBDAR")), 'A'+rune(r.IntN(26)), 'A'+rune(r.IntN(26)), 1+r.IntN(9999))
	}
	return fmt.Sprintf("%02d-%c %03d.%02d", 10+r.IntN(90), 'A'+rune(r.IntN(26)), r.IntN(1000), r.IntN(100))
}

func (b *builder) proceedings() string {
	age := b.g.end.Sub(b.day).Hours() / 24
	switch {
	case age < 60:
		return "under_investigation"
	case age < 365:
		return pick(b.r, []string{"under_investigation", "under_investigation", "prosecuted", ""})
	}
	return pick(b.r, []string{"prosecuted", "convicted", "convicted", "acquitted", "dismissed", "closed", ""})
}

func (b *builder) trafficking(at site) {
	r, inc, p := b.r, b.inc, b.p
	size := b.groupSize()
	status := pick(r, []string{"rescued", "rescued", "detected", "returned"})
	victims := b.migrants(vrs.PersonVictim, size, status, false)
	form := pick(r, p.exploitation)
	for _, k := range victims {
		v := &inc.Persons[personIndex(inc, k)]
		v.TraffickingStatus = pick(r, []string{"possible_victim", "actual_victim", "actual_victim"})
		v.Exploitation = []string{form}
		switch form {
		case "sexual_exploitation":
			v.SexExploitation = []string{pick(r, []string{"prostitution", "prostitution", "private_sexual_services", "remote_interactive_services"})}
			if v.Sex == "male" && r.IntN(3) != 0 {
				v.Sex = "female"
			}
		case "forced_labour", "child_labour", "domestic_servitude", "forced_criminality":
			if len(p.sectors) > 0 {
				v.LabourSector = pick(r, p.sectors)
			}
			if form == "domestic_servitude" {
				v.LabourSector = "T"
			}
		}
		if form == "child_labour" {
			age := b.between(13, 17)
			v.Age, v.AgeGroup, v.DateOfBirth = ptr(age), "", ""
		}
		methods := []string{"false_promises", "withholds_documents", "debt_bondage", "excessive_working_hours", "physical_threats", "takes_earnings", "psychological_abuse", "physical_abuse"}
		for range b.between(1, 3) {
			v.ControlMethods = append(v.ControlMethods, pick(r, methods))
		}
		if p.kind == kindScam {
			v.RecruitmentMethods = []string{pick(r, []string{"online_advertisement", "online_social_networks", "friends_or_social_events"})}
		} else {
			v.RecruitmentMethods = []string{pick(r, []string{"friends_or_social_events", "family_or_family_events", "at_place_of_business", "online_social_networks"})}
		}
	}
	var suspects []string
	for _, a := range b.network(b.between(0, 2)) {
		suspects = append(suspects, b.actorPerson(a))
	}
	if len(suspects) == 0 || r.IntN(2) == 0 {
		s := b.someone(vrs.PersonSuspect, pick(r, []string{at.country, b.main}), r.IntN(3) != 0, b.between(25, 60))
		if _, ok := phoneFormats[s.Nationalities[0]]; !ok {
			s.Nationalities = []string{b.main}
		}
		s.PerpetratorRoles = []string{pick(r, []string{"recruiter", "exploiter", "controller", "harbourer"})}
		suspects = append(suspects, b.person(s))
	}
	// Employer or front company.
	switch {
	case p.kind == kindScam:
		inc.Organisations = append(inc.Organisations, vrs.Organisation{Key: "o1", Kind: "shell_company", Country: at.country,
			Name: pick(r, vesselWords) + " " + pick(r, []string{"Technology", "Investment", "Entertainment", "Trading", "Online"}) + " Co., Ltd."})
	case form == "forced_labour" && r.IntN(2) == 0:
		inc.Organisations = append(inc.Organisations, vrs.Organisation{Key: "o1", Kind: "employer", Country: at.country,
			Name:         pick(r, vesselWords) + " " + pick(r, []string{"Fishery", "Seafood", "Plantation", "Construction", "Farm", "Garment"}) + " Co.",
			Registration: fmt.Sprintf("%010d", r.IntN(1_000_000_000))})
	case r.IntN(3) == 0:
		inc.Organisations = append(inc.Organisations, vrs.Organisation{Key: "o1", Kind: "recruitment_agency", Country: b.origin.country,
			Name: pick(r, vesselWords) + " " + pick(r, []string{"Manpower", "Recruitment", "Services", "Employment"}) + " Agency"})
	}
	if form == "forced_labour" && (at.name == "Songkhla fishing port" || at.name == "Mahachai, Samut Sakhon") {
		nv := newVessel(r, "TH")
		inc.Vehicles = append(inc.Vehicles, vrs.Vehicle{Key: "v1", Kind: "vessel", Name: nv.name, Registration: nv.registration, Flag: "TH", Description: "Trawler"})
	}
	// Recruitment fees and debt.
	if len(victims) > 0 && r.IntN(2) == 0 {
		amount, cur := b.fee(p.fee[0] + r.Float64()*(p.fee[1]-p.fee[0]))
		t := vrs.Transaction{PayerKey: victims[0], PayeeKey: suspects[0], Amount: amount, Currency: cur, Purpose: "recruitment_fee", Method: pick(r, []string{"cash", "debt", "bank_transfer", "mobile_money"})}
		if p.kind == kindScam && r.IntN(3) == 0 {
			t.Purpose, t.Method = "ransom", pick(r, []string{"cryptocurrency", "bank_transfer"})
		}
		if t.Method == "bank_transfer" || t.Method == "mobile_money" || t.Method == "cryptocurrency" {
			if len(b.apps) > 0 {
				t.PayeeAccount = pick(r, b.g.actors[b.apps[0].actor-1].accounts)
			} else {
				t.PayeeAccount = newAccount(r, at.country)
			}
		}
		inc.Transactions = append(inc.Transactions, t)
	}
	inc.Type = vrs.TypeTrafficking
	inc.OffenceCodes = slices.Clone(p.offences)
	if form == "sexual_exploitation" {
		inc.OffenceCodes = []string{"02041"}
	} else if form == "forced_marriage" {
		inc.OffenceCodes = []string{"02044"}
	}
	inc.Source = pick(r, []string{"investigation", "inspection", "ngo_referral", "hotline", "foreign_authority", "self_report"})
	inc.Proceedings = b.proceedings()
	b.total()
	b.narrate(at)
}

func personIndex(inc *vrs.Incident, key string) int {
	return slices.IndexFunc(inc.Persons, func(p vrs.Person) bool { return p.Key == key })
}

func (b *builder) documentFraud(at site) {
	r, inc := b.r, b.inc
	n := b.groupSize()
	issuers := []string{"MY", "SG", "JP", "KR", "GB", "FR", "CA", "NL", "TW", "HK", b.main}
	for range n {
		t := b.someone(vrs.PersonMigrant, b.main, r.IntN(4) != 0, b.between(20, 45))
		t.Status = "detained"
		t.Identifiers = nil
		key := b.person(t)
		fraud := pick(r, []string{"forged", "counterfeit", "impostor", "impostor", "fraudulently_obtained_genuine", "stolen_blank"})
		issuer := pick(r, issuers)
		if fraud == "fraudulently_obtained_genuine" {
			issuer = b.main
		}
		inc.Documents = append(inc.Documents, vrs.Document{Type: "passport", IssuingCountry: issuer, FraudType: fraud, HolderKey: key, Number: docNumber(r, issuer)})
		if r.IntN(4) == 0 {
			inc.Documents = append(inc.Documents, vrs.Document{Type: "visa", IssuingCountry: pick(r, []string{"AU", "GB", "JP", "KR", "CA"}), FraudType: pick(r, []string{"counterfeit", "forged"}), HolderKey: key})
		}
	}
	if r.IntN(3) == 0 {
		for _, a := range b.network(1) {
			k := b.actorPerson(a)
			if r.IntN(2) == 0 {
				amount, cur := b.fee(b.p.fee[0] + r.Float64()*(b.p.fee[1]-b.p.fee[0]))
				inc.Transactions = append(inc.Transactions, vrs.Transaction{PayerKey: "p1", PayeeKey: k, Amount: amount, Currency: cur, Method: pick(r, []string{"cash", "bank_transfer"}), Purpose: "other"})
				if inc.Transactions[0].Method == "bank_transfer" {
					inc.Transactions[0].PayeeAccount = pick(r, a.accounts)
				}
			}
		}
	}
	inc.Type = vrs.TypeDocumentFraud
	inc.OffenceCodes = []string{"07023"}
	if r.IntN(3) == 0 {
		inc.OffenceCodes = append(inc.OffenceCodes, "08059")
	}
	inc.Source = "border_check"
	b.total()
	b.narrate(at)
}

func (b *builder) corruption(at site) {
	r, inc := b.r, b.inc
	off := b.someone(vrs.PersonOfficial, at.country, r.IntN(5) != 0, b.between(28, 58))
	off.PerpetratorRoles = []string{"corrupt_official"}
	off.Role = vrs.PersonSuspect
	if r.IntN(2) == 0 {
		off.Role = vrs.PersonOfficial
	}
	official := b.person(off)
	var payer string
	if as := b.network(1); len(as) > 0 {
		payer = b.actorPerson(as[0])
	} else {
		s := b.someone(vrs.PersonSuspect, b.main, true, b.between(25, 55))
		s.PerpetratorRoles = []string{"smuggler"}
		payer = b.person(s)
	}
	if r.IntN(2) == 0 {
		b.migrants(vrs.PersonMigrant, b.between(2, 20), "detected", false)
	}
	for range b.between(1, 3) {
		amount, cur := b.fee(b.p.fee[0] + r.Float64()*(b.p.fee[1]-b.p.fee[0]))
		inc.Transactions = append(inc.Transactions, vrs.Transaction{PayerKey: payer, PayeeKey: official, Amount: amount, Currency: cur, Method: pick(r, []string{"cash", "cash", "mobile_money"}), Purpose: "bribe",
			Date: b.date(b.day.AddDate(0, 0, -b.between(1, 90)))})
	}
	inc.Type = vrs.TypeRelatedConduct
	inc.OffenceCodes = []string{pick(r, b.p.offences)}
	if r.IntN(2) == 0 {
		inc.OffenceCodes = append(inc.OffenceCodes, "08051")
	}
	inc.Source = pick(r, []string{"investigation", "tip_off", "hotline"})
	inc.Proceedings = b.proceedings()
	b.total()
	b.narrate(at)
}

func (b *builder) laundering(at site) {
	r, inc := b.r, b.inc
	actors := b.network(b.between(2, 4))
	var keys []string
	var accounts []string
	for _, a := range actors {
		keys = append(keys, b.actorPerson(a))
		accounts = append(accounts, pick(r, a.accounts))
	}
	if len(keys) == 0 {
		s := b.someone(vrs.PersonSuspect, b.main, true, b.between(30, 60))
		s.PerpetratorRoles = []string{"financier"}
		keys = append(keys, b.person(s))
		accounts = append(accounts, newAccount(r, b.main))
	}
	inc.Organisations = append(inc.Organisations, vrs.Organisation{Key: "o1", Kind: pick(r, []string{"shell_company", "money_service", "shell_company"}), Country: at.country,
		Name: pick(r, vesselWords) + " " + pick(r, []string{"Holdings", "Trading", "Remittance", "Exchange", "Import Export"}) + " Sdn. Bhd.", Registration: fmt.Sprintf("%d-%c", 100000+r.IntN(900000), 'A'+rune(r.IntN(26)))})
	for k := range b.between(2, 6) {
		amount, cur := b.fee(b.p.fee[0] + r.Float64()*(b.p.fee[1]-b.p.fee[0]))
		from := k % len(keys)
		t := vrs.Transaction{PayerKey: keys[from], PayeeKey: "o1", Amount: amount, Currency: cur, Method: pick(r, []string{"bank_transfer", "bank_transfer", "cryptocurrency", "informal_value_transfer"}),
			Purpose: "other", PayerAccount: accounts[from], PayeeAccount: newAccount(rand.New(rand.NewPCG(uint64(len(at.name)), uint64(b.g.dayOf(b.day)/90))), at.country),
			Date: b.date(b.day.AddDate(0, 0, -b.between(10, 400)))}
		inc.Transactions = append(inc.Transactions, t)
	}
	inc.Type = vrs.TypeRelatedConduct
	inc.OffenceCodes = []string{"07041"}
	if r.IntN(2) == 0 {
		inc.OffenceCodes = append(inc.OffenceCodes, pick(r, []string{"08051", "0204", "09051"}))
	}
	inc.Source = pick(r, []string{"investigation", "foreign_authority"})
	inc.Proceedings = b.proceedings()
	b.total()
	b.narrate(at)
}

// status puts the incident somewhere in the review workflow: recent ones
// are often still drafts or in review.
func (b *builder) status(reported time.Time) {
	r, inc := b.r, b.inc
	age := b.g.end.Sub(reported).Hours() / 24
	x := r.IntN(100)
	switch {
	case age < 14 && x < 35, age >= 14 && x < 4:
		inc.Status = vrs.StatusDraft
	case age < 14 && x < 75, age >= 14 && x < 8:
		inc.Status = vrs.StatusSubmitted
	case age < 14 && x < 85, age >= 14 && x < 11:
		inc.Status = vrs.StatusReturned
		inc.ReviewNote = pick(r, returnNotes)
	default:
		inc.Status = vrs.StatusValidated
	}
	created := reported.Add(time.Duration(8+r.IntN(10))*time.Hour + time.Duration(r.IntN(3600))*time.Second)
	updated := created
	if inc.Status != vrs.StatusDraft {
		updated = created.Add(time.Duration(r.IntN(10*24)) * time.Hour)
	}
	if limit := b.g.end.Add(-time.Minute); updated.After(limit) {
		updated = limit
		if created.After(updated) {
			created = updated
		}
	}
	inc.CreatedAt, inc.UpdatedAt = created, updated
}

var returnNotes = []string{
	"Please add the route legs: where did the group start?",
	"Nationalities of the persons in the counts are missing.",
	"The fee amount looks like the total for the group, not per person. Please check.",
	"Add the vessel's registration if it was recorded at the port.",
	"Narrative too short: describe how the group was detected.",
	"Check the date of detection against the patrol log.",
}

var demonyms = map[string]string{
	"MM": "Myanmar", "BD": "Bangladeshi", "VN": "Vietnamese", "TH": "Thai", "KH": "Cambodian", "LA": "Lao", "ID": "Indonesian",
	"PH": "Filipino", "MY": "Malaysian", "AF": "Afghan", "IR": "Iranian", "PK": "Pakistani", "LK": "Sri Lankan", "CN": "Chinese", "AU": "Australian",
}

// narrate writes a short narrative of what happened, as an officer would.
func (b *builder) narrate(at site) {
	r, inc := b.r, b.inc
	n := 0
	if inc.PersonsInvolved != nil {
		n = *inc.PersonsInvolved
	}
	who := demonyms[b.main]
	if who == "" {
		who = "foreign"
	}
	place := at.name
	if place == "" {
		place = "the area"
	}
	var s []string
	switch inc.Type {
	case vrs.TypeIrregularMigration:
		s = append(s, fmt.Sprintf("%s found %d %s nationals without valid travel documents near %s.", pick(r, []string{"A patrol", "Officers", "A joint team", "The checkpoint team"}), n, who, place))
		s = append(s, pick(r, []string{"They said they had crossed the border on foot at night.", "They were looking for work in construction and agriculture.", "The group was handed over to immigration for deportation.", "They had walked through the forest for two days."}))
	case vrs.TypeMigrantSmuggling:
		if b.p.kind == kindSeaSmuggling {
			s = append(s, fmt.Sprintf("A boat carrying %d %s nationals was %s at %s.", n, who, pick(r, []string{"intercepted", "found drifting", "stopped", "rescued"}), place))
			s = append(s, pick(r, []string{"Passengers reported that several people died during the voyage and were buried at sea.", "The engine had failed and food and water had run out.", "The captain and crew tried to escape in a smaller boat.", "Passengers had paid brokers in the camps; some owed the fee as a debt to be repaid from wages."}))
		} else {
			s = append(s, fmt.Sprintf("A %s carrying %d %s nationals was stopped at %s.", pick(r, []string{"pickup truck", "van", "refrigerated truck", "passenger car", "six-wheel truck"}), n, who, place))
			s = append(s, pick(r, []string{"The driver said he was paid per head by a broker who arranged the trip by phone.", "Migrants said they had paid the fee in instalments to a broker across the border.", "The group had been hidden under a load of vegetables.", "The migrants were to be taken through the jungle across the border at night."}))
		}
	case vrs.TypeTrafficking:
		s = append(s, fmt.Sprintf("%d %s nationals were identified as possible victims of trafficking at %s.", n, who, place))
		switch b.p.kind {
		case kindScam:
			s = append(s, pick(r, []string{"They were recruited online with offers of well-paid customer service jobs and forced to run online investment and romance scams.", "Their passports were taken on arrival at the compound and they were made to work 16 hours a day on online fraud.", "Victims reported beatings and fines when they did not meet scam targets; some were sold on to other compounds."}))
		default:
			s = append(s, pick(r, []string{"Workers said their wages were withheld to repay recruitment debts.", "Their identity documents were kept by the employer.", "They worked long hours on fishing vessels without pay for months.", "Victims were recruited through acquaintances with promises of restaurant work."}))
		}
	case vrs.TypeDocumentFraud:
		s = append(s, fmt.Sprintf("During primary inspection at %s, %d %s travellers presented passports that were found to be fraudulent.", place, n, who))
		s = append(s, pick(r, []string{"The photo page had been substituted.", "The holder did not match the passport's photograph (impostor).", "Security features under UV light were missing.", "Entry stamps were counterfeit."}))
	case vrs.TypeRelatedConduct:
		if slices.Contains(inc.OffenceCodes, "07041") {
			s = append(s, "Financial investigation into proceeds of smuggling and trafficking: transfers between accounts of brokers and a front company.")
		} else {
			s = append(s, fmt.Sprintf("An official at %s is suspected of taking payments to let migrants through.", place))
		}
	}
	inc.Narrative = strings.Join(s, " ")
}
