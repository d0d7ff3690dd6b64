package web

import (
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"vrs"
	"vrs/access"
	"vrs/htcds"
	"vrs/importer"
)

// importRoutes registers the import pages. A job's pages live under
// /imports/jobs/{id}: /imports/{id}/... would overlap the templates'
// /imports/templates/{file}, which the mux refuses.
func (s *Server) importRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /imports", s.importList)
	m.HandleFunc("POST /imports", s.importUpload)
	m.HandleFunc("GET /imports/jobs/{id}", s.importJob)
	m.HandleFunc("GET /imports/jobs/{id}/progress", s.importProgress)
	m.HandleFunc("POST /imports/jobs/{id}/cancel", s.importCancel)
	m.HandleFunc("POST /imports/jobs/{id}/commit", s.importCommit)
	m.HandleFunc("GET /imports/jobs/{id}/errors.csv", s.importErrors(importer.FormatCSV))
	m.HandleFunc("GET /imports/jobs/{id}/errors.xlsx", s.importErrors(importer.FormatXLSX))
	m.HandleFunc("GET /imports/jobs/{id}/mapping", s.importMapping)
	m.HandleFunc("POST /imports/jobs/{id}/mapping", s.importMappingPost)
	m.HandleFunc("POST /imports/jobs/{id}/mapping/load", s.importMappingLoad)
}

// MaxUploadBytes bounds the body of an import upload: the importer's
// largest file and room for the form around it.
const MaxUploadBytes = importer.DefaultMaxFileBytes + 1<<20

// maxMappingUpload bounds the body of a saved mapping's upload.
const maxMappingUpload = 16<<20 + 1<<20

// bodyLimit is the largest body a request may carry, and the error that
// refuses a larger one: imports upload whole files, every other route
// takes forms and JSON of at most MaxBodyBytes.
func (s *Server) bodyLimit(r *http.Request) (int64, error) {
	if r.Method == http.MethodPost {
		switch p := r.URL.Path; {
		case p == "/imports" || p == "/api/v1/imports":
			return MaxUploadBytes, vrs.Errorf(vrs.ETOOLARGE, "import.error.file_too_large", int64(importer.DefaultMaxFileBytes))
		case strings.HasPrefix(p, "/imports/jobs/") && strings.HasSuffix(p, "/mapping/load"):
			return maxMappingUpload, vrs.Errorf(vrs.ETOOLARGE, "import.ui.error.mapping_too_large")
		}
	}
	return MaxBodyBytes, vrs.Errorf(vrs.ETOOLARGE, "error.body_too_large", MaxBodyBytes>>10)
}

// streamsOwnForm reports whether a page request is a file upload whose
// handler reads the form as a stream and checks its CSRF token itself
// (the form's first part; see readUpload): parsing it here would spool the
// file to disk unencrypted.
func streamsOwnForm(r *http.Request) bool {
	if r.Method != http.MethodPost || isAPI(r) || !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return false
	}
	p := r.URL.Path
	return p == "/imports" || (strings.HasPrefix(p, "/imports/jobs/") && strings.HasSuffix(p, "/mapping/load"))
}

// imports returns the job manager, or an internal error when the server
// runs without one.
func (s *Server) imports() (*importer.Manager, error) {
	if s.Imports == nil {
		return nil, vrs.Errorf(vrs.EINTERNAL, "error.internal")
	}
	return s.Imports, nil
}

type importAgency struct {
	ID       int64
	Name     string
	Selected bool
}

type importListData struct {
	Jobs     []importJobRow
	Agencies []importAgency
	Status   string
}

type importJobRow struct {
	Job    *vrs.ImportJob
	Status string
	Badge  string
	Kind   string
	Agency string
}

// importList shows the user's imports and the upload form.
func (s *Server) importList(w http.ResponseWriter, r *http.Request) {
	s.renderImportList(w, r, http.StatusOK, nil, 0, "")
}

func (s *Server) renderImportList(w http.ResponseWriter, r *http.Request, status int, failure error, agency int64, recordStatus string) {
	u := stateOf(r).user
	if err := MayUseTemplates(u); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	p := s.newPage(r, "import.ui.list.title")
	names, err := s.agencyNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := importListData{Status: recordStatus}
	if d.Status == "" {
		d.Status = string(vrs.StatusDraft)
	}
	for i, id := range u.CaptureAgencies() {
		d.Agencies = append(d.Agencies, importAgency{ID: id, Name: names[id], Selected: id == agency || (agency == 0 && i == 0)})
	}
	jobs, err := s.store.ListImportJobs(ctx, 50)
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, j := range jobs {
		d.Jobs = append(d.Jobs, importJobRow{Job: j, Status: p.T("import.ui.status." + string(j.Status)), Badge: jobBadge(j.Status),
			Kind: p.T(pick(j.Commit, "import.ui.kind.commit", "import.ui.kind.dry")), Agency: names[j.AgencyID]})
	}
	if failure != nil {
		p.Error, p.Fields = s.cat.Error(p.Lang, failure)
	}
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, status, "imports", p)
}

// agencyNames names every agency, for the pages that show ids.
func (s *Server) agencyNames(r *http.Request) (map[int64]string, error) {
	list, err := s.store.ListAgencies(r.Context(), vrs.AgencyFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(list))
	for _, a := range list {
		out[a.ID] = a.Name
	}
	return out, nil
}

func jobBadge(st vrs.ImportJobStatus) string {
	switch st {
	case vrs.JobDone:
		return "on"
	case vrs.JobFailed, vrs.JobCancelled, vrs.JobInterrupted:
		return "off"
	}
	return ""
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// importUpload takes a file, keeps it (encrypted) as a queued job, and
// goes on: files in VRS's own layout (a filled template, JSON Lines) go
// straight to a dry run, others to the mapping page.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	u := stateOf(r).user
	if err := MayUseTemplates(u); err != nil {
		s.error(w, r, err)
		return
	}
	mgr, err := s.imports()
	if err != nil {
		s.error(w, r, err)
		return
	}
	// A large file takes longer to arrive than the server's read timeout,
	// which is there for ordinary forms.
	_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
	ctx := r.Context()
	var job *vrs.ImportJob
	var agency int64
	var recordStatus string
	vals, err := s.readUpload(r, "file", func(vals map[string]string, name string, file io.Reader) error {
		recordStatus = vals["record_status"]
		agency = u.CaptureAgencies()[0]
		if v, ok := vals["agency_id"]; ok {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return vrs.FieldErrors(map[string]string{"agency_id": "import.ui.error.agency"})
			}
			agency = id
		}
		if err := access.CaptureIncident(u, agency); err != nil {
			return vrs.FieldErrors(map[string]string{"agency_id": "import.ui.error.agency"})
		}
		switch vrs.IncidentStatus(recordStatus) {
		case "", vrs.StatusDraft, vrs.StatusSubmitted:
		default:
			return vrs.FieldErrors(map[string]string{"record_status": "import.record_status"})
		}
		name = uploadName(name)
		format := importer.FormatOf(name)
		if format == "" {
			return vrs.Errorf(vrs.EINVALID, "import.ui.error.format", name)
		}
		job = &vrs.ImportJob{AgencyID: agency, FileName: name, Format: format, RecordStatus: vrs.IncidentStatus(recordStatus)}
		return mgr.Upload(ctx, job, file)
	})
	if err == nil && job == nil {
		err = vrs.FieldErrors(map[string]string{"file": "import.ui.error.no_file"})
	}
	if err != nil {
		if vrs.ErrorCode(err) == vrs.EFORBIDDEN || vrs.ErrorCode(err) == vrs.EUNAUTHORIZED || vrs.ErrorCode(err) == vrs.EINTERNAL {
			s.error(w, r, err)
			return
		}
		_ = vals
		s.renderImportList(w, r, Status(vrs.ErrorCode(err)), err, agency, recordStatus)
		return
	}
	if job.Format != importer.FormatJSONL {
		header, _, perr := mgr.Preview(ctx, job.ID, nil, 0)
		if perr == nil && htcds.Looks(header) {
			// A file in HTCDS 2.0's names maps itself; the dry run shows
			// what it gives, and the mapping page stays open to change it.
			run, err := mgr.Run(ctx, job.ID, htcds.ImportMapping(header), false)
			if err != nil {
				s.error(w, r, err)
				return
			}
			seeOther(w, r, "/imports/jobs/"+strconv.FormatInt(run.ID, 10), "")
			return
		}
		if perr == nil && !ownLayout(header) {
			seeOther(w, r, "/imports/jobs/"+strconv.FormatInt(job.ID, 10)+"/mapping", "")
			return
		}
		// A file that cannot be read goes to a dry run too: the job fails
		// with the reader's reason, shown on its page.
	}
	run, err := mgr.Run(ctx, job.ID, nil, false)
	if err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/imports/jobs/"+strconv.FormatInt(run.ID, 10), "")
}

// ownLayout reports whether a header is in VRS's own layout, as in the
// templates: a reference column, and every other named column a field
// path or the error report's column (a fixed report imports as it is).
func ownLayout(header []string) bool {
	ref := false
	for _, h := range header {
		k := strings.ToLower(strings.Join(strings.Fields(strings.TrimPrefix(h, "\ufeff")), " "))
		if k == "" || k == importer.ReportColumn {
			continue
		}
		if _, ok := importer.LookupField(k); !ok {
			return false
		}
		ref = ref || k == "reference"
	}
	return ref
}

// uploadName keeps the last element of a file name as browsers send it
// (some send a whole Windows path), bounded.
func uploadName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "_")
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if len(name) > 200 {
		ext := filepath.Ext(name)
		if len(ext) > 10 {
			ext = ""
		}
		name = strings.ToValidUTF8(name[:200-len(ext)], "") + ext
	}
	if name == "." || name == "/" {
		name = ""
	}
	return name
}
