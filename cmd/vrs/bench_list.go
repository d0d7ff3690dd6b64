package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"vrs"
	"vrs/demo"
)

func cmdBenchList(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("bench list", "[--data-dir DIR] [--db DSN] [--runs N] [--seed S]", `
Measures the incident list on an existing store, best one that 'vrs demo
--data-dir DIR --records N --no-serve' filled (its users th.reporter,
th.reviewer and th.analyst must exist). Runs a fixed set of list queries
through the store's ListIncidents, as the page and the API run them: the
default sort as each of a reporter, a reviewer, a national analyst and
the installation itself; as the analyst, each filter alone (type,
status, period, country, agency, nationality, route country, text,
identifier) and page 2 through the cursor. Each query runs 3 times to
warm up and then --runs times (fewer, but at least 3, if --budget runs out); prints rows, p50, p95, p99 and max per
query, and the machine. An identifier search is audited, as on the page:
the store gains one audit entry per run of that query.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	runs := fs.Int("runs", 100, "measured runs of each query")
	budget := fs.Duration("budget", 20*time.Second, "stop measuring a query after this long (at least 3 measured runs)")
	seed := fs.Int64("seed", 1, "seed the demo data was generated with (for the identifier searched)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *runs < 1 {
		return usagef("--runs must be at least 1")
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	sys := system(ctx)
	as := map[string]context.Context{"system": sys}
	for _, name := range []string{"th.reporter", "th.reviewer", "th.analyst"} {
		u, err := m.DB.FindUserByName(ctx, name)
		if err != nil {
			return fmt.Errorf("user %s: %w (fill the store with 'vrs demo --data-dir DIR --records N --no-serve')", name, err)
		}
		as[name] = vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, u), vrs.RequestMeta{Via: "cli"})
		if name == "th.reviewer" {
			// A reviewer who also analyses the whole country (not stored):
			// the access rule's two branches, own agency and the
			// country's validated records.
			both := *u
			both.Roles = append(slices.Clone(u.Roles), vrs.RoleAnalyst)
			both.ViewScope = vrs.ViewCountry
			as["th.rev+analyst"] = vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, &both), vrs.RequestMeta{Via: "cli"})
		}
	}
	agencies, err := m.DB.ListAgencies(sys, vrs.AgencyFilter{})
	if err != nil {
		return err
	}
	var police int64
	for _, a := range agencies {
		if a.Country == "TH" && a.Name == "Royal Thai Police" {
			police = a.ID
		}
	}
	today := time.Now().UTC()
	phone := demo.NewGenerator(*seed, today, demo.DemoAgencies()).NetworkPhone()
	type query struct {
		name, as string
		f        vrs.IncidentFilter
		page2    bool
	}
	queries := []query{
		{"default sort", "th.reporter", vrs.IncidentFilter{}, false},
		{"default sort", "th.reviewer", vrs.IncidentFilter{}, false},
		{"default sort", "th.rev+analyst", vrs.IncidentFilter{}, false},
		{"default sort", "th.analyst", vrs.IncidentFilter{}, false},
		{"default sort", "system", vrs.IncidentFilter{}, false},
		{"page 2 (cursor)", "th.analyst", vrs.IncidentFilter{}, true},
		{"page 2 (cursor)", "th.rev+analyst", vrs.IncidentFilter{}, true},
		{"sort -detected", "th.analyst", vrs.IncidentFilter{Sort: "-detected"}, false},
		{"sort -detected", "th.reporter", vrs.IncidentFilter{Sort: "-detected"}, false},
		{"sort -detected", "th.rev+analyst", vrs.IncidentFilter{Sort: "-detected"}, false},
		{"sort reference", "th.analyst", vrs.IncidentFilter{Sort: "reference"}, false},
		{"sort reference", "th.reporter", vrs.IncidentFilter{Sort: "reference"}, false},
		{"sort reference", "system", vrs.IncidentFilter{Sort: "reference"}, false},
		{"type", "th.analyst", vrs.IncidentFilter{Types: []vrs.IncidentType{vrs.TypeTrafficking}}, false},
		{"status submitted", "th.reviewer", vrs.IncidentFilter{Statuses: []vrs.IncidentStatus{vrs.StatusSubmitted}}, false},
		{"period (90 days)", "th.analyst", vrs.IncidentFilter{From: today.AddDate(0, -3, 0).Format(time.DateOnly), To: today.Format(time.DateOnly)}, false},
		{"period (2 weeks, 2022)", "th.analyst", vrs.IncidentFilter{From: "2022-03-01", To: "2022-03-14"}, false},
		{"country TH", "th.analyst", vrs.IncidentFilter{Country: "TH"}, false},
		{"agency", "th.analyst", vrs.IncidentFilter{AgencyID: police}, false},
		{"nationality KH", "th.analyst", vrs.IncidentFilter{Nationality: "KH"}, false},
		{"nationality AF", "th.analyst", vrs.IncidentFilter{Nationality: "AF"}, false},
		{"nationality NZ (none)", "th.analyst", vrs.IncidentFilter{Nationality: "NZ"}, false},
		{"route country MY", "th.analyst", vrs.IncidentFilter{RouteCountry: "MY"}, false},
		{"route country GB", "system", vrs.IncidentFilter{RouteCountry: "GB"}, false},
		{"text \"truck\"", "th.analyst", vrs.IncidentFilter{Text: "truck"}, false},
		{"text \"scam\"", "th.analyst", vrs.IncidentFilter{Text: "scam"}, false},
		{"text \"truck\"", "th.rev+analyst", vrs.IncidentFilter{Text: "truck"}, false},
		{"identifier (phone)", "th.analyst", vrs.IncidentFilter{IdentifierKind: "phone", Identifier: phone}, false},
		{"identifier (phone)", "system", vrs.IncidentFilter{IdentifierKind: "phone", Identifier: phone}, false},
	}
	// Rows are printed as each query finishes, so fixed widths.
	const row = "%-24s %-15s %5s %5s %10s %10s %10s %10s\n"
	fmt.Fprintf(c.stdout, row, "QUERY", "AS", "ROWS", "RUNS", "P50", "P95", "P99", "MAX")
	slow := 0
	for _, q := range queries {
		qctx := as[q.as]
		f := q.f
		if q.page2 {
			first, err := m.DB.ListIncidents(qctx, f)
			if err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			f.After = first.Next
		}
		times := make([]time.Duration, 0, *runs)
		rows := 0
		began := time.Now()
		for i := range *runs + 3 {
			if i >= 6 && time.Since(began) > *budget {
				break
			}
			start := time.Now()
			page, err := m.DB.ListIncidents(qctx, f)
			if err != nil {
				return fmt.Errorf("%s as %s: %w", q.name, q.as, err)
			}
			if i >= 3 {
				times = append(times, time.Since(start))
			}
			rows = len(page.Items)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		slices.Sort(times)
		p95 := pct(times, 95)
		if p95 > 100*time.Millisecond {
			slow++
		}
		fmt.Fprintf(c.stdout, row, q.name, q.as, strconv.Itoa(rows), strconv.Itoa(len(times)), ms(pct(times, 50)), ms(p95), ms(pct(times, 99)), ms(times[len(times)-1]))
	}
	var total int
	if err := m.DB.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents`).Scan(&total); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "\n%d incidents in the %s store; %d of %d queries over 100 ms at p95.\n", total, m.DB.Dialect(), slow, len(queries))
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, machineHeader)
	fmt.Fprintln(tw, machine())
	return tw.Flush()
}

// pct is the p-th percentile of sorted durations (nearest rank).
func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(i-1, len(sorted)-1))]
}
