package cube

import (
	"encoding/json"
	"math"
	"slices"
	"sync"

	"vrs"
	"vrs/refdata"
)

// A cell's keys are packed in one integer, keyBits per dimension, so that
// counting compares and hashes integers.
const keyBits = 21

const keyMask = 1<<keyBits - 1

// position is one dimension of the rows or columns.
type position struct {
	dim   vrs.StatDimension
	level vrs.StatLevel
	d     int // dictionary; -1 for periods
	// allowed is the filter on this dimension, nil when none.
	allowed []bool
	// periods: the key of each day from lo, and the keys' names.
	dayKey  []uint32
	dayKeys []string
}

// filter is a filter on a dimension that is not in the rows or columns.
type filter struct {
	level   vrs.StatLevel
	d       int
	allowed []bool
}

// plan is a query compiled against the cube's dictionaries.
type plan struct {
	q       vrs.StatQuery
	pos     []position
	nrows   int
	filters []filter
	uses    [3]bool
	lo, hi  int32  // days counted, inclusive
	dayOK   []bool // from lo: the period filters
	// roleOK and statusOK say which persons a person measure counts, by
	// role or by status (see counted).
	roleOK   []bool
	statusOK []bool
}

func (c *Cube) allowed(d int, vals []string) []bool {
	a := make([]bool, len(c.dicts[d].keys))
	for _, v := range vals {
		if id, ok := c.dicts[d].lookup(v); ok {
			a[id] = true
		}
	}
	return a
}

// compile prepares q, which must be valid. Under the cube's read lock.
func (c *Cube) compile(q vrs.StatQuery) *plan {
	p := &plan{q: q, nrows: len(q.Rows), lo: c.minDay, hi: c.maxDay}
	if q.From != "" {
		if d, ok := dayOf(q.From); ok {
			p.lo = max(p.lo, d)
		}
	}
	if q.To != "" {
		if d, ok := dayOf(q.To); ok {
			p.hi = min(p.hi, d)
		}
	}
	span := max(int(p.hi-p.lo+1), 0)
	p.dayOK = make([]bool, span)
	for i := range p.dayOK {
		p.dayOK[i] = true
	}
	periodOK := func(dim vrs.StatDimension, vals []string) {
		set := map[string]bool{}
		for _, v := range vals {
			set[v] = true
		}
		for i := range p.dayOK {
			if p.dayOK[i] && !set[vrs.PeriodKey(dim, dateOf(p.lo+int32(i)))] {
				p.dayOK[i] = false
			}
		}
	}
	dims := q.Dimensions()
	for _, dim := range dims {
		ps := position{dim: dim, level: dim.Level(), d: -1}
		if d, ok := dimIndex[dim]; ok {
			ps.d = d
			if vals, ok := q.Filters[dim]; ok {
				ps.allowed = c.allowed(d, vals)
			}
		} else {
			ids := map[string]uint32{}
			ps.dayKey = make([]uint32, span)
			for i := range ps.dayKey {
				k := vrs.PeriodKey(dim, dateOf(p.lo+int32(i)))
				id, ok := ids[k]
				if !ok {
					id = uint32(len(ps.dayKeys))
					ids[k] = id
					ps.dayKeys = append(ps.dayKeys, k)
				}
				ps.dayKey[i] = id
			}
			if vals, ok := q.Filters[dim]; ok {
				periodOK(dim, vals)
			}
		}
		p.uses[ps.level] = true
		p.pos = append(p.pos, ps)
	}
	for dim, vals := range q.Filters {
		p.uses[dim.Level()] = true
		if slices.Contains(dims, dim) {
			continue
		}
		if d, ok := dimIndex[dim]; ok {
			p.filters = append(p.filters, filter{level: dim.Level(), d: d, allowed: c.allowed(d, vals)})
		} else {
			periodOK(dim, vals)
		}
	}
	if q.Measure.Level() == vrs.LevelPerson {
		p.roleOK = make([]bool, len(c.dicts[dRole].keys))
		for i, k := range c.dicts[dRole].keys {
			p.roleOK[i] = q.Measure.CountsPerson(k, "")
		}
		p.statusOK = make([]bool, len(c.dicts[dPStatus].keys))
		for i, k := range c.dicts[dPStatus].keys {
			p.statusOK[i] = q.Measure.CountsPerson("", k)
		}
	}
	return p
}

// counted reports whether a person measure counts the person: by role
// (persons, migrants, victims, suspects) or by status (dead_missing).
func (p *plan) counted(pr *prec) bool {
	switch p.q.Measure {
	case vrs.MeasurePersons:
		return true
	case vrs.MeasureDeadMissing:
		return p.statusOK[pr.status]
	}
	return p.roleOK[pr.role]
}

// counter counts a share of the records into cells.
type counter struct {
	p                 *plan
	c                 *Cube
	cells, rows, cols *acc
	total             float64
	// totals keeps the total's values for a quantile measure (key 0).
	totals *acc
	units  int
	// scratch, reused from unit to unit
	it, pt, ft, ts, ts2, tmp, seen []uint64
	keys                           []uint32
	none                           prec
	// rates caches the US dollar rates of (currency, year).
	rates map[[2]int]float64
}

// usdRate is the rate of a currency in a year (refdata.USDRate), 0 and
// false when there is none.
func (k *counter) usdRate(currency uint16, year int) (float64, bool) {
	key := [2]int{int(currency), year}
	if r, ok := k.rates[key]; ok {
		return r, r > 0
	}
	if k.rates == nil {
		k.rates = map[[2]int]float64{}
	}
	r, _, ok := refdata.USDRate(k.c.dicts[dCurrency].key(currency), year)
	if !ok || r <= 0 || math.IsInf(r, 0) || math.IsNaN(r) {
		r = 0
	}
	k.rates[key] = r
	return r, r > 0
}

func newCounter(c *Cube, p *plan) *counter {
	sizes := make([]uint64, len(p.pos))
	for i := range p.pos {
		if p.pos[i].d < 0 {
			sizes[i] = uint64(max(len(p.pos[i].dayKeys), 1))
		} else {
			sizes[i] = uint64(len(c.dicts[p.pos[i].d].keys))
		}
	}
	if _, q := p.q.Measure.Quantile(); q {
		return &counter{p: p, c: c, cells: newListAcc(), rows: newListAcc(), cols: newListAcc(), totals: newListAcc()}
	}
	return &counter{p: p, c: c, cells: newAcc(sizes), rows: newAcc(sizes[:p.nrows]), cols: newAcc(sizes[p.nrows:])}
}

// keysOf appends to k.keys the keys of dimension d (a dictionary) for a
// record, person or fee: the distinct values, or "" (0) when none.
func (k *counter) keysOf(d int, r *rec, pr *prec, f *frec) []uint32 {
	out := k.keysInto(d, r, pr, f, k.keys[:0])
	if len(out) == 0 {
		out = append(out, 0)
	}
	k.keys = out
	return out
}

func (k *counter) keysInto(d int, r *rec, pr *prec, f *frec, out []uint32) []uint32 {
	one := func(v uint16) []uint32 { return append(out, uint32(v)) }
	switch {
	case d == dCountry:
		return one(r.country)
	case d == dAgency:
		return one(r.agencyK)
	case d == dType:
		return one(r.typ)
	case d == dStatus:
		return one(r.status)
	case d >= dOrigin && d <= dOffence:
		i := d - dOrigin
		off := 0
		for j := range i {
			off += int(r.nvals[j])
		}
		base := int(r.voff) + off
		for _, v := range k.c.vals[base : base+int(r.nvals[i])] {
			out = append(out, uint32(v))
		}
	case d == dNationality:
		start := int(r.voff) + int(pr.off)
		for _, v := range k.c.vals[start : start+int(pr.nnat)] {
			out = append(out, uint32(v))
		}
	case d == dExploitation:
		start := int(r.voff) + int(pr.off) + int(pr.nnat)
		for _, v := range k.c.vals[start : start+int(pr.nexp)] {
			out = append(out, uint32(v))
		}
	case d == dSex:
		return one(pr.sex)
	case d == dAge:
		return one(pr.age)
	case d == dRole:
		return one(pr.role)
	case d == dPStatus:
		return one(pr.status)
	case d == dCurrency:
		return one(f.currency)
	}
	return out
}

// tuples appends to dst the key combinations of one level for a record,
// person or fee, after that level's filters; ok is false when a filter
// rejects it or a dimension keeps no key.
func (k *counter) tuples(dst []uint64, level vrs.StatLevel, r *rec, pr *prec, f *frec) ([]uint64, bool) {
	for _, fl := range k.p.filters {
		if fl.level != level {
			continue
		}
		pass := false
		for _, v := range k.keysOf(fl.d, r, pr, f) {
			if int(v) < len(fl.allowed) && fl.allowed[v] {
				pass = true
				break
			}
		}
		if !pass {
			return dst, false
		}
	}
	start := len(dst)
	dst = append(dst, 0)
	for i := range k.p.pos {
		ps := &k.p.pos[i]
		if ps.level != level {
			continue
		}
		var ks []uint32
		if ps.d < 0 {
			ks = append(k.keys[:0], ps.dayKey[r.day-k.p.lo])
		} else {
			ks = k.keysOf(ps.d, r, pr, f)
		}
		if ps.allowed != nil {
			ks = slices.DeleteFunc(ks, func(v uint32) bool { return int(v) >= len(ps.allowed) || !ps.allowed[v] })
		}
		if len(ks) == 0 {
			return dst[:start], false
		}
		shift := uint(keyBits * i)
		if len(ks) == 1 {
			for j := start; j < len(dst); j++ {
				dst[j] |= uint64(ks[0]) << shift
			}
			continue
		}
		n := len(dst) - start
		k.tmp = append(k.tmp[:0], dst[start:]...)
		dst = dst[:start]
		for _, t := range k.tmp[:n] {
			for _, v := range ks {
				dst = append(dst, t|uint64(v)<<shift)
			}
		}
	}
	return dst, true
}

// cross combines every tuple of a with every tuple of b (their dimensions
// are disjoint) into k.ts.
func (k *counter) cross(a, b []uint64) []uint64 {
	out := k.ts[:0]
	for _, x := range a {
		for _, y := range b {
			out = append(out, x|y)
		}
	}
	k.ts = out
	return out
}

// add counts one unit of value v once in every distinct cell of ts, once
// in each margin it reaches, and once in the total.
func (k *counter) add(ts []uint64, v float64) {
	if len(ts) == 0 {
		return
	}
	k.total += v
	k.units++
	if k.totals != nil {
		k.totals.add(0, v)
	}
	rowBits := uint(keyBits * k.p.nrows)
	if len(ts) == 1 {
		k.cells.add(ts[0], v)
		k.rows.add(ts[0]&(1<<rowBits-1), v)
		k.cols.add(ts[0]>>rowBits, v)
		return
	}
	once := func(a *acc, key func(uint64) uint64) {
		k.seen = k.seen[:0]
		for _, t := range ts {
			x := key(t)
			if !slices.Contains(k.seen, x) {
				k.seen = append(k.seen, x)
				a.add(x, v)
			}
		}
	}
	once(k.cells, func(t uint64) uint64 { return t })
	once(k.rows, func(t uint64) uint64 { return t & (1<<rowBits - 1) })
	once(k.cols, func(t uint64) uint64 { return t >> rowBits })
}

// record counts one record; it reports whether it counted anything.
func (k *counter) record(r *rec) bool {
	p := k.p
	persons := k.c.persons[r.poff : r.poff+uint32(r.np)]
	fees := k.c.fees[r.foff : r.foff+uint32(r.nf)]
	if r.day < p.lo || r.day > p.hi || !p.dayOK[r.day-p.lo] {
		return false
	}
	var ok bool
	if k.it, ok = k.tuples(k.it[:0], vrs.LevelIncident, r, nil, nil); !ok {
		return false
	}
	before := k.units
	switch p.q.Measure.Level() {
	case vrs.LevelIncident:
		ts := k.it
		if p.uses[vrs.LevelPerson] {
			k.pt = k.pt[:0]
			if len(persons) == 0 {
				k.pt, _ = k.tuples(k.pt, vrs.LevelPerson, r, &k.none, nil)
			}
			for i := range persons {
				k.pt, _ = k.tuples(k.pt, vrs.LevelPerson, r, &persons[i], nil)
			}
			k.ts2 = append(k.ts2[:0], k.cross(ts, k.pt)...)
			ts = k.ts2
		}
		if p.uses[vrs.LevelPayment] {
			k.ft = k.ft[:0]
			none := frec{}
			if len(fees) == 0 {
				k.ft, _ = k.tuples(k.ft, vrs.LevelPayment, r, nil, &none)
			}
			for i := range fees {
				k.ft, _ = k.tuples(k.ft, vrs.LevelPayment, r, nil, &fees[i])
			}
			ts = k.cross(ts, k.ft)
		}
		k.add(ts, 1)
	case vrs.LevelPerson:
		for i := range persons {
			pr := &persons[i]
			if !p.counted(pr) {
				continue
			}
			var ok bool
			if k.pt, ok = k.tuples(k.pt[:0], vrs.LevelPerson, r, pr, nil); ok {
				k.add(k.cross(k.it, k.pt), float64(pr.weight))
			}
		}
	case vrs.LevelPayment:
		for i := range fees {
			f := &fees[i]
			payer := &k.none
			if f.payer >= 0 {
				payer = &persons[f.payer]
			}
			var ok bool
			if k.pt, ok = k.tuples(k.pt[:0], vrs.LevelPerson, r, payer, nil); !ok {
				continue
			}
			if k.ft, ok = k.tuples(k.ft[:0], vrs.LevelPayment, r, nil, f); !ok {
				continue
			}
			k.ts2 = append(k.ts2[:0], k.cross(k.it, k.pt)...)
			ip := k.ts2
			v := 1.0
			switch m := p.q.Measure; {
			case m.USD():
				year := int(f.year)
				if year == 0 {
					year = k.c.year(r.day)
				}
				rate, ok := k.usdRate(f.currency, year)
				if !ok {
					continue
				}
				v = f.amount / rate
			case m != vrs.MeasureFeesCount:
				v = f.amount
			}
			k.add(k.cross(ip, k.ft), v)
		}
	}
	return k.units > before
}

// workers is how many goroutines count one query: the target machine has
// two cores.
const workers = 2

// count runs fn over the share of records of each worker, for the
// records whose granularity is at least least.
func (c *Cube) count(p *plan, gran []int8, least vrs.Granularity, each func(w, i int, k *counter, r *rec)) []*counter {
	ks := make([]*counter, workers)
	var wg sync.WaitGroup
	n := len(c.recs)
	for w := range workers {
		k := newCounter(c, p)
		ks[w] = k
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				r := &c.recs[i]
				if r.live && vrs.Granularity(gran[i]) >= least {
					each(w, i, k, r)
				}
			}
		})
	}
	wg.Wait()
	return ks
}

// Query answers q, which must be valid, over the records the viewer may
// see at aggregate granularity or finer.
func (c *Cube) Query(q vrs.StatQuery, v Viewer) *vrs.StatResult {
	c.mu.RLock()
	defer c.mu.RUnlock()
	key, err := json.Marshal(q)
	if err != nil {
		key = nil
	}
	if key != nil {
		if r := c.results.get(v.Key+"\x00"+string(key), c.changes); r != nil {
			return r
		}
	}
	r := c.query(q, v)
	if key != nil {
		c.results.put(v.Key+"\x00"+string(key), c.changes, r)
	}
	return r
}

func (c *Cube) query(q vrs.StatQuery, v Viewer) *vrs.StatResult {
	gran := c.visibility(v)
	p := c.compile(q)
	ks := c.count(p, gran, vrs.GranAggregate, func(_, _ int, k *counter, r *rec) { k.record(r) })
	total := ks[0]
	for _, k := range ks[1:] {
		total.cells.merge(k.cells)
		total.rows.merge(k.rows)
		total.cols.merge(k.cols)
		total.total += k.total
		if total.totals != nil {
			total.totals.merge(k.totals)
		}
	}
	if q, ok := p.q.Measure.Quantile(); ok {
		for _, a := range []*acc{total.cells, total.rows, total.cols, total.totals} {
			a.quantiles(q)
		}
		total.total = total.totals.m[0]
	}
	return c.result(p, total)
}

// Hit is an incident behind a cell.
type Hit struct {
	ID  int64
	Day string
}

// Records lists the incidents counted by q (a cell's query: see
// vrs.StatQuery.CellQuery) that the viewer may see at granularity least
// or finer, in no particular order.
func (c *Cube) Records(q vrs.StatQuery, v Viewer, least vrs.Granularity) []Hit {
	c.mu.RLock()
	defer c.mu.RUnlock()
	gran := c.visibility(v)
	p := c.compile(q)
	hits := make([][]Hit, workers)
	c.count(p, gran, least, func(w, i int, k *counter, r *rec) {
		if k.record(r) {
			hits[w] = append(hits[w], Hit{ID: c.ids[i], Day: c.dates[r.day]})
		}
	})
	return slices.Concat(hits...)
}

func (c *Cube) result(p *plan, k *counter) *vrs.StatResult {
	keyName := func(i int, id uint32) string {
		ps := &p.pos[i]
		if ps.d < 0 {
			return ps.dayKeys[id]
		}
		return c.dicts[ps.d].key(uint16(id))
	}
	list := func(a *acc, from, n int) []vrs.StatCell {
		out := []vrs.StatCell{}
		a.each(func(key uint64, v float64) {
			keys := make([]string, n)
			for j := range n {
				keys[j] = keyName(from+j, uint32(key>>(keyBits*j))&keyMask)
			}
			out = append(out, vrs.StatCell{Keys: keys, Value: v})
		})
		slices.SortFunc(out, func(a, b vrs.StatCell) int { return slices.Compare(a.Keys, b.Keys) })
		return out
	}
	nd := len(p.pos)
	r := &vrs.StatResult{Query: p.q, Cells: list(k.cells, 0, nd), Total: k.total}
	if p.nrows > 0 {
		r.RowTotals = list(k.rows, 0, p.nrows)
	}
	if nd > p.nrows {
		r.ColTotals = list(k.cols, p.nrows, nd-p.nrows)
	}
	return r
}
