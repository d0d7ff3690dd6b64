package main

import (
	"path/filepath"
	"strings"
	"time"

	"vrs/auth"
)

// Defaults of the configuration; flags override them, and environment
// variables (VRS_ADDR, VRS_DATA_DIR, VRS_DB) override the defaults.
const (
	DefaultAddr    = "127.0.0.1:8080"
	DefaultDataDir = "./vrs-data"
	// DBFile is the SQLite store's name inside the data directory.
	DBFile = "vrs.db"
	// KeyFile is the key-encryption key's file inside the data directory.
	KeyFile = "vrs.key"

	// SessionIdle and SessionMax bound a browser session's life; the web
	// server enforces them and the sweeper deletes what is past them.
	SessionIdle = 30 * time.Minute
	SessionMax  = 12 * time.Hour
	// SessionSweep is how often expired sessions are deleted.
	SessionSweep = 5 * time.Minute
	// ShutdownGrace is how long a stopping server lets requests finish.
	ShutdownGrace = 10 * time.Second
)

// Config is everything Main needs to know.
type Config struct {
	// Addr is the HTTP listen address; port 0 picks a free port.
	Addr string
	// DataDir holds the SQLite store and the lock file.
	DataDir string
	// DB is a postgres:// URL or a SQLite path; empty means DataDir/vrs.db.
	DB string
	// KeyFile holds the key-encryption key; empty means DataDir/vrs.key.
	KeyFile string
	// KEK is a base64 key-encryption key (VRS_KEK); set, it wins over
	// KeyFile and no key file is read or written.
	KEK string
	// TLSCert and TLSKey switch on HTTPS (both or neither).
	TLSCert, TLSKey string

	// HashParams are the argon2id parameters; zero means auth.DefaultParams.
	HashParams auth.Params
	// SessionSweep overrides how often expired sessions are deleted.
	SessionSweep time.Duration
}

// DSN is what store.Open gets.
func (c Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, DBFile)
}

// KeyPath is the key file.
func (c Config) KeyPath() string {
	if c.KeyFile != "" {
		return c.KeyFile
	}
	return filepath.Join(c.DataDir, KeyFile)
}

// Postgres reports whether the store is PostgreSQL.
func (c Config) Postgres() bool {
	return strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://")
}

// TLS reports whether the server speaks HTTPS.
func (c Config) TLS() bool { return c.TLSCert != "" || c.TLSKey != "" }

// lockPath is the lock file that a serving process and restore hold: next
// to the SQLite file, named like it (<data-dir>/vrs.lock by default).
func lockPath(dbPath string) string {
	return strings.TrimSuffix(dbPath, filepath.Ext(dbPath)) + ".lock"
}

// useLockPath is the lock every server and command shares and restore
// takes alone.
func useLockPath(dbPath string) string {
	return strings.TrimSuffix(dbPath, filepath.Ext(dbPath)) + ".use.lock"
}
