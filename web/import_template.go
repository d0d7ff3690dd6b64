package web

import (
	"bytes"
	"net/http"
	"strings"

	"vrs"
	"vrs/i18n"
	"vrs/importer"
	"vrs/refdata"
)

// templateRoutes registers the template pages.
func (s *Server) templateRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /imports/templates", s.templateList)
	m.HandleFunc("GET /imports/templates/{file}", s.templateDownload)
}

// MayUseTemplates: the templates are for those who record incidents
// (reporters with an agency to capture for).
func MayUseTemplates(u *vrs.User) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if !u.HasRole(vrs.RoleReporter) || len(u.CaptureAgencies()) == 0 {
		return vrs.Errorf(vrs.EFORBIDDEN, "error.incident_capture")
	}
	return nil
}

type templateLink struct{ Href, Label string }

type templateRow struct {
	Type, Label string
	Links       []templateLink
}

// templateList lists the downloads of every incident type.
func (s *Server) templateList(w http.ResponseWriter, r *http.Request) {
	u := stateOf(r).user
	if err := MayUseTemplates(u); err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "import.template.page.title")
	var rows []templateRow
	for _, t := range vrs.IncidentTypes {
		row := templateRow{Type: string(t), Label: refdata.CodeLabel("incident_type", string(t))}
		for _, f := range importer.TemplateFormats {
			href := "/imports/templates/" + string(t) + "." + f
			if f == importer.TemplateColumnsCSV {
				href = "/imports/templates/" + string(t) + ".csv?part=columns"
			}
			row.Links = append(row.Links, templateLink{Href: href, Label: p.T("import.template.page." + f)})
		}
		rows = append(rows, row)
	}
	p.Data = rows
	s.render(w, r, http.StatusOK, "import_template", p)
}

// templateDownload answers /imports/templates/{type}.{xlsx|csv|jsonl}; the
// CSV's column descriptions are {type}.csv?part=columns.
func (s *Server) templateDownload(w http.ResponseWriter, r *http.Request) {
	if err := MayUseTemplates(stateOf(r).user); err != nil {
		s.error(w, r, err)
		return
	}
	file := r.PathValue("file")
	typ, format, ok := strings.Cut(file, ".")
	if !ok {
		format = ""
	}
	if format == importer.TemplateCSV && r.URL.Query().Get("part") == "columns" {
		format = importer.TemplateColumnsCSV
	} else if format == importer.TemplateColumnsCSV {
		format = "" // only as the CSV's part
	}
	ServeTemplate(w, r, s.cat, vrs.IncidentType(typ), format, func(err error) { s.error(w, r, err) })
}

// ServeTemplate answers a template download in the requester's language
// (the API's too), or calls fail with the error before anything is
// written. The caller checks who may download (MayUseTemplates).
func ServeTemplate(w http.ResponseWriter, r *http.Request, cat *i18n.Catalog, t vrs.IncidentType, format string, fail func(error)) {
	lang := stateOf(r).lang
	tr := func(key string, args ...any) string { return cat.T(lang, key, args...) }
	ctype, name, err := importer.TemplateFile(t, format)
	if err != nil {
		fail(err)
		return
	}
	var buf bytes.Buffer
	if err := importer.WriteTemplate(&buf, t, format, tr); err != nil {
		fail(err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
}
