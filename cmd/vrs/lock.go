package main

import (
	"errors"
	"fmt"
	"os"
)

// errLocked: another process (a running server, a restore) holds the lock.
var errLocked = errors.New("locked by another process")

// errLockUnsupported: this system has no advisory file locks.
var errLockUnsupported = errors.New("file locks are not supported on this system")

// fileLock is an advisory lock (shared or exclusive) on a file, held while a server
// runs or a restore replaces the store. The kernel releases it when the
// process ends, so a crash leaves no stale lock behind.
type fileLock struct {
	f *os.File
}

// lockFile takes the shared lock at path without waiting (errLocked if
// someone holds it exclusively).
func lockFile(path string) (*fileLock, error) { return takeLock(path, false) }

// lockExclusive takes the lock at path alone; errLocked while anyone
// holds it.
func lockExclusive(path string) (*fileLock, error) { return takeLock(path, true) }

func takeLock(path string, exclusive bool) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := flock(f, exclusive); err != nil {
		f.Close()
		return nil, err
	}
	// The pid helps whoever finds the lock taken; nothing reads it back.
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "%d\n", os.Getpid())
	}
	return &fileLock{f: f}, nil
}

// Unlock releases the lock. The file stays: removing it would let two
// processes lock different files of the same name.
func (l *fileLock) Unlock() error {
	if err := funlock(l.f); err != nil {
		l.f.Close()
		return err
	}
	return l.f.Close()
}
