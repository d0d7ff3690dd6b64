package main

import (
	"context"
	"flag"
)

func cmdServe(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("serve", "[--addr ADDR] [--data-dir DIR] [--db DSN] [--tls-cert FILE --tls-key FILE]", `
Serves the web application and the JSON API (/api/v1) until SIGINT or
SIGTERM, then lets running requests finish (up to 10 s) and closes the
store. The data directory is created (mode 0700) if needed; a SQLite store
is created in it on first start. GET /healthz answers 200 while the store
is reachable.`)
	var cfg Config
	serveFlags(c, fs, &cfg)
	c.storeFlags(fs, &cfg)
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "TLS certificate chain (PEM); with --tls-key, serve HTTPS")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "TLS private key (PEM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return usagef("give both --tls-cert and --tls-key, or neither")
	}
	return serve(ctx, c.newMain(cfg), nil)
}

// serveFlags adds --addr.
func serveFlags(c *cli, fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.Addr, "addr", c.env("VRS_ADDR", DefaultAddr), "listen address; port 0 picks a free one (env VRS_ADDR)")
}

// serve runs m until ctx ends or the server fails. started, if not nil,
// runs once the server listens.
func serve(ctx context.Context, m *Main, started func(*Main)) error {
	defer m.Close()
	if err := m.Run(ctx); err != nil {
		return err
	}
	if started != nil {
		started(m)
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-m.Err():
	}
	m.Logger.Info("shutting down")
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return err
}
