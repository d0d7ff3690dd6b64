package cube

import "vrs"

// acc adds values by packed key: in a dense array when the key space is
// small enough (every pivot a page can show), in a map otherwise.
type acc struct {
	dense []float64
	// sizes are the number of keys of each dimension packed in the key.
	sizes []uint64
	m     map[uint64]float64
	// lists keeps every value instead, for a quantile measure.
	lists map[uint64][]float64
}

// newListAcc keeps the values of each key for a quantile.
func newListAcc() *acc { return &acc{lists: map[uint64][]float64{}} }

// denseMax bounds a dense accumulator: 8 MB per worker and margin.
const denseMax = 1 << 20

func newAcc(sizes []uint64) *acc {
	n := uint64(1)
	for _, s := range sizes {
		n *= s
		if n > denseMax {
			return &acc{m: map[uint64]float64{}}
		}
	}
	return &acc{dense: make([]float64, n), sizes: sizes}
}

// index turns a packed key into its place in the dense array.
func (a *acc) index(key uint64) uint64 {
	var i, stride uint64 = 0, 1
	for j, s := range a.sizes {
		i += (key >> (keyBits * j) & keyMask) * stride
		stride *= s
	}
	return i
}

func (a *acc) add(key uint64, v float64) {
	if a.lists != nil {
		a.lists[key] = append(a.lists[key], v)
		return
	}
	if a.dense != nil {
		a.dense[a.index(key)] += v
		return
	}
	a.m[key] += v
}

// merge adds b (of the same shape) into a.
func (a *acc) merge(b *acc) {
	for i, v := range b.dense {
		a.dense[i] += v
	}
	for k, v := range b.m {
		a.m[k] += v
	}
	for k, vs := range b.lists {
		a.lists[k] = append(a.lists[k], vs...)
	}
}

// quantiles turns a list accumulator into the p-quantile of each key.
func (a *acc) quantiles(p float64) {
	a.m = make(map[uint64]float64, len(a.lists))
	for k, vs := range a.lists {
		a.m[k] = vrs.QuantileOf(vs, p)
	}
	a.lists = nil
}

// each calls fn with every key and non-zero value.
func (a *acc) each(fn func(key uint64, v float64)) {
	if a.dense == nil {
		for k, v := range a.m {
			if v != 0 {
				fn(k, v)
			}
		}
		return
	}
	for i, v := range a.dense {
		if v == 0 {
			continue
		}
		var key uint64
		rest := uint64(i)
		for j, s := range a.sizes {
			key |= rest % s << (keyBits * j)
			rest /= s
		}
		fn(key, v)
	}
}
