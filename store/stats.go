package store

import (
	"context"

	"vrs"
)

// Stats answers a statistics query. It reads the raw tables for now; the
// statistics cube will take over here, and must give the same answers.
func (db *DB) Stats(ctx context.Context, q vrs.StatQuery) (*vrs.StatResult, error) {
	return db.StatsRaw(ctx, q)
}
