package store

import (
	"context"
	"fmt"
	"time"
)

// Group commit. A commit costs more than the rows it writes (the pages of
// every index touched go to the WAL), and the store has one writer. So
// writes that arrive while another commits wait in a queue, and the next
// writer runs them all in one transaction, each inside its own savepoint:
// one write's error rolls back that write alone, and each caller learns
// its own outcome. Callers see what db.write gives them: their change is
// committed, whole, when the call returns nil.

// maxGroup bounds a group, so that a failed commit costs a bounded retry.
const maxGroup = 128

type groupJob struct {
	ctx  context.Context
	fn   func(t *tx) error
	done chan error
}

// writeGrouped runs fn in a write transaction shared with other grouped
// writes.
func (db *DB) writeGrouped(ctx context.Context, fn func(t *tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j := &groupJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	db.group.Lock()
	db.groupQueue = append(db.groupQueue, j)
	if db.groupLeading {
		db.group.Unlock()
		return <-j.done
	}
	// This caller leads: it runs groups until none is waiting, then hands
	// back. Its own job is in the first group.
	db.groupLeading = true
	for len(db.groupQueue) > 0 {
		n := min(len(db.groupQueue), maxGroup)
		batch := db.groupQueue[:n:n]
		db.groupQueue = db.groupQueue[n:]
		db.group.Unlock()
		db.runGroup(batch)
		db.group.Lock()
	}
	db.groupLeading = false
	db.groupQueue = nil
	db.group.Unlock()
	return <-j.done
}

// runGroup runs one group and answers each job.
func (db *DB) runGroup(batch []*groupJob) {
	if len(batch) == 1 {
		j := batch[0]
		j.done <- db.write(j.ctx, j.fn)
		return
	}
	errs := make([]error, len(batch))
	sqlTx, err := db.writer.BeginTx(context.Background(), nil)
	if err != nil {
		for _, j := range batch {
			j.done <- fmt.Errorf("begin: %w", err)
		}
		return
	}
	now := db.Now().UTC().Truncate(time.Microsecond)
	fatal := error(nil)
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := sqlTx.Exec(`SAVEPOINT w`); err != nil {
			fatal = err
			break
		}
		t := &tx{Tx: sqlTx, db: db, ctx: j.ctx, now: now}
		if errs[i] = j.fn(t); errs[i] != nil {
			if _, err := sqlTx.Exec(`ROLLBACK TO SAVEPOINT w`); err != nil {
				fatal = err
				break
			}
		}
		if _, err := sqlTx.Exec(`RELEASE SAVEPOINT w`); err != nil {
			fatal = err
			break
		}
	}
	if fatal == nil {
		fatal = sqlTx.Commit()
	} else {
		sqlTx.Rollback()
	}
	if fatal != nil {
		// Nothing of the group was committed: run each write alone, so
		// that one bad write cannot fail the others.
		for _, j := range batch {
			j.done <- db.write(j.ctx, j.fn)
		}
		return
	}
	for i, j := range batch {
		j.done <- errs[i]
	}
}
