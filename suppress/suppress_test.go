package suppress

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"vrs"
)

const (
	N = None
	P = Primary
	S = Secondary
)

func mustProtect(t *testing.T, tab Table, o Options) Result {
	t.Helper()
	r, err := Protect(tab, o)
	if err != nil {
		t.Fatalf("Protect: %v", err)
	}
	leaks, err := Audit(tab, r, o)
	if err != nil {
		t.Fatalf("Audit: %v", err)
	}
	if len(leaks) > 0 {
		t.Fatalf("Protect returned a pattern with leaks: %+v", leaks)
	}
	return r
}

func table(cells ...[]int64) Table {
	return Table{Rows: len(cells), Cols: len(cells[0]), Cells: cells}
}

func TestProtectTable(t *testing.T) {
	tests := []struct {
		name  string
		tab   Table
		o     Options
		cells [][]Reason
		rows  []Reason
		cols  []Reason
		total Reason
	}{
		{
			name:  "OneSmallCellClosesRectangle",
			tab:   table([]int64{2, 10, 20}, []int64{15, 30, 40}, []int64{25, 35, 50}),
			o:     Options{K: 5},
			cells: [][]Reason{{P, S, N}, {S, S, N}, {N, N, N}},
			rows:  []Reason{N, N, N}, cols: []Reason{N, N, N}, total: N,
		},
		{
			name:  "WholeRowSmall",
			tab:   table([]int64{1, 2, 3}, []int64{10, 20, 30}, []int64{15, 25, 35}),
			o:     Options{K: 5},
			cells: [][]Reason{{P, P, P}, {S, S, S}, {N, N, N}},
			rows:  []Reason{N, N, N}, cols: []Reason{N, N, N}, total: N,
		},
		{
			name:  "TotalsBelowK",
			tab:   table([]int64{1, 2}, []int64{0, 1}),
			o:     Options{K: 5},
			cells: [][]Reason{{P, P}, {N, P}},
			rows:  []Reason{P, P}, cols: []Reason{P, P}, total: P,
		},
		{
			name:  "AllZeroPublished",
			tab:   table([]int64{0, 0}, []int64{0, 0}),
			o:     Options{K: 5},
			cells: [][]Reason{{N, N}, {N, N}},
			rows:  []Reason{N, N}, cols: []Reason{N, N}, total: N,
		},
		{
			name:  "AllZeroSuppressed",
			tab:   table([]int64{0, 0}, []int64{0, 0}),
			o:     Options{K: 5, SuppressZeros: true},
			cells: [][]Reason{{P, P}, {P, P}},
			rows:  []Reason{P, P}, cols: []Reason{P, P}, total: P,
		},
		{
			name:  "ZeroAsPrimary",
			tab:   table([]int64{0, 10}, []int64{20, 30}),
			o:     Options{K: 5, SuppressZeros: true},
			cells: [][]Reason{{P, S}, {S, S}},
			rows:  []Reason{N, N}, cols: []Reason{N, N}, total: N,
		},
		{
			name:  "K1SuppressesNothing",
			tab:   table([]int64{0, 1}, []int64{1, 0}),
			o:     Options{K: 1},
			cells: [][]Reason{{N, N}, {N, N}},
			rows:  []Reason{N, N}, cols: []Reason{N, N}, total: N,
		},
		{
			name:  "SingleRowHidesColumnTotals",
			tab:   table([]int64{3, 10, 12}),
			o:     Options{K: 5},
			cells: [][]Reason{{P, S, N}},
			rows:  []Reason{N}, cols: []Reason{P, S, N}, total: N,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustProtect(t, tc.tab, tc.o)
			if got, want := fmt.Sprint(r.Cells), fmt.Sprint(tc.cells); got != want {
				t.Errorf("cells = %s, want %s", got, want)
			}
			if got, want := fmt.Sprint(r.RowTotalReasons), fmt.Sprint(tc.rows); got != want {
				t.Errorf("row totals = %s, want %s", got, want)
			}
			if got, want := fmt.Sprint(r.ColTotalReasons), fmt.Sprint(tc.cols); got != want {
				t.Errorf("column totals = %s, want %s", got, want)
			}
			if r.TotalReason != tc.total {
				t.Errorf("total = %s, want %s", r.TotalReason, tc.total)
			}
		})
	}
}

func TestProtectMargins(t *testing.T) {
	r := mustProtect(t, table([]int64{1, 2}, []int64{3, 4}), Options{K: 5})
	if fmt.Sprint(r.RowTotals, r.ColTotals, r.Total) != "[3 7] [4 6] 10" {
		t.Errorf("margins = %v %v %v", r.RowTotals, r.ColTotals, r.Total)
	}
}

func TestProtectVector(t *testing.T) {
	tests := []struct {
		name  string
		cells []int64
		o     Options
		want  []Reason
		total Reason
	}{
		{"OneSmall", []int64{1, 10, 20, 30}, Options{K: 5}, []Reason{P, S, N, N}, N},
		// Two small cells hide each other only to within their sum (3 < 4),
		// so the audit adds a third.
		{"PairTooNarrow", []int64{1, 2, 30}, Options{K: 5}, []Reason{P, P, S}, N},
		{"PairWideEnough", []int64{2, 3, 30}, Options{K: 5}, []Reason{P, P, N}, N},
		{"SingleCellIsItsTotal", []int64{3}, Options{K: 5}, []Reason{P}, P},
		{"Safe", []int64{7}, Options{K: 5}, []Reason{N}, N},
		{"ZeroPublished", []int64{2, 0, 9}, Options{K: 5}, []Reason{P, N, S}, N},
		{"TotalBelowK", []int64{1, 1}, Options{K: 5}, []Reason{P, P}, P},
		{"AllZero", []int64{0, 0, 0}, Options{K: 5}, []Reason{N, N, N}, N},
		{"AllZeroSuppressed", []int64{0, 0}, Options{K: 5, SuppressZeros: true}, []Reason{P, P}, P},
		{"K1", []int64{0, 1, 2}, Options{K: 1}, []Reason{N, N, N}, N},
		// "<5" three times under a published 12 would give 4, 4, 4.
		{"LabelsPinTrio", []int64{4, 4, 4, 50}, Options{K: 5}, []Reason{P, P, P, S}, N},
		// Two non-zero cells "<3" under a total "<3" are 1 each whatever
		// is withheld; Protect withholds them and does not fail.
		{"LabelsAlonePin", []int64{1, 1, 0}, Options{K: 3}, []Reason{P, P, N}, P},
		{"K1ZerosSuppressed", []int64{0, 1, 2}, Options{K: 1, SuppressZeros: true}, []Reason{P, S, N}, N},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ProtectVector(tc.cells, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprint(r.Cells), fmt.Sprint(tc.want); got != want {
				t.Errorf("cells = %s, want %s", got, want)
			}
			if r.TotalReason != tc.total {
				t.Errorf("total = %s, want %s", r.TotalReason, tc.total)
			}
			leaks, err := AuditVector(tc.cells, r, tc.o)
			if err != nil || len(leaks) > 0 {
				t.Errorf("audit: %v %+v", err, leaks)
			}
		})
	}
}

func TestProtectErrors(t *testing.T) {
	tests := []struct {
		name string
		tab  Table
		o    Options
		key  string
	}{
		{"ErrK", table([]int64{1}), Options{K: 0}, "error.invalid_fields"},
		{"ErrNegative", table([]int64{1, -1}), Options{K: 5}, "error.suppress.negative"},
		{"ErrTooLarge", table([]int64{MaxCount + 1}), Options{K: 5}, "error.suppress.count_too_large"},
		{"ErrEmpty", Table{}, Options{K: 5}, "error.suppress.shape"},
		{"ErrRagged", Table{Rows: 2, Cols: 2, Cells: [][]int64{{1, 2}, {3}}}, Options{K: 5}, "error.suppress.ragged"},
		{"ErrRowsMismatch", Table{Rows: 3, Cols: 1, Cells: [][]int64{{1}}}, Options{K: 5}, "error.suppress.ragged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Protect(tc.tab, tc.o)
			if vrs.ErrorCode(err) != vrs.EINVALID || vrs.AsError(err).Message != tc.key {
				t.Errorf("err = %v, want %s", err, tc.key)
			}
		})
	}
}

func TestAuditFindsLeaks(t *testing.T) {
	tab := table([]int64{2, 10}, []int64{15, 30})
	o := Options{K: 5}
	t.Run("Published", func(t *testing.T) {
		r := Result{Cells: [][]Reason{{N, N}, {N, N}}, RowTotalReasons: []Reason{N, N}, ColTotalReasons: []Reason{N, N}}
		leaks, err := Audit(tab, r, o)
		if err != nil || len(leaks) != 1 || leaks[0].Kind != Published || leaks[0].Row != 0 || leaks[0].Col != 0 {
			t.Errorf("leaks = %+v, %v", leaks, err)
		}
	})
	t.Run("PrimaryAlone", func(t *testing.T) {
		r := Result{Cells: [][]Reason{{P, N}, {N, N}}, RowTotalReasons: []Reason{N, N}, ColTotalReasons: []Reason{N, N}}
		leaks, err := Audit(tab, r, o)
		if err != nil || len(leaks) != 1 || leaks[0].Kind != Narrow || leaks[0].Lo != 2 || leaks[0].Hi != 2 {
			t.Errorf("leaks = %+v, %v", leaks, err)
		}
	})
	t.Run("RowPartnerOnly", func(t *testing.T) {
		// The column total still gives the cell away.
		r := Result{Cells: [][]Reason{{P, S}, {N, N}}, RowTotalReasons: []Reason{N, N}, ColTotalReasons: []Reason{N, N}}
		leaks, _ := Audit(tab, r, o)
		if len(leaks) != 1 || leaks[0].Lo != 2 || leaks[0].Hi != 2 {
			t.Errorf("leaks = %+v", leaks)
		}
	})
	t.Run("TooNarrow", func(t *testing.T) {
		// 2 ≤ x with partner 1: x ∈ [1,3]: not exact, yet short of the 4 that "<5" allows.
		tab := table([]int64{2, 1, 40}, []int64{20, 30, 50})
		r := Result{Cells: [][]Reason{{P, P, N}, {S, S, N}}, RowTotalReasons: []Reason{N, N}, ColTotalReasons: []Reason{N, N, N}}
		leaks, _ := Audit(tab, r, o)
		if len(leaks) != 2 || leaks[0].Lo != 0 || leaks[0].Hi != 3 || leaks[0].WantHi != 4 {
			t.Errorf("leaks = %+v", leaks)
		}
	})
	t.Run("InferredFromLabels", func(t *testing.T) {
		cells := []int64{4, 4, 4, 50}
		r := VectorResult{Cells: []Reason{P, P, P, N}}
		leaks, _ := AuditVector(cells, r, o)
		if len(leaks) != 3 || leaks[0].Kind != Inferred || leaks[0].Lo != 4 || leaks[0].Hi != 4 {
			t.Errorf("leaks = %+v", leaks)
		}
	})
	t.Run("ErrShape", func(t *testing.T) {
		if _, err := Audit(tab, Result{}, o); vrs.ErrorCode(err) != vrs.EINVALID {
			t.Errorf("err = %v", err)
		}
	})
}

// skewed draws counts the way small-area statistics look: many zeros and
// small counts, a long tail.
func skewed(rng *rand.Rand) int64 {
	switch p := rng.Float64(); {
	case p < 0.25:
		return 0
	case p < 0.65:
		return 1 + rng.Int64N(6)
	case p < 0.9:
		return 5 + rng.Int64N(30)
	default:
		return rng.Int64N(1000)
	}
}

func randomOptions(rng *rand.Rand) Options {
	ks := []int64{1, 2, 3, 3, 5, 5, 5, 5, 10}
	return Options{K: ks[rng.IntN(len(ks))], SuppressZeros: rng.IntN(4) == 0}
}

func randomTable(rng *rand.Rand, maxDim int) Table {
	R, C := 1+rng.IntN(maxDim), 1+rng.IntN(maxDim)
	tab := Table{Rows: R, Cols: C, Cells: make([][]int64, R)}
	for i := range R {
		tab.Cells[i] = make([]int64, C)
		for j := range C {
			tab.Cells[i][j] = skewed(rng)
		}
	}
	return tab
}

func TestProtectProperties(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var secondary, published, primary int
	for it := range n {
		tab, o := randomTable(rng, 8), randomOptions(rng)
		r, err := Protect(tab, o)
		if err != nil {
			t.Fatalf("table %d %v %+v: %v", it, tab.Cells, o, err)
		}
		leaks, err := Audit(tab, r, o)
		if err != nil || len(leaks) > 0 {
			t.Fatalf("table %d %v %+v: leaks %+v %v", it, tab.Cells, o, leaks, err)
		}
		check := func(v int64, why Reason, where string) {
			if o.Sensitive(v) != (why == Primary) {
				t.Fatalf("table %d %v %+v: %s value %d reason %s", it, tab.Cells, o, where, v, why)
			}
			switch why {
			case Secondary:
				secondary++
				if v == 0 {
					t.Fatalf("table %d: a zero was chosen as a secondary suppression", it)
				}
			case Primary:
				primary++
			default:
				published++
			}
		}
		for i, row := range tab.Cells {
			for j, v := range row {
				check(v, r.Cells[i][j], fmt.Sprintf("cell %d,%d", i, j))
			}
			check(r.RowTotals[i], r.RowTotalReasons[i], "row total")
		}
		for j, v := range r.ColTotals {
			check(v, r.ColTotalReasons[j], "column total")
		}
		check(r.Total, r.TotalReason, "total")
	}
	all := secondary + published + primary
	t.Logf("%d tables: %.1f%% of cells and margins primary, %.1f%% secondary, %.1f%% published",
		n, 100*float64(primary)/float64(all), 100*float64(secondary)/float64(all), 100*float64(published)/float64(all))
}

func TestProtectVectorProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for it := range 2000 {
		cells := make([]int64, 1+rng.IntN(12))
		for i := range cells {
			cells[i] = skewed(rng)
		}
		o := randomOptions(rng)
		r, err := ProtectVector(cells, o)
		if err != nil {
			t.Fatal(err)
		}
		leaks, err := AuditVector(cells, r, o)
		if err != nil || len(leaks) > 0 {
			t.Fatalf("vector %d %v %+v: leaks %+v %v", it, cells, o, leaks, err)
		}
		for i, v := range cells {
			if o.Sensitive(v) != (r.Cells[i] == Primary) {
				t.Fatalf("vector %v: cell %d reason %s", cells, i, r.Cells[i])
			}
		}
	}
}

// TestAuditMatchesLP solves random tables under random suppression patterns
// (and under Protect's) with an exact rational simplex and requires the
// max-flow audit to find the same range for every withheld entry.
func TestAuditMatchesLP(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 40
	}
	rng := rand.New(rand.NewPCG(5, 6))
	compared := 0
	for it := range n {
		var m *model
		var err error
		o := randomOptions(rng)
		if rng.IntN(3) == 0 {
			cells := make([]int64, 1+rng.IntN(6))
			for i := range cells {
				cells[i] = skewed(rng)
			}
			m, err = newVectorModel(cells, o)
		} else {
			m, err = newTableModel(randomTable(rng, 4), o)
		}
		if err != nil {
			t.Fatal(err)
		}
		if it%2 == 0 {
			if err := m.protect(); err != nil {
				t.Fatal(err)
			}
		} else {
			for e := range m.reason {
				if rng.IntN(5) < 2 {
					m.reason[e] = Secondary
				}
			}
		}
		for _, labels := range []bool{false, true} {
			if labels {
				// Random patterns may call a sensitive entry secondary; the
				// labelled view needs reasons that match the values.
				for e, r := range m.reason {
					if r.Suppressed() {
						m.reason[e] = Secondary
						if o.Sensitive(m.val[e]) {
							m.reason[e] = Primary
						}
					}
				}
			}
			a := newAuditor(m, labels)
			for e, r := range m.reason {
				if !r.Suppressed() || (labels && r == Secondary && m.val[e] < o.K) {
					continue // a withheld zero has no label bound to check
				}
				got := a.interval(e)
				lo, hi, unb, ok := lpSpan(m, e, labels)
				if !ok {
					t.Fatalf("case %d: the LP found no optimum for entry %d", it, e)
				}
				if got.Lo != lo || got.Unbounded != unb || (!unb && got.Hi != hi) {
					t.Fatalf("case %d labels %v entry %d (value %d) vals %v pattern %v: audit [%d,%d]%v, LP [%d,%d]%v",
						it, labels, e, m.val[e], m.val, m.reason, got.Lo, got.Hi, got.Unbounded, lo, hi, unb)
				}
				compared++
			}
		}
	}
	t.Logf("%d withheld entries solved both ways", compared)
}

func FuzzProtect(f *testing.F) {
	f.Add([]byte{2, 3, 5, 1, 2, 3, 10, 20, 30})
	f.Add([]byte{0, 4, 0x85, 0, 0, 1, 7, 9})
	f.Add([]byte{5, 5, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		R, C := 1+int(data[0]%6), 1+int(data[1]%6)
		o := Options{K: int64(data[2] & 0x0f), SuppressZeros: data[2]&0x80 != 0}
		data = data[3:]
		next := func() int64 {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			if b >= 200 {
				return int64(b) * int64(b) // a few large counts
			}
			return int64(b % 12)
		}
		tab := Table{Rows: R, Cols: C, Cells: make([][]int64, R)}
		vec := make([]int64, 0, R*C)
		for i := range R {
			tab.Cells[i] = make([]int64, C)
			for j := range C {
				tab.Cells[i][j] = next()
				vec = append(vec, tab.Cells[i][j])
			}
		}
		r, err := Protect(tab, o)
		if o.K < 1 {
			if err == nil {
				t.Fatal("K < 1 accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if leaks, err := Audit(tab, r, o); err != nil || len(leaks) > 0 {
			t.Fatalf("%v %+v: leaks %+v %v", tab.Cells, o, leaks, err)
		}
		vr, err := ProtectVector(vec, o)
		if err != nil {
			t.Fatal(err)
		}
		if leaks, err := AuditVector(vec, vr, o); err != nil || len(leaks) > 0 {
			t.Fatalf("%v %+v: leaks %+v %v", vec, o, leaks, err)
		}
	})
}

func BenchmarkProtect50x50(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	tab := Table{Rows: 50, Cols: 50, Cells: make([][]int64, 50)}
	for i := range 50 {
		tab.Cells[i] = make([]int64, 50)
		for j := range 50 {
			tab.Cells[i][j] = skewed(rng)
		}
	}
	o := Options{K: 5}
	for b.Loop() {
		if _, err := Protect(tab, o); err != nil {
			b.Fatal(err)
		}
	}
}
