package pivot

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"vrs"
	"vrs/suppress"
)

// DefaultMinCell is the small-cell threshold k when the installation
// setting stats.min_cell cannot be read: counts from 1 to k-1 are withheld.
const DefaultMinCell = 5

// MinCell is the installation's threshold, from its settings.
func MinCell(settings map[string]string) int64 {
	k, err := strconv.ParseInt(vrs.SettingValue(settings, vrs.SettingStatsMinCell), 10, 64)
	if err != nil || k < 1 {
		return DefaultMinCell
	}
	return k
}

// MayIncludeForeign reports whether a query's answer may count another
// country's records, so that small cells must be withheld. The rule is the
// simplest that is never wrong: every view is protected unless the user
// acts as the installation or the query filters the reporting country to
// exactly the user's own country (then every record counted is the user's
// country's, whatever the user's role). A regional analyst's unfiltered
// view, an analyst's view that counts records shared by partners, or a
// filter listing several countries are all protected.
func MayIncludeForeign(u *vrs.User, q vrs.StatQuery) bool {
	if u != nil && u.System {
		return false
	}
	c := q.Filters[vrs.DimCountry]
	return u == nil || u.Country == "" || len(c) != 1 || c[0] != u.Country
}

// Entry is one published or withheld value.
type Entry struct {
	Value    float64
	Withheld suppress.Reason
}

// Shown is the value if it may be published.
func (e Entry) Shown() (float64, bool) {
	if e.Withheld.Suppressed() {
		return 0, false
	}
	return e.Value, true
}

// Table is a statistics result laid out as rows by columns, every
// combination of the keys found, with its margins. With no row (column)
// dimensions there is one row (column) whose keys are empty.
type Table struct {
	Query            vrs.StatQuery
	RowKeys, ColKeys [][]string
	Cells            [][]Entry
	RowTotals        []Entry // by row keys; absent when there are no row dimensions
	ColTotals        []Entry
	Total            Entry
	// Protected says whether small cells were withheld, below MinCell.
	Protected bool
	MinCell   int64
}

func join(k []string) string { return strings.Join(k, "\x1f") }

// Build lays res out and, when protect is set, withholds small cells and
// whatever else reveals them. counts is the result the threshold applies
// to: res itself for counts, the number of fees for fees_sum (a sum is
// withheld when few fees make it up, whatever the amount).
//
// The cells of a statistics table need not add up to its margins (a unit
// with two keys counts in two cells, once in the margin). The pattern is
// computed on the cells with the margins they add up to, which is what
// suppress guarantees; then every true margin below k is withheld too.
// Such a margin covers only cells below k, which are all withheld already,
// so its line stays protected; and an intruder who knows the cells may
// over-count learns less from the margins, not more.
func Build(res, counts *vrs.StatResult, protect bool, k int64) (*Table, error) {
	q := res.Query
	nr := len(q.Rows)
	t := &Table{Query: q, Protected: protect, MinCell: k}
	vals, cnt := index(res), index(counts)
	rows, cols := map[string][]string{}, map[string][]string{}
	for _, r := range []*vrs.StatResult{res, counts} {
		for _, c := range r.Cells {
			rows[join(c.Keys[:nr])] = c.Keys[:nr]
			cols[join(c.Keys[nr:])] = c.Keys[nr:]
		}
	}
	t.RowKeys, t.ColKeys = sortedKeys(rows, nr), sortedKeys(cols, len(q.Cols))
	R, C := len(t.RowKeys), len(t.ColKeys)
	counted := make([][]int64, R)
	t.Cells = make([][]Entry, R)
	for i, rk := range t.RowKeys {
		t.Cells[i] = make([]Entry, C)
		counted[i] = make([]int64, C)
		for j, ck := range t.ColKeys {
			key := "c" + join(append(slices.Clone(rk), ck...))
			t.Cells[i][j].Value = vals[key]
			counted[i][j] = int64(math.Round(cnt[key]))
		}
	}
	if nr > 0 {
		t.RowTotals = make([]Entry, R)
		for i, rk := range t.RowKeys {
			t.RowTotals[i].Value = vals["r"+join(rk)]
		}
	}
	if len(q.Cols) > 0 {
		t.ColTotals = make([]Entry, C)
		for j, ck := range t.ColKeys {
			t.ColTotals[j].Value = vals["k"+join(ck)]
		}
	}
	t.Total.Value = res.Total
	if !protect {
		return t, nil
	}
	o := suppress.Options{K: k}
	switch {
	case R == 0 || C == 0:
		// Nothing counted: only the total, zero, which is published.
	case nr > 0 && len(q.Cols) > 0:
		p, err := suppress.Protect(suppress.Table{Rows: R, Cols: C, Cells: counted}, o)
		if err != nil {
			return nil, err
		}
		for i := range t.Cells {
			for j := range t.Cells[i] {
				t.Cells[i][j].Withheld = p.Cells[i][j]
			}
			t.RowTotals[i].Withheld = p.RowTotalReasons[i]
		}
		for j := range t.ColTotals {
			t.ColTotals[j].Withheld = p.ColTotalReasons[j]
		}
		t.Total.Withheld = p.TotalReason
	default:
		// One axis: a vector whose cells are also the margins of that axis.
		line := make([]int64, 0, max(R, C))
		for i := range R {
			for j := range C {
				line = append(line, counted[i][j])
			}
		}
		p, err := suppress.ProtectVector(line, o)
		if err != nil {
			return nil, err
		}
		for n, r := range p.Cells {
			i, j := n, 0
			if nr == 0 {
				i, j = 0, n
			}
			t.Cells[i][j].Withheld = r
			if nr > 0 {
				t.RowTotals[i].Withheld = r
			} else if len(q.Cols) > 0 {
				t.ColTotals[j].Withheld = r
			}
		}
		t.Total.Withheld = p.TotalReason
	}
	// The true margins, which may be smaller than the sums of their cells.
	sensitive := func(e *Entry, key string) {
		if !e.Withheld.Suppressed() && o.Sensitive(int64(math.Round(cnt[key]))) {
			e.Withheld = suppress.Primary
		}
	}
	for i := range t.RowTotals {
		sensitive(&t.RowTotals[i], "r"+join(t.RowKeys[i]))
	}
	for j := range t.ColTotals {
		sensitive(&t.ColTotals[j], "k"+join(t.ColKeys[j]))
	}
	sensitive(&t.Total, "t")
	return t, nil
}

// index maps "c"+cell keys, "r"+row keys, "k"+column keys and "t" to values.
func index(r *vrs.StatResult) map[string]float64 {
	m := map[string]float64{"t": r.Total}
	for _, c := range r.Cells {
		m["c"+join(c.Keys)] = c.Value
	}
	for _, c := range r.RowTotals {
		m["r"+join(c.Keys)] = c.Value
	}
	for _, c := range r.ColTotals {
		m["k"+join(c.Keys)] = c.Value
	}
	return m
}

func sortedKeys(m map[string][]string, n int) [][]string {
	if n == 0 && len(m) > 0 {
		return [][]string{{}}
	}
	out := make([][]string, 0, len(m))
	for _, k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return out
}
