package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"

	"vrs"
	"vrs/cube"
)

// The statistics cube's rows (stat_units, see its migration and
// docs/cube.md) are written in the transaction that writes the incident:
// statPut after a create or a new version, statRebuild after a status
// change, statDelete with a deleted draft, statPutBulk with bulk inserts.

// cubeOff turns the maintenance of stat_units off, for one benchmark
// only: measuring what keeping the cube costs a write. Never in service:
// the cube would miss the writes made meanwhile.
var cubeOff atomic.Bool

// SetCubeMaintenance turns the writing of stat_units on or off and
// returns the previous state (see cubeOff).
func SetCubeMaintenance(on bool) bool { return !cubeOff.Swap(!on) }

const (
	statNextSQL     = `UPDATE stat_seq SET seq = seq + 1 WHERE id = 1 RETURNING seq`
	statNextLiteSQL = `SELECT COALESCE(MAX(seq), 0) + 1 FROM stat_units`
	statPutSQL      = `INSERT INTO stat_units (incident_id, seq, unit) VALUES ($1, $2, $3)
		ON CONFLICT (incident_id) DO UPDATE SET seq = excluded.seq, unit = excluded.unit`
	statRowSQL = `SELECT agency_id, country, type, status, detected_on, distribution FROM incidents WHERE id = $1`
)

func init() { hotWrites = append(hotWrites, statNextLiteSQL, statPutSQL, statRowSQL) }

// statNext takes the next sequence number. On PostgreSQL the counter's
// row stays locked until the transaction ends, so numbers commit in
// order. SQLite has one writer, which makes the largest number stored so
// far plus one enough, read from the index without writing a page.
// (Rows are never removed and a row's number only grows, so no number
// goes back below one a reader has seen.)
func (t *tx) statNext() (int64, error) {
	q := statNextSQL
	if t.db.dialect == sqliteDialect {
		q = statNextLiteSQL
	}
	var seq int64
	err := t.queryRow(q).Scan(&seq)
	return seq, err
}

// statPut writes the unit of an incident just written: its content from
// inc, its access attributes from the row as stored, or from inc when
// asWritten says they are those just inserted.
func (t *tx) statPut(inc *vrs.Incident, asWritten bool) error {
	if cubeOff.Load() {
		return nil
	}
	u := cube.UnitOf(inc)
	if !asWritten {
		r := &u.Ref
		var typ, status, dist string
		if err := t.queryRow(statRowSQL, inc.ID).Scan(&r.AgencyID, &r.Country, &typ, &status, &r.DetectedOn, &dist); err != nil {
			return err
		}
		r.Type, r.Status, r.Distribution = vrs.IncidentType(typ), vrs.IncidentStatus(status), vrs.Distribution(dist)
	}
	seq, err := t.statNext()
	if err != nil {
		return err
	}
	_, err = t.exec(statPutSQL, inc.ID, seq, u.Encode())
	return err
}

// statRebuild writes the unit of an incident from what is stored: its
// row, body and partners.
func (t *tx) statRebuild(id int64) error { return t.statBuild(id, false) }

// statBuild is statRebuild; onlyNew leaves an existing row alone.
func (t *tx) statBuild(id int64, onlyNew bool) error {
	if cubeOff.Load() {
		return nil
	}
	inc := &vrs.Incident{ID: id}
	var typ, status, dist string
	var body []byte
	err := t.queryRow(`SELECT agency_id, country, type, status, detected_on, distribution, body FROM incidents WHERE id = $1`, id).
		Scan(&inc.AgencyID, &inc.Country, &typ, &status, &inc.DetectedOn, &dist, &body)
	if err != nil {
		return err
	}
	columns := *inc
	if err := json.Unmarshal(body, inc); err != nil {
		return &badBody{err}
	}
	// The body was sealed before the row had its id (and for bulk writes
	// without one): the columns say which incident this is.
	inc.ID, inc.AgencyID, inc.Country, inc.DetectedOn = id, columns.AgencyID, columns.Country, columns.DetectedOn
	inc.Type, inc.Status, inc.Distribution = vrs.IncidentType(typ), vrs.IncidentStatus(status), vrs.Distribution(dist)
	inc.ShareCountries, inc.ShareGroups = nil, nil
	if err := loadShares(t.ctx, t.Tx, inc); err != nil {
		return err
	}
	seq, err := t.statNext()
	if err != nil {
		return err
	}
	if onlyNew {
		_, err = t.exec(`INSERT INTO stat_units (incident_id, seq, unit) VALUES ($1, $2, $3) ON CONFLICT (incident_id) DO NOTHING`,
			id, seq, cube.UnitOf(inc).Encode())
		return err
	}
	_, err = t.exec(statPutSQL, id, seq, cube.UnitOf(inc).Encode())
	return err
}

// statDelete records that an incident is gone.
func (t *tx) statDelete(id int64) error {
	if cubeOff.Load() {
		return nil
	}
	seq, err := t.statNext()
	if err != nil {
		return err
	}
	_, err = t.exec(statPutSQL, id, seq, nil)
	return err
}

// statPutBulk writes the units of incidents inserted as they are (their
// fields are the row's, see insertBulk), under one sequence number.
func (t *tx) statPutBulk(incs []*vrs.Incident) error {
	if cubeOff.Load() || len(incs) == 0 {
		return nil
	}
	seq, err := t.statNext()
	if err != nil {
		return err
	}
	rows := make([][]any, len(incs))
	ids := make([][]any, len(incs))
	for i, inc := range incs {
		rows[i] = []any{inc.ID, seq, cube.UnitOf(inc).Encode()}
		ids[i] = []any{inc.ID}
	}
	if t.db.dialect == postgresDialect {
		return t.insertRows(`INSERT INTO stat_units (incident_id, seq, unit) VALUES `, `($%d, $%d, $%d)`,
			` ON CONFLICT (incident_id) DO UPDATE SET seq = excluded.seq, unit = excluded.unit`, rows)
	}
	// New incidents have no row, but on SQLite a new incident may take
	// the id of a deleted draft, whose row says it is gone. Those rows are
	// updated one by one (never deleted: the largest seq must never go
	// back), so that the insert of the others needs no conflict clause,
	// which would give every statement an undo journal.
	taken, err := t.existingStatRows(ids)
	if err != nil {
		return err
	}
	fresh := rows[:0:0]
	for _, r := range rows {
		if !taken[r[0].(int64)] {
			fresh = append(fresh, r)
			continue
		}
		if _, err := t.exec(statPutSQL, r...); err != nil {
			return err
		}
	}
	return t.insertRows(`INSERT INTO stat_units (incident_id, seq, unit) VALUES `, `($%d, $%d, $%d)`, "", fresh)
}

// existingStatRows reports which of the ids have a stat_units row.
func (t *tx) existingStatRows(ids [][]any) (map[int64]bool, error) {
	out := map[int64]bool{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		ph := make([]string, n)
		args := make([]any, n)
		for i := range n {
			ph[i], args[i] = "$"+strconv.Itoa(i+1), ids[i][0]
		}
		found, err := t.ids(`SELECT incident_id FROM stat_units WHERE incident_id IN (`+strings.Join(ph, ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			out[id] = true
		}
		ids = ids[n:]
	}
	return out, nil
}

// ids runs a query of one integer column.
func (t *tx) ids(query string, args ...any) ([]int64, error) {
	rows, err := t.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// backfillStatUnits writes the units of incidents stored before the cube
// existed, a chunk per transaction in id order, so that an interrupted
// run goes on where it stopped. It never replaces a row: one written
// meanwhile by a write (another server's) is newer. An incident whose
// body cannot be read is left out and reported, rather than keep the
// server from starting; StatsRaw cannot count it either.
func (db *DB) backfillStatUnits(ctx context.Context) error {
	var last int64
	for !cubeOff.Load() {
		var ids []int64
		rows, err := db.writer.QueryContext(ctx, `SELECT i.id FROM incidents i
			WHERE i.id > $1 AND NOT EXISTS (SELECT 1 FROM stat_units u WHERE u.incident_id = i.id) ORDER BY i.id LIMIT 500`, last)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		last = ids[len(ids)-1]
		err = db.write(ctx, func(t *tx) error {
			for _, id := range ids {
				err := t.statBuild(id, true)
				var bad *badBody
				switch {
				case errors.As(err, &bad):
					slog.Error("statistics cube: incident left out", "incident", id, "error", bad.err)
				case err != nil && err != sql.ErrNoRows:
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("statistics cube: %w", err)
		}
	}
	return nil
}

// badBody is an incident whose stored body does not parse.
type badBody struct{ err error }

func (b *badBody) Error() string { return "body: " + b.err.Error() }
