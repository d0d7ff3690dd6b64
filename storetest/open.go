// Package storetest is the conformance suite that every store dialect runs,
// and the helpers that other packages' tests use to get a real store.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for schema set-up

	"vrs/store"
)

// PostgresEnv names the variable that holds a PostgreSQL URL for tests.
const PostgresEnv = "VRS_TEST_POSTGRES"

// Dialects lists the stores tests can run against here: SQLite always,
// PostgreSQL when VRS_TEST_POSTGRES holds a URL.
func Dialects() []string {
	if os.Getenv(PostgresEnv) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Open returns a fresh, empty store of the dialect, removed at the end of
// the test: a SQLite file in t.TempDir, or a PostgreSQL schema of its own.
func Open(t testing.TB, dialect string) *store.DB {
	t.Helper()
	ctx := context.Background()
	dsn := DSN(t, dialect)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.UseKEK(ctx, TestKEK); err != nil {
		t.Fatalf("keys of %s store: %v", dialect, err)
	}
	return db
}

// DSN returns the address of a fresh, empty database of the dialect.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == "sqlite" {
		return filepath.Join(t.TempDir(), "vrs.db")
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Fatalf("%s is not set", PostgresEnv)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs fn as a subtest on a fresh store of every available dialect.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, Open(t, d)) })
	}
}
