//go:build !unix

package main

import "os"

// Without flock, serve runs unlocked (it warns) and restore refuses.
func flock(*os.File, bool) error { return errLockUnsupported }

func funlock(*os.File) error { return nil }
