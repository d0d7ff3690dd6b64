package pivot

import (
	"cmp"
	"slices"
)

// Orders of a table's rows: by their keys (the default), or by their
// value, largest first.
const (
	SortKeys  = "keys"
	SortValue = "value"
)

// SortRows orders the rows by value, largest first: by the row total, or
// by the single column's cell when there is no column dimension. Only
// published values decide: a withheld value sorts below every published
// one, and withheld rows among themselves by their keys, so that the
// order says nothing about what is withheld. Rows of equal value keep the
// order of their keys.
func (t *Table) SortRows(by string) {
	if by != SortValue || len(t.RowKeys) < 2 {
		return
	}
	value := func(i int) Entry {
		if len(t.RowTotals) > 0 {
			return t.RowTotals[i]
		}
		return t.Cells[i][0]
	}
	idx := make([]int, len(t.RowKeys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		va, okA := value(a).Shown()
		vb, okB := value(b).Shown()
		switch {
		case okA && !okB:
			return -1
		case !okA && okB:
			return 1
		case okA && okB:
			return cmp.Compare(vb, va)
		}
		return 0
	})
	keys := make([][]string, len(idx))
	cells := make([][]Entry, len(idx))
	var totals []Entry
	if len(t.RowTotals) > 0 {
		totals = make([]Entry, len(idx))
	}
	for to, from := range idx {
		keys[to], cells[to] = t.RowKeys[from], t.Cells[from]
		if totals != nil {
			totals[to] = t.RowTotals[from]
		}
	}
	t.RowKeys, t.Cells = keys, cells
	if totals != nil {
		t.RowTotals = totals
	}
}
