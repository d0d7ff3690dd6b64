package pivot

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"

	"vrs"
	"vrs/export"
)

// Run answers q for u from s and lays it out, protected when the view may
// include another country's records (MayIncludeForeign) with threshold k.
func Run(ctx context.Context, s vrs.StatService, u *vrs.User, q vrs.StatQuery, k int64) (*Table, error) {
	return run(ctx, s.Stats, q, MayIncludeForeign(u, q), k)
}

// Counter answers a statistics query: vrs.StatService.Stats for a user,
// the store's StatsPublic for the public page.
type Counter func(ctx context.Context, q vrs.StatQuery) (*vrs.StatResult, error)

func run(ctx context.Context, count Counter, q vrs.StatQuery, protect bool, k int64) (*Table, error) {
	res, err := count(ctx, q)
	if err != nil {
		return nil, err
	}
	counts := res
	if c := q.Measure.Counted(); c != q.Measure {
		cq := q
		cq.Measure = c
		if counts, err = count(ctx, cq); err != nil {
			return nil, err
		}
	}
	return Build(res, counts, protect, k)
}

// TotalKey stands for "all values" in the key columns of the exports, as
// _T does in SDMX; it is no code of any dimension.
const TotalKey = "_T"

// Line is one cell or margin of the long form of a table (the exports and
// the API): keys in the order of StatQuery.Dimensions, TotalKey for a
// dimension a margin adds up.
type Line struct {
	Keys     []string `json:"keys"`
	Value    *float64 `json:"value"`                // nil when withheld
	Withheld string   `json:"suppressed,omitempty"` // primary or secondary
}

func line(keys []string, e Entry) Line {
	l := Line{Keys: keys}
	if v, ok := e.Shown(); ok {
		l.Value = &v
	} else {
		l.Withheld = e.Withheld.String()
	}
	return l
}

func totals(n int) []string {
	k := make([]string, n)
	for i := range k {
		k[i] = TotalKey
	}
	return k
}

// Lines lists the cells that count something (or are withheld), then the
// row totals, the column totals and the grand total.
func (t *Table) Lines() (cells, rows, cols []Line, total Line) {
	nr, nc := len(t.Query.Rows), len(t.Query.Cols)
	for i, rk := range t.RowKeys {
		for j, ck := range t.ColKeys {
			e := t.Cells[i][j]
			if e.Value != 0 || e.Withheld.Suppressed() {
				cells = append(cells, line(append(append([]string{}, rk...), ck...), e))
			}
		}
	}
	for i, e := range t.RowTotals {
		if nc > 0 {
			rows = append(rows, line(append(append([]string{}, t.RowKeys[i]...), totals(nc)...), e))
		}
	}
	for j, e := range t.ColTotals {
		if nr > 0 {
			cols = append(cols, line(append(totals(nr), t.ColKeys[j]...), e))
		}
	}
	return cells, rows, cols, line(totals(nr+nc), t.Total)
}

// JSON is the API's answer.
type JSON struct {
	Query     vrs.StatQuery `json:"query"`
	Cells     []Line        `json:"cells"`
	RowTotals []Line        `json:"row_totals,omitempty"`
	ColTotals []Line        `json:"col_totals,omitempty"`
	Total     *float64      `json:"total"`
	// TotalSuppressed is primary or secondary when the total is withheld.
	TotalSuppressed string `json:"total_suppressed,omitempty"`
	// Protected says whether small cells were withheld; MinCell is k.
	Protected bool  `json:"protected"`
	MinCell   int64 `json:"min_cell"`
}

// JSON returns the table as the API answers it; margins carry TotalKey for
// the dimensions they add up.
func (t *Table) JSON() JSON {
	cells, rows, cols, total := t.Lines()
	if cells == nil {
		cells = []Line{}
	}
	return JSON{Query: t.Query, Cells: cells, RowTotals: rows, ColTotals: cols, Total: total.Value,
		TotalSuppressed: total.Withheld, Protected: t.Protected, MinCell: t.MinCell}
}

// Header is the first line of the CSV and XLSX exports: the dimensions,
// then value and suppressed (primary, secondary or empty).
func (t *Table) Header() []string {
	var h []string
	for _, d := range t.Query.Dimensions() {
		h = append(h, string(d))
	}
	return append(h, "value", "suppressed")
}

func (t *Table) all() []Line {
	cells, rows, cols, total := t.Lines()
	return append(append(append(cells, rows...), cols...), total)
}

func format(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// WriteCSV writes the long form: one line per cell and margin, a withheld
// value empty with its reason.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header()); err != nil {
		return err
	}
	for _, l := range t.all() {
		if err := cw.Write(append(append([]string{}, l.Keys...), format(l.Value), l.Withheld)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the long form as one sheet, values as numbers.
func (t *Table) WriteXLSX(w io.Writer) error {
	b := export.NewWorkbook(w)
	defer b.Discard()
	s, err := b.AddSheet("statistics", t.Header())
	if err != nil {
		return err
	}
	for _, l := range t.all() {
		row := make([]any, 0, len(l.Keys)+2)
		for _, k := range l.Keys {
			row = append(row, k)
		}
		if l.Value != nil {
			row = append(row, *l.Value)
		} else {
			row = append(row, nil)
		}
		if err := b.Row(s, append(row, l.Withheld)); err != nil {
			return err
		}
	}
	return b.Close()
}
