package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"vrs"
	"vrs/i18n"
	"vrs/importer"
)

// problemsPerPage is how many problems a job page lists at once.
const problemsPerPage = 50

type importJobData struct {
	Job      *vrs.ImportJob
	Status   string
	Badge    string
	Kind     string
	Agency   string
	Percent  int
	Known    bool // the total is known: the bar shows a share
	Rate     string
	Left     string
	Active   bool // queued or running: the page follows it
	Waiting  bool // uploaded, not run yet: it waits for its mapping
	Mappable bool // a table (CSV, XLSX): a mapping applies
	Failed   string
	Summary  []string
	Problems []importProblemRow
	Total    int
	From, To int
	Prev     string
	Next     string
	Report   bool // there are rejected rows to download
	Commit   bool // a finished dry run, ready to commit
	Done     bool // a finished commit
}

type importProblemRow struct {
	Row                   int
	Column, Value, Reason string
}

// jobID reads the job id of the path; a malformed one is a missing page.
func jobID(r *http.Request) (int64, error) { return pathID(r, "id") }

// importJobData gathers what the job page and its progress fragment show.
func (s *Server) importJobData(r *http.Request, p *page, withProblems bool) (*importJobData, error) {
	u := stateOf(r).user
	if err := MayUseTemplates(u); err != nil {
		return nil, err
	}
	mgr, err := s.imports()
	if err != nil {
		return nil, err
	}
	id, err := jobID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	st, err := mgr.Status(ctx, id)
	if err != nil {
		return nil, err
	}
	j := st.Job
	d := &importJobData{Job: j, Status: p.T("import.ui.status." + string(j.Status)), Badge: jobBadge(j.Status),
		Kind: p.T(pick(j.Commit, "import.ui.kind.commit", "import.ui.kind.dry")), Percent: st.Percent, Known: j.RowsTotal > 0 || j.Status == vrs.JobDone,
		Active: !j.Status.Finished(), Mappable: j.Format != importer.FormatJSONL}
	if j.Status == vrs.JobQueued && j.StartedAt.IsZero() && !j.Commit && j.Mapping == "" && d.Mappable {
		// Files in VRS's layout start their dry run at once; others wait
		// for a mapping (which runs as a new job).
		header, _, err := mgr.Preview(ctx, id, nil, 0)
		d.Waiting = err == nil && !ownLayout(header)
	}
	d.Active = d.Active && !d.Waiting
	if st.RowsPerSecond > 0 {
		d.Rate = p.T("import.ui.progress.rate", strconv.FormatFloat(st.RowsPerSecond, 'f', 0, 64))
	}
	if st.RemainingSeconds >= 0 && d.Active && j.RowsTotal > 0 {
		d.Left = p.T("import.ui.progress.left", (time.Duration(st.RemainingSeconds) * time.Second).String())
	}
	if names, err := s.agencyNames(r); err == nil {
		d.Agency = names[j.AgencyID]
	}
	if j.Status == vrs.JobFailed && j.Error != "" {
		d.Failed = p.T(j.Error, j.ErrorArgs...)
	}
	if j.Status == vrs.JobDone || j.Status == vrs.JobCancelled || j.Status == vrs.JobInterrupted {
		d.Summary = summaryLines(p, j)
	}
	d.Commit = j.Status == vrs.JobDone && !j.Commit
	d.Done = j.Status == vrs.JobDone && j.Commit
	if !withProblems || !j.Status.Finished() {
		return d, nil
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	offset = max(0, offset)
	probs, total, err := mgr.Problems(ctx, id, offset, problemsPerPage)
	if err != nil {
		return nil, err
	}
	d.Total, d.Report = total, total > 0
	for _, q := range probs {
		col := q.Column
		if col == "" {
			col = q.Field
		}
		d.Problems = append(d.Problems, importProblemRow{Row: q.Row, Column: col, Value: q.Value, Reason: p.T(q.Message, q.Args...)})
	}
	if len(probs) > 0 {
		d.From, d.To = offset+1, offset+len(probs)
	}
	base := "/imports/jobs/" + strconv.FormatInt(id, 10) + "?offset="
	if offset > 0 {
		d.Prev = base + strconv.Itoa(max(0, offset-problemsPerPage)) + "#problems"
	}
	if offset+len(probs) < total {
		d.Next = base + strconv.Itoa(offset+problemsPerPage) + "#problems"
	}
	return d, nil
}

// summaryLines are the lines vrs import prints after a run.
func summaryLines(p *page, j *vrs.ImportJob) []string {
	c := j.Counts
	head := p.T(pick(j.Commit, "import.summary.committed", "import.summary.dry"), j.FileName, j.RowsDone)
	return []string{head,
		p.T(pick(j.Commit, "import.summary.created", "import.summary.would_create"), c.Created),
		p.T(pick(j.Commit, "import.summary.updated", "import.summary.would_update"), c.Updated),
		p.T("import.summary.unchanged", c.Unchanged),
		p.T("import.summary.rejected", c.Rejected, c.RejectedRows),
	}
}

// importJob shows a job: its progress while it runs, then its summary,
// problems and next steps.
func (s *Server) importJob(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "import.ui.job.title")
	d, err := s.importJobData(r, p, true)
	if err != nil {
		s.error(w, r, err)
		return
	}
	p.Title = p.T("import.ui.job.heading", d.Job.ID, d.Job.FileName)
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, http.StatusOK, "import_job", p)
}

// importProgress answers htmx's polling with the progress fragment; once
// the job has finished it asks for the whole page again, which then shows
// the summary.
func (s *Server) importProgress(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "import.ui.job.title")
	d, err := s.importJobData(r, p, false)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !d.Active {
		w.Header().Set("HX-Refresh", "true")
	}
	p.Data = d
	var buf bytes.Buffer
	if err := s.pages["import_job"].ExecuteTemplate(&buf, "import_progress", p); err != nil {
		s.log.Error("render", "template", "import_progress", "err", err)
		s.error(w, r, vrs.Errorf(vrs.EINTERNAL, "error.internal"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// importCancel stops a queued or running job.
func (s *Server) importCancel(w http.ResponseWriter, r *http.Request) {
	mgr, id, ok := s.importPost(w, r)
	if !ok {
		return
	}
	if err := mgr.Cancel(r.Context(), id); err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/imports/jobs/"+strconv.FormatInt(id, 10), "import_cancelled")
}

// importCommit commits the file of a finished dry run with the dry run's
// mapping, as a new job.
func (s *Server) importCommit(w http.ResponseWriter, r *http.Request) {
	mgr, id, ok := s.importPost(w, r)
	if !ok {
		return
	}
	job, err := mgr.Commit(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/imports/jobs/"+strconv.FormatInt(job.ID, 10), "")
}

// importPost checks the user and the job id of a POST on a job.
func (s *Server) importPost(w http.ResponseWriter, r *http.Request) (*importer.Manager, int64, bool) {
	if err := MayUseTemplates(stateOf(r).user); err != nil {
		s.error(w, r, err)
		return nil, 0, false
	}
	mgr, err := s.imports()
	if err != nil {
		s.error(w, r, err)
		return nil, 0, false
	}
	id, err := jobID(r)
	if err != nil {
		s.error(w, r, err)
		return nil, 0, false
	}
	return mgr, id, true
}

// importErrors downloads a job's error report: the rejected rows as the
// file had them, with a column saying what to fix.
func (s *Server) importErrors(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := MayUseTemplates(stateOf(r).user); err != nil {
			s.error(w, r, err)
			return
		}
		mgr, err := s.imports()
		if err != nil {
			s.error(w, r, err)
			return
		}
		id, err := jobID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		ServeErrorReport(w, r, s.cat, mgr, id, format, func(err error) { s.error(w, r, err) })
	}
}

// ServeErrorReport streams a job's error report as a download (the API's
// too); an error before the first byte goes to fail, one after it cuts
// the connection, so that no one takes a truncated report for a whole one.
func ServeErrorReport(w http.ResponseWriter, r *http.Request, cat *i18n.Catalog, mgr *importer.Manager, id int64, format string, fail func(error)) {
	ctype := "text/csv; charset=utf-8"
	if format == importer.FormatXLSX {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	// A report of a large file takes longer than the write timeout of
	// ordinary pages.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	h := w.Header()
	lw := &lazyWriter{w: w, start: func() {
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="vrs-import-%d-errors.%s"`, id, format))
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
	}}
	err := mgr.ErrorReport(r.Context(), id, format, cat, stateOf(r).lang, lw)
	switch {
	case err != nil && !lw.started:
		fail(err)
	case err != nil:
		panic(http.ErrAbortHandler)
	case !lw.started:
		lw.start()
	}
}
