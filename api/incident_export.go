package api

import (
	"net/http"
	"net/url"
	"strings"

	"vrs"
	"vrs/export"
	"vrs/web"
)

// exportRoutes registers the export endpoints.
func (a *API) exportRoutes(mux *http.ServeMux) {
	a.handle(mux, "GET", Prefix+"/incidents/export", a.incidentExport)
}

// exportPagingParams are the list's paging parameters, which an export
// (every page, in id order) refuses rather than ignores.
var exportPagingParams = []string{"sort", "after", "limit"}

// incidentExport streams every incident the list's filter selects and the
// caller may read as a record, each as GET /incidents/{id} answers it, in
// the format asked for (jsonl by default).
func (a *API) incidentExport(w http.ResponseWriter, r *http.Request) {
	svc, ok := a.store.(vrs.ExportService)
	if !ok {
		a.error(w, r, vrs.Errorf(vrs.EINTERNAL, "error.internal"))
		return
	}
	pr, err := withPurpose(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	r = pr
	format, f, err := parseExport(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.ServeExport(w, r, svc, f, format, func(err error) { a.error(w, r, err) })
}

// parseExport reads the format and the list's filters, strictly.
func parseExport(r *http.Request) (export.Format, vrs.IncidentFilter, error) {
	all, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return export.Format{}, vrs.IncidentFilter{}, vrs.Errorf(vrs.EINVALID, "api.error.query_syntax")
	}
	name := export.JSONL
	switch vs := all["format"]; {
	case len(vs) > 1:
		return export.Format{}, vrs.IncidentFilter{}, queryError("api.error.query_repeated", "format", "api.field.duplicate")
	case len(vs) == 1:
		name = vs[0]
	}
	format, ok := export.Lookup(name)
	if !ok {
		return format, vrs.IncidentFilter{}, queryError("export.error.format", "format", "export.field.format", strings.Join(export.Names(), ", "))
	}
	for _, k := range exportPagingParams {
		if _, ok := all[k]; ok {
			return format, vrs.IncidentFilter{}, queryError("api.error.query_unknown", k, "api.field.unknown")
		}
	}
	all.Del("format")
	lr := r.Clone(r.Context())
	lr.URL.RawQuery = all.Encode()
	f, _, err := parseIncidentFilter(lr)
	return format, f, err
}
