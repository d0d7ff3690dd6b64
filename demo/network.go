package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// The hidden network: facilitators who recur across incidents, agencies
// and countries over the years, each with phones, accounts and sometimes a
// vessel, written differently from one record to the next. Tests and,
// later, linkage and network analysis compare what they find with
// Generator.Truth.

// actor is one real facilitator of the hidden network.
type actor struct {
	id       int
	name     name
	nat      string
	male     bool
	born     string // YYYY-MM-DD
	role     string // perpetrator role
	phones   []string
	accounts []string
	rings    []string
	weight   float64 // how often the actor appears, Zipf-like
	from, to int     // active days, counted from the generator's first day
	vessel   *vessel
}

type vessel struct {
	name, registration, flag string
}

// ringSpec says who a ring is made of: nationalities and roles.
type ringSpec struct {
	nats  []string
	roles []wkey
	size  int
}

var ringSpecs = map[string]ringSpec{
	"mekong_land":    {[]string{"MM", "MM", "TH", "TH", "MY", "KH", "LA"}, []wkey{{"organiser", 2}, {"transporter", 4}, {"recruiter", 4}, {"guide", 2}, {"financier", 1}}, 60},
	"andaman":        {[]string{"MM", "MM", "BD", "TH", "MY"}, []wkey{{"organiser", 2}, {"transporter", 4}, {"recruiter", 3}, {"financier", 1}}, 40},
	"southern_boats": {[]string{"ID", "ID", "AF", "IR", "LK", "PK", "MY"}, []wkey{{"organiser", 3}, {"transporter", 3}, {"document_supplier", 1}, {"financier", 1}, {"recruiter", 1}}, 40},
	"vn_europe":      {[]string{"VN", "VN", "VN", "CN"}, []wkey{{"organiser", 2}, {"recruiter", 3}, {"transporter", 2}, {"financier", 1}}, 25},
	"sulu_sulawesi":  {[]string{"ID", "PH", "MY"}, []wkey{{"transporter", 3}, {"recruiter", 2}, {"organiser", 1}}, 25},
	"scam":           {[]string{"CN", "CN", "MM", "TH", "VN", "ID", "PH", "MY", "KH"}, []wkey{{"controller", 2}, {"recruiter", 4}, {"transporter", 2}, {"organiser", 1}, {"financier", 1}}, 45},
	"documents":      {[]string{"TH", "MY", "ID", "VN", "CN", "PK"}, []wkey{{"document_supplier", 4}, {"organiser", 1}, {"broker_travel_agent", 2}}, 20},
	"finance":        {[]string{"MY", "TH", "CN", "AU", "ID"}, []wkey{{"financier", 3}, {"organiser", 1}}, 15},
}

// ringOrder fixes the order rings are built in, for determinism.
var ringOrder = []string{"mekong_land", "andaman", "southern_boats", "vn_europe", "sulu_sulawesi", "scam", "documents", "finance"}

// buildNetwork creates the actors from the generator's seed.
func (g *Generator) buildNetwork() {
	r := rand.New(rand.NewPCG(g.seed, 0x6e6574776f726b))
	g.rings = map[string][]*actor{}
	for _, key := range ringOrder {
		spec := ringSpecs[key]
		for k := range spec.size {
			nat := pick(r, spec.nats)
			male := r.IntN(6) != 0
			a := &actor{id: len(g.actors) + 1, nat: nat, male: male, rings: []string{key}}
			a.name = newName(r, cultureOf(nat, r), male)
			a.role = pickW(r, spec.roles)
			a.born = fmt.Sprintf("%04d-%02d-%02d", g.end.Year()-25-r.IntN(30), 1+r.IntN(12), 1+r.IntN(28))
			a.weight = 1 / math.Pow(float64(k+1), 0.9)
			// Active for one and a half to five years of the five.
			span := g.days/3 + r.IntN(g.days-g.days/3+1)
			a.from = r.IntN(g.days - span + 1)
			a.to = a.from + span
			for range 1 + r.IntN(2) {
				country := nat
				if r.IntN(3) == 0 {
					// A SIM card of the country the actor works in.
					country = pick(r, spec.nats)
				}
				a.phones = append(a.phones, newPhone(r, country))
			}
			for range 1 + r.IntN(2) {
				a.accounts = append(a.accounts, newAccount(r, nat))
			}
			if a.role == "transporter" && (key == "andaman" || key == "southern_boats" || key == "sulu_sulawesi") {
				a.vessel = newVessel(r, nat)
			}
			g.actors = append(g.actors, a)
			g.rings[key] = append(g.rings[key], a)
		}
	}
	// Brokers who bridge networks: financiers and organisers who also work
	// for a second ring (money moves between routes).
	bridges := []struct{ from, to string }{{"finance", "mekong_land"}, {"finance", "andaman"}, {"finance", "scam"}, {"andaman", "mekong_land"},
		{"documents", "southern_boats"}, {"documents", "vn_europe"}, {"mekong_land", "scam"}, {"southern_boats", "andaman"}}
	for _, b := range bridges {
		for k := range 3 {
			a := g.rings[b.from][k*2+r.IntN(2)]
			a.rings = append(a.rings, b.to)
			g.rings[b.to] = append(g.rings[b.to], a)
		}
	}
}

// pickActor chooses an active actor of the ring on the given day, or nil.
func (g *Generator) pickActor(r *rand.Rand, ring string, day int) *actor {
	as := g.rings[ring]
	if len(as) == 0 {
		return nil
	}
	total := 0.0
	for _, a := range as {
		if day >= a.from && day <= a.to {
			total += a.weight
		}
	}
	if total == 0 {
		return nil
	}
	x := r.Float64() * total
	for _, a := range as {
		if day >= a.from && day <= a.to {
			if x -= a.weight; x < 0 {
				return a
			}
		}
	}
	return nil
}

func pickW(r *rand.Rand, ws []wkey) string {
	total := 0.0
	for _, w := range ws {
		total += w.w
	}
	x := r.Float64() * total
	for _, w := range ws {
		if x -= w.w; x < 0 {
			return w.key
		}
	}
	return ws[len(ws)-1].key
}

// newPhone is a mobile number in international format.
func newPhone(r *rand.Rand, country string) string {
	f, ok := phoneFormats[country]
	if !ok {
		f = phoneFormats["TH"]
	}
	var b strings.Builder
	b.WriteString("+" + f.cc + " ")
	for _, c := range f.pattern {
		if c == '#' {
			b.WriteByte(byte('0' + r.IntN(10)))
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// phoneVariant writes a number the other ways officers record it: without
// spaces, with the 00 prefix; all normalise to the same digits.
func phoneVariant(r *rand.Rand, p string) string {
	switch r.IntN(5) {
	case 0:
		return "00" + strings.ReplaceAll(strings.TrimPrefix(p, "+"), " ", "")
	case 1:
		return strings.ReplaceAll(p, " ", "")
	case 2:
		return strings.ReplaceAll(p, " ", "-")
	}
	return p
}

// newAccount is a bank account number (bank code and digits) or a
// mobile-money wallet.
func newAccount(r *rand.Rand, country string) string {
	bs, ok := banks[country]
	if !ok || r.IntN(4) == 0 {
		return "WALLET " + strings.ReplaceAll(newPhone(r, country), " ", "")
	}
	b := pick(r, bs)
	digits := make([]byte, b.digits)
	for i := range digits {
		digits[i] = byte('0' + r.IntN(10))
	}
	s := string(digits)
	if len(s) >= 10 {
		s = s[:3] + "-" + s[3:4] + "-" + s[4:len(s)-1] + "-" + s[len(s)-1:]
	}
	return b.code + " " + s
}

func newVessel(r *rand.Rand, nat string) *vessel {
	v := &vessel{flag: nat}
	switch nat {
	case "ID", "MY":
		v.name = "KM " + pick(r, vesselWords) + " " + pick(r, vesselWords)
		v.registration = fmt.Sprintf("GT.%d No.%d/%s", 5+r.IntN(30), 100+r.IntN(9000), pick(r, []string{"Ba", "PPm", "KLT", "TWU"}))
	case "TH":
		v.name = pick(r, []string{"Sor. ", "Chok ", "Por. "}) + pick(r, vesselWords) + fmt.Sprintf(" %d", 1+r.IntN(9))
		v.registration = fmt.Sprintf("%d-%05d", 300+r.IntN(400), r.IntN(100000))
	case "PH":
		v.name = "M/B " + pick(r, vesselWords) + " " + pick(r, []string{"Ladies", "Princess", "Express", "II", "III"})
		v.registration = fmt.Sprintf("ZAM-%04d", r.IntN(10000))
	default:
		v.name = pick(r, vesselWords) + " " + pick(r, vesselWords)
		if r.IntN(2) == 0 {
			v.name = "" // unnamed wooden boat
		}
		v.registration = ""
	}
	return v
}

// Appearance is one recorded appearance of a network actor: the person
// with PersonKey in the incident generated at Index, with Reference.
type Appearance struct {
	Index     int
	Reference string
	PersonKey string
}

// Actor is one real facilitator of the hidden network and every record of
// them: the ground truth that linkage should find.
type Actor struct {
	ID          int
	Name        string // as first generated
	Nationality string
	Role        string
	Phones      []string
	Accounts    []string
	Vessel      string
	Appearances []Appearance
}

// Truth returns the network actors that appear in the first n incidents,
// with their appearances in generation order.
func (g *Generator) Truth(n int) []Actor {
	by := map[int]*Actor{}
	var order []int
	for i := range n {
		inc, apps := g.build(i)
		for _, ap := range apps {
			a := g.actors[ap.actor-1]
			t := by[a.id]
			if t == nil {
				t = &Actor{ID: a.id, Name: a.name.canonical(), Nationality: a.nat, Role: a.role, Phones: a.phones, Accounts: a.accounts}
				if a.vessel != nil {
					t.Vessel = a.vessel.name
				}
				by[a.id] = t
				order = append(order, a.id)
			}
			t.Appearances = append(t.Appearances, Appearance{Index: i, Reference: inc.Reference, PersonKey: ap.key})
		}
	}
	out := make([]Actor, 0, len(order))
	for _, id := range order {
		out = append(out, *by[id])
	}
	return out
}

// dayOf counts days from the generator's first day.
func (g *Generator) dayOf(t time.Time) int { return int(t.Sub(g.start).Hours() / 24) }

// NetworkPhone returns the first phone of the most active actor of the
// land-route network: a value that identifier searches find in many
// incidents of a store the generator filled.
func (g *Generator) NetworkPhone() string { return g.rings["mekong_land"][0].phones[0] }
