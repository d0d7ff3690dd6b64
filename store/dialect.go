package store

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

type dialect string

const (
	sqliteDialect   dialect = "sqlite"
	postgresDialect dialect = "postgres"
)

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// lockAudit serialises appends to the audit chain. SQLite already has one
// writer; PostgreSQL takes a transaction-scoped advisory lock.
func (t *tx) lockAudit() error {
	if t.db.dialect != postgresDialect {
		return nil
	}
	_, err := t.exec(`SELECT pg_advisory_xact_lock(7262001)`)
	return err
}

// joinIDs and splitIDs keep small lists in one text column.
func joinList(items []string) string { return strings.Join(items, ",") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func itoa(n int) string { return strconv.Itoa(n) }

// forUpdate locks the rows a write transaction reads before changing them:
// PostgreSQL runs writers side by side; SQLite's single writer needs none.
func (db *DB) forUpdate(alias string) string {
	if db.dialect == postgresDialect {
		return " FOR UPDATE OF " + alias
	}
	return ""
}
