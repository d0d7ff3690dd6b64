package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"vrs"
	"vrs/demo"
	"vrs/internal/loadgen"
	"vrs/store"
)

// analysisWrites times n incidents written through CreateIncident from
// clients goroutines as the benchmark's reporter, then n more through the
// bulk path, and prints both rates. Every incident is made before the
// clock starts, so that only the writes are timed. They are drafts of the
// writer's own agency: no benchmark user counts them, and the queries
// time the same data set on every run.
//
// Issue 6 asks that keeping the cube current add at most 15% to writes:
// each path writes its incidents in writeRounds rounds, with the cube kept
// current and without (store.SetCubeMaintenance) in turn, so that the
// store's growth weighs on both alike. Incidents written without the cube
// get their stat_units at the store's next opening (the backfill).
//
// writeRounds is how many rounds each write path takes, half of them
// with the cube kept current: many short rounds average out the load of
// a shared machine.
const writeRounds = 8

func (c *cli) analysisWrites(ctx context.Context, m *Main, w *analysisWorld, n, clients int) error {
	sys := system(ctx)
	agencies, err := m.DB.ListAgencies(sys, vrs.AgencyFilter{})
	if err != nil {
		return err
	}
	stored := demo.StoredAgencies(agencies)
	delete(stored, demo.AgencyKey(w.writer.Country, w.writer.Name))
	src := loadgen.NewAnalysisSource(demo.NewGenerator(w.seed, time.Now().UTC(), stored), w.seed)
	run := time.Now().UTC().Format("20060102T150405")
	next := w.incidents
	prepare := func(k int, tag string) ([]*vrs.Incident, int) {
		incs, persons := make([]*vrs.Incident, k), 0
		for i := range incs {
			incs[i] = src.WriteIncident(next, w.writer, run+tag)
			next++
			persons += loadgen.PersonsOf(incs[i])
		}
		return incs, persons
	}
	wctx := vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, w.users[baWriter]), vrs.RequestMeta{Via: "cli"})
	type timing struct {
		incidents, persons int
		d                  time.Duration
	}
	paths := []struct {
		name  string
		write func([]*vrs.Incident) (time.Duration, error)
	}{
		{fmt.Sprintf("CreateIncident, %d goroutines", clients), func(incs []*vrs.Incident) (time.Duration, error) {
			return createAll(wctx, m, incs, clients)
		}},
		{fmt.Sprintf("BulkCreateIncidents, chunks of %d", store.BulkChunk), func(incs []*vrs.Incident) (time.Duration, error) {
			start := time.Now()
			err := m.DB.BulkCreateIncidents(sys, incs)
			return time.Since(start), err
		}},
	}
	results := make([][2]timing, len(paths)) // [path][with cube, without]
	defer store.SetCubeMaintenance(true)
	for i, p := range paths {
		// A first round, not counted, brings the store's pages into the
		// cache; then the rounds go kept, off, off, kept, kept, off...
		// (ABBA), so that neither way always comes first.
		warm, _ := prepare(max(n/writeRounds, 1), fmt.Sprintf("%d-w", i))
		if _, err := p.write(warm); err != nil {
			return fmt.Errorf("bench analysis: %s: %w", p.name, err)
		}
		for round := range writeRounds {
			cube := (round+1)/2%2 == 0
			incs, persons := prepare(max(n/writeRounds, 1), fmt.Sprintf("%d-%d", i, round))
			fmt.Fprintf(c.stderr, "bench analysis: writing %d incidents through %s (cube kept: %v)\n", len(incs), p.name, cube)
			store.SetCubeMaintenance(cube)
			d, err := p.write(incs)
			store.SetCubeMaintenance(true)
			if err != nil {
				return fmt.Errorf("bench analysis: %s: %w", p.name, err)
			}
			k := 0
			if !cube {
				k = 1
			}
			t := &results[i][k]
			t.incidents, t.persons, t.d = t.incidents+len(incs), t.persons+persons, t.d+d
		}
	}

	out := c.stdout
	fmt.Fprintf(out, "\n### Writes (%s store of %d persons)\n\n", m.DB.Dialect(), w.persons)
	fmt.Fprintln(out, "| path | cube | incidents | persons | seconds | incidents/s | persons/s | cube's cost |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|")
	for i, p := range paths {
		with, without := results[i][0], results[i][1]
		rate := func(t timing) float64 { return float64(t.incidents) / t.d.Seconds() }
		cost := rate(without)/rate(with) - 1
		for k, t := range []timing{with, without} {
			kept, costCol := "kept", fmt.Sprintf("%+.1f%%", 100*cost)
			if k == 1 {
				kept, costCol = "off", ""
			}
			s := t.d.Seconds()
			fmt.Fprintf(out, "| %s | %s | %d | %d | %.2f | %.0f | %.0f | %s |\n", p.name, kept, t.incidents, t.persons, s, rate(t), float64(t.persons)/s, costCol)
		}
	}
	fmt.Fprintln(out, "\nThe cube's cost is the time per incident with the cube kept over the time without, less one.")
	return nil
}

// createAll creates every incident through CreateIncident from clients
// goroutines and returns how long it took; the first error stops them.
func createAll(ctx context.Context, m *Main, incs []*vrs.Incident, clients int) (time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				k := int(next.Add(1)) - 1
				if k >= len(incs) {
					return
				}
				if err := m.DB.CreateIncident(ctx, incs[k]); err != nil {
					cancel(fmt.Errorf("incident %s: %w", incs[k].Reference, err))
					return
				}
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return 0, err
	}
	return d, ctx.Err()
}
