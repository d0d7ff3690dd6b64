package pivot

import (
	"context"
	"slices"

	"vrs"
)

// RunPublic answers a view of the public statistics page from count (the
// store's StatsPublic) and lays it out. A published view is always
// protected, whoever asks and whatever it counts, with threshold k (see
// ViewMinCell).
//
// What is withheld must not depend on how the question is put: the same
// two dimensions asked as rows by columns, columns by rows, or both in the
// rows, would each be protected on its own, and together publish what
// one of them withholds. So the table is always laid out in one way,
// CanonicalPublic's; the Query of the table returned says which.
func RunPublic(ctx context.Context, count Counter, q vrs.StatQuery, k int64) (*Table, error) {
	return run(ctx, count, CanonicalPublic(q), true, k)
}

// CanonicalPublic is the one layout of a published view: one dimension in
// the rows; two as rows by columns, in the order of vrs.StatDimensions.
func CanonicalPublic(q vrs.StatQuery) vrs.StatQuery {
	dims := q.Dimensions()
	slices.SortStableFunc(dims, func(a, b vrs.StatDimension) int {
		return slices.Index(vrs.StatDimensions, a) - slices.Index(vrs.StatDimensions, b)
	})
	q.Rows, q.Cols = nil, nil
	switch len(dims) {
	case 0:
	case 1:
		q.Rows = dims
	default:
		q.Rows, q.Cols = dims[:1], dims[1:]
	}
	return q
}

// ViewMinCell is the small-cell threshold of a view: the installation's
// (setting stats.min_cell), raised by any country whose records the view
// may count and which asked for more (vrs.CountryPublishing.MinCell).
//
// Which countries "may be in the view" is decided the simple way that is
// never too low: every country of countries, unless the view filters the
// reporting country, and then those of the filter. It needs no count
// (asking which countries a view holds would itself say something).
// Callers pass every country, publishing or not: on the public page a
// country that starts publishing between the read of the thresholds and
// the count is then protected all the same, and in a signed-in view a
// country's threshold protects its records wherever they are counted.
func ViewMinCell(settings map[string]string, countries []*vrs.Country, q vrs.StatQuery) int64 {
	k := MinCell(settings)
	only, filtered := q.Filters[vrs.DimCountry]
	for _, c := range countries {
		if filtered && !slices.Contains(only, c.Alpha2) {
			continue
		}
		k = max(k, int64(c.StatsMinCell))
	}
	return k
}
