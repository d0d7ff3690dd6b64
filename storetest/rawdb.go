package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vrs"
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
	s.add("DELETE FROM settings WHERE key = %s", vrs.SettingReciprocity)
	if r.sqlite {
		// A contentless FTS5 table empties by command, not by DELETE.
		s.add("INSERT INTO incident_fts (incident_fts) VALUES ('delete-all')")
	}
}

// writeWorld wipes the previous world and writes w: countries,
// agencies, groups, agreements and the setting as raw SQL, records
// through BulkCreateIncidents as the installation.
func (r *rawDB) writeWorld(w *propertyWorld, db *store.DB) error {
	var s script
	r.wipeSharing(&s)
	for _, c := range slices.Sorted(maps.Keys(w.members)) {
		s.add("UPDATE countries SET member = %s WHERE alpha2 = %s", w.members[c], c)
	}
	for _, a := range w.agencies {
		s.add("INSERT INTO agencies (id, country, name, kind, created_at, updated_at, default_distribution, default_tlp) VALUES (%s, %s, %s, %s, 0, 0, %s, %s)",
			a.ID, a.Country, a.Name, string(a.Kind), string(a.DefaultDistribution), string(a.DefaultTLP))
	}
	for _, g := range w.groups {
		s.add("INSERT INTO sharing_groups (id, name, releasability, owner, created_by, created_at, updated_at) VALUES (%s, %s, 'Test only.', %s, 0, 0, 0)",
			g.ID, g.Name, g.Owner)
		for _, c := range g.Countries {
			s.add("INSERT INTO sharing_group_members (group_id, country) VALUES (%s, %s)", g.ID, c)
		}
		for _, id := range g.AgencyIDs {
			s.add("INSERT INTO sharing_group_members (group_id, agency_id) VALUES (%s, %s)", g.ID, id)
		}
	}
	for _, a := range w.agreements {
		types := make([]string, len(a.Types))
		for i, ty := range a.Types {
			types[i] = string(ty)
		}
		s.add(`INSERT INTO sharing_agreements (id, proposer, partner, types, granularity, data_from, data_to, starts, ends, status, proposed_by, proposed_at)
			VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, 0)`, a.ID, a.Proposer, a.Partner, strings.Join(types, ","), int(a.Granularity),
			a.DataFrom, a.DataTo, a.Starts, a.Ends, string(a.Status))
	}
	if w.reciprocity != "" {
		s.add("INSERT INTO settings (key, value, updated_at) VALUES (%s, %s, 0)", vrs.SettingReciprocity, w.reciprocity)
	}
	ctx := context.Background()
	if err := r.run(ctx, &s); err != nil {
		return err
	}
	if err := db.BulkCreateIncidents(System(), w.incs); err != nil {
		return err
	}
	for i, inc := range w.incs {
		w.refs[i].ID = inc.ID
		if inc.Distribution != w.refs[i].Distribution {
			return fmt.Errorf("record %d stored with distribution %s, want %s", inc.ID, inc.Distribution, w.refs[i].Distribution)
		}
	}
	return nil
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
