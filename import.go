package vrs

import (
	"bytes"
	"context"
	"encoding/json"
	"time"
)

// ImportAction is what committing one incident of a file does.
type ImportAction string

const (
	ImportCreate    ImportAction = "create"    // a reference the agency does not have yet
	ImportUpdate    ImportAction = "update"    // a changed record: a new version
	ImportUnchanged ImportAction = "unchanged" // the same content as stored
	ImportReject    ImportAction = "reject"    // invalid, or the record cannot change now
)

// ImportItem is one incident read from a file: the rows it came from,
// what it holds, and (once planned) what committing it does.
type ImportItem struct {
	// Rows are the file's row numbers (1-based, header included) the
	// incident was read from; the first is the one errors name.
	Rows     []int
	Incident *Incident
	Action   ImportAction
	// Err explains a rejection: field errors name incident fields.
	Err error
	// ID is the stored incident's id, for updates and unchanged ones, and
	// for creations once committed.
	ID int64
}

// ImportJobStatus is where an import job is.
type ImportJobStatus string

const (
	JobQueued      ImportJobStatus = "queued"
	JobRunning     ImportJobStatus = "running"
	JobDone        ImportJobStatus = "done"
	JobFailed      ImportJobStatus = "failed"
	JobCancelled   ImportJobStatus = "cancelled"
	JobInterrupted ImportJobStatus = "interrupted" // the server stopped while it ran: run the import again
)

// Finished says the job will not change any more.
func (s ImportJobStatus) Finished() bool {
	return s == JobDone || s == JobFailed || s == JobCancelled || s == JobInterrupted
}

// ImportCounts counts a file's incidents by what the import does with them.
type ImportCounts struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Rejected  int `json:"rejected"`
	// RejectedRows counts the file's rows that belong to rejected incidents.
	RejectedRows int `json:"rejected_rows"`
}

// Add counts one planned item.
func (c *ImportCounts) Add(it *ImportItem) {
	switch it.Action {
	case ImportCreate:
		c.Created++
	case ImportUpdate:
		c.Updated++
	case ImportUnchanged:
		c.Unchanged++
	case ImportReject:
		c.Rejected++
		c.RejectedRows += len(it.Rows)
	}
}

// ImportJob is one run of an import, dry or committing, as the UI and the
// API follow it.
type ImportJob struct {
	ID       int64  `json:"id"`
	AgencyID int64  `json:"agency_id"`
	Country  string `json:"country"`
	UserID   int64  `json:"user_id"`
	FileName string `json:"file_name"`
	Format   string `json:"format"` // csv, xlsx, jsonl
	Commit   bool   `json:"commit"`
	// RecordStatus is the status imported records take: draft, submitted,
	// or validated (for users who may validate the agency's records).
	RecordStatus IncidentStatus `json:"record_status"`
	// Mapping is the column and value mapping as JSON ("" for files in
	// VRS's own layout).
	Mapping string `json:"-"`
	// FileKey encrypts the uploaded file while the job keeps it; the store
	// keeps it sealed and hands it only to those who may follow the job.
	FileKey []byte          `json:"-"`
	Status  ImportJobStatus `json:"status"`
	// RowsTotal is the file's data rows when known (0 while counting).
	RowsTotal int          `json:"rows_total"`
	RowsDone  int          `json:"rows_done"`
	Counts    ImportCounts `json:"counts"`
	// Error is the catalogue key of why the job failed, with its arguments.
	Error     string      `json:"error,omitempty"`
	ErrorArgs MessageArgs `json:"error_args,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
	StartedAt time.Time   `json:"started_at,omitzero"`
	EndedAt   time.Time   `json:"ended_at,omitzero"`
}

// ActImportJob is the audit action of a new import job; "_done",
// "_failed", "_cancelled" and "_interrupted" follow it.
const ActImportJob = "import.job"

// ImportService plans and commits imports, and keeps their jobs.
type ImportService interface {
	// PlanImport sets each item's Action (and Err for rejections) as
	// committing it now would, for the agency's incidents; it writes
	// nothing. Items are matched to stored incidents by (agency,
	// reference).
	PlanImport(ctx context.Context, agencyID int64, items []*ImportItem) error
	// CommitImport plans the items again and writes them in one
	// transaction, with the job's progress (rows done and counts, added
	// to the job's stored ones; job itself is only read, so chunks of one
	// job may commit side by side): a crash leaves the chunk and the
	// progress either both written or both not. Unchanged and rejected
	// items write nothing.
	CommitImport(ctx context.Context, job *ImportJob, items []*ImportItem, rows int) error
	CreateImportJob(ctx context.Context, job *ImportJob) error
	// UpdateImportJob saves a job's status, totals, counts and error.
	UpdateImportJob(ctx context.Context, job *ImportJob) error
	FindImportJob(ctx context.Context, id int64) (*ImportJob, error)
	// ListImportJobs lists the jobs the user may follow, newest first.
	ListImportJobs(ctx context.Context, limit int) ([]*ImportJob, error)
	// InterruptImportJobs marks the jobs left running by a previous
	// process as interrupted; servers call it when they start.
	InterruptImportJobs(ctx context.Context) (int, error)
}

// DecodeArgs reads message arguments saved as JSON, keeping whole numbers
// as int64 (not float64) so that the catalogue's %d verbs format them.
func DecodeArgs(data []byte) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw []any
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	for i, a := range raw {
		if n, ok := a.(json.Number); ok {
			if v, err := n.Int64(); err == nil {
				raw[i] = v
			} else {
				raw[i] = n.String()
			}
		}
	}
	return raw, nil
}

// MessageArgs are a message's arguments, kept as their kinds through JSON.
type MessageArgs []any

// UnmarshalJSON keeps whole numbers whole (see DecodeArgs).
func (a *MessageArgs) UnmarshalJSON(data []byte) error {
	v, err := DecodeArgs(data)
	*a = v
	return err
}
