// Package store keeps VRS's data in SQLite (embedded, the default) or
// PostgreSQL (scale-out). One SQL text serves both wherever it can: both
// drivers bind $1, $2 ... by number; the few differences live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"vrs"
	"vrs/crypt"
	"vrs/cube"
)

// DB implements vrs.Store.
type DB struct {
	dialect dialect
	// writer takes every write. For SQLite it is a single connection, so
	// that writes are serialised in Go rather than fighting over the lock.
	writer *sql.DB
	// reader serves reads; for SQLite a small pool of read-only connections.
	reader *sql.DB
	pool   *pgxpool.Pool
	path   string
	stmts  sync.Map // query text → *sql.Stmt on reader
	// wstmts holds hotWrites prepared on the SQLite writer.
	wstmts sync.Map
	// keys holds the unwrapped data keys once UseKEK has run (see keys.go).
	keys atomic.Pointer[crypt.Keyring]
	// rulesCache holds the compiled validation rules (see rules.go).
	rulesCache atomic.Pointer[ruleCache]

	// Grouped writes waiting for the writer (see group.go).
	group        sync.Mutex
	groupQueue   []*groupJob
	groupLeading bool

	// cube is the statistics cube (see stats.go), made on first use.
	cube   *cube.Cube
	cubeMu sync.Mutex

	// Now is the clock; tests replace it.
	Now func() time.Time
}

var _ vrs.Store = (*DB)(nil)

// Open connects to dsn: a postgres:// or postgresql:// URL selects
// PostgreSQL, anything else is a SQLite file path. It applies pending
// migrations and seeds reference data.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		err = db.openPostgres(ctx, dsn)
	} else {
		err = db.openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.seedCountries(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepareHotWrites(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.backfillStatUnits(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// SQLiteReaders is the size of the SQLite read pool: enough to keep two
// cores busy while the writer works, small enough to keep memory low.
const SQLiteReaders = 4

func (db *DB) openSQLite(path string) error {
	db.dialect = sqliteDialect
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	db.path = abs
	pragmas := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)", "busy_timeout(10000)"} {
		pragmas.Add("_pragma", p)
	}
	w := pragmas
	w.Set("_txlock", "immediate")
	// Savepoints of group commits journal to a temporary file unless
	// temporary storage is in memory; it holds only the current write.
	w.Add("_pragma", "temp_store(MEMORY)")
	// The writer keeps 64 MiB of pages (the default is 2 MiB): imports and
	// bulk writes touch a dozen indexes per record, and pages read again
	// from disk were a tenth of an import's time. Checkpoints come every
	// 64 MiB of WAL rather than 4 MiB, so an index page changed by many
	// transactions is copied back once.
	w.Add("_pragma", fmt.Sprintf("cache_size(%d)", writerCache))
	w.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", writerCheckpoint))
	if db.writer, err = sql.Open("sqlite", "file:"+abs+"?"+w.Encode()); err != nil {
		return err
	}
	db.writer.SetMaxOpenConns(1)
	db.writer.SetMaxIdleConns(1)
	db.writer.SetConnMaxLifetime(0)
	// Touch the file now, so that the reader's query_only connections find it.
	if err := db.writer.Ping(); err != nil {
		db.writer.Close()
		return fmt.Errorf("open %s: %w", abs, err)
	}
	r := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "busy_timeout(10000)", "query_only(1)"} {
		r.Add("_pragma", p)
	}
	if db.reader, err = sql.Open("sqlite", "file:"+abs+"?"+r.Encode()); err != nil {
		db.writer.Close()
		return err
	}
	db.reader.SetMaxOpenConns(SQLiteReaders)
	db.reader.SetMaxIdleConns(SQLiteReaders)
	return nil
}

func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	db.dialect = postgresDialect
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("postgres url: %w", err)
	}
	if db.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return err
	}
	if err := db.pool.Ping(ctx); err != nil {
		db.pool.Close()
		return fmt.Errorf("connect to postgres: %w", err)
	}
	db.writer = stdlib.OpenDBFromPool(db.pool)
	db.reader = db.writer
	return nil
}

// Dialect names the database in use: "sqlite" or "postgres".
func (db *DB) Dialect() string { return string(db.dialect) }

// Path is the SQLite file, "" for PostgreSQL.
func (db *DB) Path() string { return db.path }

// Ping reports whether the store answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.reader.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// Close releases every connection.
func (db *DB) Close() error {
	var errs []error
	db.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	if db.reader != nil && db.reader != db.writer {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		if db.dialect == sqliteDialect {
			// Fold the WAL back into the main file so that a copied file is whole.
			db.writer.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		}
		errs = append(errs, db.writer.Close())
	}
	if db.pool != nil {
		db.pool.Close()
	}
	return errors.Join(errs...)
}

// tx is a write transaction, with the context of the acting user.
type tx struct {
	*sql.Tx
	db  *DB
	ctx context.Context
	now time.Time
	// stmts are statements prepared for this transaction only.
	stmts map[string]*sql.Stmt
}

// write runs fn in one write transaction and commits when fn returns nil.
func (db *DB) write(ctx context.Context, fn func(tx *tx) error) error {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &tx{Tx: sqlTx, db: db, ctx: ctx, now: db.Now().UTC().Truncate(time.Microsecond)}
	// A panic must not leave the only writer inside a transaction.
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	if st := t.writerStmt(query); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	return t.ExecContext(t.ctx, query, args...)
}

func (t *tx) queryRow(query string, args ...any) *sql.Row {
	if st := t.writerStmt(query); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.QueryRowContext(t.ctx, query, args...)
}

// hotWrites are statements of the hottest write paths, prepared once on
// SQLite's single writer connection when the store opens (while no
// transaction holds it), so that they are parsed once per process.
var hotWrites []string

// prepareHotWrites prepares hotWrites on the SQLite writer.
func (db *DB) prepareHotWrites(ctx context.Context) error {
	if db.dialect != sqliteDialect {
		return nil
	}
	for _, q := range hotWrites {
		st, err := db.writer.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		db.wstmts.Store(q, st)
	}
	return nil
}

// writerStmt returns the statement for query inside this transaction:
// one prepared at open, or one prepared for the life of the transaction
// (a group commit repeats the same statements for every write in it).
func (t *tx) writerStmt(query string) *sql.Stmt {
	if t.db.dialect != sqliteDialect {
		return nil
	}
	if st, ok := t.db.wstmts.Load(query); ok {
		return t.StmtContext(t.ctx, st.(*sql.Stmt))
	}
	if st, ok := t.stmts[query]; ok {
		return st
	}
	st, err := t.PrepareContext(t.ctx, query)
	if err != nil {
		return nil
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[query] = st
	return st
}

// micros converts a time to the BIGINT microseconds both dialects store.
// The SQLite writer's page cache (KiB, as a negative cache_size) and
// checkpoint interval (pages).
const (
	writerCache      = -65536
	writerCheckpoint = 16384
)

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func fromNullMicros(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMicros(n.Int64)
	return &t
}

// SQL returns the write connection pool, for maintenance commands and for
// tests that must reach past the store's rules (to tamper with the audit log).
func (db *DB) SQL() *sql.DB { return db.writer }

// scanner is one result row of either driver.
type scanner interface{ Scan(dest ...any) error }

// readRow runs a fixed query on the read pool through a prepared statement
// kept for the life of the store: on the hot paths (every API request looks
// up its token) this saves parsing and planning the SQL each time. On
// PostgreSQL it goes to pgx directly, whose statement cache does the same
// in one round trip. A missing row is an error that errors.Is sql.ErrNoRows.
func (db *DB) readRow(ctx context.Context, query string, args ...any) scanner {
	if db.pool != nil {
		return db.pool.QueryRow(ctx, query, args...)
	}
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt).QueryRowContext(ctx, args...)
	}
	st, err := db.reader.PrepareContext(ctx, query)
	if err != nil {
		return db.reader.QueryRowContext(ctx, query, args...)
	}
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		st = prev.(*sql.Stmt)
	}
	return st.QueryRowContext(ctx, args...)
}
