package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"vrs"
	"vrs/cube"
	"vrs/internal/loadgen"
	"vrs/pivot"
	"vrs/web"
)

// Targets of issue 6 for 10,000,000 persons on SQLite and 2 cores.
const (
	targetPivotP95 = 300 * time.Millisecond
	targetSpeedUp  = 20
)

func cmdBenchAnalysis(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("bench analysis", "[--persons N] [--data-dir DIR | --db postgres://...] [--reuse] [--repeat R] [--queries LIST] [--raw-sample K] [--writes M]", `
Measures statistics queries (pivots) on a large data set. Generates about
--persons persons in --persons/5 incidents into a new store: the demo's
incidents of every type on the region's routes over the last five years,
of the demo's 26 agencies in 12 countries, most validated, some drafts,
submitted or returned, distributed to the agency, the country, partners,
the community or for statistics, with the demo's sharing groups and
agreements. Of the demo's incidents with a large group recorded as
counts (boats, trucks), only one in 120 is kept, so that incidents hold
5 persons on average. The incidents are written through the bulk path
(an initial load on SQLite) with progress on standard error.

The store is SQLite in --data-dir (default: a new temporary directory,
removed at the end) or the PostgreSQL database --db names (use a fresh
schema: ...?search_path=bench). With --reuse, a store that already holds
the benchmark's data set is timed again without generating anything.

Then times a fixed list of queries (pivots of one or two dimensions with
up to three filters) through the store's Stats, as a national analyst
(TH, country view), a regional analyst (shared view) and a foreign
analyst (MY) counting Thailand's records through an agreement: one run
to warm up, then --repeat runs each. For --raw-sample of them (default:
all; spread over the list) it also times StatsRaw, the GROUP BY over the
raw tables, --raw-repeat times, and checks that both give the same
answer. --queries picks queries by name or number (comma-separated).

Last, it times --writes incidents written through CreateIncident from
--write-clients goroutines as a reporter, then --writes more through the
bulk path, all drafts of an agency of their own (no benchmark user counts
them, so reruns time the same queries). Prints markdown: the queries'
p50, p95 and max, the raw path's p50 and the speed-up; the overall p95;
the writes' rows per second; the store and the machine.`)
	var cfg Config
	persons := fs.Int("persons", 10_000_000, "persons of a new data set (incidents: a fifth of that)")
	fs.StringVar(&cfg.DataDir, "data-dir", "", "data directory of the SQLite store, kept (default: a new temporary directory, removed at the end)")
	fs.StringVar(&cfg.DB, "db", "", "a postgres:// URL: use that PostgreSQL store instead (a fresh schema)")
	reuse := fs.Bool("reuse", false, "time the store's data set again when it already holds one")
	seed := fs.Int64("seed", 1, "seed of a new data set")
	repeat := fs.Int("repeat", 20, "measured runs of each query through Stats")
	queries := fs.String("queries", "", "the queries to run, by name or number, comma-separated (default: all)")
	rawSample := fs.Int("raw-sample", -1, "how many of the queries to time through StatsRaw too (-1: all)")
	rawRepeat := fs.Int("raw-repeat", 3, "runs of each query through StatsRaw")
	writes := fs.Int("writes", 20_000, "incidents to write through each write path (0: skip the writes)")
	clients := fs.Int("write-clients", 8, "goroutines writing through CreateIncident at once")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *persons < 1:
		return usagef("--persons must be at least 1")
	case *repeat < 1:
		return usagef("--repeat must be at least 1")
	case *rawSample < -1:
		return usagef("--raw-sample must be -1 (all), 0 (none) or a number of queries")
	case *rawRepeat < 1:
		return usagef("--raw-repeat must be at least 1")
	case *writes < 0:
		return usagef("--writes must not be negative")
	case *clients < 1:
		return usagef("--write-clients must be at least 1")
	case cfg.DB != "" && !strings.HasPrefix(cfg.DB, "postgres://") && !strings.HasPrefix(cfg.DB, "postgresql://"):
		return usagef("--db must be a postgres:// URL (SQLite stores go in --data-dir)")
	}
	// Checked before anything is generated; the year is known later.
	if _, err := loadgen.SelectAnalysisQueries(loadgen.AnalysisQueries(2000, baHomeCountry), *queries); err != nil {
		return usagef("--queries: %v", err)
	}
	if cfg.DataDir == "" {
		dir, err := os.MkdirTemp("", "vrs-bench-analysis-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir = dir
	}
	m := c.benchMain(cfg)
	defer m.Close()
	if err := m.Lock(); err != nil {
		return err
	}
	if err := m.OpenStore(ctx, true); err != nil {
		return err
	}
	sys := system(ctx)
	w, err := findAnalysisWorld(sys, m)
	if err != nil {
		return err
	}
	switch {
	case w == nil:
		if w, err = c.buildAnalysisWorld(ctx, m, *persons, *seed); err != nil {
			return err
		}
		s := w.loaded.Seconds()
		fmt.Fprintf(c.stderr, "bench analysis: generated and stored %d incidents (%d persons) in %.1f s: %.0f incidents/s, %.0f persons/s, %.0f s per 1M persons; built in %.1f s in all\n",
			w.incidents, w.persons, s, float64(w.incidents)/s, float64(w.persons)/s, s/float64(w.persons)*1e6, w.built.Seconds())
	case !*reuse:
		return fmt.Errorf("bench analysis: the store already holds a data set (%d persons): add --reuse to time it again, or give a new --data-dir or --db", w.persons)
	default:
		fmt.Fprintf(c.stderr, "bench analysis: reusing the store's data set: %d persons in %d incidents (seed %d)\n", w.persons, w.incidents, w.seed)
	}

	year, err := analysisYear(ctx, m)
	if err != nil {
		return err
	}
	picked, err := loadgen.SelectAnalysisQueries(loadgen.AnalysisQueries(year, baHomeCountry), *queries)
	if err != nil {
		return err
	}
	// The targets are about counting: answers kept from one run to the
	// next would time a lookup (the dashboard is timed both ways below).
	defer cube.SetResultCache(cube.SetResultCache(false))
	rows, all, cold, err := c.timeAnalysisQueries(ctx, m, w, picked, *repeat, *rawSample, *rawRepeat)
	if err != nil {
		return err
	}
	out := c.stdout
	fmt.Fprintf(out, "## vrs bench analysis: %d persons in %d incidents (%s)\n\n", w.persons, w.incidents, m.DB.Dialect())
	if err := loadgen.WriteAnalysisTable(out, rows); err != nil {
		return err
	}
	overall := loadgen.Summarise(all)
	fmt.Fprintf(out, "\nOverall p95 of %d runs through Stats: %s ms (target ≤ %d ms at 10,000,000 persons).\n",
		overall.Runs, msNum(overall.P95), targetPivotP95.Milliseconds())
	if len(rows) > 0 {
		worst := slices.MaxFunc(rows, func(a, b loadgen.AnalysisRow) int { return cmp.Compare(a.Cube.P95, b.Cube.P95) })
		fmt.Fprintf(out, "Slowest query at p95: %s, %s ms.\n", worst.Query.Name, msNum(worst.Cube.P95))
	}
	if lo, hi, n := speedUps(rows); n > 0 {
		fmt.Fprintf(out, "Speed-up over StatsRaw (p50 over p50), %d queries: %.1f× to %.1f× (target ≥ %d×).\n", n, lo, hi, targetSpeedUp)
	}
	for _, r := range rows {
		if r.Differs {
			fmt.Fprintf(out, "Stats and StatsRaw gave different answers to %s (marked ≠).\n", r.Query.Name)
		}
	}
	fmt.Fprintf(out, "Each query ran once to warm up before its %d measured runs; the last whole year of the data is %d.\n", *repeat, year)
	if cold.load != "" {
		w := loadgen.Summarise(cold.warmups)
		fmt.Fprintf(out, "%s Warm-up runs (the user's visibility computed on first use): p50 %s ms, max %s ms.\n",
			cold.load, msNum(w.P50), msNum(w.Max))
	}
	if err := c.analysisDashboard(ctx, m, w, *repeat); err != nil {
		return err
	}
	if *writes > 0 {
		if err := c.analysisWrites(ctx, m, w, *writes, *clients); err != nil {
			return err
		}
	}
	return c.analysisFooter(ctx, m, cfg, w)
}

// analysisYear is the last whole year of the data: the year before the
// latest detection.
func analysisYear(ctx context.Context, m *Main) (int, error) {
	var last string
	if err := m.DB.SQL().QueryRowContext(ctx, `SELECT COALESCE(MAX(detected_on), '') FROM incidents`).Scan(&last); err != nil {
		return 0, err
	}
	t, err := time.Parse(time.DateOnly, last)
	if err != nil {
		return 0, fmt.Errorf("bench analysis: latest detection date %q: %w", last, err)
	}
	return t.Year() - 1, nil
}

// coldStart is what the measured runs leave out: loading the cube, and
// each query's first run.
type coldStart struct {
	load    string
	warmups []time.Duration
}

// timeAnalysisQueries runs each query as its user and returns the rows of
// the table, every measured duration of the Stats runs, and the cold
// start.
func (c *cli) timeAnalysisQueries(ctx context.Context, m *Main, w *analysisWorld, qs []loadgen.AnalysisQuery,
	repeat, rawSample, rawRepeat int) ([]loadgen.AnalysisRow, []time.Duration, *coldStart, error) {
	cold := &coldStart{}
	users := map[loadgen.AnalysisUser]*vrs.User{
		loadgen.AnalystNational: w.users[baNational], loadgen.AnalystRegional: w.users[baRegional], loadgen.AnalystForeign: w.users[baForeign],
	}
	labels := map[loadgen.AnalysisUser]string{
		loadgen.AnalystNational: "national " + baHomeCountry, loadgen.AnalystRegional: "regional",
		loadgen.AnalystForeign: "foreign " + baForeignCountry + "→" + baHomeCountry,
	}
	raw := rawPicks(len(qs), rawSample)
	var rows []loadgen.AnalysisRow
	var all []time.Duration
	// The first query of a process reads every stat_units row into the
	// cube; it is timed on its own.
	if len(qs) > 0 {
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		q := qs[0]
		uctx := vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, users[q.User]), vrs.RequestMeta{Via: "cli"})
		start := time.Now()
		if _, err := m.DB.Stats(uctx, q.Query); err != nil {
			return nil, nil, nil, err
		}
		load := time.Since(start)
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		cold.load = fmt.Sprintf("The cube was loaded from stat_units by the first query in %.1f s; it holds %.0f MB of heap.",
			load.Seconds(), (float64(after.HeapInuse)-float64(before.HeapInuse))/(1<<20))
		fmt.Fprintln(c.stderr, "bench analysis: "+cold.load)
	}
	var warmups []time.Duration
	for i, q := range qs {
		uctx := vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, users[q.User]), vrs.RequestMeta{Via: "cli"})
		res, times, err := timeStats(uctx, repeat+1, func(ctx context.Context) (*vrs.StatResult, error) { return m.DB.Stats(ctx, q.Query) })
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s as %s: %w", q.Name, q.User, err)
		}
		warmups = append(warmups, times[0])
		times = times[1:] // the warm-up: the user's visibility computed once
		all = append(all, times...)
		row := loadgen.AnalysisRow{Query: q, UserLabel: labels[q.User], Cells: len(res.Cells), Total: res.Total, Cube: loadgen.Summarise(times)}
		if raw[i] {
			rawRes, rawTimes, err := timeStats(uctx, rawRepeat, func(ctx context.Context) (*vrs.StatResult, error) { return m.DB.StatsRaw(ctx, q.Query) })
			if err != nil {
				return nil, nil, nil, fmt.Errorf("%s as %s, raw: %w", q.Name, q.User, err)
			}
			t := loadgen.Summarise(rawTimes)
			row.Raw, row.Differs = &t, !sameStats(res, rawRes)
		}
		rows = append(rows, row)
		cold.warmups = warmups
		fmt.Fprintf(c.stderr, "bench analysis: %d/%d %s: p50 %s ms, p95 %s ms\n", i+1, len(qs), q.Name, msNum(row.Cube.P50), msNum(row.Cube.P95))
	}
	return rows, all, cold, nil
}

// timeStats runs fn n times and returns the last answer and every run's
// duration.
func timeStats(ctx context.Context, n int, fn func(context.Context) (*vrs.StatResult, error)) (*vrs.StatResult, []time.Duration, error) {
	var res *vrs.StatResult
	times := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		r, err := fn(ctx)
		if err != nil {
			return nil, nil, err
		}
		times = append(times, time.Since(start))
		res = r
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
	}
	return res, times, nil
}

// rawPicks marks which of n queries are timed through StatsRaw: k of them
// (all when k is -1) spread evenly over the list.
func rawPicks(n, k int) []bool {
	picks := make([]bool, n)
	if k < 0 || k >= n {
		k = n
	}
	for j := range k {
		picks[j*n/k] = true
	}
	return picks
}

// sameStats reports whether two answers hold the same cells and totals;
// sums of fees may differ in the last bits with the order of addition.
func sameStats(a, b *vrs.StatResult) bool {
	same := func(x, y []vrs.StatCell) bool {
		return slices.EqualFunc(x, y, func(p, q vrs.StatCell) bool { return slices.Equal(p.Keys, q.Keys) && nearlyEqual(p.Value, q.Value) })
	}
	return nearlyEqual(a.Total, b.Total) && same(a.Cells, b.Cells) && same(a.RowTotals, b.RowTotals) && same(a.ColTotals, b.ColTotals)
}

func nearlyEqual(x, y float64) bool {
	return math.Abs(x-y) <= 1e-9*math.Max(1, math.Max(math.Abs(x), math.Abs(y)))
}

// speedUps is the range of the measured speed-ups and how many there are.
func speedUps(rows []loadgen.AnalysisRow) (lo, hi float64, n int) {
	for _, r := range rows {
		s := r.SpeedUp()
		if s == 0 {
			continue
		}
		if n == 0 || s < lo {
			lo = s
		}
		hi = max(hi, s)
		n++
	}
	return lo, hi, n
}

// msNum shows a duration in milliseconds, without the unit.
func msNum(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// analysisFooter prints the store's size, the load average and the machine.
func (c *cli) analysisFooter(ctx context.Context, m *Main, cfg Config, w *analysisWorld) error {
	out := c.stdout
	var incidents int
	if err := m.DB.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents`).Scan(&incidents); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nStore: %s, %d incidents in all (%d of the data set, the rest the writes' drafts)", m.DB.Dialect(), incidents, w.incidents)
	if !cfg.Postgres() {
		size := int64(0)
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(filepath.Join(cfg.DataDir, DBFile) + suffix); err == nil {
				size += fi.Size()
			}
		}
		fmt.Fprintf(out, ", %.2f GB", float64(size)/1e9)
	}
	fmt.Fprintln(out, ".")
	if w.loaded > 0 {
		s := w.loaded.Seconds()
		fmt.Fprintf(out, "Data set generated and stored in %.1f s (%.0f incidents/s, %.0f persons/s): %.0f s per 1,000,000 persons; the whole build %.1f s.\n",
			s, float64(w.incidents)/s, float64(w.persons)/s, s/float64(w.persons)*1e6, w.built.Seconds())
	}
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(out, "Load average: %s\n", strings.Join(strings.Fields(string(la))[:3], " "))
	}
	fmt.Fprintf(out, "\n| %s |\n|---|---|---|---|\n| %s |\n", strings.ReplaceAll(machineHeader, "\t", " | "), strings.ReplaceAll(machine(), "\t", " | "))
	return nil
}

// analysisDashboard times the statistics behind one dashboard load: its
// queries at once, each through pivot.Run as the page runs them, for the
// national and the regional analyst (the browser's own time is measured
// by TestDashboardBrowser).
func (c *cli) analysisDashboard(ctx context.Context, m *Main, w *analysisWorld, repeat int) error {
	fmt.Fprintf(c.stdout, "\n### Dashboard statistics (all queries of one load, at once)\n\n| user | answers | queries | runs | p50 ms | max ms |\n|---|---|---|---|---|---|\n")
	for _, kept := range []bool{false, true} {
		cube.SetResultCache(kept)
		if err := c.timeDashboard(ctx, m, w, repeat, kept); err != nil {
			return err
		}
	}
	cube.SetResultCache(false)
	return nil
}

// timeDashboard times the dashboard's statistics for both analysts, with
// answers counted anew or kept from the load before.
func (c *cli) timeDashboard(ctx context.Context, m *Main, w *analysisWorld, repeat int, kept bool) error {
	today := time.Now().UTC().Format(time.DateOnly)
	answers := "counted"
	if kept {
		answers = "kept (page opened again, no write since)"
	}
	for _, name := range []string{baNational, baRegional} {
		u := w.users[name]
		uctx := vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, u), vrs.RequestMeta{Via: "cli"})
		qs := web.DashboardQueries(today, u)
		var times []time.Duration
		for run := range repeat + 1 {
			start := time.Now()
			errs := make([]error, len(qs))
			var wg sync.WaitGroup
			for i := range qs {
				wg.Go(func() { _, errs[i] = pivot.Run(uctx, m.DB, u, qs[i], pivot.DefaultMinCell) })
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				return fmt.Errorf("bench analysis: dashboard as %s: %w", name, err)
			}
			if run > 0 { // the first computes the user's visibility
				times = append(times, time.Since(start))
			}
		}
		st := loadgen.Summarise(times)
		fmt.Fprintf(c.stdout, "| %s | %s | %d | %d | %s | %s |\n", name, answers, len(qs), st.Runs, msNum(st.P50), msNum(st.Max))
	}
	return nil
}
