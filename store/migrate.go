package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed migrations
var migrationFS embed.FS

// migrate applies, in name order, every embedded migration of the dialect
// not yet recorded in the migrations table, one transaction per file.
// PostgreSQL runners of several processes take turns under an advisory lock;
// SQLite's immediate transactions already exclude each other.
func (db *DB) migrate(ctx context.Context) error {
	dir := "migrations/" + string(db.dialect)
	names, err := fs.Glob(migrationFS, dir+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	for _, name := range names {
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		err = db.write(ctx, func(t *tx) error {
			if t.db.dialect == postgresDialect {
				if _, err := t.exec(`SELECT pg_advisory_xact_lock(7262000)`); err != nil {
					return err
				}
			}
			var n int
			if err := t.queryRow(`SELECT count(*) FROM migrations WHERE name = $1`, name).Scan(&n); err != nil || n > 0 {
				return err
			}
			if _, err := t.exec(string(body)); err != nil {
				return err
			}
			_, err := t.exec(`INSERT INTO migrations (name, applied_at) VALUES ($1, $2)`, name, micros(t.now))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}
