package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"vrs"
	"vrs/api"
	"vrs/auth"
	"vrs/i18n"
	"vrs/importer"
	"vrs/store"
	"vrs/web"
)

// Main owns the configuration, the store and the HTTP server, and wires
// them together explicitly. Administration commands use only the store
// (OpenStore); serve and demo call Run, which starts the server and returns
// once it listens, and Close, which shuts it down gracefully.
type Main struct {
	Config  Config
	Logger  *slog.Logger
	Catalog *i18n.Catalog
	Hasher  *auth.Hasher
	DB      *store.DB
	// Imports runs import jobs for the web pages and the API.
	Imports *importer.Manager

	lock     *fileLock
	use      *fileLock
	ln       net.Listener
	server   *http.Server
	serveErr chan error
	sweep    context.CancelFunc
	swept    chan struct{}
	closed   sync.Once
}

// NewMain returns a Main for cfg that logs to logger.
func NewMain(cfg Config, logger *slog.Logger, cat *i18n.Catalog) *Main {
	params := cfg.HashParams
	if params == (auth.Params{}) {
		params = auth.DefaultParams
	}
	if cfg.SessionSweep <= 0 {
		cfg.SessionSweep = SessionSweep
	}
	return &Main{
		Config:  cfg,
		Logger:  logger,
		Catalog: cat,
		Hasher:  auth.NewHasher(params, auth.DefaultMaxConcurrent),
	}
}

// sqlitePath is the SQLite file, absolute; "" for PostgreSQL.
func (m *Main) sqlitePath() (string, error) {
	if m.Config.Postgres() {
		return "", nil
	}
	return filepath.Abs(m.Config.DSN())
}

// Lock takes the server lock: one server per SQLite store, exclusively,
// and the shared use lock (see useLock). PostgreSQL stores need no lock:
// several servers may share one.
func (m *Main) Lock() error {
	if m.lock != nil {
		return nil
	}
	path, err := m.sqlitePath()
	if err != nil || path == "" {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	m.lock, err = lockExclusive(lockPath(path))
	if err == nil {
		err = m.useLock()
	}
	return m.lockError(err, path)
}

// useLock takes the use lock, shared by servers and administration
// commands and held until Close, so that a restore (which takes it
// exclusively) never swaps the file under any of them.
func (m *Main) useLock() error {
	if m.use != nil {
		return nil
	}
	path, err := m.sqlitePath()
	if err != nil || path == "" {
		return err
	}
	m.use, err = lockFile(useLockPath(path))
	return m.lockError(err, path)
}

func (m *Main) lockError(err error, path string) error {
	switch {
	case errors.Is(err, errLockUnsupported):
		m.Logger.Warn("no lock file on this system: do not run restore while the server runs")
		return nil
	case errors.Is(err, errLocked):
		return vrs.Errorf(vrs.ECONFLICT, "cli.locked", filepath.Dir(path))
	}
	return err
}

// OpenStore opens the store and loads its keys with the key-encryption
// key (see loadKEK). With create, a missing SQLite file (and its
// directory, mode 0700) is created; without, a missing file is an error, so
// that a mistyped --data-dir does not quietly start an empty installation.
func (m *Main) OpenStore(ctx context.Context, create bool) error {
	if m.DB != nil {
		return nil
	}
	path, err := m.sqlitePath()
	if err != nil {
		return err
	}
	dsn := m.Config.DSN()
	if path != "" {
		dsn = path
		if create {
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return err
			}
		} else if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return vrs.Errorf(vrs.ENOTFOUND, "cli.no_store", path)
		}
		if err := m.useLock(); err != nil {
			return err
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	// The key-encryption key opens the data keys (keys.go).
	if err := m.loadKEK(ctx, db); err != nil {
		db.Close()
		return err
	}
	m.DB = db
	return nil
}

// Run takes the lock, opens the store (creating it if needed), binds the
// listener and serves in the background. It returns once the server
// accepts connections, after logging one "listening" line.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Lock(); err != nil {
		return err
	}
	if err := m.OpenStore(ctx, true); err != nil {
		return err
	}
	cfg := m.Config
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return errors.New("give both --tls-cert and --tls-key, or neither")
	}
	// Jobs a previous process left running are interrupted: their
	// committed chunks stay, and running the file again finishes them.
	if n, err := m.DB.InterruptImportJobs(ctx); err != nil {
		return err
	} else if n > 0 {
		m.Logger.Warn("import jobs interrupted by the last stop; run their files again", "jobs", n)
	}
	m.Imports = importer.NewManager(m.DB, filepath.Join(cfg.DataDir, "imports"))
	if err := m.Imports.Sweep(); err != nil {
		return err
	}
	a := api.New(api.Config{Store: m.DB, Catalog: m.Catalog, Hasher: m.Hasher, Imports: m.Imports})
	w, err := web.New(web.Config{
		Imports:     m.Imports,
		Store:       m.DB,
		Hasher:      m.Hasher,
		Throttle:    auth.NewThrottle(auth.ThrottleConfig{}),
		Catalog:     m.Catalog,
		Logger:      m.Logger,
		Mount:       a.Register,
		TLS:         cfg.TLS(),
		SessionIdle: SessionIdle,
		SessionMax:  SessionMax,
	})
	if err != nil {
		return err
	}
	m.server = &http.Server{
		Handler:           w.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	if cfg.TLS() {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("TLS certificate: %w", err)
		}
		m.server.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	m.ln = ln
	m.serveErr = make(chan error, 1)
	go func() {
		var err error
		if cfg.TLS() {
			err = m.server.ServeTLS(ln, "", "")
		} else {
			err = m.server.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			m.serveErr <- err
		}
		close(m.serveErr)
	}()
	m.startSweeper()
	go m.warmStatistics()
	m.Logger.Info("listening", "addr", m.Addr(), "url", m.URL(), "store", m.DB.Dialect())
	return nil
}

// Addr is the address the server listens on ("" before Run).
func (m *Main) Addr() string {
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// URL is the server's base URL, with a trailing slash.
func (m *Main) URL() string {
	scheme := "http"
	if m.Config.TLS() {
		scheme = "https"
	}
	return scheme + "://" + m.Addr() + "/"
}

// Err delivers an error if the server stops serving on its own; it is
// closed when the server stops.
func (m *Main) Err() <-chan error { return m.serveErr }

// startSweeper deletes expired browser sessions and old import files now
// and then.
func (m *Main) startSweeper() {
	ctx, cancel := context.WithCancel(context.Background())
	m.sweep, m.swept = cancel, make(chan struct{})
	go func() {
		defer close(m.swept)
		t := time.NewTicker(m.Config.SessionSweep)
		defer t.Stop()
		for {
			now := time.Now()
			n, err := m.DB.DeleteExpiredSessions(ctx, now.Add(-SessionIdle), now.Add(-SessionMax))
			switch {
			case err != nil && ctx.Err() == nil:
				m.Logger.Warn("delete expired sessions", "err", err)
			case n > 0:
				m.Logger.Info("deleted expired sessions", "count", n)
			}
			// Uploaded files and problem lists go after their week.
			if m.Imports != nil {
				if err := m.Imports.Sweep(); err != nil {
					m.Logger.Warn("remove old import files", "err", err)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Close stops the server (letting requests finish for up to
// ShutdownGrace), then closes the store and releases the lock.
func (m *Main) Close() error {
	var errs []error
	m.closed.Do(func() {
		if m.server != nil {
			ctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
			if err := m.server.Shutdown(ctx); err != nil {
				errs = append(errs, err)
				m.server.Close()
			}
			cancel()
		}
		if m.Imports != nil {
			m.Imports.Close()
		}
		if m.sweep != nil {
			m.sweep()
			<-m.swept
		}
		if m.DB != nil {
			errs = append(errs, m.DB.Close())
		}
		if m.use != nil {
			errs = append(errs, m.use.Unlock())
		}
		if m.lock != nil {
			errs = append(errs, m.lock.Unlock())
		}
	})
	return errors.Join(errs...)
}

// warmStatistics loads the statistics cube as the server starts, so that
// the first analyst does not wait for it (about 15 s per million
// incidents); a query arriving meanwhile waits for the load.
func (m *Main) warmStatistics() {
	start := time.Now()
	n, err := m.DB.WarmStats(context.Background())
	if err != nil {
		m.Logger.Warn("statistics cube not loaded yet; the first statistics query will load it", "error", err)
		return
	}
	m.Logger.Info("statistics cube loaded", "incidents", n, "seconds", time.Since(start).Round(100*time.Millisecond).Seconds())
}
