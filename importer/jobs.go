package importer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"vrs"
	"vrs/crypt"
)

// Manager runs import jobs in the background for the web pages and the
// API. Uploaded files wait in its directory, encrypted under their job's
// key, with each job's problems beside them (rejected rows hold personal
// data too); they are removed a week after they were written.
type Manager struct {
	store vrs.ImportService
	dir   string
	// Chunk is how many incidents one transaction holds (0: the runner's default).
	Chunk int

	mu      sync.Mutex
	running map[int64]context.CancelCauseFunc
	wg      sync.WaitGroup
}

// errShutdown cancels the jobs of a server that stops: they are
// interrupted, to be run again, not cancelled by anyone.
var errShutdown = errors.New("the server stopped")

// Retention is how long uploaded files and problem lists are kept.
const Retention = 7 * 24 * time.Hour

// NewManager keeps its files in dir, created if need be.
func NewManager(store vrs.ImportService, dir string) *Manager {
	return &Manager{store: store, dir: dir, running: map[int64]context.CancelCauseFunc{}}
}

func (m *Manager) uploadPath(id int64) string {
	return filepath.Join(m.dir, strconv.FormatInt(id, 10)+".upload")
}
func (m *Manager) problemsPath(id int64) string {
	return filepath.Join(m.dir, strconv.FormatInt(id, 10)+".problems")
}

// Sweep removes files older than Retention.
func (m *Manager) Sweep() error {
	entries, err := os.ReadDir(m.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > Retention {
			os.Remove(filepath.Join(m.dir, e.Name()))
		}
	}
	return nil
}

// Upload creates job (queued) and spools its file, encrypted; nothing runs
// yet. A file over the importer's size limit is refused.
func (m *Manager) Upload(ctx context.Context, job *vrs.ImportJob, file io.Reader) error {
	if FormatOf("x."+job.Format) == "" {
		return vrs.Errorf(vrs.EINVALID, "import.error.format")
	}
	if err := os.MkdirAll(m.dir, 0o700); err != nil {
		return err
	}
	if err := m.store.CreateImportJob(ctx, job); err != nil {
		return err
	}
	err := m.spool(job, file)
	if err != nil {
		os.Remove(m.uploadPath(job.ID))
		job.Status, job.Error = vrs.JobFailed, vrs.AsError(err).Message
		if e := vrs.AsError(err); e.Code != vrs.EINTERNAL {
			job.ErrorArgs = e.Args
		}
		m.store.UpdateImportJob(context.WithoutCancel(ctx), job)
	}
	return err
}

func (m *Manager) spool(job *vrs.ImportJob, file io.Reader) error {
	f, err := os.OpenFile(m.uploadPath(job.ID), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w, err := crypt.NewSpoolWriter(bw, job.FileKey)
	if err != nil {
		return err
	}
	n, err := io.Copy(w, io.LimitReader(file, DefaultMaxFileBytes+1))
	if err != nil {
		return vrs.Errorf(vrs.EINVALID, "import.error.file_read")
	}
	if n > DefaultMaxFileBytes {
		return vrs.Errorf(vrs.ETOOLARGE, "import.error.file_too_large", int64(DefaultMaxFileBytes))
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Sync()
}

// openUpload opens a job's spooled file.
func (m *Manager) openUpload(job *vrs.ImportJob) (*crypt.SpoolReader, func() error, error) {
	f, err := os.Open(m.uploadPath(job.ID))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, vrs.Errorf(vrs.ECONFLICT, "import.file_gone")
	}
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	r, err := crypt.OpenSpool(f, fi.Size(), job.FileKey)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, f.Close, nil
}

// MappingOf reads the mapping a job was run with (nil: VRS's own layout).
func MappingOf(job *vrs.ImportJob) (*Mapping, error) {
	if job.Mapping == "" {
		return nil, nil
	}
	return LoadMapping(strings.NewReader(job.Mapping))
}

// Run starts a run of the file uploaded for job id: the queued upload job
// itself when it has not run yet and is of the same kind, otherwise a new
// job with a copy of the file.
func (m *Manager) Run(ctx context.Context, id int64, mapping *Mapping, commit bool) (*vrs.ImportJob, error) {
	started := false
	src, err := m.store.FindImportJob(ctx, id)
	if err != nil {
		return nil, err
	}
	mj := ""
	if mapping != nil {
		if err := mapping.Validate(); err != nil {
			return nil, err
		}
		b, err := json.Marshal(mapping)
		if err != nil {
			return nil, err
		}
		mj = string(b)
	}
	job := src
	if src.Status == vrs.JobQueued {
		// Reserved under the lock until it starts: a second click must not
		// start a second runner on the same job.
		m.mu.Lock()
		if _, busy := m.running[id]; busy {
			m.mu.Unlock()
			return nil, vrs.Errorf(vrs.ECONFLICT, "import.job_running")
		}
		m.running[id] = func(error) {}
		m.mu.Unlock()
		defer func() {
			if !started {
				m.mu.Lock()
				delete(m.running, id)
				m.mu.Unlock()
			}
		}()
		// The upload's own job, not run yet: its first run settles it.
		job.Commit, job.Mapping = commit, mj
	} else {
		job = &vrs.ImportJob{AgencyID: src.AgencyID, FileName: src.FileName, Format: src.Format, Commit: commit,
			RecordStatus: src.RecordStatus, Mapping: mj}
		if err := m.copyUpload(ctx, src, job); err != nil {
			return nil, err
		}
	}
	// Running before Run returns: the page it leads to must not take the
	// job for an upload still waiting for its mapping.
	job.Status = vrs.JobRunning
	if err := m.store.UpdateImportJob(ctx, job); err != nil {
		return nil, err
	}
	m.start(ctx, job, mapping)
	started = true
	return job, nil
}

// Commit commits the file of a finished dry run, with the dry run's
// mapping, as a new job.
func (m *Manager) Commit(ctx context.Context, id int64) (*vrs.ImportJob, error) {
	dry, err := m.store.FindImportJob(ctx, id)
	if err != nil {
		return nil, err
	}
	if dry.Commit || dry.Status != vrs.JobDone {
		return nil, vrs.Errorf(vrs.ECONFLICT, "import.ui.error.commit_after_dry")
	}
	mapping, err := MappingOf(dry)
	if err != nil {
		return nil, err
	}
	return m.Run(ctx, id, mapping, true)
}

// copyUpload creates job and gives it src's file under its own key.
func (m *Manager) copyUpload(ctx context.Context, src, job *vrs.ImportJob) error {
	r, closeFn, err := m.openUpload(src)
	if err != nil {
		return err
	}
	defer closeFn()
	if err := m.store.CreateImportJob(ctx, job); err != nil {
		return err
	}
	if err := m.spool(job, r); err != nil {
		os.Remove(m.uploadPath(job.ID))
		return err
	}
	return nil
}

// start runs job in the background, as the user of ctx.
func (m *Manager) start(ctx context.Context, job *vrs.ImportJob, mapping *Mapping) {
	run, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	m.mu.Lock()
	m.running[job.ID] = cancel
	m.mu.Unlock()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer func() {
			m.mu.Lock()
			delete(m.running, job.ID)
			m.mu.Unlock()
			cancel(nil)
		}()
		m.execute(run, job, mapping)
	}()
}

// execute runs one job to its end, writing its problems beside its file.
func (m *Manager) execute(ctx context.Context, job *vrs.ImportJob, mapping *Mapping) {
	fail := func(err error) {
		job.Status, job.Error = vrs.JobFailed, vrs.AsError(err).Message
		m.store.UpdateImportJob(context.WithoutCancel(ctx), job)
	}
	r, closeFn, err := m.openUpload(job)
	if err != nil {
		fail(err)
		return
	}
	defer closeFn()
	pf, err := os.OpenFile(m.problemsPath(job.ID), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		fail(err)
		return
	}
	defer pf.Close()
	bw := bufio.NewWriterSize(pf, 256<<10)
	pw, err := crypt.NewSpoolWriter(bw, job.FileKey)
	if err != nil {
		fail(err)
		return
	}
	enc := json.NewEncoder(pw)
	runner := &Runner{Store: m.store, Chunk: m.Chunk, Rejected: func(e *Entry) error {
		probs := e.Problems()
		// Every row of a rejected incident goes to the error report, so
		// that fixing the bad one and importing the report brings the
		// whole incident back, not the fixed row alone.
		named := map[int]bool{}
		for _, p := range probs {
			named[p.Row] = true
		}
		for _, row := range e.Item.Rows {
			if !named[row] && len(probs) > 0 {
				probs = append(probs, Problem{Row: row, Message: "import.problem.same_incident", Args: vrs.MessageArgs{probs[0].Row}})
			}
		}
		for _, p := range probs {
			if err := enc.Encode(p); err != nil {
				return err
			}
		}
		return nil
	}}
	runner.Run(ctx, job, Source{Format: job.Format, File: r, Size: r.Size(), Mapping: mapping})
	if pw.Close() == nil && bw.Flush() == nil {
		pf.Sync()
	}
}

// Cancel stops a queued or running job of the user's; its committed chunks
// stay (running the file again finishes the work).
func (m *Manager) Cancel(ctx context.Context, id int64) error {
	job, err := m.store.FindImportJob(ctx, id)
	if err != nil {
		return err
	}
	if job.Status.Finished() {
		return vrs.Errorf(vrs.ECONFLICT, "import.job_finished")
	}
	// The store first, so that no further chunk commits even if the job
	// runs in another process.
	job.Status = vrs.JobCancelled
	if err := m.store.UpdateImportJob(ctx, job); err != nil {
		return err
	}
	m.mu.Lock()
	cancel := m.running[id]
	m.mu.Unlock()
	if cancel != nil {
		cancel(context.Canceled)
	}
	return nil
}

// Close interrupts the running jobs and waits for them to stop.
func (m *Manager) Close() {
	m.mu.Lock()
	for _, cancel := range m.running {
		cancel(errShutdown)
	}
	m.mu.Unlock()
	m.wg.Wait()
}

// Wait waits until no job runs (tests).
func (m *Manager) Wait() { m.wg.Wait() }

// Status is a job with its pace.
type Status struct {
	Job           *vrs.ImportJob `json:"job"`
	Percent       int            `json:"percent"`
	RowsPerSecond float64        `json:"rows_per_second"`
	Remaining     time.Duration  `json:"-"`
	// RemainingSeconds is Remaining for JSON; -1 while unknown.
	RemainingSeconds int `json:"remaining_seconds"`
}

// Status returns a job of the user's with its progress.
func (m *Manager) Status(ctx context.Context, id int64) (*Status, error) {
	job, err := m.store.FindImportJob(ctx, id)
	if err != nil {
		return nil, err
	}
	return StatusOf(job, time.Now()), nil
}

// StatusOf works out a job's pace at now.
func StatusOf(job *vrs.ImportJob, now time.Time) *Status {
	s := &Status{Job: job, RemainingSeconds: -1}
	end := now
	if !job.EndedAt.IsZero() {
		end = job.EndedAt
	}
	if job.Status == vrs.JobDone {
		s.Percent, s.RemainingSeconds = 100, 0
	} else if job.RowsTotal > 0 {
		s.Percent = min(99, job.RowsDone*100/job.RowsTotal)
	}
	if !job.StartedAt.IsZero() {
		if secs := end.Sub(job.StartedAt).Seconds(); secs > 0 && job.RowsDone > 0 {
			s.RowsPerSecond = float64(job.RowsDone) / secs
			if job.RowsTotal > 0 && !job.Status.Finished() {
				s.Remaining = time.Duration(float64(job.RowsTotal-job.RowsDone) / s.RowsPerSecond * float64(time.Second))
				s.RemainingSeconds = int(s.Remaining.Round(time.Second).Seconds())
			}
		}
	}
	return s
}
