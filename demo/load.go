package demo

import (
	"context"
	"runtime"
	"sync"

	"vrs"
)

// BulkStore stores incidents many at a time (store.DB).
type BulkStore interface {
	BulkCreateIncidents(ctx context.Context, incs []*vrs.Incident) error
}

// InitialLoader is a store that loads faster when it holds no incident
// yet (store.DB): fn stores the incidents, with the context it is given.
type InitialLoader interface {
	InitialLoad(ctx context.Context, fn func(ctx context.Context) error) error
}

// Source makes incident i; the same i gives the same incident, so that
// incidents can be made in parallel (Generator).
type Source interface {
	Incident(i int) *vrs.Incident
}

// LoadBatch is how many incidents LoadIncidents generates ahead of the store.
const LoadBatch = 50000

// LoadIncidents makes incidents 0 to n-1 and stores them, as ctx's
// user (the installation itself). Generation runs on every core, one
// batch ahead of the store; progress, if not nil, is called after each
// stored batch with the number stored so far. A store that is an
// InitialLoader loads through it.
func LoadIncidents(ctx context.Context, st BulkStore, g Source, n int, progress func(done int)) error {
	if il, ok := st.(InitialLoader); ok {
		return il.InitialLoad(ctx, func(ctx context.Context) error { return loadIncidents(ctx, st, g, n, progress) })
	}
	return loadIncidents(ctx, st, g, n, progress)
}

func loadIncidents(ctx context.Context, st BulkStore, g Source, n int, progress func(done int)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*vrs.Incident, 1)
	go func() {
		defer close(batches)
		workers := max(1, runtime.GOMAXPROCS(0))
		for start := 0; start < n; start += LoadBatch {
			batch := make([]*vrs.Incident, min(LoadBatch, n-start))
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := w; i < len(batch); i += workers {
						batch[i] = g.Incident(start + i)
					}
				})
			}
			wg.Wait()
			select {
			case batches <- batch:
			case <-ctx.Done():
				return
			}
		}
	}()
	done := 0
	for batch := range batches {
		if err := st.BulkCreateIncidents(ctx, batch); err != nil {
			return err
		}
		done += len(batch)
		if progress != nil {
			progress(done)
		}
	}
	return ctx.Err()
}

// StoredAgencies maps the agencies of a store to the generator's keys.
func StoredAgencies(agencies []*vrs.Agency) map[string]AgencyRef {
	m := map[string]AgencyRef{}
	for _, a := range agencies {
		if a.Disabled || a.Kind == vrs.KindRegionalOffice {
			continue
		}
		m[AgencyKey(a.Country, a.Name)] = AgencyRef{ID: a.ID, Country: a.Country, Name: a.Name}
	}
	return m
}
