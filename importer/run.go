package importer

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"vrs"
)

// Formats the importer reads.
const (
	FormatCSV   = "csv"
	FormatXLSX  = "xlsx"
	FormatJSONL = "jsonl"
)

// FormatOf says which format a file name is in: csv (also .txt and .tsv),
// xlsx or jsonl (also .ndjson and .json); "" when it is none of them.
func FormatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt", ".tsv":
		return FormatCSV
	case ".xlsx", ".xlsm":
		return FormatXLSX
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL
	}
	return ""
}

// Source is a file to import.
type Source struct {
	Format string // FormatCSV, FormatXLSX or FormatJSONL
	File   io.ReaderAt
	Size   int64
	// Mapping maps the file's columns (CSV and XLSX); nil means the file
	// uses VRS's own column names (the templates' layout).
	Mapping *Mapping
}

// entries is a stream of a file's incidents.
type entries struct {
	next func() (*Entry, error)
	// rows is how many of the file's rows were read so far.
	rows  func() int
	close func() error
}

// Open reads src as a stream of incidents. The file's own errors (not a
// CSV, a corrupt workbook, too large) are returned here or by next as
// *vrs.Error values; a row that cannot be read is a rejected entry.
func (src Source) open() (*entries, error) {
	if src.Format == FormatJSONL {
		j := NewJSONLReader(io.NewSectionReader(src.File, 0, src.Size))
		return &entries{next: j.Next, rows: func() int { return j.line }, close: func() error { return nil }}, nil
	}
	rr, closer, err := src.rowReader()
	if err != nil {
		return nil, err
	}
	m := src.Mapping
	if m == nil {
		if m, err = ownLayout(rr.Header()); err != nil {
			closer()
			return nil, err
		}
	}
	ap, err := m.Bind(rr.Header())
	if err != nil {
		closer()
		return nil, err
	}
	asm := NewAssembler(ap)
	rows, done := 0, false
	next := func() (*Entry, error) {
		for !done {
			row, err := rr.Next()
			if errors.Is(err, io.EOF) {
				done = true
				break
			}
			if row == nil && err != nil {
				return nil, err
			}
			rows++
			if err != nil {
				// One bad row (ragged, undecodable): an incident of its own,
				// rejected with the reader's reason.
				e := asm.Flush()
				asm.start(row.Number, "")
				asm.errs = Problems{rowProblem(row.Number, err)}
				if e != nil {
					return e, nil
				}
				continue
			}
			if e := asm.Add(*row); e != nil {
				return e, nil
			}
		}
		if e := asm.Flush(); e != nil {
			return e, nil
		}
		return nil, io.EOF
	}
	return &entries{next: next, rows: func() int { return rows }, close: closer}, nil
}

// ownLayout maps a file in VRS's own layout (the templates'), which must
// have a reference column and no column that is not a field: a column
// the import would silently drop is more likely a misspelt field. The
// error report's own column is allowed, so that a fixed report imports.
func ownLayout(header []string) (*Mapping, error) {
	m := IdentityMapping(header)
	hasRef := false
	for _, c := range m.Columns {
		switch {
		case c.Field == "reference":
			hasRef = true
		case c.Field == "" && normHeader(c.Source) != ReportColumn:
			return nil, vrs.Errorf(vrs.EINVALID, "import.error.unknown_column", c.Source)
		}
	}
	if !hasRef {
		return nil, vrs.Errorf(vrs.EINVALID, "import.error.no_reference_column")
	}
	return m, nil
}

// ReportColumn is the name of the error report's column of reasons.
const ReportColumn = "errors"

// rowReader opens a CSV or XLSX source as rows, with the mapping's
// reading options (sheet, delimiter, encoding).
func (src Source) rowReader() (RowReader, func() error, error) {
	var rr RowReader
	closer := func() error { return nil }
	m := src.Mapping
	switch src.Format {
	case FormatCSV:
		opts := CSVOptions{}
		if m != nil {
			if m.Encoding != "" {
				enc, err := ParseEncoding(m.Encoding)
				if err != nil {
					return nil, nil, err
				}
				opts.Encoding = enc
			}
			if m.Delimiter != "" {
				opts.Delimiter = []rune(m.Delimiter)[0]
			}
		}
		c, err := NewCSVReader(io.NewSectionReader(src.File, 0, src.Size), opts)
		if err != nil {
			return nil, nil, err
		}
		rr = c
	case FormatXLSX:
		opts := XLSXOptions{}
		if m != nil {
			opts.Sheet = m.Sheet
		}
		x, err := ReadXLSX(src.File, src.Size, opts)
		if err != nil {
			return nil, nil, err
		}
		rr, closer = x, x.Close
	default:
		return nil, nil, vrs.Errorf(vrs.EINVALID, "import.error.format")
	}
	return rr, closer, nil
}

// rowProblem turns a reader's error about one row into a problem.
func rowProblem(row int, err error) Problem {
	e := vrs.AsError(err)
	return Problem{Row: row, Message: e.Message, Args: e.Args}
}

// Runner runs import jobs.
type Runner struct {
	Store vrs.ImportService
	// Chunk is how many incidents one transaction holds; 0 takes 500.
	Chunk int
	// Rejected, when set, is called with every rejected incident.
	Rejected func(*Entry) error
	// Progress, when set, is called after every chunk.
	Progress func(*vrs.ImportJob)
}

// Run reads src for job (already created) and plans or commits it, chunk
// by chunk. A committing job first reads the whole file, so that a file
// that turns out to be unreadable half-way changes nothing. Run saves the
// job's final status; a job cancelled meanwhile stops at its next chunk.
func (r *Runner) Run(ctx context.Context, job *vrs.ImportJob, src Source) error {
	job.Status = vrs.JobRunning
	if err := r.Store.UpdateImportJob(ctx, job); err != nil {
		return err
	}
	err := r.run(ctx, job, src)
	if vrs.ErrorCode(err) == vrs.ECONFLICT {
		// Cancelled meanwhile, and the store says so already; any other
		// conflict fails the job below.
		if st, ferr := r.Store.FindImportJob(context.WithoutCancel(ctx), job.ID); ferr == nil && st.Status.Finished() {
			return err
		}
	}
	switch {
	case err == nil:
		job.Status = vrs.JobDone
	case errors.Is(context.Cause(ctx), errShutdown):
		job.Status = vrs.JobInterrupted
	case ctx.Err() != nil:
		job.Status = vrs.JobCancelled
	default:
		job.Status = vrs.JobFailed
		e := vrs.AsError(err)
		job.Error = e.Message
		job.ErrorArgs = e.Args
	}
	if uerr := r.Store.UpdateImportJob(context.WithoutCancel(ctx), job); uerr != nil && err == nil {
		return uerr
	}
	return err
}

func (r *Runner) run(ctx context.Context, job *vrs.ImportJob, src Source) error {
	if job.Commit {
		total, err := countRows(ctx, src)
		if err != nil {
			return err
		}
		job.RowsTotal = total
		if err := r.Store.UpdateImportJob(ctx, job); err != nil {
			return err
		}
	}
	es, err := src.open()
	if err != nil {
		return err
	}
	defer es.close()
	chunk := r.Chunk
	if chunk <= 0 {
		chunk = 500
	}
	// Two chunks in flight: while one is written (one writer), the next is
	// read, validated and sealed on the other core. Chunks hold different
	// references, so their order does not matter; counts add up.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type batch struct {
		entries []*Entry
		rows    int
	}
	work := make(chan batch)
	var mu sync.Mutex // job counts and the callbacks
	var wg sync.WaitGroup
	lastSave := time.Now()
	process := func(b batch) error {
		items := make([]*vrs.ImportItem, len(b.entries))
		for i, e := range b.entries {
			items[i] = e.Item
		}
		if job.Commit {
			if err := r.Store.CommitImport(ctx, job, items, b.rows); err != nil {
				return err
			}
		} else if err := r.Store.PlanImport(ctx, job.AgencyID, items); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		// The store has the same counts already for a commit (written with
		// the chunk); this copy is the caller's.
		job.RowsDone += b.rows
		for _, it := range items {
			job.Counts.Add(it)
		}
		job.Counts.Rows = job.RowsDone
		if !job.Commit {
			if time.Since(lastSave) > time.Second {
				lastSave = time.Now()
				if err := r.Store.UpdateImportJob(ctx, job); err != nil {
					return err
				}
			}
		}
		if r.Rejected != nil {
			for _, e := range b.entries {
				if e.Item.Action == vrs.ImportReject {
					if err := r.Rejected(e); err != nil {
						return err
					}
				}
			}
		}
		if r.Progress != nil {
			r.Progress(job)
		}
		return nil
	}
	for range 2 {
		wg.Go(func() {
			for b := range work {
				if context.Cause(ctx) != nil {
					continue
				}
				if err := process(b); err != nil {
					cancel(err)
				}
			}
		})
	}
	rowsBefore := 0
	var cur []*Entry
	send := func() bool {
		if len(cur) == 0 {
			return true
		}
		b := batch{entries: cur, rows: es.rows() - rowsBefore}
		rowsBefore, cur = es.rows(), nil
		select {
		case work <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var readErr error
	for readErr == nil && ctx.Err() == nil {
		e, err := es.next()
		if errors.Is(err, io.EOF) {
			send()
			break
		}
		if err != nil {
			readErr = err
			break
		}
		cur = append(cur, e)
		if len(cur) >= chunk && !send() {
			break
		}
	}
	close(work)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	if readErr != nil {
		return readErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !job.Commit {
		job.RowsTotal = job.RowsDone
	}
	return nil
}

// countRows reads the whole file once, as rows only: it must read to its
// end before a commit starts, and cheaply.
func countRows(ctx context.Context, src Source) (int, error) {
	if src.Format == FormatJSONL {
		j := NewJSONLReader(io.NewSectionReader(src.File, 0, src.Size))
		for {
			if _, err := j.readLine(); errors.Is(err, io.EOF) {
				return j.line, nil
			} else if err != nil {
				return 0, err
			}
			if j.line++; j.line%4096 == 0 && ctx.Err() != nil {
				return 0, ctx.Err()
			}
		}
	}
	rr, closer, err := src.rowReader()
	if err != nil {
		return 0, err
	}
	defer closer()
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		row, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if row == nil && err != nil {
			return 0, err
		}
	}
}

// Header reads the header row of a CSV or XLSX source.
func (src Source) Header() ([]string, error) {
	rr, closer, err := src.rowReader()
	if err != nil {
		return nil, err
	}
	defer closer()
	return rr.Header(), nil
}
