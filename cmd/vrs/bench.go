package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"vrs"
	"vrs/auth"
	"vrs/internal/loadgen"
)

// benchWarmup is how long bench api loads the server before it measures.
const benchWarmup = time.Second

func cmdBenchAPI(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("bench api", "[--concurrency N] [--duration D] [--db DSN]", `
Measures the authenticated JSON API on this machine. Starts a server in
this process, as 'vrs serve' does, on 127.0.0.1 (a free port), with a new
SQLite store in a temporary directory, or with the store --db names. Adds
one agency, one analyst user and one API token to it, loads the server for
1 s to warm it up, then sends GET /api/v1/me with the token from
--concurrency keep-alive connections for --duration, and prints one table:
throughput, latency percentiles and the machine.

The load generator runs in the same process and shares the CPUs with the
server. With --db, use a scratch database (for PostgreSQL, a fresh
schema: ...?search_path=bench): the agency, user and token stay in it.
Exits 1 if any request failed.`)
	var cfg Config
	fs.StringVar(&cfg.DB, "db", "", "store: a postgres:// URL or a SQLite file (default: a new SQLite store in a temporary directory)")
	conc := fs.Int("concurrency", 32, "connections sending requests at once")
	dur := fs.Duration("duration", 10*time.Second, "how long to measure, after 1 s of warm-up")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *conc < 1 {
		return usagef("--concurrency must be at least 1")
	}
	if *dur <= 0 {
		return usagef("--duration must be positive")
	}
	tmp, err := os.MkdirTemp("", "vrs-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", filepath.Join(tmp, "data")

	m := c.benchMain(cfg)
	defer m.Close()
	if err := m.Run(ctx); err != nil {
		return err
	}
	token, err := benchToken(ctx, m)
	if err != nil {
		return err
	}
	lc := loadgen.Config{
		URL:         m.URL() + "api/v1/me",
		Header:      http.Header{"Authorization": {"Bearer " + token}},
		Concurrency: *conc,
		Duration:    benchWarmup,
	}
	if _, err := loadgen.Run(ctx, lc); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	lc.Duration = *dur
	res, err := loadgen.Run(ctx, lc)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STORE\tCONCURRENCY\tDURATION\tREQUESTS\tERRORS\tREQ/S\tP50\tP90\tP99\tMAX\t"+machineHeader)
	fmt.Fprintf(tw, "%s\t%d\t%.1fs\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\n", m.DB.Dialect(), *conc, res.Elapsed.Seconds(),
		res.Requests, res.Errors, res.PerSecond, ms(res.P50), ms(res.P90), ms(res.P99), ms(res.Max), machine())
	if err := tw.Flush(); err != nil {
		return err
	}
	if res.Errors > 0 {
		fmt.Fprintf(c.stderr, "vrs bench api: %d of %d requests failed\n", res.Errors, res.Errors+res.Requests)
		return errFailed
	}
	return nil
}

// benchToken adds an agency, an analyst and an API token for the analyst,
// as the installation itself, and returns the token. The names carry a
// random suffix so that a store used before does not refuse them.
func benchToken(ctx context.Context, m *Main) (string, error) {
	sys := system(ctx)
	suffix := make([]byte, 4)
	rand.Read(suffix)
	id := hex.EncodeToString(suffix)
	a := &vrs.Agency{Country: "TH", Name: "VRS benchmark " + id, Kind: vrs.KindPolice}
	if err := m.DB.CreateAgency(sys, a); err != nil {
		return "", err
	}
	password := make([]byte, 24)
	rand.Read(password)
	u := &vrs.User{Name: "bench." + id, FullName: "VRS benchmark", AgencyID: a.ID, Roles: []vrs.Role{vrs.RoleAnalyst}}
	var err error
	if u.PasswordHash, err = m.Hasher.Hash(ctx, hex.EncodeToString(password)); err != nil {
		return "", err
	}
	if err := m.DB.CreateUser(sys, u); err != nil {
		return "", err
	}
	plain, prefix, hash := auth.NewAPIToken()
	if err := m.DB.CreateToken(sys, &vrs.APIToken{UserID: u.ID, Name: "bench", Prefix: prefix, Hash: hash}); err != nil {
		return "", err
	}
	return plain, nil
}

func cmdBenchReady(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("bench ready", "[--runs N]", `
Measures how long a server takes to become ready: from the start of the
server (as 'vrs serve' starts it) on an empty SQLite data directory, new
for each run, until GET /healthz answers 200 over a new connection. Prints
the fastest, median and slowest of --runs runs, and the machine.`)
	runs := fs.Int("runs", 20, "how many servers to start, one after another")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *runs < 1 {
		return usagef("--runs must be at least 1")
	}
	tmp, err := os.MkdirTemp("", "vrs-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	times := make([]time.Duration, 0, *runs)
	for i := range *runs {
		d, err := c.readyOnce(ctx, filepath.Join(tmp, fmt.Sprintf("data%d", i)))
		if err != nil {
			return err
		}
		times = append(times, d)
	}
	slices.Sort(times)
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STORE\tRUNS\tMIN\tMEDIAN\tMAX\t"+machineHeader)
	fmt.Fprintf(tw, "sqlite\t%d\t%s\t%s\t%s\t%s\n", len(times), ms(times[0]), ms(median(times)), ms(times[len(times)-1]), machine())
	return tw.Flush()
}

// readyOnce starts a server on an empty data directory and returns the time
// until /healthz answers 200.
func (c *cli) readyOnce(ctx context.Context, dir string) (time.Duration, error) {
	transport := &http.Transport{DisableKeepAlives: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 5 * time.Second}
	start := time.Now()
	m := c.benchMain(Config{Addr: "127.0.0.1:0", DataDir: dir})
	defer m.Close()
	if err := m.Run(ctx); err != nil {
		return 0, err
	}
	for {
		resp, err := client.Get(m.URL() + "healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			return 0, errors.New("/healthz did not answer 200 within 30 s")
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	d := time.Since(start)
	return d, m.Close()
}

// benchMain is newMain logging only warnings and errors, so that the
// server's start-up lines do not mix with the figures.
func (c *cli) benchMain(cfg Config) *Main {
	m := c.newMain(cfg)
	m.Logger = slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return m
}

func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// ms shows a duration in milliseconds.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}

const machineHeader = "CPUS\tGOMAXPROCS\tGO\tCPU"

// machine describes where the figures come from, in machineHeader's columns.
func machine() string {
	return fmt.Sprintf("%d\t%d\t%s\t%s", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), cpuModel())
}

// cpuModel is the processor's name from /proc/cpuinfo, or "unknown".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			if v := strings.Join(strings.Fields(val), " "); v != "" {
				return v
			}
		}
	}
	return "unknown"
}
