package vrs

import "context"

// StatService answers statistics queries over the records the acting user
// may count (see the rules on StatQuery), and lists the records behind a
// cell for drilling down.
type StatService interface {
	Stats(ctx context.Context, q StatQuery) (*StatResult, error)
	// StatsRecords lists the records counted in the cell of q with the
	// given keys (in the order of q.Dimensions()) that the acting user may
	// read at pseudonymised granularity or finer.
	StatsRecords(ctx context.Context, q StatQuery, keys []string, limit int) (*StatRecords, error)
	// StatsPublic counts, without a user, what countries publish (the
	// public statistics page).
	StatsPublic(ctx context.Context, q StatQuery) (*StatResult, error)
}
