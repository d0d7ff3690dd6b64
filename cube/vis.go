package cube

import (
	"sync"

	"vrs"
	"vrs/access"
)

// Viewer is who counts: Gran is the access rule for them at this moment
// (access.ReadIncident with the sharing state loaded for the request),
// and Key identifies the viewer and that state, so that the granularity
// of every record is computed once and then kept while neither the
// records nor the state change.
type Viewer struct {
	Key  string
	Gran func(access.IncidentRef) vrs.Granularity
}

// visCache keeps the granularity of every record for recent viewers.
type visCache struct {
	mu      sync.Mutex
	entries map[string]*visEntry
}

// visEntry is immutable once stored: a change makes a patched copy.
type visEntry struct {
	gran   []int8
	change uint64
}

// visKeep is how many viewers' granularities are kept (1 MB each per
// million records).
const visKeep = 32

// visibility returns the granularity of every slot for v. Under the
// cube's read lock.
func (c *Cube) visibility(v Viewer) []int8 {
	c.vis.mu.Lock()
	e := c.vis.entries[v.Key]
	c.vis.mu.Unlock()
	switch {
	case e != nil && e.change == c.changes && len(e.gran) == len(c.recs):
		return e.gran
	case e != nil && len(c.log) > 0 && c.log[0].change <= e.change+1:
		// The log holds every change since: patch a copy.
		gran := make([]int8, len(c.recs))
		copy(gran, e.gran)
		for _, l := range c.log {
			if l.change > e.change {
				gran[l.slot] = c.granOf(v, l.slot)
			}
		}
		e = &visEntry{gran: gran, change: c.changes}
	default:
		e = &visEntry{gran: c.granAll(v), change: c.changes}
	}
	c.vis.mu.Lock()
	if len(c.vis.entries) >= visKeep {
		for k := range c.vis.entries {
			delete(c.vis.entries, k)
			break
		}
	}
	c.vis.entries[v.Key] = e
	c.vis.mu.Unlock()
	return e.gran
}

func (c *Cube) granOf(v Viewer, s int32) int8 {
	r := &c.recs[s]
	if !r.live {
		return 0
	}
	return int8(v.Gran(c.ref(s)))
}

// granAll applies the rule to every record, on every worker.
func (c *Cube) granAll(v Viewer) []int8 {
	gran := make([]int8, len(c.recs))
	var wg sync.WaitGroup
	n := len(c.recs)
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				gran[i] = c.granOf(v, int32(i))
			}
		})
	}
	wg.Wait()
	return gran
}
