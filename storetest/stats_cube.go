package storetest

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"vrs"
	"vrs/access"
	"vrs/store"
)

// testStatsCube holds the cube equal to the raw tables: for random
// records written by every path (bulk, create, update, submit, return,
// validate, delete of drafts), random queries and every user of the
// sharing world, every cell, margin and total of db.Stats equals
// db.StatsRaw's, and the records behind a cell equal too.
func testStatsCube(t *testing.T, db *store.DB) {
	w, _, _ := statsWorld(t, db)
	// VRS_STATS_SEED replays or explores other worlds.
	seed := uint64(20261129)
	if s, err := strconv.ParseUint(os.Getenv("VRS_STATS_SEED"), 10, 64); err == nil {
		seed = s
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	g := &statGen{rng: rng, agencies: map[int64]string{}}
	for _, key := range []string{"th-police", "th-immigration", "vn-police", "la-police"} {
		a := w.Agencies[key]
		g.agencies[a.ID] = a.Country
		g.agencyIDs = append(g.agencyIDs, a.ID)
	}
	slices.Sort(g.agencyIDs)
	var checked, nonEmpty, publicChecked int
	compare := func(phase string, queries int) {
		t.Helper()
		// In a fixed order, so that the seed replays the same queries.
		for _, name := range slices.Sorted(maps.Keys(w.Users)) {
			u := w.Users[name]
			for range queries {
				q := g.query()
				raw, err := db.StatsRaw(As(u), q)
				if err != nil {
					t.Fatalf("%s: StatsRaw %+v: %v %v", phase, q, err, vrs.AsError(err).Fields)
				}
				got, err := db.Stats(As(u), q)
				if err != nil {
					t.Fatalf("%s: Stats %+v: %v", phase, q, err)
				}
				checked++
				if len(raw.Cells) > 0 {
					nonEmpty++
				}
				if d := statDiff(raw, got); d != "" {
					t.Fatalf("%s, user %s, seed %d, query %+v:\n%s", phase, name, seed, q, d)
				}
				if name == "admin" { // once per query round: the public has no user
					pq := g.publicQuery()
					publicRaw, err := db.StatsPublicRaw(t.Context(), pq)
					if err != nil {
						t.Fatalf("%s: StatsPublicRaw: %v", phase, err)
					}
					public, err := db.StatsPublic(t.Context(), pq)
					if err != nil {
						t.Fatalf("%s: StatsPublic: %v", phase, err)
					}
					if d := statDiff(publicRaw, public); d != "" {
						t.Fatalf("%s, the public, seed %d, query %+v:\n%s", phase, seed, pq, d)
					}
					publicChecked++
				}
				if len(raw.Cells) == 0 {
					continue
				}
				cell := raw.Cells[rng.IntN(len(raw.Cells))].Keys
				want, err := db.StatsRecordsRaw(As(u), q, cell, 1000)
				if err != nil {
					t.Fatalf("%s: StatsRecordsRaw: %v", phase, err)
				}
				have, err := db.StatsRecords(As(u), q, cell, 1000)
				if err != nil {
					t.Fatalf("%s: StatsRecords: %v", phase, err)
				}
				if want.Total != have.Total || !slices.Equal(want.IDs, have.IDs) {
					t.Fatalf("%s, user %s, query %+v, cell %q: records %v (%d), want %v (%d)", phase, name, q, cell, have.IDs, have.Total, want.IDs, want.Total)
				}
				// Every record listed behind a cell is one the user's list
				// shows, in the same order.
				if len(have.IDs) > 0 {
					page, err := db.ListIncidents(As(u), vrs.IncidentFilter{IDs: have.IDs, Sort: "-detected", Limit: min(len(have.IDs), 200)})
					if err != nil {
						t.Fatalf("%s: list by ids: %v", phase, err)
					}
					var listed []int64
					for _, it := range page.Items {
						listed = append(listed, it.ID)
					}
					if !slices.Equal(listed, have.IDs[:min(len(have.IDs), 200)]) {
						t.Fatalf("%s, user %s: list by ids %v gave %v", phase, name, have.IDs, listed)
					}
				}
			}
		}
	}
	// Thailand and Laos publish: the public view counts theirs.
	for _, c := range []string{"TH", "LA"} {
		if err := db.SetCountryPublishing(System(), c, vrs.CountryPublishing{Publish: true}); err != nil {
			t.Fatal(err)
		}
	}
	compare("statsWorld", 8)

	// Bulk: records of every status and distribution.
	var bulk []*vrs.Incident
	for i := range 60 {
		bulk = append(bulk, g.incident(fmt.Sprintf("B-%d", i), true))
	}
	if err := db.BulkCreateIncidents(System(), bulk); err != nil {
		t.Fatalf("bulk: %v %v", err, vrs.AsError(err).Fields)
	}
	compare("bulk", 12)

	// Records shared with a sharing group lose it when the group is
	// deleted; on SQLite the next group may take the same id, and must
	// not reach them.
	th := As(w.Users["focal_point"])
	laos := &vrs.SharingGroup{Name: "Mekong", Releasability: "Partners only", Countries: []string{"LA"}}
	if err := db.CreateSharingGroup(th, laos); err != nil {
		t.Fatalf("group: %v %v", err, vrs.AsError(err).Fields)
	}
	var shared []*vrs.Incident
	for i := range 4 {
		inc := g.incidentOf(w.Agencies["th-police"].ID, fmt.Sprintf("G-%d", i), false)
		inc.Type, inc.Status, inc.Distribution, inc.ShareCountries, inc.ShareGroups = vrs.TypeMigrantSmuggling, vrs.StatusValidated, vrs.DistPartners, nil, []int64{laos.ID}
		inc.OccurredOn, inc.DetectedOn, inc.ReportedOn = "2025-03-02", "2025-03-02", "2025-03-02"
		need := slices.ContainsFunc(inc.Persons, func(p vrs.Person) bool { return p.Role == "migrant" }) ||
			slices.ContainsFunc(inc.Counts, func(c vrs.AggregateCount) bool { return c.Role == "migrant" })
		if !need {
			inc.Counts = append(inc.Counts, vrs.AggregateCount{Role: "migrant", Nationality: "NG", Count: 2})
		}
		shared = append(shared, inc)
	}
	if err := db.BulkCreateIncidents(System(), shared); err != nil {
		t.Fatalf("bulk: %v %v", err, vrs.AsError(err).Fields)
	}
	compare("shared with a group", 4)
	if err := db.DeleteSharingGroup(th, laos.ID); err != nil {
		t.Fatal(err)
	}
	vietnam := &vrs.SharingGroup{Name: "Viet Nam", Releasability: "Partners only", Countries: []string{"VN"}}
	if err := db.CreateSharingGroup(th, vietnam); err != nil {
		t.Fatal(err)
	}
	compare("group deleted, another created", 6)

	// One by one through the review workflow.
	reporters := map[int64]*vrs.User{}
	reviewers := map[int64]*vrs.User{}
	for _, u := range w.Users {
		if u.HasRole(vrs.RoleReporter) {
			for _, a := range u.CaptureAgencies() {
				reporters[a] = u
			}
		}
		if u.HasRole(vrs.RoleReviewer) {
			reviewers[u.AgencyID] = u
		}
	}
	var mine []*vrs.Incident
	for i := range 30 {
		inc := g.incident(fmt.Sprintf("C-%d", i), false)
		rep := reporters[inc.AgencyID]
		if rep == nil {
			continue
		}
		if err := db.CreateIncident(As(rep), inc); err != nil {
			t.Fatalf("create: %v %v", err, vrs.AsError(err).Fields)
		}
		mine = append(mine, inc)
	}
	compare("create", 6)
	// A record shared with a partner country goes through review: its
	// partners stay with it at every step.
	partner := g.incidentOf(w.Agencies["th-police"].ID, "P-1", false)
	partner.Type, partner.Distribution, partner.ShareCountries, partner.ShareGroups = vrs.TypeMigrantSmuggling, vrs.DistPartners, []string{"VN"}, nil
	partner.OccurredOn, partner.DetectedOn, partner.ReportedOn = "2025-03-02", "2025-03-02", "2025-03-02"
	if !slices.ContainsFunc(partner.Persons, func(p vrs.Person) bool { return p.Role == "migrant" }) &&
		!slices.ContainsFunc(partner.Counts, func(c vrs.AggregateCount) bool { return c.Role == "migrant" }) {
		partner.Counts = append(partner.Counts, vrs.AggregateCount{Role: "migrant", Nationality: "NG", Count: 2})
	}
	if err := db.CreateIncident(As(reporters[partner.AgencyID]), partner); err != nil {
		t.Fatalf("create: %v %v", err, vrs.AsError(err).Fields)
	}
	if _, err := db.TransitionIncident(As(reporters[partner.AgencyID]), partner.ID, 1, vrs.StatusSubmitted, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionIncident(As(reviewers[partner.AgencyID]), partner.ID, 2, vrs.StatusValidated, ""); err != nil {
		t.Fatal(err)
	}
	q := vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: map[vrs.StatDimension][]string{vrs.DimCountry: {"TH"}, vrs.DimDay: {"2025-03-02"}}}
	var totals []float64
	for _, impl := range []func(context.Context, vrs.StatQuery) (*vrs.StatResult, error){db.StatsRaw, db.Stats} {
		r, err := impl(As(w.Users["vn-analyst"]), q)
		if err != nil {
			t.Fatal(err)
		}
		totals = append(totals, r.Total)
	}
	if totals[0] == 0 || totals[0] != totals[1] {
		t.Fatalf("Viet Nam's analyst counts %v of Thailand's records shared with Viet Nam in the raw tables, %v in the cube", totals[0], totals[1])
	}
	compare("shared with a partner and validated", 4)
	for round := range 3 {
		for i, inc := range mine {
			if inc == nil {
				continue
			}
			rep, rev := reporters[inc.AgencyID], reviewers[inc.AgencyID]
			cur, err := db.FindIncident(As(rep), inc.ID)
			if err != nil {
				t.Fatalf("find: %v", err)
			}
			switch op := rng.IntN(6); {
			case op == 0 && cur.Status != vrs.StatusSubmitted:
				next := g.incidentOf(cur.AgencyID, cur.Reference, false)
				next.ID = cur.ID
				if err := db.UpdateIncident(As(rep), next, cur.Version); err != nil {
					t.Fatalf("update: %v %v", err, vrs.AsError(err).Fields)
				}
			case op == 1 && (cur.Status == vrs.StatusDraft || cur.Status == vrs.StatusReturned):
				if _, err := db.TransitionIncident(As(rep), cur.ID, cur.Version, vrs.StatusSubmitted, ""); err != nil {
					t.Fatalf("submit: %v", err)
				}
			case op == 2 && cur.Status == vrs.StatusSubmitted && rev != nil:
				if _, err := db.TransitionIncident(As(rev), cur.ID, cur.Version, vrs.StatusReturned, "Check the route."); err != nil {
					t.Fatalf("return: %v", err)
				}
			case op == 3 && cur.Status == vrs.StatusSubmitted && rev != nil:
				if _, err := db.TransitionIncident(As(rev), cur.ID, cur.Version, vrs.StatusValidated, ""); err != nil {
					t.Fatalf("validate: %v", err)
				}
			case op == 4 && cur.Status == vrs.StatusDraft:
				if err := db.DeleteIncident(As(rep), cur.ID, cur.Version, "Entered twice."); err != nil {
					t.Fatalf("delete: %v", err)
				}
				mine[i] = nil
			}
		}
		compare("workflow round "+strconv.Itoa(round), 6)
	}
	// The newest draft deleted, new records may take its id (SQLite):
	// its row in the cube says it is gone, and must give way.
	last := g.incidentOf(w.Agencies["th-police"].ID, "D-1", false)
	rep := reporters[last.AgencyID]
	if err := db.CreateIncident(As(rep), last); err != nil {
		t.Fatalf("create: %v %v", err, vrs.AsError(err).Fields)
	}
	if err := db.DeleteIncident(As(rep), last.ID, 1, "Entered twice."); err != nil {
		t.Fatal(err)
	}
	// The cube has seen the deletion before the ids are taken again.
	compare("newest draft deleted", 2)
	var again []*vrs.Incident
	for i := range 5 {
		again = append(again, g.incident(fmt.Sprintf("A-%d", i), true))
	}
	if err := db.BulkCreateIncidents(System(), again); err != nil {
		t.Fatalf("bulk after deletions: %v %v", err, vrs.AsError(err).Fields)
	}
	t.Logf("deleted draft %d, new records from %d", last.ID, again[0].ID)
	compare("bulk after deletions", 4)
	if checked < 200 || nonEmpty < checked/3 || publicChecked < 10 {
		t.Fatalf("%d queries checked, %d with cells, %d public: too few to prove anything", checked, nonEmpty, publicChecked)
	}
}

// statDiff describes how two results differ, "" when they do not.
func statDiff(want, got *vrs.StatResult) string {
	var out string
	for _, part := range []struct {
		name string
		a, b []vrs.StatCell
	}{{"cells", want.Cells, got.Cells}, {"row totals", want.RowTotals, got.RowTotals}, {"column totals", want.ColTotals, got.ColTotals}} {
		if a, b := asCells(part.a), asCells(part.b); !maps.EqualFunc(a, b, near) {
			out += fmt.Sprintf("%s: cube %v\n          raw  %v\n", part.name, b, a)
		}
	}
	if !near(want.Total, got.Total) {
		out += fmt.Sprintf("total: cube %v, raw %v\n", got.Total, want.Total)
	}
	return out
}

// near compares values that may be sums of the same amounts in another
// order (US dollars are not whole numbers).
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(math.Abs(a), math.Abs(b)) }

// statGen makes random records and queries from small pools of values,
// so that cells collide and filters match.
type statGen struct {
	rng       *rand.Rand
	agencies  map[int64]string
	agencyIDs []int64
}

var (
	genCountries = []string{"MM", "LA", "KH", "TH", "VN", "AF"}
	genModes     = []string{"bus", "boat", "air", "car", "foot", "truck"}
	genRoles     = []string{"migrant", "victim", "suspect"}
	genSexes     = []string{"male", "female", ""}
	genPStatus   = []string{"intercepted", "rescued", "deceased", "missing", ""}
	genExploit   = []string{"sexual_exploitation", "forced_labour"}
	genTypes     = []vrs.IncidentType{vrs.TypeMigrantSmuggling, vrs.TypeTrafficking, vrs.TypeIrregularMigration}
	genDists     = []vrs.Distribution{vrs.DistAgency, vrs.DistCountry, vrs.DistPartners, vrs.DistCommunity, vrs.DistStatistics}
	genStatuses  = []vrs.IncidentStatus{vrs.StatusDraft, vrs.StatusSubmitted, vrs.StatusReturned, vrs.StatusValidated, vrs.StatusValidated}
	// KPW has no rate to US dollars: the _usd measures leave it out.
	genCurrency = []string{"USD", "THB", "MYR", "KPW"}
	genPurposes = []string{"smuggling_fee", "recruitment_fee", "debt_repayment"}
	genDays     = []string{"2024-11-03", "2024-12-30", "2025-01-15", "2025-02-01", "2025-03-02", "2025-03-31", "2025-04-10", "2025-06-01"}
)

// incident is a random record of a random agency; withStatus gives it a
// random status (for bulk writes), otherwise it is a draft.
func (g *statGen) incident(ref string, withStatus bool) *vrs.Incident {
	return g.incidentOf(pick(g.rng, g.agencyIDs), ref, withStatus)
}

func (g *statGen) incidentOf(agency int64, ref string, withStatus bool) *vrs.Incident {
	r := g.rng
	country := g.agencies[agency]
	inc := Interception(agency, ref)
	inc.Type = pick(r, genTypes)
	day := pick(r, genDays)
	inc.OccurredOn, inc.DetectedOn, inc.ReportedOn = day, day, day
	inc.Place = vrs.Place{Country: country, Name: "Checkpoint", Kind: "border_crossing"}
	inc.Legs = []vrs.RouteLeg{{Country: country, Place: "Checkpoint", Role: "interception", Mode: pick(r, genModes)}}
	// A route starts at its origin; a record without one has only the
	// interception.
	if r.IntN(4) > 0 {
		inc.Legs = append([]vrs.RouteLeg{{Country: pick(r, genCountries), Role: "origin", Mode: pick(r, genModes)}}, inc.Legs...)
		transit := slices.Clone(genCountries)
		r.Shuffle(len(transit), func(i, j int) { transit[i], transit[j] = transit[j], transit[i] })
		for _, c := range transit[:r.IntN(3)] {
			inc.Legs = append(inc.Legs, vrs.RouteLeg{Country: c, Role: "transit", Mode: pick(r, genModes)})
		}
		if r.IntN(2) == 0 {
			inc.Legs = append(inc.Legs, vrs.RouteLeg{Country: pick(r, genCountries), Role: "destination", Mode: pick(r, genModes)})
		}
	}
	inc.Persons = nil
	for i := range r.IntN(4) {
		p := vrs.Person{Key: "p" + strconv.Itoa(i+1), Role: pick(r, genRoles), Sex: pick(r, genSexes), Status: pick(r, genPStatus)}
		if r.IntN(2) == 0 {
			p.Age = ptr(10 + r.IntN(50))
		}
		for range r.IntN(3) {
			p.Nationalities = append(p.Nationalities, pick(r, genCountries))
		}
		p.Nationalities = slices.Compact(slices.Sorted(slices.Values(p.Nationalities)))
		if p.Role == "victim" && r.IntN(2) == 0 {
			p.Exploitation = []string{pick(r, genExploit)}
		}
		inc.Persons = append(inc.Persons, p)
	}
	inc.Counts = nil
	for range r.IntN(3) {
		c := vrs.AggregateCount{Role: pick(r, genRoles), Nationality: pick(r, append(genCountries, "")),
			Sex: pick(r, genSexes), Status: pick(r, genPStatus), Count: 1 + r.IntN(6)}
		if !slices.ContainsFunc(inc.Counts, func(o vrs.AggregateCount) bool { o.Count = c.Count; return o == c }) {
			inc.Counts = append(inc.Counts, c)
		}
	}
	// Smuggling and irregular migration need a migrant, trafficking a
	// victim.
	need := "migrant"
	if inc.Type == vrs.TypeTrafficking {
		need = "victim"
	}
	if !slices.ContainsFunc(inc.Persons, func(p vrs.Person) bool { return p.Role == need }) &&
		!slices.ContainsFunc(inc.Counts, func(c vrs.AggregateCount) bool { return c.Role == need }) {
		inc.Counts = append(inc.Counts, vrs.AggregateCount{Role: need, Nationality: "NG", Count: 1 + r.IntN(3)})
	}
	inc.Documents = nil
	if r.IntN(3) == 0 && len(inc.Persons) > 0 {
		inc.Documents = []vrs.Document{{Type: pick(r, []string{"passport", "visa"}), FraudType: pick(r, []string{"counterfeit", "forged"}), HolderKey: "p1"}}
	}
	inc.Transactions = nil
	for range r.IntN(3) {
		payer := ""
		if n := len(inc.Persons); n > 0 && r.IntN(3) > 0 {
			payer = "p" + strconv.Itoa(1+r.IntN(n))
		}
		t := vrs.Transaction{PayerKey: payer, Amount: float64(100 * (1 + r.IntN(50))),
			Currency: pick(r, genCurrency), Method: "cash", Purpose: pick(r, genPurposes)}
		if r.IntN(3) == 0 {
			t.Date = pick(r, []string{"2019-06-30", "2023-01-10", "2024-12-01"})
		}
		inc.Transactions = append(inc.Transactions, t)
	}
	inc.OffenceCodes = pick(r, [][]string{nil, {"08051"}, {"02041"}, {"08051", "02041"}})
	inc.Distribution = pick(r, genDists)
	if inc.Distribution == vrs.DistPartners {
		for _, c := range []string{"VN", "LA", "TH"} {
			if c != country && r.IntN(2) == 0 {
				inc.ShareCountries = append(inc.ShareCountries, c)
			}
		}
		if len(inc.ShareCountries) == 0 {
			inc.Distribution = vrs.DistCommunity
		}
	}
	if withStatus {
		inc.Status = pick(r, genStatuses)
		if inc.Status == vrs.StatusReturned {
			inc.ReviewNote = "Add the route."
		}
	}
	return inc
}

// values are the keys a random filter picks from, per dimension.
func (g *statGen) values(d vrs.StatDimension) []string {
	switch d {
	case vrs.DimDay:
		return genDays
	case vrs.DimMonth:
		return []string{"2024-11", "2025-03", "2025-04"}
	case vrs.DimQuarter:
		return []string{"2024-Q4", "2025-Q1", "2025-Q2"}
	case vrs.DimYear:
		return []string{"2024", "2025"}
	case vrs.DimCountry, vrs.DimOrigin, vrs.DimTransit, vrs.DimDestination, vrs.DimNationality:
		return append(genCountries, "")
	case vrs.DimAgency:
		var out []string
		for _, id := range g.agencyIDs {
			out = append(out, strconv.FormatInt(id, 10))
		}
		return out
	case vrs.DimType:
		return []string{"migrant_smuggling", "trafficking_in_persons", "irregular_migration", "document_fraud"}
	case vrs.DimStatus:
		return []string{"draft", "submitted", "returned", "validated"}
	case vrs.DimMode:
		return append(genModes, "")
	case vrs.DimDocument:
		return []string{"passport", "visa", ""}
	case vrs.DimFraud:
		return []string{"counterfeit", "forged", ""}
	case vrs.DimOffence:
		return []string{"08051", "02041", ""}
	case vrs.DimSex:
		return genSexes
	case vrs.DimAgeGroup:
		return []string{"12-17", "18-24", "25-34", ""}
	case vrs.DimRole:
		return genRoles
	case vrs.DimPersonStatus:
		return genPStatus
	case vrs.DimExploitation:
		return append(genExploit, "")
	case vrs.DimCurrency:
		return append(genCurrency, "")
	}
	return nil
}

// publicQuery is a random query of the kind the public page asks: a
// published measure by up to two published dimensions, no filter.
func (g *statGen) publicQuery() vrs.StatQuery {
	r := g.rng
	dims := slices.DeleteFunc(slices.Clone(access.PublicDimensions), func(d vrs.StatDimension) bool { return d == vrs.DimQuarter })
	r.Shuffle(len(dims), func(i, j int) { dims[i], dims[j] = dims[j], dims[i] })
	n := r.IntN(3)
	rows := r.IntN(n + 1)
	return vrs.StatQuery{Measure: pick(r, access.PublicMeasures), Rows: dims[:rows], Cols: dims[rows:n]}
}

// query is a random valid query: up to three dimensions, up to three
// filters, sometimes a period.
func (g *statGen) query() vrs.StatQuery {
	r := g.rng
	q := vrs.StatQuery{Measure: pick(r, vrs.StatMeasures)}
	dims := slices.Clone(vrs.StatDimensions)
	if q.Measure.Level() == vrs.LevelPerson {
		dims = slices.DeleteFunc(dims, func(d vrs.StatDimension) bool { return d.Level() == vrs.LevelPayment })
	}
	r.Shuffle(len(dims), func(i, j int) { dims[i], dims[j] = dims[j], dims[i] })
	n := r.IntN(4)
	rows := r.IntN(n + 1)
	q.Rows, q.Cols = dims[:rows], dims[rows:n]
	for _, d := range dims[n : n+r.IntN(4)] {
		if q.Filters == nil {
			q.Filters = map[vrs.StatDimension][]string{}
		}
		vals := g.values(d)
		q.Filters[d] = slices.Compact(slices.Sorted(slices.Values([]string{pick(r, vals), pick(r, vals)})))
	}
	if r.IntN(4) == 0 && len(q.Rows) > 0 {
		// A filter on a dimension shown narrows what it shows.
		q.Filters = map[vrs.StatDimension][]string{q.Rows[0]: {pick(r, g.values(q.Rows[0]))}}
	}
	if q.Measure.Amounts() && !slices.Contains(q.Dimensions(), vrs.DimCurrency) {
		if q.Filters == nil {
			q.Filters = map[vrs.StatDimension][]string{}
		}
		q.Filters[vrs.DimCurrency] = []string{pick(r, genCurrency)}
	}
	if r.IntN(3) == 0 {
		q.From = pick(r, genDays)
	}
	if r.IntN(3) == 0 {
		q.To = pick(r, genDays)
		if q.From > q.To {
			q.From, q.To = q.To, q.From
		}
	}
	return q
}
