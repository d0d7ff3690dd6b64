package vrs

import "context"

// StatService answers statistics queries over the records the acting user
// may count (see the rules on StatQuery). The raw store implementation is
// the reference; a cube will answer behind the same call later.
type StatService interface {
	Stats(ctx context.Context, q StatQuery) (*StatResult, error)
}
