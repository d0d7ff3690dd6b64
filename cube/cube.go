package cube

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"vrs"
	"vrs/access"
)

// Cube holds every incident's statistics in memory. Values are interned
// per dimension as small integers (0 is "" in every dimension: not
// recorded), so that counting compares integers and indexes arrays.
type Cube struct {
	mu   sync.RWMutex
	recs []rec
	// ids and agencies are per slot, apart from recs: only the access rule
	// and drill-down read them.
	ids, agencies []int64
	// vals, persons and fees hold every record's lists, each record's
	// contiguous; garbage counts the elements of records since replaced.
	vals    []uint16
	persons []prec
	fees    []frec
	garbage int
	slot    map[int64]int32 // incident id → index in recs
	free    []int32
	dicts   [dimCount]dict
	// shares interns the partner lists of records distributed to partners.
	shares    [][2]any
	shareKeys map[string]uint32
	// seq is the last stat_units sequence applied.
	seq int64
	// changes counts applied changes; log remembers which slots the last
	// ones touched, so that cached visibility is patched, not rebuilt.
	changes uint64
	log     []logEntry
	vis     visCache
	results resultCache
	minDay  int32
	maxDay  int32
	// dates are the detection dates as written, by day.
	dates map[int32]string
}

type logEntry struct {
	change uint64
	slot   int32
}

const logMax = 1 << 16

// rec is one incident, small so that a query scans little memory. Its
// values start at Cube.vals[voff]: the keys of the multi-valued incident
// dimensions (nvals of each, in the order of multiDims), then each
// person's nationalities and exploitation forms; its np persons start at
// Cube.persons[poff], its nf fees at Cube.fees[foff].
type rec struct {
	live             bool
	day              int32 // days since 1970-01-01
	country          uint16
	typ              uint16
	status           uint16
	dist             uint16
	agencyK          uint16 // the agency id's key in the agency dimension
	shares           uint32 // index in Cube.shares, 0: none
	nvals            [len(multiDims)]uint8
	voff, poff, foff uint32
	np, nf           uint16
}

// staged are a record's lists before they join the cube's.
type staged struct {
	vals    []uint16
	persons []prec
	fees    []frec
}

type prec struct {
	role, sex, age, status uint16
	off                    uint16 // first nationality, from the record's voff
	nnat, nexp             uint8
	weight                 int32
}

type frec struct {
	currency uint16
	payer    int16
	year     int16
	amount   float64
}

// Dimensions by index; each has its dictionary. Period dimensions have
// none: their keys are computed from the day per query.
const (
	dCountry = iota
	dAgency
	dType
	dStatus
	dDist // distribution: not a dimension, but interned alike
	dOrigin
	dTransit
	dDestination
	dMode
	dDocument
	dFraud
	dOffence
	dNationality
	dSex
	dAge
	dRole
	dPStatus
	dExploitation
	dCurrency
	dimCount
)

// dimIndex gives each interned dimension's dictionary.
var dimIndex = map[vrs.StatDimension]int{
	vrs.DimCountry: dCountry, vrs.DimAgency: dAgency, vrs.DimType: dType, vrs.DimStatus: dStatus,
	vrs.DimOrigin: dOrigin, vrs.DimTransit: dTransit, vrs.DimDestination: dDestination, vrs.DimMode: dMode,
	vrs.DimDocument: dDocument, vrs.DimFraud: dFraud, vrs.DimOffence: dOffence,
	vrs.DimNationality: dNationality, vrs.DimSex: dSex, vrs.DimAgeGroup: dAge, vrs.DimRole: dRole,
	vrs.DimPersonStatus: dPStatus, vrs.DimExploitation: dExploitation, vrs.DimCurrency: dCurrency,
}

type dict struct {
	ids  map[string]uint16
	keys []string
}

// id interns s. A dictionary full at 65,535 values answers 0 ("") for
// new ones; no code list comes near that, and Apply refuses such units.
func (d *dict) id(s string) (uint16, bool) {
	if s == "" {
		return 0, true
	}
	if v, ok := d.ids[s]; ok {
		return v, true
	}
	if len(d.keys) >= 1<<16-1 {
		return 0, false
	}
	if d.ids == nil {
		d.ids, d.keys = map[string]uint16{}, []string{""}
	}
	d.keys = append(d.keys, s)
	d.ids[s] = uint16(len(d.keys) - 1)
	return d.ids[s], true
}

// lookup is the id of s without interning it; false when s is unknown.
func (d *dict) lookup(s string) (uint16, bool) {
	if s == "" {
		return 0, true
	}
	v, ok := d.ids[s]
	return v, ok
}

func (d *dict) key(id uint16) string {
	if int(id) < len(d.keys) {
		return d.keys[id]
	}
	return ""
}

// New returns an empty cube.
func New() *Cube {
	c := &Cube{slot: map[int64]int32{}, shareKeys: map[string]uint32{}, shares: [][2]any{{}}, dates: map[int32]string{}, minDay: 1 << 30, maxDay: -1 << 30}
	for i := range c.dicts {
		c.dicts[i] = dict{ids: map[string]uint16{}, keys: []string{""}}
	}
	c.vis.entries = map[string]*visEntry{}
	return c
}

// Seq is the last stat_units sequence applied.
func (c *Cube) Seq() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.seq
}

// Len is the number of incidents held.
func (c *Cube) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.slot)
}

// Change is one row of stat_units: an incident's unit, or its removal
// (Unit nil).
type Change struct {
	ID   int64
	Seq  int64
	Unit *Unit
}

// Apply applies changes in sequence order. A unit it cannot hold takes
// its incident out of the cube (counting nothing for it, rather than an
// older unit that may be stale); the first such error is returned once
// every change is applied.
func (c *Cube) Apply(changes []Change) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var first error
	for _, ch := range changes {
		if err := c.apply(ch); err != nil {
			_ = c.apply(Change{ID: ch.ID, Seq: ch.Seq})
			if first == nil {
				first = fmt.Errorf("incident %d: %w", ch.ID, err)
			}
		}
		c.seq = max(c.seq, ch.Seq)
	}
	if c.garbage > 1<<16 && c.garbage > (len(c.vals)+len(c.persons)+len(c.fees))/2 {
		c.compact()
	}
	return first
}

// valCount is how many values a record holds in Cube.vals.
func (c *Cube) valCount(r *rec) int {
	n := 0
	for _, v := range r.nvals {
		n += int(v)
	}
	for _, p := range c.persons[r.poff : r.poff+uint32(r.np)] {
		n += int(p.nnat) + int(p.nexp)
	}
	return n
}

// compact copies the lists of the live records, in slot order, into new
// arrays, leaving out those of records replaced or removed.
func (c *Cube) compact() {
	var vals []uint16
	var persons []prec
	var fees []frec
	for i := range c.recs {
		r := &c.recs[i]
		if !r.live {
			continue
		}
		nv := c.valCount(r)
		v, p, f := uint32(len(vals)), uint32(len(persons)), uint32(len(fees))
		vals = append(vals, c.vals[r.voff:r.voff+uint32(nv)]...)
		persons = append(persons, c.persons[r.poff:r.poff+uint32(r.np)]...)
		fees = append(fees, c.fees[r.foff:r.foff+uint32(r.nf)]...)
		r.voff, r.poff, r.foff = v, p, f
	}
	c.vals, c.persons, c.fees, c.garbage = vals, persons, fees, 0
}

func (c *Cube) apply(ch Change) error {
	s, had := c.slot[ch.ID]
	if had {
		old := &c.recs[s]
		c.garbage += int(old.np) + int(old.nf) + c.valCount(old)
	}
	if ch.Unit == nil {
		if had {
			c.recs[s] = rec{}
			delete(c.slot, ch.ID)
			c.free = append(c.free, s)
			c.logged(s)
		}
		return nil
	}
	r, st, err := c.rec(ch.Unit)
	if err != nil {
		return err
	}
	if !had {
		if n := len(c.free); n > 0 {
			s, c.free = c.free[n-1], c.free[:n-1]
		} else {
			s = int32(len(c.recs))
			c.recs = append(c.recs, rec{})
			c.ids = append(c.ids, 0)
			c.agencies = append(c.agencies, 0)
		}
		c.slot[ch.ID] = s
	}
	r.voff, r.poff, r.foff = uint32(len(c.vals)), uint32(len(c.persons)), uint32(len(c.fees))
	c.vals, c.persons, c.fees = append(c.vals, st.vals...), append(c.persons, st.persons...), append(c.fees, st.fees...)
	c.recs[s], c.ids[s], c.agencies[s] = r, ch.ID, ch.Unit.Ref.AgencyID
	c.minDay, c.maxDay = min(c.minDay, r.day), max(c.maxDay, r.day)
	c.logged(s)
	return nil
}

func (c *Cube) logged(s int32) {
	c.changes++
	if len(c.log) >= logMax {
		c.log = append(c.log[:0], c.log[logMax/2:]...)
	}
	c.log = append(c.log, logEntry{c.changes, s})
}

var epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

func dayOf(date string) (int32, bool) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0, false
	}
	return int32(t.Sub(epoch).Hours() / 24), true
}

// year is the year of a day; only fees without a year of their own need it.
func (c *Cube) year(day int32) int { return epoch.AddDate(0, 0, int(day)).Year() }

func dateOf(day int32) string { return epoch.AddDate(0, 0, int(day)).Format(time.DateOnly) }

// Usable reports whether Apply takes u: its detection date is a date and
// its lists are within the limits of a record.
func Usable(u *Unit) bool {
	if _, ok := dayOf(u.Ref.DetectedOn); !ok || len(u.Persons) > 1<<15 || len(u.Fees) > 1<<15 {
		return false
	}
	vals := 0
	for _, m := range u.Multi {
		if len(m) > 255 {
			return false
		}
		vals += len(m)
	}
	for _, p := range u.Persons {
		if len(p.Nationalities) > 255 || len(p.Exploitation) > 255 {
			return false
		}
		vals += len(p.Nationalities) + len(p.Exploitation)
	}
	return vals < 1<<16-512
}

// rec interns a unit.
func (c *Cube) rec(u *Unit) (rec, staged, error) {
	var st staged
	ok := true
	in := func(d int, s string) uint16 {
		v, fits := c.dicts[d].id(s)
		ok = ok && fits
		return v
	}
	day, dayOK := dayOf(u.Ref.DetectedOn)
	if !dayOK || len(u.Persons) > 1<<15 || len(u.Fees) > 1<<15 {
		return rec{}, st, errUnit
	}
	if _, seen := c.dates[day]; !seen {
		c.dates[day] = u.Ref.DetectedOn
	}
	r := rec{live: true, day: day, country: in(dCountry, u.Ref.Country),
		typ: in(dType, string(u.Ref.Type)), status: in(dStatus, string(u.Ref.Status)), dist: in(dDist, string(u.Ref.Distribution)),
		agencyK: in(dAgency, strconv.FormatInt(u.Ref.AgencyID, 10))}
	if len(u.Ref.ShareCountries) > 0 || len(u.Ref.ShareGroups) > 0 {
		key := string(u.Ref.Distribution) + "|" + joinStrs(u.Ref.ShareCountries) + "|" + joinInts(u.Ref.ShareGroups)
		sh, seen := c.shareKeys[key]
		if !seen {
			sh = uint32(len(c.shares))
			c.shares = append(c.shares, [2]any{u.Ref.ShareCountries, u.Ref.ShareGroups})
			c.shareKeys[key] = sh
		}
		r.shares = sh
	}
	for i, vs := range u.Multi {
		vs = distinct(vs)
		if len(vs) > 255 {
			return rec{}, st, errUnit
		}
		r.nvals[i] = uint8(len(vs))
		for _, v := range vs {
			st.vals = append(st.vals, in(dOrigin+i, v))
		}
	}
	for _, p := range u.Persons {
		nat, exp := distinct(p.Nationalities), distinct(p.Exploitation)
		if len(nat) > 255 || len(exp) > 255 || len(st.vals) >= 1<<16-512 {
			return rec{}, st, errUnit
		}
		pr := prec{role: in(dRole, p.Role), sex: in(dSex, p.Sex), age: in(dAge, p.AgeGroup), status: in(dPStatus, p.Status),
			off: uint16(len(st.vals)), nnat: uint8(len(nat)), nexp: uint8(len(exp)), weight: p.Weight}
		for _, v := range nat {
			st.vals = append(st.vals, in(dNationality, v))
		}
		for _, v := range exp {
			st.vals = append(st.vals, in(dExploitation, v))
		}
		st.persons = append(st.persons, pr)
	}
	for _, f := range u.Fees {
		st.fees = append(st.fees, frec{currency: in(dCurrency, f.Currency), payer: int16(f.Payer), year: int16(f.Year), amount: f.Amount})
	}
	if !ok {
		return rec{}, st, errUnit
	}
	r.np, r.nf = uint16(len(st.persons)), uint16(len(st.fees))
	return r, st, nil
}

// distinct drops "" and repeats: a dimension's keys are the distinct
// values recorded (and "" alone when there are none, which the query
// handles).
func distinct(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v == "" {
			continue
		}
		dup := false
		for _, o := range out {
			if o == v {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

func joinStrs(ss []string) string {
	var b []byte
	for _, s := range ss {
		b = append(append(b, s...), ',')
	}
	return string(b)
}

func joinInts(is []int64) string {
	var b []byte
	for _, i := range is {
		b = append(strconv.AppendInt(b, i, 10), ',')
	}
	return string(b)
}

// ref rebuilds the access attributes of the record in slot s.
func (c *Cube) ref(s int32) access.IncidentRef {
	r := &c.recs[s]
	ref := access.IncidentRef{ID: c.ids[s], AgencyID: c.agencies[s], Country: c.dicts[dCountry].key(r.country),
		Status: vrs.IncidentStatus(c.dicts[dStatus].key(r.status)), Type: vrs.IncidentType(c.dicts[dType].key(r.typ)),
		DetectedOn: c.dates[r.day], Distribution: vrs.Distribution(c.dicts[dDist].key(r.dist))}
	if r.shares != 0 {
		sh := c.shares[r.shares]
		ref.ShareCountries, _ = sh[0].([]string)
		ref.ShareGroups, _ = sh[1].([]int64)
	}
	return ref
}
