package suppress

import (
	"math/big"
)

// An exact rational simplex, independent of the max-flow audit, used by the
// tests to solve published tables for withheld values: min c·x subject to
// A x = b, x ≥ 0 (two phases, Bland's rule, so it cannot cycle).

type lpStatus int

const (
	lpOptimal lpStatus = iota
	lpInfeasible
	lpUnbounded
)

func rat(v int64) *big.Rat { return new(big.Rat).SetInt64(v) }

func lpMin(A [][]int64, b []int64, c []int64) (*big.Rat, lpStatus) {
	m, n := len(A), len(c)
	// Tableau columns: n variables, m artificials, rhs.
	w := n + m + 1
	T := make([][]*big.Rat, m)
	basis := make([]int, m)
	for i := range m {
		T[i] = make([]*big.Rat, w)
		sign := int64(1)
		if b[i] < 0 {
			sign = -1
		}
		for j := range n {
			T[i][j] = rat(sign * A[i][j])
		}
		for j := range m {
			T[i][n+j] = rat(0)
		}
		T[i][n+i] = rat(1)
		T[i][w-1] = rat(sign * b[i])
		basis[i] = n + i
	}
	cost1 := make([]*big.Rat, n+m)
	cost2 := make([]*big.Rat, n+m)
	for j := range n + m {
		cost1[j], cost2[j] = rat(0), rat(0)
		if j >= n {
			cost1[j] = rat(1)
		} else {
			cost2[j] = rat(c[j])
		}
	}
	pivot := func(r, col int) {
		p := new(big.Rat).Set(T[r][col])
		for j := range w {
			T[r][j].Quo(T[r][j], p)
		}
		for i := range m {
			if i == r || T[i][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(T[i][col])
			for j := range w {
				T[i][j].Sub(T[i][j], new(big.Rat).Mul(f, T[r][j]))
			}
		}
		basis[r] = col
	}
	run := func(cost []*big.Rat, allowed int) lpStatus {
		for {
			enter := -1
			for j := range allowed {
				rc := new(big.Rat).Set(cost[j])
				for i := range m {
					rc.Sub(rc, new(big.Rat).Mul(cost[basis[i]], T[i][j]))
				}
				if rc.Sign() < 0 {
					enter = j
					break
				}
			}
			if enter < 0 {
				return lpOptimal
			}
			leave := -1
			var best *big.Rat
			for i := range m {
				if T[i][enter].Sign() <= 0 {
					continue
				}
				ratio := new(big.Rat).Quo(T[i][w-1], T[i][enter])
				if leave < 0 || ratio.Cmp(best) < 0 || (ratio.Cmp(best) == 0 && basis[i] < basis[leave]) {
					leave, best = i, ratio
				}
			}
			if leave < 0 {
				return lpUnbounded
			}
			pivot(leave, enter)
		}
	}
	run(cost1, n+m)
	for i := range m {
		if basis[i] >= n && T[i][w-1].Sign() != 0 {
			return nil, lpInfeasible
		}
	}
	// Drive zero artificials out of the basis where a real column can take
	// their place; rows where none can are redundant and stay inert.
	for i := range m {
		if basis[i] < n {
			continue
		}
		for j := range n {
			if T[i][j].Sign() != 0 {
				pivot(i, j)
				break
			}
		}
	}
	if st := run(cost2, n); st != lpOptimal {
		return nil, st
	}
	z := rat(0)
	for i := range m {
		z.Add(z, new(big.Rat).Mul(cost2[basis[i]], T[i][w-1]))
	}
	return z, lpOptimal
}

// lpSpan solves the table of model m (with its current pattern) for entry
// target by linear programming over the line constraints alone, without the
// network structure the audit relies on.
// With labels, each withheld entry x lies in [lb, ub] (m.bounds), written
// as x = lb + y, y ≥ 0, plus y + s = ub - lb, s ≥ 0, for a finite ub.
func lpSpan(m *model, target int, labels bool) (lo, hi int64, unbounded bool, ok bool) {
	var vars []int
	col := map[int]int{}
	for e, r := range m.reason {
		if r.Suppressed() {
			col[e] = len(vars)
			vars = append(vars, e)
		}
	}
	nv := len(vars)
	lbs := make([]int64, nv)
	var slacks []int // variable index of each upper-bounded entry
	for j, e := range vars {
		lb, ub := m.bounds(e, labels)
		lbs[j] = lb
		if ub >= 0 {
			slacks = append(slacks, j)
		}
	}
	width := nv + len(slacks)
	var A [][]int64
	var b []int64
	for _, l := range m.lines {
		row := make([]int64, width)
		var rhs int64
		for k, e := range l {
			coef := int64(1)
			if k == len(l)-1 { // the line's total
				coef = -1
			}
			if j, ok := col[e]; ok {
				row[j] += coef
				rhs -= coef * lbs[j]
			} else {
				rhs -= coef * m.val[e]
			}
		}
		A, b = append(A, row), append(b, rhs)
	}
	for s, j := range slacks {
		_, ub := m.bounds(vars[j], labels)
		row := make([]int64, width)
		row[j], row[nv+s] = 1, 1
		A, b = append(A, row), append(b, ub-lbs[j])
	}
	c := make([]int64, width)
	shift := lbs[col[target]]
	c[col[target]] = 1
	zmin, st := lpMin(A, b, c)
	if st != lpOptimal {
		return 0, 0, false, false
	}
	c[col[target]] = -1
	zmax, st := lpMin(A, b, c)
	if st == lpInfeasible {
		return 0, 0, false, false
	}
	if !zmin.IsInt() || (st == lpOptimal && !zmax.IsInt()) {
		return 0, 0, false, false // total unimodularity says this cannot be
	}
	lo = zmin.Num().Int64() + shift
	if st == lpUnbounded {
		return lo, 0, true, true
	}
	return lo, -zmax.Num().Int64() + shift, false, true
}
