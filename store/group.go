package store

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"
)

// Group commit. A commit costs more than the rows it writes (the pages of
// every index touched go to the WAL), and the store has one writer. So
// writes that arrive while another commits wait in a queue, and a leader
// goroutine runs them together in the next transaction, each inside its
// own savepoint: one write's error rolls back that write alone, and each
// caller learns its own outcome. Callers see what db.write gives them:
// their change is committed, whole, when the call returns nil.
//
// A job's function may run twice (when a group's commit fails, each job is
// run again alone), so it must not carry state from one run to the next.

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
	if !db.groupLeading {
		// The leader is a goroutine of its own, so that no caller waits
		// for groups other than its own.
		db.groupLeading = true
		go db.leadGroups()
	}
	db.group.Unlock()
	return <-j.done
}

// leadGroups runs groups until none is waiting.
func (db *DB) leadGroups() {
	for {
		db.group.Lock()
		if len(db.groupQueue) == 0 {
			db.groupLeading = false
			db.groupQueue = nil
			db.group.Unlock()
			return
		}
		n := min(len(db.groupQueue), maxGroup)
		batch := db.groupQueue[:n:n]
		db.groupQueue = db.groupQueue[n:]
		db.group.Unlock()
		db.runGroup(batch)
	}
}

// call runs a job's function, turning a panic into an error so that one
// faulty write cannot leave the writer's transaction open.
func call(fn func(t *tx) error, t *tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in write: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(t)
}

// runGroup runs one group and answers each job exactly once.
func (db *DB) runGroup(batch []*groupJob) {
	if len(batch) == 1 {
		db.runAlone(batch[0])
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
		if errs[i] = call(j.fn, t); errs[i] != nil {
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
			db.runAlone(j)
		}
		return
	}
	for i, j := range batch {
		j.done <- errs[i]
	}
}

// runAlone runs one job in its own transaction.
func (db *DB) runAlone(j *groupJob) {
	j.done <- db.write(j.ctx, func(t *tx) error { return call(j.fn, t) })
}
