package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"

	"vrs"
	"vrs/crypt"
)

func importKeyAAD(id int64) []byte { return []byte("import-file:" + strconv.FormatInt(id, 10)) }

// CreateImportJob records a new job for the signed-in user, with a fresh
// key for its uploaded file (job.FileKey).
func (db *DB) CreateImportJob(ctx context.Context, job *vrs.ImportJob) error {
	u, a, err := db.importTarget(ctx, db.reader, job.AgencyID)
	if err != nil {
		return err
	}
	if _, err := importStatus(u, job.RecordStatus); err != nil {
		return err
	}
	if job.RecordStatus == "" {
		job.RecordStatus = vrs.StatusDraft
	}
	kr, err := db.Keyring()
	if err != nil {
		return err
	}
	key, err := crypt.NewKey()
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		job.Country, job.UserID, job.Status, job.CreatedAt = a.country, u.ID, vrs.JobQueued, t.now
		err := t.queryRow(`INSERT INTO import_jobs (agency_id, country, user_id, file_name, format, mapping, commit_rows, record_status, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			job.AgencyID, job.Country, job.UserID, job.FileName, job.Format, job.Mapping, boolInt(job.Commit), string(job.RecordStatus),
			string(job.Status), micros(t.now)).Scan(&job.ID)
		if err != nil {
			return err
		}
		keyID, sealed, err := kr.Seal(importKeyAAD(job.ID), key)
		if err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE import_jobs SET file_key = $1, key_id = $2 WHERE id = $3`, sealed, keyID, job.ID); err != nil {
			return err
		}
		job.FileKey = key
		return t.audit(&vrs.AuditEntry{Action: vrs.ActImportJob, ObjectType: "import_job", ObjectID: strconv.FormatInt(job.ID, 10),
			Country: job.Country, Detail: detail(map[string]any{"agency_id": job.AgencyID, "format": job.Format, "commit": job.Commit,
				"record_status": job.RecordStatus})})
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// UpdateImportJob saves a job's status, total, error and, for dry runs,
// counts (a committing job's counts advance with its chunks only). A job
// that has finished does not change again: ECONFLICT.
func (db *DB) UpdateImportJob(ctx context.Context, job *vrs.ImportJob) error {
	if _, err := db.FindImportJob(ctx, job.ID); err != nil {
		return err
	}
	args, err := json.Marshal(job.ErrorArgs)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		if job.Status == vrs.JobRunning && job.StartedAt.IsZero() {
			job.StartedAt = t.now
		}
		if job.Status.Finished() && job.EndedAt.IsZero() {
			job.EndedAt = t.now
		}
		q := `UPDATE import_jobs SET status = $1, rows_total = $2, error = $3, error_args = $4, started_at = $5, ended_at = $6`
		params := []any{string(job.Status), job.RowsTotal, job.Error, string(args), microsOrZero(job.StartedAt), microsOrZero(job.EndedAt)}
		// What a job does is settled when it starts: a queued upload takes
		// the mapping and the kind of its first run.
		q += `, mapping = CASE WHEN status = 'queued' THEN $7 ELSE mapping END, commit_rows = CASE WHEN status = 'queued' THEN $8 ELSE commit_rows END`
		params = append(params, job.Mapping, boolInt(job.Commit))
		if !job.Commit {
			q += `, rows_done = $9, created = $10, updated = $11, unchanged = $12, rejected = $13, rejected_rows = $14`
			c := job.Counts
			params = append(params, job.RowsDone, c.Created, c.Updated, c.Unchanged, c.Rejected, c.RejectedRows)
		}
		params = append(params, job.ID)
		q += ` WHERE id = $` + strconv.Itoa(len(params)) + ` AND status IN ('queued', 'running')`
		res, err := t.exec(q, params...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return cmpErr(err, vrs.Errorf(vrs.ECONFLICT, "import.job_finished"))
		}
		if job.Status.Finished() {
			return t.audit(&vrs.AuditEntry{Action: vrs.ActImportJob + "_" + string(job.Status), ObjectType: "import_job",
				ObjectID: strconv.FormatInt(job.ID, 10), Country: job.Country,
				Detail: detail(map[string]any{"rows": job.RowsDone, "counts": job.Counts, "error": job.Error})})
		}
		return nil
	})
}

func microsOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

const importJobColumns = `id, agency_id, country, user_id, file_name, format, mapping, commit_rows, record_status, status, rows_total, rows_done,
	created, updated, unchanged, rejected, rejected_rows, error, error_args, file_key, key_id, created_at, started_at, ended_at`

func (db *DB) scanImportJob(row interface{ Scan(...any) error }) (*vrs.ImportJob, error) {
	j := &vrs.ImportJob{}
	var commit int
	var args string
	var key []byte
	var keyID, created, started, ended int64
	err := row.Scan(&j.ID, &j.AgencyID, &j.Country, &j.UserID, &j.FileName, &j.Format, &j.Mapping, &commit, &j.RecordStatus, &j.Status,
		&j.RowsTotal, &j.RowsDone, &j.Counts.Created, &j.Counts.Updated, &j.Counts.Unchanged, &j.Counts.Rejected, &j.Counts.RejectedRows,
		&j.Error, &args, &key, &keyID, &created, &started, &ended)
	if err != nil {
		return nil, err
	}
	j.Commit, j.Counts.Rows = commit != 0, j.RowsDone
	j.CreatedAt = fromMicros(created)
	if started != 0 {
		j.StartedAt = fromMicros(started)
	}
	if ended != 0 {
		j.EndedAt = fromMicros(ended)
	}
	if j.ErrorArgs, err = vrs.DecodeArgs([]byte(args)); err != nil {
		return nil, err
	}
	if key != nil {
		kr, err := db.Keyring()
		if err != nil {
			return nil, err
		}
		if j.FileKey, err = kr.Open(keyID, importKeyAAD(j.ID), key); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// FindImportJob returns a job to the user who started it (or the
// installation); to anyone else it does not exist.
func (db *DB) FindImportJob(ctx context.Context, id int64) (*vrs.ImportJob, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	j, err := db.scanImportJob(db.reader.QueryRowContext(ctx, `SELECT `+importJobColumns+` FROM import_jobs WHERE id = $1`, id))
	if err == sql.ErrNoRows || (err == nil && !u.System && j.UserID != u.ID) {
		return nil, vrs.NotFound("import_job")
	}
	return j, err
}

// ListImportJobs lists the user's jobs, newest first.
func (db *DB) ListImportJobs(ctx context.Context, limit int) ([]*vrs.ImportJob, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+importJobColumns+` FROM import_jobs WHERE user_id = $1 ORDER BY id DESC LIMIT $2`, u.ID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.ImportJob
	for rows.Next() {
		j, err := db.scanImportJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// InterruptImportJobs marks jobs a previous process left unfinished. Their
// committed chunks stay: running the same file again finishes the work.
func (db *DB) InterruptImportJobs(ctx context.Context) (int, error) {
	var n int64
	err := db.write(ctx, func(t *tx) error {
		res, err := t.exec(`UPDATE import_jobs SET status = 'interrupted', ended_at = $1 WHERE status IN ('queued', 'running')`, micros(t.now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
