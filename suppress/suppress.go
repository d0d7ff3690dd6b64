// Package suppress protects small counts in statistical tables by cell
// suppression: cells below a threshold k are withheld (primary suppression)
// and enough other cells and margins are withheld with them (secondary
// suppression) that no withheld count can be worked back, exactly or to a
// narrower range than its "<k" label already gives, from what is published.
//
// Protect returns only patterns that pass Audit, an exact check that solves
// the published table for every sensitive cell (see audit.go and
// docs/suppression.md for the attacker model and the protection rule).
// Tables are one- or two-dimensional; hierarchical tables and families of
// related tables are out of scope.
package suppress

import (
	"vrs"
)

// Reason says whether, and why, a cell or margin is withheld.
type Reason uint8

const (
	// None: the value is published.
	None Reason = iota
	// Primary: the value itself is below the threshold.
	Primary
	// Secondary: the value is safe but is withheld so that a primary value
	// cannot be recovered from the published values and margins.
	Secondary
)

func (r Reason) String() string {
	switch r {
	case None:
		return "none"
	case Primary:
		return "primary"
	case Secondary:
		return "secondary"
	}
	return "invalid"
}

// Suppressed reports whether the value must not be published.
func (r Reason) Suppressed() bool { return r == Primary || r == Secondary }

// Limits on input. They keep every margin far from int64 overflow and bound
// the work of the exact audit.
const (
	MaxDim   = 1000
	MaxCells = 250_000
	MaxCount = 1_000_000_000_000
)

// Options configure protection.
type Options struct {
	// K is the threshold: a count c with c < K is sensitive. K must be at
	// least 1; K == 1 protects nothing unless SuppressZeros is set.
	K int64
	// SuppressZeros treats a zero count as sensitive too. By default a true
	// zero is published: it says nobody was counted, which identifies nobody.
	// Set it where the absence of a group is itself sensitive.
	SuppressZeros bool
}

// Sensitive reports whether a count must be withheld on its own.
func (o Options) Sensitive(c int64) bool {
	return c < o.K && (c > 0 || o.SuppressZeros)
}

// Table is a two-dimensional table of counts without margins; the margins
// (row totals, column totals, grand total) are computed and protected too.
type Table struct {
	Rows, Cols int
	Cells      [][]int64 // Cells[row][col]
}

// Result is a protected two-dimensional table: the margins, and for every
// cell and margin whether it is withheld and why. Values of withheld cells
// and margins must not be published anywhere.
type Result struct {
	Cells           [][]Reason
	RowTotals       []int64
	ColTotals       []int64
	Total           int64
	RowTotalReasons []Reason
	ColTotalReasons []Reason
	TotalReason     Reason
}

// VectorResult is a protected one-dimensional table and its total.
type VectorResult struct {
	Cells       []Reason
	Total       int64
	TotalReason Reason
}

func (o Options) validate() error {
	if o.K < 1 || o.K > MaxCount {
		return vrs.FieldErrors(map[string]string{"k": "error.suppress.k"})
	}
	return nil
}

func validateCounts(vals []int64) error {
	for _, v := range vals {
		if v < 0 {
			return vrs.Errorf(vrs.EINVALID, "error.suppress.negative")
		}
		if v > MaxCount {
			return vrs.Errorf(vrs.EINVALID, "error.suppress.count_too_large", int64(MaxCount))
		}
	}
	return nil
}

// Protect computes a suppression pattern for t that passes Audit.
func Protect(t Table, o Options) (Result, error) {
	m, err := newTableModel(t, o)
	if err != nil {
		return Result{}, err
	}
	if err := m.protect(); err != nil {
		return Result{}, err
	}
	return m.tableResult(), nil
}

// ProtectVector computes a suppression pattern for a one-dimensional table
// (cells and their total) that passes AuditVector.
func ProtectVector(cells []int64, o Options) (VectorResult, error) {
	m, err := newVectorModel(cells, o)
	if err != nil {
		return VectorResult{}, err
	}
	if err := m.protect(); err != nil {
		return VectorResult{}, err
	}
	return m.vectorResult(), nil
}
