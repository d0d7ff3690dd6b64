package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"vrs"
)

func cmdBenchSharing(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("bench sharing", "[--data-dir DIR] [--records N] [--countries N] [--agreements N] [--runs N] [--budget D] [--seed S]", `
Measures what the access rule adds to the incident list. Builds a SQLite
store in --data-dir (a new temporary directory, removed at the end, when
not given): --countries countries, each with agencies, --records demo
incidents spread over them with their distributions and partners, a few
sharing groups and --agreements agreements in force between random pairs
of countries. A directory that already holds such a store is reused as it
is (the build flags are then ignored), so build a large one once:

  vrs bench sharing --data-dir /tmp/bench-sharing

Then runs list queries through the store's ListIncidents (default sort,
sort by detection date, a type, a country, a nationality, a word) as
four users: the analyst of the country with the most agreements, the
analyst of a country with few, a reporter and a regional analyst; each
against the same query as the installation, whose access predicate is
TRUE. The two alternate, 3 runs to warm up and then --runs each (fewer,
but at least 3, once --budget is spent). Prints p50 and p95 of both, the
share the predicate adds, the load average and the machine.`)
	dataDir := fs.String("data-dir", "", "data directory of the benchmark store (default: a new temporary directory)")
	var b sharingBuild
	fs.IntVar(&b.records, "records", 1_000_000, "incidents of a new store")
	fs.IntVar(&b.countries, "countries", 50, "countries of a new store")
	fs.IntVar(&b.agreements, "agreements", 500, "agreements in force in a new store")
	fs.Int64Var(&b.seed, "seed", 1, "seed of a new store's data")
	runs := fs.Int("runs", 50, "measured runs of each query, with and without the predicate")
	budget := fs.Duration("budget", 20*time.Second, "stop measuring a query after this long (at least 3 measured runs)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *runs < 1:
		return usagef("--runs must be at least 1")
	case b.records < 1:
		return usagef("--records must be at least 1")
	case b.countries < 2:
		return usagef("--countries must be at least 2")
	case b.agreements < 0:
		return usagef("--agreements must not be negative")
	}
	cfg := Config{DataDir: *dataDir}
	if cfg.DataDir == "" {
		dir, err := os.MkdirTemp("", "vrs-bench-sharing-")
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
	users, err := benchSharingUsers(ctx, m)
	if err != nil {
		return err
	}
	if users == nil {
		if err := c.buildSharingWorld(ctx, m, b); err != nil {
			return err
		}
		if users, err = benchSharingUsers(ctx, m); err != nil {
			return err
		}
		if users == nil {
			return errors.New("bench sharing: the users are missing after the build")
		}
	} else {
		fmt.Fprintf(c.stderr, "bench sharing: reusing the store in %s\n", cfg.DataDir)
	}

	type query struct {
		name string
		f    vrs.IncidentFilter
	}
	queries := []query{
		{"default sort", vrs.IncidentFilter{}},
		{"sort -detected", vrs.IncidentFilter{Sort: "-detected"}},
		{"type trafficking", vrs.IncidentFilter{Types: []vrs.IncidentType{vrs.TypeTrafficking}}},
		{"country", vrs.IncidentFilter{}}, // set per user
		{"nationality MM", vrs.IncidentFilter{Nationality: "MM"}},
		{"text \"truck\"", vrs.IncidentFilter{Text: "truck"}},
	}
	// Rows are printed as each query finishes, so fixed widths.
	const row = "%-20s %-15s %5s %5s %10s %10s %10s %10s %7s %7s\n"
	fmt.Fprintf(c.stdout, row, "QUERY", "AS", "ROWS", "RUNS", "P50", "P95", "BASE P50", "BASE P95", "+P50", "+P95")
	over, total := 0, 0
	for _, name := range shUsers {
		u := users[name]
		uctx := vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, u), vrs.RequestMeta{Via: "cli"})
		country, err := benchFilterCountry(ctx, m, u)
		if err != nil {
			return err
		}
		for _, q := range queries {
			label, f := q.name, q.f
			if label == "country" {
				f.Country, label = country, "country "+country
			}
			with, without := make([]time.Duration, 0, *runs), make([]time.Duration, 0, *runs)
			rows := 0
			began := time.Now()
			for i := range *runs + 3 {
				if i >= 6 && time.Since(began) > *budget {
					break
				}
				// Alternate which goes first, so that neither always
				// finds the cache the other left.
				for k := range 2 {
					qctx := uctx
					if (i+k)%2 == 1 {
						qctx = sys
					}
					start := time.Now()
					page, err := m.DB.ListIncidents(qctx, f)
					if err != nil {
						return fmt.Errorf("%s as %s: %w", label, name, err)
					}
					d := time.Since(start)
					if i < 3 {
						continue
					}
					if qctx == uctx {
						with, rows = append(with, d), len(page.Items)
					} else {
						without = append(without, d)
					}
				}
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			slices.Sort(with)
			slices.Sort(without)
			p50, p95, b50, b95 := pct(with, 50), pct(with, 95), pct(without, 50), pct(without, 95)
			total++
			if p50 > b50*12/10 {
				over++
			}
			fmt.Fprintf(c.stdout, row, label, name, strconv.Itoa(rows), strconv.Itoa(len(with)), ms(p50), ms(p95), ms(b50), ms(b95),
				added(p50, b50), added(p95, b95))
		}
	}
	return c.benchSharingFooter(ctx, m, cfg, over, total)
}

// added is how much longer with takes than without, in percent.
func added(with, without time.Duration) string {
	if without <= 0 {
		return "-"
	}
	return fmt.Sprintf("%+.0f%%", (float64(with)/float64(without)-1)*100)
}

// benchSharingUsers finds the benchmark's users, nil when the store has
// none of them (a new store); a store with some but not all is refused.
func benchSharingUsers(ctx context.Context, m *Main) (map[string]*vrs.User, error) {
	out := map[string]*vrs.User{}
	for _, name := range shUsers {
		u, err := m.DB.FindUserByName(ctx, name)
		if vrs.ErrorCode(err) == vrs.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[name] = u
	}
	switch {
	case len(out) == 0:
		var n int
		if err := m.DB.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM incidents LIMIT 1) i`).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, errors.New("bench sharing: the store holds incidents but not the benchmark's users: give a new --data-dir")
		}
		return nil, nil
	case len(out) < len(shUsers):
		return nil, errors.New("bench sharing: the store holds only some of the benchmark's users: give a new --data-dir")
	}
	return out, nil
}

// benchFilterCountry is the country a user filters on: for an analyst
// the other country with the most incidents among those its country has
// agreements in force with, else the user's own.
func benchFilterCountry(ctx context.Context, m *Main, u *vrs.User) (string, error) {
	if u.ViewScope != vrs.ViewCountry {
		return u.Country, nil
	}
	var c string
	err := m.DB.SQL().QueryRowContext(ctx, `SELECT country FROM incidents WHERE country IN (
			SELECT CASE WHEN proposer = $1 THEN partner ELSE proposer END FROM sharing_agreements
			WHERE (proposer = $1 OR partner = $1) AND status = 'active')
		GROUP BY country ORDER BY COUNT(*) DESC, country LIMIT 1`, u.Country).Scan(&c)
	if err != nil {
		return u.Country, nil // no agreement: the own country
	}
	return c, nil
}

// benchSharingFooter prints the store's size, its agreements per user
// country, the load average and the machine.
func (c *cli) benchSharingFooter(ctx context.Context, m *Main, cfg Config, over, total int) error {
	db := m.DB.SQL()
	var incidents, agreements, groups int
	err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM incidents), (SELECT COUNT(*) FROM sharing_agreements WHERE status = 'active'),
		(SELECT COUNT(*) FROM sharing_groups)`).Scan(&incidents, &agreements, &groups)
	if err != nil {
		return err
	}
	var countries int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT country) FROM incidents`).Scan(&countries); err != nil {
		return err
	}
	size := int64(0)
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(filepath.Join(cfg.DataDir, DBFile) + suffix); err == nil {
			size += fi.Size()
		}
	}
	fmt.Fprintf(c.stdout, "\n%d incidents of %d countries, %d agreements in force, %d groups in the %s store (%.2f GB); %d of %d queries add over 20%% at p50.\n",
		incidents, countries, agreements, groups, m.DB.Dialect(), float64(size)/1e9, over, total)
	for _, name := range []string{shMany, shFew} {
		u, err := m.DB.FindUserByName(ctx, name)
		if err != nil {
			return err
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sharing_agreements WHERE (proposer = $1 OR partner = $1) AND status = 'active'`,
			u.Country).Scan(&n); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s: %s, %d agreements in force.\n", name, u.Country, n)
	}
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(c.stdout, "Load average: %s\n", strings.Join(strings.Fields(string(la))[:3], " "))
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, machineHeader)
	fmt.Fprintln(tw, machine())
	return tw.Flush()
}
