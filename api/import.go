package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"vrs"
	"vrs/i18n"
	"vrs/importer"
	"vrs/web"
)

// importRoutes registers the import endpoints.
func (a *API) importRoutes(mux *http.ServeMux) {
	a.handle(mux, "GET", Prefix+"/imports", a.importList)
	a.handle(mux, "POST", Prefix+"/imports", a.importCreate)
	a.handle(mux, "GET", Prefix+"/imports/{id}", a.importGet)
	a.handle(mux, "GET", Prefix+"/imports/{id}/problems", a.importProblems)
	a.handle(mux, "GET", Prefix+"/imports/{id}/errors", a.importErrors)
	a.handle(mux, "POST", Prefix+"/imports/{id}/cancel", a.importCancel)
	a.handle(mux, "POST", Prefix+"/imports/{id}/commit", a.importCommit)
}

// Bounds of the problem pages.
const (
	defaultProblems = 100
	maxProblems     = 1000
)

// importer returns the job manager after checking that the caller records
// incidents.
func (a *API) importer(r *http.Request) (*importer.Manager, error) {
	if err := web.MayUseTemplates(vrs.UserFromContext(r.Context())); err != nil {
		return nil, err
	}
	if a.Imports == nil {
		return nil, vrs.Errorf(vrs.EINTERNAL, "error.internal")
	}
	return a.Imports, nil
}

func (a *API) importList(w http.ResponseWriter, r *http.Request) {
	if _, err := a.importer(r); err != nil {
		a.error(w, r, err)
		return
	}
	q, err := parseQuery(r, "limit")
	if err != nil {
		a.error(w, r, err)
		return
	}
	limit, err := q.int64("limit", 1, 500)
	if err != nil {
		a.error(w, r, err)
		return
	}
	jobs, err := a.store.ListImportJobs(r.Context(), int(limit))
	if err != nil {
		a.error(w, r, err)
		return
	}
	out := make([]*importer.Status, len(jobs))
	now := time.Now()
	for i, j := range jobs {
		out[i] = importer.StatusOf(j, now)
	}
	writeList(w, out)
}

// importCreate takes a file, as the body or as the multipart part "file"
// (with an optional part "mapping", a saved mapping's JSON), and starts a
// dry run of it, or its commit with commit=true.
func (a *API) importCreate(w http.ResponseWriter, r *http.Request) {
	mgr, err := a.importer(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	u := vrs.UserFromContext(r.Context())
	q, err := parseQuery(r, "agency_id", "format", "commit", "status", "file_name")
	if err != nil {
		a.error(w, r, err)
		return
	}
	agency, err := q.int64("agency_id", 1, 1<<62)
	if err != nil {
		a.error(w, r, err)
		return
	}
	if agency == 0 {
		if ids := u.CaptureAgencies(); len(ids) == 1 {
			agency = ids[0]
		} else {
			a.error(w, r, queryError("import.api.agency_needed", "agency_id", "field.required"))
			return
		}
	}
	commit, err := q.bool("commit")
	if err != nil {
		a.error(w, r, err)
		return
	}
	format := q.str("format")
	if format != "" && importer.FormatOf("x."+format) != format {
		a.error(w, r, queryError("import.api.format", "format", "import.api.field.format"))
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
	ctx := r.Context()
	var job *vrs.ImportJob
	var mapping *importer.Mapping
	newJob := func(name string) (*vrs.ImportJob, error) {
		if n := q.str("file_name"); n != "" {
			name = n
		}
		f := format
		if f == "" {
			f = importer.FormatOf(name)
		}
		if f == "" {
			return nil, queryError("import.api.format_needed", "format", "import.api.field.format")
		}
		if name == "" {
			name = "upload." + f
		}
		if len(name) > 200 {
			name = name[:200]
		}
		// The upload job runs itself when it is of the run's kind.
		job := &vrs.ImportJob{AgencyID: agency, FileName: strings.ToValidUTF8(name, "_"), Format: f, RecordStatus: vrs.IncidentStatus(q.str("status")), Commit: commit}
		if mapping != nil {
			b, err := json.Marshal(mapping)
			if err != nil {
				return nil, err
			}
			job.Mapping = string(b)
		}
		return job, nil
	}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if strings.HasPrefix(ct, "multipart/") && (ct != "multipart/form-data" || params["boundary"] == "") {
		// Another multipart body would be taken as the file itself.
		a.error(w, r, withStatus(http.StatusUnsupportedMediaType, vrs.Errorf(vrs.EINVALID, "import.api.multipart", echo(r.Header.Get("Content-Type")))))
		return
	}
	if ct == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			a.error(w, r, vrs.Errorf(vrs.EINVALID, "error.form"))
			return
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				a.error(w, r, bodyError(err))
				return
			}
			switch part.FormName() {
			case "mapping":
				if mapping, err = importer.LoadMapping(part); err != nil {
					a.error(w, r, err)
					return
				}
			case "file":
				if job != nil {
					a.error(w, r, vrs.Errorf(vrs.EINVALID, "import.api.one_file"))
					return
				}
				if job, err = newJob(part.FileName()); err == nil {
					err = mgr.Upload(ctx, job, part)
				}
				if err != nil {
					a.error(w, r, err)
					return
				}
			default:
				a.error(w, r, vrs.Errorf(vrs.EINVALID, "import.api.part", echo(part.FormName())))
				return
			}
		}
		if job == nil {
			a.error(w, r, vrs.Errorf(vrs.EINVALID, "import.api.no_file"))
			return
		}
	} else {
		if job, err = newJob(""); err != nil {
			a.error(w, r, err)
			return
		}
		if err := mgr.Upload(ctx, job, r.Body); err != nil {
			a.error(w, r, bodyError(err))
			return
		}
	}
	run, err := mgr.Run(ctx, job.ID, mapping, commit)
	if err != nil {
		a.error(w, r, err)
		return
	}
	a.writeAccepted(w, r, mgr, run.ID)
}

// writeAccepted answers 202 with a job just started and where to follow it.
func (a *API) writeAccepted(w http.ResponseWriter, r *http.Request, mgr *importer.Manager, id int64) {
	st, err := mgr.Status(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/imports/"+strconv.FormatInt(id, 10))
	web.WriteJSON(w, http.StatusAccepted, st)
}

// bodyError says why a body could not be read: too large, or cut off.
func bodyError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return vrs.Errorf(vrs.ETOOLARGE, "import.error.file_too_large", int64(importer.DefaultMaxFileBytes))
	}
	if _, ok := err.(*vrs.Error); ok {
		return err
	}
	return vrs.Errorf(vrs.EINVALID, "import.error.file_read")
}

// importJob reads the manager and the job id of a request on one job.
func (a *API) importJob(w http.ResponseWriter, r *http.Request) (*importer.Manager, int64, bool) {
	mgr, err := a.importer(r)
	if err == nil {
		var id int64
		if id, err = pathID(r, "id", "import_job"); err == nil {
			return mgr, id, true
		}
	}
	a.error(w, r, err)
	return nil, 0, false
}

func (a *API) importGet(w http.ResponseWriter, r *http.Request) {
	mgr, id, ok := a.importJob(w, r)
	if !ok {
		return
	}
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	st, err := mgr.Status(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, st)
}

// apiProblem is a problem with its reason in words.
type apiProblem struct {
	importer.Problem
	Reason string `json:"reason"`
}

type problemPage struct {
	Items  []apiProblem `json:"items"`
	Count  int          `json:"count"`
	Total  int          `json:"total"`
	Offset int          `json:"offset"`
}

func (a *API) importProblems(w http.ResponseWriter, r *http.Request) {
	mgr, id, ok := a.importJob(w, r)
	if !ok {
		return
	}
	q, err := parseQuery(r, "offset", "limit")
	if err != nil {
		a.error(w, r, err)
		return
	}
	offset, err := q.int64("offset", 0, 1<<31)
	if err != nil {
		a.error(w, r, err)
		return
	}
	limit, err := q.int64("limit", 1, maxProblems)
	if err != nil {
		a.error(w, r, err)
		return
	}
	if limit == 0 {
		limit = defaultProblems
	}
	probs, total, err := mgr.Problems(r.Context(), id, int(offset), int(limit))
	if err != nil {
		a.error(w, r, err)
		return
	}
	lang := i18n.Fallback
	out := problemPage{Items: make([]apiProblem, len(probs)), Count: len(probs), Total: total, Offset: int(offset)}
	for i, p := range probs {
		out.Items[i] = apiProblem{Problem: p, Reason: a.cfg.Catalog.T(lang, p.Message, p.Args...)}
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (a *API) importErrors(w http.ResponseWriter, r *http.Request) {
	mgr, id, ok := a.importJob(w, r)
	if !ok {
		return
	}
	q, err := parseQuery(r, "format")
	if err != nil {
		a.error(w, r, err)
		return
	}
	format := q.str("format")
	switch format {
	case "":
		format = importer.FormatCSV
	case importer.FormatCSV, importer.FormatXLSX:
	default:
		a.error(w, r, queryError("import.api.report_format", "format", "import.api.field.report_format"))
		return
	}
	web.ServeErrorReport(w, r, a.cfg.Catalog, mgr, id, format, func(err error) { a.error(w, r, err) })
}

func (a *API) importCancel(w http.ResponseWriter, r *http.Request) {
	mgr, id, ok := a.importJob(w, r)
	if !ok {
		return
	}
	if err := mgr.Cancel(r.Context(), id); err != nil {
		a.error(w, r, err)
		return
	}
	st, err := mgr.Status(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, st)
}

// importCommit commits the file of a finished dry run, with its mapping,
// as a new job.
func (a *API) importCommit(w http.ResponseWriter, r *http.Request) {
	mgr, id, ok := a.importJob(w, r)
	if !ok {
		return
	}
	job, err := mgr.Commit(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	a.writeAccepted(w, r, mgr, job.ID)
}
