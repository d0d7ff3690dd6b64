package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"vrs"
	"vrs/access"
	"vrs/refdata"
)

// StatsRaw answers a statistics query from the incidents table itself:
// every record the acting user may see at aggregate granularity or finer
// (access.IncidentBranches with least = aggregate, statistics-only
// records included, never more), each body read and counted in Go by the
// rules of vrs.StatQuery. It is the reference the statistics cube must
// equal and the "GROUP BY over the raw tables" it is measured against:
// correct rather than fast, and it streams, holding one body at a time.
func (db *DB) StatsRaw(ctx context.Context, q vrs.StatQuery) (*vrs.StatResult, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if err := q.Validate(refdata.Checker{}); err != nil {
		return nil, err
	}
	sh, err := db.sharingFor(ctx, u)
	if err != nil {
		return nil, err
	}
	var args []any
	branches := access.IncidentBranches(u, sh, access.Aggregate, &args)
	e := newStatEval(q)
	err = db.statsScan(ctx, q, branches, args, func(inc *vrs.Incident, _ int) { e.incident(inc) })
	if err != nil {
		return nil, err
	}
	return e.result(), nil
}

// statsScan reads every incident of the branches within the query's
// period and hands it to count with its granularity (the branch's).
func (db *DB) statsScan(ctx context.Context, q vrs.StatQuery, branches []access.Branch, args []any, count func(*vrs.Incident, int)) error {
	if len(branches) == 0 {
		return nil
	}
	// Only the bounds on indexed columns are narrowed in SQL, to spare
	// reading bodies; the evaluation checks them again, so that the Go
	// code alone defines what counts.
	var narrow string
	if q.From != "" {
		args = append(args, q.From)
		narrow += " AND i.detected_on >= $" + strconv.Itoa(len(args))
	}
	if q.To != "" {
		args = append(args, q.To)
		narrow += " AND i.detected_on <= $" + strconv.Itoa(len(args))
	}
	parts := make([]string, len(branches))
	for i, b := range branches {
		parts[i] = "SELECT i.id, i.agency_id, i.country, i.type, i.status, i.detected_on, i.body, " + b.Gran + " FROM incidents i WHERE (" + b.Cond + ")" + narrow
	}
	rows, err := db.reader.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var body []byte
	for rows.Next() {
		inc := &vrs.Incident{}
		var typ, status string
		var gran int
		if err := rows.Scan(&inc.ID, &inc.AgencyID, &inc.Country, &typ, &status, &inc.DetectedOn, &body, &gran); err != nil {
			return err
		}
		id, agency, detected, country := inc.ID, inc.AgencyID, inc.DetectedOn, inc.Country
		if err := json.Unmarshal(body, inc); err != nil {
			return fmt.Errorf("incident %d: body: %w", id, err)
		}
		// The columns, not the body, are what the access rule read.
		inc.ID, inc.AgencyID, inc.DetectedOn, inc.Country = id, agency, detected, country
		inc.Type, inc.Status = vrs.IncidentType(typ), vrs.IncidentStatus(status)
		count(inc, gran)
	}
	return rows.Err()
}

// statEval counts incidents one by one into cells, per the rules written
// in the doc comment of vrs.StatQuery (stats.go).
type statEval struct {
	q       vrs.StatQuery
	dims    []vrs.StatDimension
	filters map[vrs.StatDimension]map[string]bool
	// uses says which levels the dimensions or filters reach.
	uses              [3]bool
	cells, rows, cols map[string]float64
	total             float64
	// units counts the units added, whatever their value.
	units int
	// A quantile measure keeps the values of each cell, margin and total.
	quantile             bool
	cellsL, rowsL, colsL map[string][]float64
	totalL               []float64
}

const keySep = "\x1f"

func newStatEval(q vrs.StatQuery) *statEval {
	e := &statEval{q: q, dims: q.Dimensions(), filters: map[vrs.StatDimension]map[string]bool{},
		cells: map[string]float64{}, rows: map[string]float64{}, cols: map[string]float64{},
		cellsL: map[string][]float64{}, rowsL: map[string][]float64{}, colsL: map[string][]float64{}}
	_, e.quantile = q.Measure.Quantile()
	for d, vs := range q.Filters {
		m := map[string]bool{}
		for _, v := range vs {
			m[v] = true
		}
		e.filters[d] = m
		e.uses[d.Level()] = true
	}
	for _, d := range e.dims {
		e.uses[d.Level()] = true
	}
	return e
}

// keySet is the distinct recorded values, or "" alone when none is.
func keySet(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// tuples returns the combinations of keys of the dimensions of one level,
// each a full-length slice with only that level's positions set, after
// the filters of that level; nil when a filter rejects the unit.
func (e *statEval) tuples(level vrs.StatLevel, vals func(vrs.StatDimension) []string) [][]string {
	keys := func(d vrs.StatDimension) []string {
		ks := keySet(vals(d))
		if f, ok := e.filters[d]; ok {
			ks = slices.DeleteFunc(ks, func(k string) bool { return !f[k] })
		}
		return ks
	}
	for d := range e.filters {
		if d.Level() == level && !slices.Contains(e.dims, d) && len(keys(d)) == 0 {
			return nil
		}
	}
	out := [][]string{make([]string, len(e.dims))}
	for i, d := range e.dims {
		if d.Level() != level {
			continue
		}
		ks := keys(d)
		var next [][]string
		for _, t := range out {
			for _, k := range ks {
				c := slices.Clone(t)
				c[i] = k
				next = append(next, c)
			}
		}
		out = next
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// cross combines tuples of different levels.
func (e *statEval) cross(a, b [][]string, level vrs.StatLevel) [][]string {
	var out [][]string
	for _, x := range a {
		for _, y := range b {
			c := slices.Clone(x)
			for i, d := range e.dims {
				if d.Level() == level {
					c[i] = y[i]
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// add counts one unit of value v in each distinct cell of ts, and once in
// each margin it reaches and in the total.
func (e *statEval) add(ts [][]string, v float64) {
	if len(ts) == 0 {
		return
	}
	n := len(e.q.Rows)
	cells, rows, cols := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, t := range ts {
		cells[strings.Join(t, keySep)] = true
		rows[strings.Join(t[:n], keySep)] = true
		cols[strings.Join(t[n:], keySep)] = true
	}
	e.units++
	if e.quantile {
		for k := range cells {
			e.cellsL[k] = append(e.cellsL[k], v)
		}
		for k := range rows {
			e.rowsL[k] = append(e.rowsL[k], v)
		}
		for k := range cols {
			e.colsL[k] = append(e.colsL[k], v)
		}
		e.totalL = append(e.totalL, v)
		return
	}
	for k := range cells {
		e.cells[k] += v
	}
	for k := range rows {
		e.rows[k] += v
	}
	for k := range cols {
		e.cols[k] += v
	}
	e.total += v
}

// statPerson is a person recorded one by one or a row of counts.
type statPerson struct {
	role, sex, ageGroup, status string
	nationalities, exploitation []string
	weight                      int
}

func personsOf(inc *vrs.Incident) []statPerson {
	var out []statPerson
	for _, p := range inc.Persons {
		ag := p.AgeGroup
		if ag == "" && p.Age != nil {
			ag = vrs.AgeGroupOf(*p.Age)
		}
		out = append(out, statPerson{role: p.Role, sex: p.Sex, ageGroup: ag, status: p.Status,
			nationalities: p.Nationalities, exploitation: p.Exploitation, weight: 1})
	}
	for _, c := range inc.Counts {
		if c.Count > 0 {
			out = append(out, statPerson{role: c.Role, sex: c.Sex, ageGroup: c.AgeGroup, status: c.Status,
				nationalities: []string{c.Nationality}, weight: c.Count})
		}
	}
	return out
}

func (p *statPerson) values(d vrs.StatDimension) []string {
	switch d {
	case vrs.DimNationality:
		return p.nationalities
	case vrs.DimSex:
		return []string{p.sex}
	case vrs.DimAgeGroup:
		return []string{p.ageGroup}
	case vrs.DimRole:
		return []string{p.role}
	case vrs.DimPersonStatus:
		return []string{p.status}
	case vrs.DimExploitation:
		return p.exploitation
	}
	return nil
}

func incidentValues(inc *vrs.Incident, d vrs.StatDimension) []string {
	legs := func(role string) []string {
		var out []string
		for _, l := range inc.Legs {
			if role == "" {
				out = append(out, l.Mode)
			} else if l.Role == role {
				out = append(out, l.Country)
			}
		}
		return out
	}
	var out []string
	switch d {
	case vrs.DimDay, vrs.DimMonth, vrs.DimQuarter, vrs.DimYear:
		return []string{vrs.PeriodKey(d, inc.DetectedOn)}
	case vrs.DimCountry:
		return []string{inc.Country}
	case vrs.DimAgency:
		return []string{strconv.FormatInt(inc.AgencyID, 10)}
	case vrs.DimType:
		return []string{string(inc.Type)}
	case vrs.DimStatus:
		return []string{string(inc.Status)}
	case vrs.DimOrigin:
		return legs(vrs.LegOrigin)
	case vrs.DimTransit:
		return legs(vrs.LegTransit)
	case vrs.DimDestination:
		return legs(vrs.LegDestination)
	case vrs.DimMode:
		return legs("")
	case vrs.DimDocument, vrs.DimFraud:
		for _, doc := range inc.Documents {
			if d == vrs.DimDocument {
				out = append(out, doc.Type)
			} else {
				out = append(out, doc.FraudType)
			}
		}
	case vrs.DimOffence:
		return inc.OffenceCodes
	}
	return out
}

// incident counts one incident.
func (e *statEval) incident(inc *vrs.Incident) {
	if e.q.From != "" && inc.DetectedOn < e.q.From || e.q.To != "" && inc.DetectedOn > e.q.To {
		return
	}
	it := e.tuples(vrs.LevelIncident, func(d vrs.StatDimension) []string { return incidentValues(inc, d) })
	if it == nil {
		return
	}
	persons := personsOf(inc)
	personTuples := func(p *statPerson) [][]string { return e.tuples(vrs.LevelPerson, p.values) }
	var fees []vrs.Transaction
	for _, t := range inc.Transactions {
		if vrs.IsFee(t.Purpose) {
			fees = append(fees, t)
		}
	}
	feeTuples := func(t *vrs.Transaction) [][]string {
		return e.tuples(vrs.LevelPayment, func(vrs.StatDimension) []string { return []string{t.Currency} })
	}
	switch e.q.Measure.Level() {
	case vrs.LevelIncident:
		ts := it
		if e.uses[vrs.LevelPerson] {
			if len(persons) == 0 {
				persons = []statPerson{{}} // no person: every person key is ""
			}
			var pt [][]string
			for i := range persons {
				pt = append(pt, personTuples(&persons[i])...)
			}
			ts = e.cross(ts, pt, vrs.LevelPerson)
		}
		if e.uses[vrs.LevelPayment] {
			if len(fees) == 0 {
				fees = []vrs.Transaction{{}}
			}
			var ft [][]string
			for i := range fees {
				ft = append(ft, feeTuples(&fees[i])...)
			}
			ts = e.cross(ts, ft, vrs.LevelPayment)
		}
		e.add(ts, 1)
	case vrs.LevelPerson:
		for i := range persons {
			p := &persons[i]
			if e.q.Measure.CountsPerson(p.role, p.status) {
				e.add(e.cross(it, personTuples(p), vrs.LevelPerson), float64(p.weight))
			}
		}
	case vrs.LevelPayment:
		for i := range fees {
			t := &fees[i]
			payer := statPerson{}
			if k := slices.IndexFunc(inc.Persons, func(p vrs.Person) bool { return p.Key != "" && p.Key == t.PayerKey }); k >= 0 {
				payer = personsOf(&vrs.Incident{Persons: inc.Persons[k : k+1]})[0]
			}
			v := 1.0
			switch m := e.q.Measure; {
			case m.USD():
				usd, ok := refdata.ToUSD(t.Amount, t.Currency, int(vrs.FeeYear(t.Date, inc.DetectedOn)))
				if !ok {
					continue
				}
				v = usd
			case m != vrs.MeasureFeesCount:
				v = t.Amount
			}
			e.add(e.cross(e.cross(it, personTuples(&payer), vrs.LevelPerson), feeTuples(t), vrs.LevelPayment), v)
		}
	}
}

func (e *statEval) result() *vrs.StatResult {
	if p, ok := e.q.Measure.Quantile(); ok {
		for _, m := range []struct {
			lists map[string][]float64
			into  map[string]float64
		}{{e.cellsL, e.cells}, {e.rowsL, e.rows}, {e.colsL, e.cols}} {
			for k, xs := range m.lists {
				m.into[k] = vrs.QuantileOf(xs, p)
			}
		}
		e.total = vrs.QuantileOf(e.totalL, p)
	}
	list := func(m map[string]float64, n int) []vrs.StatCell {
		out := make([]vrs.StatCell, 0, len(m))
		for k, v := range m {
			if v == 0 {
				continue
			}
			keys := []string{}
			if n > 0 {
				keys = strings.Split(k, keySep)
			}
			out = append(out, vrs.StatCell{Keys: keys, Value: v})
		}
		slices.SortFunc(out, func(a, b vrs.StatCell) int { return slices.Compare(a.Keys, b.Keys) })
		return out
	}
	r := &vrs.StatResult{Query: e.q, Cells: list(e.cells, len(e.dims)), Total: e.total}
	if len(e.q.Rows) > 0 {
		r.RowTotals = list(e.rows, len(e.q.Rows))
	}
	if len(e.q.Cols) > 0 {
		r.ColTotals = list(e.cols, len(e.q.Cols))
	}
	return r
}
