package pivot

import (
	"slices"
	"testing"

	"vrs"
	"vrs/suppress"
)

func TestSortRows(t *testing.T) {
	e := func(v float64) Entry { return Entry{Value: v} }
	w := func(v float64) Entry { return Entry{Value: v, Withheld: suppress.Primary} }
	for _, tc := range []struct {
		name   string
		by     string
		totals []Entry // nil: one column, sorted by its cells
		cells  []Entry
		want   []string
	}{
		{"Keys", SortKeys, []Entry{e(1), e(9), e(5)}, nil, []string{"a", "b", "c"}},
		{"ByTotal", SortValue, []Entry{e(1), e(9), e(5)}, nil, []string{"b", "c", "a"}},
		{"ByCell", SortValue, nil, []Entry{e(3), e(7), e(7)}, []string{"b", "c", "a"}},
		// Withheld values go last in key order, whatever they hide.
		{"WithheldLast", SortValue, []Entry{w(4), e(6), w(1)}, nil, []string{"b", "a", "c"}},
		{"WithheldHideOrder", SortValue, []Entry{w(1), e(6), w(4)}, nil, []string{"b", "a", "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := &Table{Query: vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimSex}}, RowKeys: [][]string{{"a"}, {"b"}, {"c"}}, ColKeys: [][]string{{}}}
			for i := range 3 {
				c := Entry{Value: float64(i)}
				if tc.cells != nil {
					c = tc.cells[i]
				}
				tb.Cells = append(tb.Cells, []Entry{c})
			}
			tb.RowTotals = tc.totals
			tb.SortRows(tc.by)
			var got []string
			for i, k := range tb.RowKeys {
				got = append(got, k[0])
				// Cells and totals move with their row.
				if tc.totals != nil && tb.RowTotals[i] != tc.totals[int(k[0][0]-'a')] {
					t.Errorf("row %s carries total %v", k[0], tb.RowTotals[i])
				}
				if tc.cells != nil && tb.Cells[i][0] != tc.cells[int(k[0][0]-'a')] {
					t.Errorf("row %s carries cell %v", k[0], tb.Cells[i][0])
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("order %v, want %v", got, tc.want)
			}
		})
	}
}
