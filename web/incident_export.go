package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"vrs"
	"vrs/export"
)

// exportRoutes registers the export pages.
func (s *Server) exportRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /incidents/export", s.incidentExport)
}

// incidentExport downloads the incidents of the list's filter, as the
// list shows them to the user (through the access rule), in the chosen
// format. Other countries' records come pseudonymised: the list states no
// purpose.
func (s *Server) incidentExport(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !u.HasDataRole() {
		s.error(w, r, vrs.Forbidden())
		return
	}
	svc, ok := s.store.(vrs.ExportService)
	if !ok {
		s.error(w, r, vrs.Errorf(vrs.EINTERNAL, "error.internal"))
		return
	}
	q := r.URL.Query()
	format, ok := export.Lookup(q.Get("format"))
	if !ok {
		s.error(w, r, &vrs.Error{Code: vrs.EINVALID, Message: "export.error.format_ui", Args: []any{strings.Join(export.Names(), ", ")},
			Fields: map[string]string{"format": "export.field.format"}})
		return
	}
	form := listFilter{
		Type: q.Get("type"), Status: q.Get("status"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
		Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), Agency: q.Get("agency"),
		Nationality: strings.ToUpper(strings.TrimSpace(q.Get("nationality"))), Route: strings.ToUpper(strings.TrimSpace(q.Get("route"))),
		Q: strings.TrimSpace(q.Get("q")),
	}
	f, errs := parseListFilter(q, form)
	if len(errs) > 0 {
		s.error(w, r, vrs.FieldErrors(errs))
		return
	}
	ServeExport(w, r, svc, f, format, func(err error) { s.error(w, r, err) })
}

// ExportFileName is the name a download of incidents is saved under.
func ExportFileName(f export.Format, at time.Time) string {
	return "vrs-incidents-" + at.UTC().Format("20060102-150405") + f.Ext
}

// ServeExport streams the export as a download. The status and headers go
// out with the first byte, so that an error before it (a filter the store
// refuses, no right) is still answered by fail; after it, the connection
// is cut, so that no client takes a truncated file for a whole one.
func ServeExport(w http.ResponseWriter, r *http.Request, svc vrs.ExportService, f vrs.IncidentFilter, format export.Format, fail func(error)) {
	// An export of a whole installation takes longer than the server's
	// write timeout, which is there for ordinary pages.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	h := w.Header()
	lw := &lazyWriter{w: w, start: func() {
		h.Set("Content-Type", format.ContentType)
		h.Set("Content-Disposition", `attachment; filename="`+ExportFileName(format, time.Now())+`"`)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
	}}
	err := Export(r.Context(), svc, f, format, lw)
	switch {
	case err == nil && !lw.started:
		lw.start() // an empty JSON Lines file
	case err != nil && !lw.started:
		fail(err)
	case err != nil:
		if r.Context().Err() == nil {
			slog.Error("export cut off", "path", r.URL.Path, "format", format.Name, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
}

// Export writes what svc exports for f to out in format: the writer is
// closed (the file finished) only when every incident went through, and
// what it spooled is freed either way.
func Export(ctx context.Context, svc vrs.ExportService, f vrs.IncidentFilter, format export.Format, out io.Writer) error {
	w, err := format.New(out)
	if err != nil {
		return err
	}
	if err := svc.ExportIncidents(ctx, f, w.Write); err != nil {
		export.Discard(w)
		return err
	}
	return w.Close()
}

// lazyWriter calls start before the first byte it writes.
type lazyWriter struct {
	w       io.Writer
	start   func()
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start()
	}
	return l.w.Write(p)
}
