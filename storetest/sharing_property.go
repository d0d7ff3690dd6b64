package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/access"
	"vrs/store"
)

// Environment of the property test of the access rule.
const (
	// PropertyWorldsEnv is how many random worlds to build (default 5000).
	PropertyWorldsEnv = "VRS_PROPERTY_WORLDS"
	// PropertySeedEnv replays worlds from this seed (one world unless
	// PropertyWorldsEnv says more).
	PropertySeedEnv = "VRS_PROPERTY_SEED"
)

// testSharingProperty holds the store to the reference access rule on
// random worlds: for every user of a world, the list, the detail (with
// and without a stated purpose) and the granularities of statistics
// answer exactly the records, and at exactly the granularity, that
// access.ReadIncident allows, computed from the world as generated (never
// from what the store loads). A failure prints the world and its seed.
func testSharingProperty(t *testing.T, db *store.DB) {
	worlds, seed := propertyParams(t)
	// A fixed clock: agreements start and end around today, which must not
	// change in the middle of a world.
	now := time.Now()
	db.Now = func() time.Time { return now }
	today := now.UTC().Format(time.DateOnly)
	raw := newRawDB(db)
	codes := slices.DeleteFunc(raw.countryCodes(t), func(c string) bool { return !store.CodeLists.HasCode("country", c) })
	var st propertyStats
	start := time.Now()
	for i := range worlds {
		w := genWorld(seed+uint64(i), today, codes)
		t0 := time.Now()
		if err := raw.writeWorld(w, db); err != nil {
			t.Fatalf("world seed %d: build: %v %v\n%s", w.seed, err, vrs.AsError(err).Fields, w)
		}
		st.build += time.Since(t0)
		// Even seeds read other countries' records through one branch for
		// all of them, odd seeds through one per country: both shapes.
		old := access.SetSplitPartners(8 * int(w.seed%2))
		problems := w.check(db, &st)
		access.SetSplitPartners(old)
		if len(problems) > 0 {
			if len(problems) > 20 {
				problems = append(problems[:20], fmt.Sprintf("... and %d more", len(problems)-20))
			}
			t.Fatalf("world %d of %d, seed %d: the store disagrees with access.ReadIncident:\n  %s\n%s\nreplay: %s=%d go test ./store -run 'TestConformance/%s/SharingProperty'",
				i+1, worlds, w.seed, strings.Join(problems, "\n  "), w, PropertySeedEnv, w.seed, db.Dialect())
		}
	}
	elapsed := time.Since(start)
	t.Logf("%d worlds from seed %d in %v (%v per world); %s", worlds, seed, elapsed.Round(time.Millisecond),
		(elapsed / time.Duration(max(worlds, 1))).Round(10*time.Microsecond), &st)
}

func propertyParams(t *testing.T) (worlds int, seed uint64) {
	worlds = 5000
	if testing.Short() {
		worlds = 200
	}
	if s := os.Getenv(PropertySeedEnv); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", PropertySeedEnv, s, err)
		}
		seed, worlds = n, 1
	} else {
		seed = rand.Uint64() >> 1
	}
	if s := os.Getenv(PropertyWorldsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			t.Fatalf("%s=%q: want a number of worlds", PropertyWorldsEnv, s)
		}
		worlds = n
	}
	return worlds, seed
}

// propertyStats counts what the worlds exercised, so that a change to the
// generator that stops reaching a clause shows in the log.
type propertyStats struct {
	users, records, pairs int
	// byGran counts user×record pairs by reference granularity; agreed
	// those of another country's record that reach the user through an
	// agreement (not as a regional analyst).
	byGran [4]int
	agreed [4]int
	finds  int
	build  time.Duration // of all worlds
}

func (s *propertyStats) String() string {
	return fmt.Sprintf("building %v; %d users, %d records, %d pairs (%d read one by one): none %d, aggregate %d (by agreement %d), pseudonymised %d (%d), full %d (%d)",
		s.build.Round(time.Millisecond), s.users, s.records, s.pairs, s.finds, s.byGran[0], s.byGran[1], s.agreed[1], s.byGran[2], s.agreed[2], s.byGran[3], s.agreed[3])
}

// propertyWorld is one random installation.
type propertyWorld struct {
	seed        uint64
	today       string
	countries   []string        // with agencies
	outsider    string          // a country without agencies, for users, groups, partners, agreements
	members     map[string]bool // of every country the world names
	agencies    []*vrs.Agency
	groups      []*vrs.SharingGroup
	agreements  []*vrs.SharingAgreement
	reciprocity string // "" leaves the default (on)
	incs        []*vrs.Incident
	refs        []access.IncidentRef // what the world says of each record
	users       []*vrs.User
}

// genWorld builds a world from its seed alone, so that a seed replays it.
func genWorld(seed uint64, today string, codes []string) *propertyWorld {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	w := &propertyWorld{seed: seed, today: today, members: map[string]bool{}}
	day := func(ago int) string {
		d, _ := time.Parse(time.DateOnly, today)
		return d.AddDate(0, 0, -ago).Format(time.DateOnly)
	}
	chance := func(p float64) bool { return r.Float64() < p }
	perm := r.Perm(len(codes))
	n := 2 + r.IntN(3)
	for _, i := range perm[:n] {
		w.countries = append(w.countries, codes[i])
	}
	w.outsider = codes[perm[n]]
	for _, c := range append(slices.Clone(w.countries), w.outsider) {
		w.members[c] = chance(0.6)
	}
	for _, c := range w.countries {
		for range 1 + r.IntN(3) {
			id := int64(len(w.agencies) + 1)
			w.agencies = append(w.agencies, &vrs.Agency{ID: id, Country: c, Name: fmt.Sprintf("Agency %d", id), Kind: vrs.KindPolice,
				DefaultDistribution: pick(r, []vrs.Distribution{vrs.DistAgency, vrs.DistCountry, vrs.DistCommunity, vrs.DistStatistics}),
				DefaultTLP:          pick(r, vrs.TLPs)})
		}
	}
	named := append(slices.Clone(w.countries), w.outsider)
	for k := range r.IntN(3) {
		g := &vrs.SharingGroup{ID: int64(k + 1), Name: fmt.Sprintf("Group %d", k+1), Owner: pick(r, w.countries)}
		for _, c := range named {
			if chance(0.35) {
				g.Countries = append(g.Countries, c)
			}
		}
		for _, a := range w.agencies {
			if chance(0.25) {
				g.AgencyIDs = append(g.AgencyIDs, a.ID)
			}
		}
		if len(g.Countries)+len(g.AgencyIDs) == 0 {
			g.AgencyIDs = append(g.AgencyIDs, pick(r, w.agencies).ID)
		}
		w.groups = append(w.groups, g)
	}
	// Detection dates and the bounds of data periods share a few days,
	// so that inclusive bounds are hit exactly.
	dates := []string{day(1), day(90), day(400), day(800), day(1200)}
	starts := []int{700, 700, 700, 30, 1, 0, -1, -30} // days ago
	for k := range r.IntN(6) {
		parties := w.countries
		if chance(0.15) {
			parties = named
		}
		p := r.Perm(len(parties))
		a := &vrs.SharingAgreement{ID: int64(k + 1), Proposer: parties[p[0]], Partner: parties[p[1]],
			Granularity: vrs.Granularity(1 + r.IntN(3)),
			Status: pick(r, []vrs.AgreementStatus{vrs.AgreementActive, vrs.AgreementActive, vrs.AgreementActive, vrs.AgreementActive,
				vrs.AgreementActive, vrs.AgreementActive, vrs.AgreementProposed, vrs.AgreementDeclined, vrs.AgreementRevoked})}
		for _, ty := range vrs.IncidentTypes {
			if chance(0.7) {
				a.Types = append(a.Types, ty)
			}
		}
		if len(a.Types) == 0 {
			a.Types = []vrs.IncidentType{pick(r, vrs.IncidentTypes)}
		}
		if chance(0.3) {
			a.DataFrom = pick(r, dates)
		}
		if chance(0.3) {
			a.DataTo = pick(r, dates)
			if a.DataFrom > a.DataTo {
				a.DataFrom, a.DataTo = a.DataTo, a.DataFrom
			}
		}
		s := pick(r, starts)
		a.Starts = day(s)
		if chance(0.5) { // ends on a day from its start on: before today, today, after
			ends := slices.DeleteFunc([]int{s, 1, 0, -1, -400}, func(e int) bool { return e > s })
			a.Ends = day(pick(r, ends))
		}
		w.agreements = append(w.agreements, a)
	}
	w.reciprocity = pick(r, []string{"", "on", "off"})
	for k := range 3 + r.IntN(18) {
		w.genIncident(r, k, pick(r, dates))
	}
	for range 2 + r.IntN(3) {
		w.users = append(w.users, w.genUser(r))
	}
	// Most users of a random world see no other country's record; the
	// first is made an analyst with a country view, whom agreements reach.
	if u := w.users[0]; u.Country != "" && r.IntN(4) > 0 {
		u.Roles, u.ViewScope = append(u.Roles, vrs.RoleAnalyst), vrs.ViewCountry
	}
	return w
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// genIncident adds a minimal valid record of a random agency, type,
// status and distribution.
func (w *propertyWorld) genIncident(r *rand.Rand, k int, detected string) {
	a := pick(r, w.agencies)
	inc := &vrs.Incident{AgencyID: a.ID, Reference: "P-" + strconv.Itoa(k), Type: pick(r, vrs.IncidentTypes),
		DetectedOn: detected, ReportedOn: detected, Place: vrs.Place{Country: a.Country}, Status: pick(r, vrs.IncidentStatuses)}
	if r.IntN(5) < 3 {
		inc.Status = vrs.StatusValidated // the records that travel
	}
	if inc.Status == vrs.StatusReturned {
		inc.ReviewNote = "Add the route."
	}
	name := ""
	if r.IntN(2) == 0 {
		name = "Person " + strconv.Itoa(k) // a pseudonym to make
	}
	switch inc.Type {
	case vrs.TypeIrregularMigration, vrs.TypeMigrantSmuggling:
		inc.Persons = []vrs.Person{{Role: vrs.PersonMigrant, Name: name}}
	case vrs.TypeTrafficking:
		inc.Persons = []vrs.Person{{Role: vrs.PersonVictim, Name: name}}
	case vrs.TypeDocumentFraud:
		inc.Documents = []vrs.Document{{Type: "passport", FraudType: "counterfeit"}}
	case vrs.TypeRelatedConduct:
		inc.OffenceCodes = []string{"08051"}
	}
	dist := pick(r, []vrs.Distribution{vrs.DistAgency, vrs.DistCountry, vrs.DistPartners, vrs.DistPartners, vrs.DistCommunity, vrs.DistCommunity, vrs.DistStatistics})
	if r.IntN(6) > 0 {
		inc.Distribution = dist
	} else {
		dist = a.DefaultDistribution // left to the agency
	}
	if r.IntN(4) > 0 {
		inc.TLP = pick(r, vrs.TLPs)
	}
	if dist == vrs.DistPartners {
		for _, c := range append(slices.Clone(w.countries), w.outsider) {
			if c != a.Country && r.IntN(2) == 0 {
				inc.ShareCountries = append(inc.ShareCountries, c)
			}
		}
		for _, g := range w.groups {
			// Only groups the record's country owns or belongs to.
			if (g.Owner == a.Country || slices.Contains(g.Countries, a.Country)) && r.IntN(2) == 0 {
				inc.ShareGroups = append(inc.ShareGroups, g.ID)
			}
		}
		if len(inc.ShareCountries)+len(inc.ShareGroups) == 0 {
			inc.ShareCountries = []string{w.outsider}
		}
		slices.Sort(inc.ShareCountries)
	}
	w.incs = append(w.incs, inc)
	w.refs = append(w.refs, access.IncidentRef{AgencyID: a.ID, Country: a.Country, Status: inc.Status, Type: inc.Type, DetectedOn: detected,
		Distribution: dist, ShareCountries: inc.ShareCountries, ShareGroups: inc.ShareGroups})
}

// genUser makes a user in memory only (the store reads the acting user
// from the context): mostly of an agency of the world, sometimes of an
// agency the store does not hold (in the outsider country or another),
// without any agency, or without a country.
func (w *propertyWorld) genUser(r *rand.Rand) *vrs.User {
	u := &vrs.User{ID: int64(1000 + len(w.users)), Name: fmt.Sprintf("user%d", len(w.users))}
	switch k := r.IntN(10); {
	case k < 7:
		a := pick(r, w.agencies)
		u.AgencyID, u.AgencyName, u.Country = a.ID, a.Name, a.Country
	case k == 7:
		u.AgencyID, u.AgencyName, u.Country = 900, "Elsewhere", pick(r, append(slices.Clone(w.countries), w.outsider))
	case k == 8:
		a := pick(r, w.agencies)
		u.AgencyID, u.AgencyName = a.ID, a.Name // no country
	}
	switch k := r.IntN(10); {
	case k == 0: // none
	case k == 1:
		u.Roles = []vrs.Role{vrs.RoleFocalPoint}
	case k == 2:
		u.Roles = []vrs.Role{vrs.RoleRegionalAnalyst}
	case k < 5:
		u.Roles = []vrs.Role{vrs.RoleAnalyst}
	default:
		for _, role := range vrs.Roles {
			if r.IntN(3) == 0 {
				u.Roles = append(u.Roles, role)
			}
		}
	}
	u.ViewScope = pick(r, []vrs.ViewScope{vrs.ViewAgency, vrs.ViewCountry, vrs.ViewCountry, vrs.ViewCountry, vrs.ViewShared, vrs.ViewNone})
	if u.Country != "" && r.IntN(4) == 0 {
		for _, a := range w.agencies {
			if a.Country == u.Country && r.IntN(2) == 0 {
				u.CaptureAgencyIDs = append(u.CaptureAgencyIDs, a.ID)
			}
		}
	}
	return u
}

// sharing is the reference's view of the world: every agreement and group
// as generated, contributors from the records as generated.
func (w *propertyWorld) sharing() *access.Sharing {
	s := &access.Sharing{Today: w.today, Reciprocity: w.reciprocity != "off", Contributors: map[string]bool{}, Members: w.members,
		Agreements: w.agreements, Groups: w.groups}
	for _, r := range w.refs {
		if r.Status == vrs.StatusValidated && access.Contributes(r.Distribution) {
			s.Contributors[r.Country] = true
		}
	}
	return s
}

// check compares, for every user, what the store answers with what the
// reference allows, and returns every difference.
func (w *propertyWorld) check(db *store.DB, st *propertyStats) []string {
	sh := w.sharing()
	var problems []string
	fail := func(u *vrs.User, format string, args ...any) {
		problems = append(problems, u.Name+": "+fmt.Sprintf(format, args...))
	}
	ids := make([]int64, len(w.refs))
	for i, r := range w.refs {
		ids[i] = r.ID
	}
	missing := slices.Max(ids) + 1000
	_, missingErr := db.FindIncident(vrs.NewContextWithPurpose(As(w.users[0]), "investigation"), missing)
	r := rand.New(rand.NewPCG(w.seed, 0xc0de))
	st.records += len(w.refs)
	thorough := r.IntN(len(w.users))
	for ui, u := range w.users {
		st.users++
		want := map[int64]vrs.Granularity{}
		for _, ref := range w.refs {
			g := access.ReadIncident(u, sh, ref)
			want[ref.ID] = g
			st.pairs++
			st.byGran[g]++
			if access.Foreign(u, ref) && g > access.None && (u.ViewScope != vrs.ViewShared || ref.Distribution == vrs.DistPartners) {
				st.agreed[g]++
			}
		}
		ctx := As(u)

		// The list: exactly the records readable as records, each once.
		f := vrs.IncidentFilter{Limit: pick(r, []int{200, 200, 3}), Sort: pick(r, store.IncidentSorts())}
		w.checkList(db, ctx, u, f, want, func(access.IncidentRef) bool { return true }, fail)
		if r.IntN(3) == 0 {
			ty := pick(r, vrs.IncidentTypes)
			w.checkList(db, ctx, u, vrs.IncidentFilter{Types: []vrs.IncidentType{ty}, Limit: 200}, want,
				func(ref access.IncidentRef) bool { return ref.Type == ty }, fail)
			c := pick(r, w.countries)
			w.checkList(db, ctx, u, vrs.IncidentFilter{Country: c, Limit: 200}, want,
				func(ref access.IncidentRef) bool { return ref.Country == c }, fail)
		}

		// Statistics: every record counted at least in aggregate.
		grans, err := db.IncidentGranularities(ctx, append(slices.Clone(ids), missing))
		if err != nil {
			fail(u, "IncidentGranularities: %v", err)
		}
		for _, id := range append(slices.Clone(ids), missing) {
			if grans[id] != want[id] {
				fail(u, "IncidentGranularities[%d] = %s, want %s", id, grans[id], want[id])
			}
		}

		// The detail, with a purpose: readable records at their
		// granularity, the others not found like a missing one. One
		// user of each world tries every record; the others, to keep a
		// world cheap, those they read or count and one they do not
		// (the list and the granularities above cover every record).
		pctx := vrs.NewContextWithPurpose(ctx, "investigation")
		unread := r.IntN(len(w.refs))
		for i, ref := range w.refs {
			if ui != thorough && want[ref.ID] == access.None && i != unread {
				continue
			}
			st.finds++
			inc, err := db.FindIncident(pctx, ref.ID)
			switch g := want[ref.ID]; {
			case g < access.Pseudonymised:
				if err == nil || err.Error() != missingErr.Error() || vrs.ErrorCode(err) != vrs.ErrorCode(missingErr) {
					fail(u, "FindIncident(%d) = %v, want %v like a missing record (reference %s)", ref.ID, errOrGran(inc, err), missingErr, g)
				}
			case err != nil:
				fail(u, "FindIncident(%d): %v, want %s", ref.ID, err, g)
			case inc.Granularity != g || inc.PurposeRequired:
				fail(u, "FindIncident(%d) with purpose = %s (purpose required %v), want %s", ref.ID, inc.Granularity, inc.PurposeRequired, g)
			case g == access.Full && access.Foreign(u, ref):
				// Without a purpose, another country's record in full
				// comes pseudonymised until one is stated.
				inc, err := db.FindIncident(ctx, ref.ID)
				if err != nil || inc.Granularity != access.Pseudonymised || !inc.PurposeRequired {
					fail(u, "FindIncident(%d) without purpose = %v (purpose required %v), want pseudonymised, purpose required",
						ref.ID, errOrGran(inc, err), inc != nil && inc.PurposeRequired)
				}
			}
		}
	}
	return problems
}

// checkList lists every page of f and compares it with the records of
// want that keep selects.
func (w *propertyWorld) checkList(db *store.DB, ctx context.Context, u *vrs.User, f vrs.IncidentFilter, want map[int64]vrs.Granularity,
	keep func(access.IncidentRef) bool, fail func(*vrs.User, string, ...any)) {
	got := map[int64]vrs.Granularity{}
	for pages := 0; ; pages++ {
		page, err := db.ListIncidents(ctx, f)
		if err != nil {
			fail(u, "ListIncidents(%+v): %v", f, err)
			return
		}
		for _, s := range page.Items {
			if _, dup := got[s.ID]; dup {
				fail(u, "ListIncidents(%+v) lists %d twice", f, s.ID)
			}
			got[s.ID] = s.Granularity
		}
		if page.Next == "" || pages > len(w.refs) {
			break
		}
		f.After = page.Next
	}
	for _, ref := range w.refs {
		g := want[ref.ID]
		if !keep(ref) || g < access.Pseudonymised {
			g = access.None
		}
		if got[ref.ID] != g {
			fail(u, "ListIncidents(types %v, country %q, sort %s, limit %d) gives %d at %s, want %s",
				f.Types, f.Country, f.Sort, f.Limit, ref.ID, got[ref.ID], g)
		}
	}
}

func errOrGran(inc *vrs.Incident, err error) string {
	if err != nil {
		return err.Error()
	}
	return inc.Granularity.String()
}

// String prints the world for a failure report.
func (w *propertyWorld) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "world seed %d, today %s, reciprocity %q\n", w.seed, w.today, w.reciprocity)
	fmt.Fprintf(&b, "  countries %v, outsider %s, members %v\n", w.countries, w.outsider, w.members)
	for _, a := range w.agencies {
		fmt.Fprintf(&b, "  agency %d %s (default %s)\n", a.ID, a.Country, a.DefaultDistribution)
	}
	for _, g := range w.groups {
		fmt.Fprintf(&b, "  group %d owner %s: countries %v agencies %v\n", g.ID, g.Owner, g.Countries, g.AgencyIDs)
	}
	for _, a := range w.agreements {
		fmt.Fprintf(&b, "  agreement %d %s–%s %s types %v %s data [%s, %s] days [%s, %s]\n", a.ID, a.Proposer, a.Partner, a.Status,
			a.Types, a.Granularity, a.DataFrom, a.DataTo, a.Starts, a.Ends)
	}
	for _, r := range w.refs {
		fmt.Fprintf(&b, "  record %d agency %d %s %s %s detected %s %s countries %v groups %v\n", r.ID, r.AgencyID, r.Country, r.Status,
			r.Type, r.DetectedOn, r.Distribution, r.ShareCountries, r.ShareGroups)
	}
	for _, u := range w.users {
		fmt.Fprintf(&b, "  user %s: agency %d country %q roles %v view %s capture %v\n", u.Name, u.AgencyID, u.Country, u.Roles, u.ViewScope,
			u.CaptureAgencyIDs)
	}
	return b.String()
}
