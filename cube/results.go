package cube

import (
	"slices"
	"sync"
	"sync/atomic"

	"vrs"
)

// resultCache keeps the answers of recent queries while no record
// changes: a dashboard or a permalink opened again is answered at once.
// The key holds the viewer's key, so a change of the user or of the
// sharing state asks again; any applied change empties it in effect.
type resultCache struct {
	mu      sync.Mutex
	change  uint64
	entries map[string]*vrs.StatResult
}

// resultsOff turns the cache off, for benchmarks that time counting.
var resultsOff atomic.Bool

// SetResultCache turns the keeping of answers on or off and returns the
// previous state; off, every query counts anew (vrs bench analysis times
// the counting so).
func SetResultCache(on bool) bool { return !resultsOff.Swap(!on) }

// resultKeep bounds the answers kept.
const resultKeep = 256

// get returns a copy of the answer kept for key at change, nil if none.
func (rc *resultCache) get(key string, change uint64) *vrs.StatResult {
	if resultsOff.Load() {
		return nil
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.change != change {
		return nil
	}
	if r, ok := rc.entries[key]; ok {
		return copyResult(r)
	}
	return nil
}

// put keeps a copy of r as the answer for key at change.
func (rc *resultCache) put(key string, change uint64, r *vrs.StatResult) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.change != change || rc.entries == nil || len(rc.entries) >= resultKeep {
		rc.change, rc.entries = change, map[string]*vrs.StatResult{}
	}
	rc.entries[key] = copyResult(r)
}

// copyResult copies what a caller could change of a result.
func copyResult(r *vrs.StatResult) *vrs.StatResult {
	c := *r
	cells := func(cs []vrs.StatCell) []vrs.StatCell {
		if cs == nil {
			return nil
		}
		out := make([]vrs.StatCell, len(cs))
		for i, x := range cs {
			out[i] = vrs.StatCell{Keys: slices.Clone(x.Keys), Value: x.Value}
		}
		return out
	}
	c.Cells, c.RowTotals, c.ColTotals = cells(r.Cells), cells(r.RowTotals), cells(r.ColTotals)
	return &c
}
