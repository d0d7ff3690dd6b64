package api

import (
	"net/http"

	"vrs"
	"vrs/importer"
	"vrs/web"
)

// templateRoutes registers the template endpoints.
func (a *API) templateRoutes(mux *http.ServeMux) {
	a.handle(mux, "GET", Prefix+"/import-templates/{type}", a.templateGet)
}

// templateGet answers the import template of an incident type as a file:
// ?format=xlsx (the default), csv, columns (the CSV's column
// descriptions) or jsonl.
func (a *API) templateGet(w http.ResponseWriter, r *http.Request) {
	if err := web.MayUseTemplates(vrs.UserFromContext(r.Context())); err != nil {
		a.error(w, r, err)
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	if _, set := q["format"]; !set {
		format = importer.TemplateXLSX
	}
	web.ServeTemplate(w, r, a.cfg.Catalog, vrs.IncidentType(r.PathValue("type")), format, func(err error) { a.error(w, r, err) })
}
