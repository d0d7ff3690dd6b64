package suppress

import (
	"cmp"
	"slices"

	"vrs"
)

// model is a table with its margins seen as one list of entries (cells and
// margins alike) tied by linear constraints ("lines": each row, column and
// margin line sums to its total). The same entries are the edges of a
// circulation: for a 2-D table, source → row i (row total), row i → column j
// (cell), column j → sink (column total), sink → source (grand total); for
// a vector, a → b (each cell) and b → a (total). Every line constraint is
// flow conservation at a node, which is what lets audit.go solve the
// published table exactly with max-flow instead of a general LP.
type model struct {
	o        Options
	val      []int64
	margin   []bool
	reason   []Reason
	lines    [][]int
	lineOf   [][]int // lines holding each entry (one or two)
	from, to []int   // edge of each entry in the circulation
	nodes    int
	rows     int // 2-D only
	cols     int
	vector   bool
}

func newTableModel(t Table, o Options) (*model, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	R, C := t.Rows, t.Cols
	if R < 1 || C < 1 || R > MaxDim || C > MaxDim || R*C > MaxCells {
		return nil, vrs.Errorf(vrs.EINVALID, "error.suppress.shape", MaxDim, MaxCells)
	}
	if len(t.Cells) != R {
		return nil, vrs.Errorf(vrs.EINVALID, "error.suppress.ragged")
	}
	n := R*C + R + C + 1
	m := &model{o: o, rows: R, cols: C, nodes: R + C + 2}
	m.val = make([]int64, n)
	m.margin = make([]bool, n)
	m.from = make([]int, n)
	m.to = make([]int, n)
	src, sink := 0, R+C+1
	for i, row := range t.Cells {
		if len(row) != C {
			return nil, vrs.Errorf(vrs.EINVALID, "error.suppress.ragged")
		}
		if err := validateCounts(row); err != nil {
			return nil, err
		}
		for j, v := range row {
			e := i*C + j
			m.val[e] = v
			m.from[e], m.to[e] = 1+i, 1+R+j
			m.val[R*C+i] += v
			m.val[R*C+R+j] += v
			m.val[n-1] += v
		}
	}
	for i := range R {
		e := R*C + i
		m.margin[e] = true
		m.from[e], m.to[e] = src, 1+i
	}
	for j := range C {
		e := R*C + R + j
		m.margin[e] = true
		m.from[e], m.to[e] = 1+R+j, sink
	}
	m.margin[n-1] = true
	m.from[n-1], m.to[n-1] = sink, src

	for i := range R {
		l := make([]int, 0, C+1)
		for j := range C {
			l = append(l, i*C+j)
		}
		m.lines = append(m.lines, append(l, R*C+i))
	}
	for j := range C {
		l := make([]int, 0, R+1)
		for i := range R {
			l = append(l, i*C+j)
		}
		m.lines = append(m.lines, append(l, R*C+R+j))
	}
	l := make([]int, 0, R+1)
	for i := range R {
		l = append(l, R*C+i)
	}
	m.lines = append(m.lines, append(l, n-1))
	l = make([]int, 0, C+1)
	for j := range C {
		l = append(l, R*C+R+j)
	}
	m.lines = append(m.lines, append(l, n-1))
	m.finish()
	return m, nil
}

func newVectorModel(cells []int64, o Options) (*model, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if len(cells) < 1 || len(cells) > MaxCells {
		return nil, vrs.Errorf(vrs.EINVALID, "error.suppress.shape", MaxDim, MaxCells)
	}
	if err := validateCounts(cells); err != nil {
		return nil, err
	}
	n := len(cells) + 1
	m := &model{o: o, vector: true, nodes: 2}
	m.val = make([]int64, n)
	m.margin = make([]bool, n)
	m.from = make([]int, n)
	m.to = make([]int, n)
	line := make([]int, n)
	for i, v := range cells {
		m.val[i] = v
		m.val[n-1] += v
		m.from[i], m.to[i] = 0, 1
		line[i] = i
	}
	line[n-1] = n - 1
	m.margin[n-1] = true
	m.from[n-1], m.to[n-1] = 1, 0
	m.lines = [][]int{line}
	m.finish()
	return m, nil
}

func (m *model) finish() {
	m.reason = make([]Reason, len(m.val))
	m.lineOf = make([][]int, len(m.val))
	for li, l := range m.lines {
		for _, e := range l {
			m.lineOf[e] = append(m.lineOf[e], li)
		}
	}
}

// protect sets primary suppressions, completes every line that holds a single
// suppression (the classic heuristic), then audits each sensitive entry and
// adds suppressions until it is protected. Suppressing more only widens the
// feasible set, so an entry once protected stays protected and one pass over
// the sensitive entries is enough; suppressing everything non-zero always
// protects (see docs/suppression.md), so the loop ends.
func (m *model) protect() error {
	for e, v := range m.val {
		if m.o.Sensitive(v) {
			m.reason[e] = Primary
		}
	}
	m.completeLines()
	full := m.fullAuditor()
	a := newGuard(m, full)
	for e := range m.val {
		if m.reason[e] != Primary {
			continue
		}
		for !a.protected(e) {
			c := m.pickFix(e, full)
			if c < 0 {
				return vrs.Errorf(vrs.EINTERNAL, "error.internal")
			}
			m.reason[c] = Secondary
			m.completeLines()
			a = newGuard(m, full)
		}
	}
	return nil
}

// candidate reports whether an entry may become a secondary suppression. A
// published zero is never one: withholding it would show that the pattern
// avoids zeros no better than publishing it, and protects little downward.
func (m *model) candidate(e int) bool {
	return m.reason[e] == None && m.val[e] > 0
}

// completeLines suppresses, in every line holding exactly one suppressed
// entry, the cheapest other entry, until no such line is left. Cheapest:
// a cell before a margin (totals are the most used figures), then one whose
// other line already has a suppression (it closes a cycle instead of
// opening a new line), then the smallest value.
func (m *model) completeLines() {
	for changed := true; changed; {
		changed = false
		for li, l := range m.lines {
			if m.countSuppressed(l) != 1 {
				continue
			}
			best := -1
			for _, e := range l {
				if m.candidate(e) && (best < 0 || m.cheaper(e, best, li)) {
					best = e
				}
			}
			if best >= 0 {
				m.reason[best] = Secondary
				changed = true
			}
		}
	}
}

func (m *model) countSuppressed(l []int) int {
	n := 0
	for _, e := range l {
		if m.reason[e].Suppressed() {
			n++
		}
	}
	return n
}

// crosses reports whether e lies on a line other than li that already has a
// suppression.
func (m *model) crosses(e, li int) bool {
	for _, o := range m.lineOf[e] {
		if o != li && m.countSuppressed(m.lines[o]) > 0 {
			return true
		}
	}
	return false
}

func (m *model) cheaper(a, b, li int) bool {
	if m.margin[a] != m.margin[b] {
		return !m.margin[a]
	}
	if ca, cb := m.crosses(a, li), m.crosses(b, li); ca != cb {
		return ca
	}
	if m.val[a] != m.val[b] {
		return m.val[a] < m.val[b]
	}
	return a < b
}

// pickFix chooses the next suppression for an unprotected entry e: among the
// candidates on e's lines (else anywhere), cells before margins and small
// before large, the first that protects e on its own, else the first.
func (m *model) pickFix(e int, full *auditor) int {
	var cands []int
	seen := map[int]bool{}
	for _, li := range m.lineOf[e] {
		for _, c := range m.lines[li] {
			if m.candidate(c) && !seen[c] {
				seen[c] = true
				cands = append(cands, c)
			}
		}
	}
	if len(cands) == 0 {
		for c := range m.val {
			if m.candidate(c) {
				cands = append(cands, c)
			}
		}
	}
	if len(cands) == 0 {
		return -1
	}
	slices.SortFunc(cands, func(x, y int) int {
		if m.margin[x] != m.margin[y] {
			if m.margin[x] {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(m.val[x], m.val[y]), cmp.Compare(x, y))
	})
	for _, c := range cands {
		m.reason[c] = Secondary
		ok := newGuard(m, full).protected(e)
		m.reason[c] = None
		if ok {
			return c
		}
	}
	return cands[0]
}

func (m *model) tableResult() Result {
	R, C := m.rows, m.cols
	r := Result{
		Cells:           make([][]Reason, R),
		RowTotals:       slices.Clone(m.val[R*C : R*C+R]),
		ColTotals:       slices.Clone(m.val[R*C+R : R*C+R+C]),
		Total:           m.val[len(m.val)-1],
		RowTotalReasons: slices.Clone(m.reason[R*C : R*C+R]),
		ColTotalReasons: slices.Clone(m.reason[R*C+R : R*C+R+C]),
		TotalReason:     m.reason[len(m.val)-1],
	}
	for i := range R {
		r.Cells[i] = slices.Clone(m.reason[i*C : i*C+C])
	}
	return r
}

func (m *model) vectorResult() VectorResult {
	n := len(m.val)
	return VectorResult{
		Cells:       slices.Clone(m.reason[:n-1]),
		Total:       m.val[n-1],
		TotalReason: m.reason[n-1],
	}
}
