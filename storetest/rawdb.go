package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"vrs/store"
)

// rawDB writes test set-up straight into a store's database, past the
// store's rules and its audit log. The property test of the access rule
// builds thousands of worlds: their agencies, agreements and groups are
// only data for the rule to read, and creating them through the services
// (one audited transaction each) would cost more than the reads the test
// is about.
//
// It uses the store's own write pool (store.DB.SQL), which is the same
// database by construction: on SQLite the single writer connection, so
// that set-up never contends with the store's writes for the lock; on
// PostgreSQL the store's pool, whose search_path holds the test schema.
type rawDB struct {
	db     *sql.DB
	sqlite bool
}

func newRawDB(db *store.DB) *rawDB {
	return &rawDB{db: db.SQL(), sqlite: db.Dialect() == "sqlite"}
}

// run executes a script of statements with literal values in one
// transaction: one round trip on PostgreSQL (statements without
// arguments go through the simple protocol, which takes several at once).
func (r *rawDB) run(ctx context.Context, s *script) error {
	if s.Len() == 0 {
		return nil
	}
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.String()); err != nil {
		return fmt.Errorf("%w\n%s", err, s.String())
	}
	return tx.Commit()
}

// wipeSharing adds to s what empties the store of everything a world of
// the property test creates: records and their indexes, partners,
// agreements, groups, agencies and the reciprocity setting. Countries
// stay (each world sets the membership of those it names); the audit log
// stays (it is append-only and nothing the rule reads).
func (r *rawDB) wipeSharing(s *script) {
	for _, table := range []string{"incident_share_countries", "incident_share_groups", "incident_facets", "identifier_index",
		"incident_versions", "incidents", "sharing_group_members", "sharing_groups", "sharing_agreements", "agencies"} {
		s.add("DELETE FROM " + table)
	}
	s.add("DELETE FROM settings WHERE key = %s", "sharing.reciprocity")
	if r.sqlite {
		// A contentless FTS5 table empties by command, not by DELETE.
		s.add("INSERT INTO incident_fts (incident_fts) VALUES ('delete-all')")
	}
}

// countryCodes lists every country of the store's reference table.
func (r *rawDB) countryCodes(t testing.TB) []string {
	t.Helper()
	rows, err := r.db.Query(`SELECT alpha2 FROM countries ORDER BY alpha2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return codes
}

// script is SQL statements separated by semicolons, values written as
// literals (every value comes from the test itself).
type script struct{ strings.Builder }

// add appends one statement; each %s in format takes the next value as
// a SQL literal.
func (s *script) add(format string, values ...any) {
	lits := make([]any, len(values))
	for i, v := range values {
		lits[i] = literal(v)
	}
	s.WriteString(fmt.Sprintf(format, lits...))
	s.WriteString(";\n")
}

// literal writes v as SQL both dialects read the same way.
func literal(v any) string {
	switch v := v.(type) {
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		if v {
			return "TRUE"
		}
		return "FALSE"
	}
	panic(fmt.Sprintf("literal of %T", v))
}
