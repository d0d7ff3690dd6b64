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
// Issue 6 asks that keeping the cube current add at most 15% to writes.
// When the store can switch cube maintenance off (store.SetCubeMaintenance),
// a --no-cube flag belongs here: call it with false before these writes,
// and with true after, so that the same writes are timed both ways.
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
	prepare := func(from int, tag string) ([]*vrs.Incident, int) {
		incs, persons := make([]*vrs.Incident, n), 0
		for k := range incs {
			incs[k] = src.WriteIncident(from+k, w.writer, run+tag)
			persons += loadgen.PersonsOf(incs[k])
		}
		return incs, persons
	}

	single, singlePersons := prepare(w.incidents, "c")
	fmt.Fprintf(c.stderr, "bench analysis: writing %d incidents through CreateIncident from %d goroutines\n", n, clients)
	wctx := vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, w.users[baWriter]), vrs.RequestMeta{Via: "cli"})
	singleTime, err := createAll(wctx, m, single, clients)
	if err != nil {
		return fmt.Errorf("bench analysis: CreateIncident: %w", err)
	}

	bulk, bulkPersons := prepare(w.incidents+n, "b")
	fmt.Fprintf(c.stderr, "bench analysis: writing %d incidents through BulkCreateIncidents\n", n)
	start := time.Now()
	if err := m.DB.BulkCreateIncidents(sys, bulk); err != nil {
		return fmt.Errorf("bench analysis: BulkCreateIncidents: %w", err)
	}
	bulkTime := time.Since(start)

	out := c.stdout
	fmt.Fprintf(out, "\n### Writes (%s store of %d persons)\n\n", m.DB.Dialect(), w.persons)
	fmt.Fprintln(out, "| path | incidents | persons | seconds | incidents/s | persons/s |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|")
	for _, r := range []struct {
		path       string
		persons    int
		d          time.Duration
		incidentsN int
	}{
		{fmt.Sprintf("CreateIncident, %d goroutines", clients), singlePersons, singleTime, n},
		{fmt.Sprintf("BulkCreateIncidents, chunks of %d", store.BulkChunk), bulkPersons, bulkTime, n},
	} {
		s := r.d.Seconds()
		fmt.Fprintf(out, "| %s | %d | %d | %.2f | %.0f | %.0f |\n", r.path, r.incidentsN, r.persons, s, float64(r.incidentsN)/s, float64(r.persons)/s)
	}
	fmt.Fprintln(out, "\nThe cube is maintained on both paths; there is no switch yet to time them without it (store.SetCubeMaintenance).")
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
