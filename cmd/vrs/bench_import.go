package main

import (
	"context"
	"errors"
)

func cmdBenchImport(ctx context.Context, c *cli, args []string) error {
	return errors.New("bench import: not yet")
}
