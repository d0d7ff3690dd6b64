package suppress

import (
	"slices"

	"vrs"
)

// The audit solves the published table for each sensitive entry the way an
// intruder would: it knows every published value exactly, every line
// constraint (each row, column and margin line sums to its total) and that
// every withheld value is a non-negative count. The values a withheld entry
// can then take form an interval [lo, hi] (the table is a network, so its
// constraint matrix is totally unimodular and the LP bounds are integers
// attained by whole-number tables). We compute them exactly with max-flow:
// the true table is a feasible circulation; raising entry e = (u→v) by d
// means pushing d from v back to u through the other withheld entries, each
// of which can grow without limit or shrink to zero, and lowering it means
// pushing from u to v.
//
// Protection rule: a sensitive entry is protected when its interval covers
// every value its "<k" label allows, that is lo ≤ floor and hi ≥ max(k-1,
// floor+1), where floor is 1 when zeros are published (a withheld entry is
// then known to be non-zero) and 0 when they are suppressed. Solving the
// table then tells the intruder nothing the label does not already say.
//
// A second check assumes the intruder also reads the labels: a primary
// entry lies in [floor, k-1] and a secondary one is at least k (the only
// entries that are neither sensitive nor zero). Those bounds can pin a value
// that the first check leaves free (three primary cells under a published
// total of 12 with k = 5 are each 4), so under them every sensitive entry
// must still have at least two possible values, unless the labels alone
// pin it: "<2" with zeros published means 1, and two non-zero cells "<3"
// whose total is "<3" are 1 each, however much else is withheld. Those
// cases are recognised by solving the table with every non-zero entry
// withheld (withholding more only widens every range, so what is pinned
// then is pinned always) and are left to the caller (docs/suppression.md).

// LeakKind says how a sensitive value is exposed.
type LeakKind uint8

const (
	// Published: a sensitive value is not withheld at all.
	Published LeakKind = iota + 1
	// Narrow: the value is withheld but the published table confines it to
	// a narrower range than its label allows.
	Narrow
	// Inferred: the published table together with the labels ("<k" on
	// primary entries, secondary entries being at least k) gives the value.
	Inferred
)

func (k LeakKind) String() string {
	switch k {
	case Published:
		return "published"
	case Narrow:
		return "narrow"
	case Inferred:
		return "inferred"
	}
	return "invalid"
}

// Leak is a sensitive entry that Audit found exposed. Row and Col locate it;
// -1 stands for the margin (Row -1 and Col j: the total of column j; both
// -1: the grand total). For a vector, Row is the index (-1 for the total)
// and Col is 0.
type Leak struct {
	Kind      LeakKind
	Row, Col  int
	Value     int64
	Lo, Hi    int64 // the range the published table (and, for Inferred, the labels) allows
	Unbounded bool  // Hi is unlimited
	WantLo    int64 // the protection rule: Lo ≤ WantLo and Hi ≥ WantHi
	WantHi    int64
}

// Audit checks a suppression pattern for t, whoever made it: every
// sensitive cell and margin must be withheld and protected. It returns no
// leaks for every Result of Protect with the same table and options.
func Audit(t Table, r Result, o Options) ([]Leak, error) {
	m, err := newTableModel(t, o)
	if err != nil {
		return nil, err
	}
	R, C := m.rows, m.cols
	if len(r.Cells) != R || len(r.RowTotalReasons) != R || len(r.ColTotalReasons) != C {
		return nil, vrs.Errorf(vrs.EINVALID, "error.suppress.result_shape")
	}
	for i, row := range r.Cells {
		if len(row) != C {
			return nil, vrs.Errorf(vrs.EINVALID, "error.suppress.result_shape")
		}
		copy(m.reason[i*C:], row)
	}
	copy(m.reason[R*C:], r.RowTotalReasons)
	copy(m.reason[R*C+R:], r.ColTotalReasons)
	m.reason[len(m.val)-1] = r.TotalReason
	return m.audit(), nil
}

// AuditVector is Audit for a one-dimensional table.
func AuditVector(cells []int64, r VectorResult, o Options) ([]Leak, error) {
	m, err := newVectorModel(cells, o)
	if err != nil {
		return nil, err
	}
	if len(r.Cells) != len(cells) {
		return nil, vrs.Errorf(vrs.EINVALID, "error.suppress.result_shape")
	}
	copy(m.reason, r.Cells)
	m.reason[len(m.val)-1] = r.TotalReason
	return m.audit(), nil
}

// span is the range [Lo, Hi] that the published table allows for a
// withheld entry; Unbounded means no upper limit.
type span struct {
	Lo, Hi    int64
	Unbounded bool
}

func (m *model) audit() []Leak {
	var leaks []Leak
	a, k := newAuditor(m, false), newAuditor(m, true)
	var full *auditor
	lo, hi := m.want()
	for e, v := range m.val {
		if !m.o.Sensitive(v) {
			continue
		}
		row, col := m.position(e)
		if !m.reason[e].Suppressed() {
			leaks = append(leaks, Leak{Kind: Published, Row: row, Col: col, Value: v, Lo: v, Hi: v, WantLo: lo, WantHi: hi})
			continue
		}
		in := a.interval(e)
		if in.Lo > lo || (!in.Unbounded && in.Hi < hi) {
			leaks = append(leaks, Leak{Kind: Narrow, Row: row, Col: col, Value: v,
				Lo: in.Lo, Hi: in.Hi, Unbounded: in.Unbounded, WantLo: lo, WantHi: hi})
			continue
		}
		if in := k.interval(e); m.labelsLeaveRoom() && !in.Unbounded && in.Lo == in.Hi {
			if full == nil {
				full = m.fullAuditor()
			}
			if !full.pinned(e) {
				leaks = append(leaks, Leak{Kind: Inferred, Row: row, Col: col, Value: v,
					Lo: in.Lo, Hi: in.Hi, WantLo: lo, WantHi: hi})
			}
		}
	}
	return leaks
}

// want returns the range a sensitive entry's interval must cover.
func (m *model) want() (lo, hi int64) {
	lo = 1
	if m.o.SuppressZeros {
		lo = 0
	}
	return lo, max(m.o.K-1, lo+1)
}

// labelsLeaveRoom reports whether "<k" admits more than one value.
func (m *model) labelsLeaveRoom() bool {
	lo, _ := m.want()
	return m.o.K-1 > lo
}

// bounds returns what the intruder knows of a withheld entry before solving:
// a count is at least 0; reading the labels, a primary entry lies in
// [floor, k-1] and a secondary one is at least k. up is -1 for no limit.
func (m *model) bounds(e int, labels bool) (lo, up int64) {
	if !labels {
		return 0, -1
	}
	if m.reason[e] == Primary {
		floor, _ := m.want()
		return min(floor, m.val[e]), m.o.K - 1
	}
	return min(m.o.K, m.val[e]), -1
}

func (m *model) position(e int) (row, col int) {
	n := len(m.val)
	if m.vector {
		if e == n-1 {
			return -1, 0
		}
		return e, 0
	}
	R, C := m.rows, m.cols
	switch {
	case e < R*C:
		return e / C, e % C
	case e < R*C+R:
		return e - R*C, -1
	case e < n-1:
		return -1, e - R*C - R
	}
	return -1, -1
}

const inf = int64(1) << 62

// auditor holds the residual network of the true table: for every withheld
// entry u→v an arc u→v that can carry as much as the entry may grow (without
// limit, or up to its label's bound) and an arc v→u that can carry as much
// as it may shrink (to zero, or to its bound). Each arc has a partner of
// capacity 0 for the max-flow's own residuals.
type auditor struct {
	m    *model
	adj  [][]int
	head []int // arc target
	capa []int64
	ent  []int // entry the arc belongs to
	flow []int64
	// labels: the intruder reads the labels (see bounds)
	labels bool
}

func newAuditor(m *model, labels bool) *auditor {
	a := &auditor{m: m, adj: make([][]int, m.nodes), labels: labels}
	for e, r := range m.reason {
		if !r.Suppressed() {
			continue
		}
		lo, up := m.bounds(e, labels)
		grow := inf
		if up >= 0 {
			grow = max(up-m.val[e], 0)
		}
		a.add(m.from[e], m.to[e], grow, e)
		a.add(m.to[e], m.from[e], m.val[e]-lo, e)
	}
	a.flow = make([]int64, len(a.capa))
	return a
}

func (a *auditor) add(u, v int, c int64, e int) {
	// arc i and its partner i^1
	a.adj[u] = append(a.adj[u], len(a.head))
	a.head, a.capa, a.ent = append(a.head, v), append(a.capa, c), append(a.ent, e)
	a.adj[v] = append(a.adj[v], len(a.head))
	a.head, a.capa, a.ent = append(a.head, u), append(a.capa, 0), append(a.ent, e)
}

// maxflow pushes up to limit from s to t without using entry skip
// (Edmonds–Karp: shortest augmenting paths, so the number of rounds does not
// depend on the size of the counts).
func (a *auditor) maxflow(s, t, skip int, limit int64) int64 {
	clear(a.flow)
	prev := make([]int, len(a.adj))
	var total int64
	queue := make([]int, 0, len(a.adj))
	for total < limit {
		for i := range prev {
			prev[i] = -1
		}
		prev[s] = -2
		queue = append(queue[:0], s)
		for len(queue) > 0 && prev[t] == -1 {
			u := queue[0]
			queue = queue[1:]
			for _, arc := range a.adj[u] {
				v := a.head[arc]
				if prev[v] == -1 && a.ent[arc] != skip && a.capa[arc]-a.flow[arc] > 0 {
					prev[v] = arc
					queue = append(queue, v)
				}
			}
		}
		if prev[t] == -1 {
			break
		}
		push := limit - total
		for v := t; v != s; v = a.head[prev[v]^1] {
			push = min(push, a.capa[prev[v]]-a.flow[prev[v]])
		}
		for v := t; v != s; v = a.head[prev[v]^1] {
			a.flow[prev[v]] += push
			a.flow[prev[v]^1] -= push
		}
		total += push
	}
	return total
}

// interval solves the published table for entry e.
func (a *auditor) interval(e int) span {
	m := a.m
	v := m.val[e]
	lo, ub := m.bounds(e, a.labels)
	limit := inf
	if ub >= 0 {
		limit = max(ub-v, 0)
	}
	up := a.maxflow(m.to[e], m.from[e], e, limit)
	down := a.maxflow(m.from[e], m.to[e], e, v-lo)
	if up >= inf {
		return span{Lo: v - down, Unbounded: true}
	}
	return span{Lo: v - down, Hi: v + up}
}

// guard checks the protection rule under both views of the intruder; full
// is the labelled view of the table with every non-zero entry withheld.
type guard struct{ plain, labels, full *auditor }

func newGuard(m *model, full *auditor) guard {
	return guard{newAuditor(m, false), newAuditor(m, true), full}
}

func (g guard) protected(e int) bool {
	if !g.plain.protected(e) {
		return false
	}
	return !g.labels.m.labelsLeaveRoom() || !g.labels.pinned(e) || g.full.pinned(e)
}

// fullAuditor returns the labelled view of m with every non-zero entry
// withheld.
func (m *model) fullAuditor() *auditor {
	c := *m
	c.reason = slices.Clone(m.reason)
	for e := range c.reason {
		if c.candidate(e) {
			c.reason[e] = Secondary
		}
	}
	return newAuditor(&c, true)
}

// pinned reports whether entry e has a single possible value.
func (a *auditor) pinned(e int) bool {
	m := a.m
	lo, up := m.bounds(e, a.labels)
	v := m.val[e]
	canRise := (up < 0 || up > v) && a.maxflow(m.to[e], m.from[e], e, 1) > 0
	canFall := v > lo && a.maxflow(m.from[e], m.to[e], e, 1) > 0
	return !canRise && !canFall
}

// protected reports whether entry e meets the protection rule when the
// intruder ignores the labels, pushing only as much flow as the rule needs.
func (a *auditor) protected(e int) bool {
	m := a.m
	v := m.val[e]
	lo, hi := m.want()
	if !m.reason[e].Suppressed() {
		return false
	}
	if need := hi - v; need > 0 && a.maxflow(m.to[e], m.from[e], e, need) < need {
		return false
	}
	if need := v - lo; need > 0 && a.maxflow(m.from[e], m.to[e], e, need) < need {
		return false
	}
	return true
}
