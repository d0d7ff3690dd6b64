package loadgen

// The data set and the queries of `vrs bench analysis` (issue 6: pivots of
// up to two dimensions with up to three filters over 10,000,000 persons in
// 2,000,000 incidents).

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"vrs"
	"vrs/demo"
)

// AnalysisPersonsPerIncident is the mean the data set aims at: issue 6
// sizes it as 10,000,000 persons in 2,000,000 incidents.
const AnalysisPersonsPerIncident = 5

// The demo generator records large groups (boats, trucks) as aggregate
// counts, averaging 75 persons, in about a fifth of its incidents; the
// others average 4.8 persons. Kept as often as the demo draws them, they
// would make the mean 20. AnalysisSource keeps one such incident in
// keepLargeGroup and draws again for the others, which brings the mean
// to 5 while every incident stays one the demo made whole.
const (
	keepLargeGroup = 120
	// analysisDraws bounds the draws per incident: the chance that all
	// of them hold a large group that is not kept is about 0.21^16.
	analysisDraws = 16
)

// AnalysisSource makes incident i of the benchmark's data set from the
// demo generator (demo.Source). Like the generator, incident i depends
// only on the generator's seed and end date, the agencies and i, so that
// incidents can be made in parallel.
type AnalysisSource struct {
	g    *demo.Generator
	seed uint64
}

// NewAnalysisSource wraps a demo generator; seed draws which large groups
// are kept.
func NewAnalysisSource(g *demo.Generator, seed int64) *AnalysisSource {
	return &AnalysisSource{g: g, seed: uint64(seed)}
}

// Incident returns incident i of the data set.
func (s *AnalysisSource) Incident(i int) *vrs.Incident {
	inc, _ := s.draw(i)
	return inc
}

// draw returns incident i and the demo's index of it.
func (s *AnalysisSource) draw(i int) (*vrs.Incident, int) {
	r := rand.New(rand.NewPCG(s.seed, uint64(i)|0xa<<60))
	var inc *vrs.Incident
	var j int
	for k := range analysisDraws {
		j = i*analysisDraws + k
		inc = s.g.Incident(j)
		if len(inc.Counts) == 0 || r.IntN(keepLargeGroup) == 0 {
			break
		}
	}
	return inc, j
}

// WriteIncident returns incident i for the write benchmark: a draft of
// the given agency, shared again from there as the demo shares, with a
// reference that the run names (so that runs on the same store never
// collide). Call it with indices beyond the data set's.
func (s *AnalysisSource) WriteIncident(i int, a *vrs.Agency, run string) *vrs.Incident {
	inc, j := s.draw(i)
	inc.AgencyID, inc.Country, inc.AgencyName = a.ID, a.Country, a.Name
	s.g.Share(j, inc)
	inc.Status, inc.ReviewNote = vrs.StatusDraft, ""
	inc.Reference = fmt.Sprintf("BENCH-%s-%d", run, i)
	return inc
}

// PersonsOf counts an incident's persons as the persons measure does:
// those recorded one by one and those in aggregate counts.
func PersonsOf(inc *vrs.Incident) int {
	n := len(inc.Persons)
	for _, c := range inc.Counts {
		n += c.Count
	}
	return n
}

// AnalysisUser names who runs a query.
type AnalysisUser string

const (
	// AnalystNational: an analyst of the country holding most records,
	// with the country view.
	AnalystNational AnalysisUser = "national"
	// AnalystRegional: a regional analyst, with the shared view.
	AnalystRegional AnalysisUser = "regional"
	// AnalystForeign: an analyst of another country, who counts the
	// first country's records through a sharing agreement.
	AnalystForeign AnalysisUser = "foreign"
)

// AnalysisQuery is one query of the benchmark, run as User.
type AnalysisQuery struct {
	Name  string
	User  AnalysisUser
	Query vrs.StatQuery
}

// AnalysisQueries is the benchmark's fixed list: pivots of one or two
// dimensions with up to three filters, over every level (incidents,
// persons, payments), by each user. year is the last whole year of the
// data; shared is the country whose records the foreign analyst counts
// through an agreement.
func AnalysisQueries(year int, shared string) []AnalysisQuery {
	y, y1 := strconv.Itoa(year), strconv.Itoa(year-1)
	type f = map[vrs.StatDimension][]string
	q := func(name string, u AnalysisUser, m vrs.StatMeasure, rows, cols []vrs.StatDimension, filters f) AnalysisQuery {
		return AnalysisQuery{Name: name, User: u, Query: vrs.StatQuery{Measure: m, Rows: rows, Cols: cols, Filters: filters}}
	}
	d := func(ds ...vrs.StatDimension) []vrs.StatDimension { return ds }
	return []AnalysisQuery{
		q("nat-month", AnalystNational, vrs.MeasureIncidents, d(vrs.DimMonth), nil, nil),
		q("nat-nationality-sex", AnalystNational, vrs.MeasurePersons, d(vrs.DimNationality), d(vrs.DimSex),
			f{vrs.DimType: {string(vrs.TypeMigrantSmuggling)}}),
		q("nat-sea-routes", AnalystNational, vrs.MeasureMigrants, d(vrs.DimOrigin), d(vrs.DimDestination),
			f{vrs.DimYear: {y}, vrs.DimMode: {"boat", "ship"}}),
		q("nat-exploitation", AnalystNational, vrs.MeasureVictims, d(vrs.DimExploitation), d(vrs.DimAgeGroup),
			f{vrs.DimType: {string(vrs.TypeTrafficking)}, vrs.DimSex: {"female"}, vrs.DimYear: {y1, y}}),
		q("nat-fees", AnalystNational, vrs.MeasureFeesSum, d(vrs.DimCurrency), d(vrs.DimYear), f{vrs.DimOrigin: {"MM"}}),
		q("nat-agency-type", AnalystNational, vrs.MeasureIncidents, d(vrs.DimAgency), d(vrs.DimType), nil),
		q("reg-country-year", AnalystRegional, vrs.MeasureIncidents, d(vrs.DimCountry), d(vrs.DimYear), nil),
		q("reg-nationality-quarter", AnalystRegional, vrs.MeasurePersons, d(vrs.DimNationality), d(vrs.DimQuarter),
			f{vrs.DimType: {string(vrs.TypeIrregularMigration), string(vrs.TypeMigrantSmuggling)}, vrs.DimYear: {y1, y}}),
		q("reg-dead-missing", AnalystRegional, vrs.MeasureDeadMissing, d(vrs.DimTransit), d(vrs.DimMode), nil),
		q("reg-documents", AnalystRegional, vrs.MeasureIncidents, d(vrs.DimDocument), d(vrs.DimFraud),
			f{vrs.DimType: {string(vrs.TypeDocumentFraud)}, vrs.DimYear: {y}}),
		q("for-nationality", AnalystForeign, vrs.MeasurePersons, d(vrs.DimNationality), nil, f{vrs.DimCountry: {shared}}),
		q("for-truck-month", AnalystForeign, vrs.MeasureMigrants, d(vrs.DimMonth), d(vrs.DimTransit),
			f{vrs.DimCountry: {shared}, vrs.DimMode: {"truck", "car"}, vrs.DimAgeGroup: {"18-24", "25-34"}}),
		q("for-offence", AnalystForeign, vrs.MeasureSuspects, d(vrs.DimOffence), d(vrs.DimYear), f{vrs.DimCountry: {shared}}),
	}
}

// SelectAnalysisQueries picks queries by name or 1-based number from a
// comma-separated list; "" picks them all. The order is the list's.
func SelectAnalysisQueries(all []AnalysisQuery, list string) ([]AnalysisQuery, error) {
	if strings.TrimSpace(list) == "" {
		return all, nil
	}
	var out []AnalysisQuery
	for _, w := range strings.Split(list, ",") {
		w = strings.TrimSpace(w)
		k := slices.IndexFunc(all, func(q AnalysisQuery) bool { return q.Name == w })
		if n, err := strconv.Atoi(w); err == nil && n >= 1 && n <= len(all) {
			k = n - 1
		}
		if k < 0 {
			return nil, fmt.Errorf("unknown query %q", w)
		}
		if slices.ContainsFunc(out, func(q AnalysisQuery) bool { return q.Name == all[k].Name }) {
			return nil, fmt.Errorf("query %q named twice", w)
		}
		out = append(out, all[k])
	}
	return out, nil
}

// Timing summarises repeated runs of one query.
type Timing struct {
	Runs          int
	P50, P95, Max time.Duration
}

// Summarise returns the nearest-rank percentiles of the durations.
func Summarise(ds []time.Duration) Timing {
	if len(ds) == 0 {
		return Timing{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p int) time.Duration { return s[max(0, min(len(s)-1, (len(s)*p+99)/100-1))] }
	return Timing{Runs: len(s), P50: rank(50), P95: rank(95), Max: s[len(s)-1]}
}

// AnalysisRow is one measured query: its answer's size, the cube path's
// timing and, when measured, the raw path's.
type AnalysisRow struct {
	Query AnalysisQuery
	// UserLabel says who ran it ("national TH").
	UserLabel string
	Cells     int
	Total     float64
	Cube      Timing
	Raw       *Timing
	// Differs is set when the raw path's answer was not the cube's.
	Differs bool
}

// SpeedUp is the raw path's median over the cube path's, 0 when the raw
// path was not measured.
func (r AnalysisRow) SpeedUp() float64 {
	if r.Raw == nil || r.Cube.P50 <= 0 {
		return 0
	}
	return float64(r.Raw.P50) / float64(r.Cube.P50)
}

// AnalysisColumns are the markdown table's columns.
var AnalysisColumns = []string{"#", "query", "user", "measure", "rows × cols", "filters", "cells", "total", "runs",
	"p50 ms", "p95 ms", "max ms", "raw p50 ms", "speed-up"}

// WriteAnalysisTable prints the rows as a markdown table. A raw timing not
// measured shows as "–"; an answer that differed from the raw path's is
// marked "≠" after its speed-up.
func WriteAnalysisTable(w io.Writer, rows []AnalysisRow) error {
	var b strings.Builder
	b.WriteString("| " + strings.Join(AnalysisColumns, " | ") + " |\n")
	b.WriteString(strings.Repeat("|---", len(AnalysisColumns)) + "|\n")
	for i, r := range rows {
		raw, speed := "–", "–"
		if r.Raw != nil {
			raw, speed = msText(r.Raw.P50), fmt.Sprintf("%.1f×", r.SpeedUp())
			if r.Differs {
				speed += " ≠"
			}
		}
		q := r.Query.Query
		cells := []string{strconv.Itoa(i + 1), r.Query.Name, r.UserLabel, string(q.Measure), dimsText(q), filtersText(q),
			strconv.Itoa(r.Cells), strconv.FormatFloat(r.Total, 'f', -1, 64), strconv.Itoa(r.Cube.Runs),
			msText(r.Cube.P50), msText(r.Cube.P95), msText(r.Cube.Max), raw, speed}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func msText(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
}

func dimsText(q vrs.StatQuery) string {
	names := func(ds []vrs.StatDimension) string {
		s := make([]string, len(ds))
		for i, d := range ds {
			s[i] = string(d)
		}
		return strings.Join(s, ", ")
	}
	if len(q.Cols) == 0 {
		return names(q.Rows)
	}
	return names(q.Rows) + " × " + names(q.Cols)
}

func filtersText(q vrs.StatQuery) string {
	if len(q.Filters) == 0 {
		return "–"
	}
	keys := make([]string, 0, len(q.Filters))
	for d := range q.Filters {
		keys = append(keys, string(d))
	}
	slices.Sort(keys)
	for i, k := range keys {
		keys[i] = k + "=" + strings.Join(q.Filters[vrs.StatDimension(k)], "/")
	}
	return strings.Join(keys, "; ")
}
