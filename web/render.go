package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"vrs"
	"vrs/access"
)

//go:embed templates
var templateFS embed.FS

// page is what every template receives.
type page struct {
	T       func(key string, args ...any) string
	User    *vrs.User
	Pending *vrs.User
	CSRF    string
	Lang    string
	Title   string
	Nav     []navItem
	Path    string
	Flash   string
	// Error and Fields show a failed form's problems.
	Error  string
	Fields map[string]string
	Data   any
}

type navItem struct {
	Href, Label string
	Active      bool
}

// Status maps an error code to its HTTP status.
func Status(code string) int {
	switch code {
	case vrs.EINVALID:
		return http.StatusBadRequest
	case vrs.ENOTFOUND:
		return http.StatusNotFound
	case vrs.EFORBIDDEN:
		return http.StatusForbidden
	case vrs.ECONFLICT:
		return http.StatusConflict
	case vrs.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case vrs.ETOOMANY:
		return http.StatusTooManyRequests
	case vrs.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"static": s.static.URL,
		"date": func(v any) string {
			var t time.Time
			switch x := v.(type) {
			case time.Time:
				t = x
			case *time.Time:
				if x != nil {
					t = *x
				}
			}
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"join": func(items any) string {
			switch v := items.(type) {
			case []vrs.Role:
				out := make([]string, len(v))
				for i, r := range v {
					out[i] = string(r)
				}
				return strings.Join(out, ", ")
			case []string:
				return strings.Join(v, ", ")
			}
			return ""
		},
		"hasRole": func(u *vrs.User, r string) bool { return u.HasRole(vrs.Role(r)) },
		"contains": func(list []vrs.Role, r vrs.Role) bool {
			for _, x := range list {
				if x == r {
					return true
				}
			}
			return false
		},
	}
	// Partials are pieces that several pages show (templates/partials).
	layout, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// newPage fills what every page shows: the user, the navigation, the token.
func (s *Server) newPage(r *http.Request, titleKey string) *page {
	st := stateOf(r)
	p := &page{User: st.user, Pending: st.pending, Lang: st.lang, Path: r.URL.Path}
	p.T = func(key string, args ...any) string { return s.cat.T(p.Lang, key, args...) }
	p.Title = p.T(titleKey)
	if st.session != nil {
		p.CSRF = st.session.CSRFToken
	}
	if p.User != nil {
		p.Nav = s.nav(r, p.User)
	}
	return p
}

// nav lists what the user's roles open.
func (s *Server) nav(r *http.Request, u *vrs.User) []navItem {
	items := []navItem{{Href: "/", Label: "nav.home"}}
	if u.HasDataRole() {
		items = append(items, navItem{Href: "/incidents", Label: "nav.incidents"}, navItem{Href: "/analysis/pivot", Label: "nav.analysis"})
	}
	if u.HasRole(vrs.RoleReviewer) {
		items = append(items, navItem{Href: "/review", Label: "nav.review"})
	}
	if MayUseTemplates(u) == nil {
		items = append(items, navItem{Href: "/imports", Label: "nav.imports"})
	}
	if access.CanManageSomeCountry(u) {
		items = append(items, navItem{Href: "/admin/agencies", Label: "nav.agencies"}, navItem{Href: "/admin/users", Label: "nav.users"})
		items = append(items, navItem{Href: "/admin/audit", Label: "nav.audit"})
	}
	if access.ManageInstallation(u) == nil {
		items = append(items, navItem{Href: "/admin/countries", Label: "nav.countries"}, navItem{Href: "/admin/settings", Label: "nav.settings"})
		items = append(items, navItem{Href: "/admin/rules", Label: "nav.rules"})
	}
	items = append(items, navItem{Href: "/account", Label: "nav.account"})
	for i := range items {
		items[i].Active = items[i].Href == r.URL.Path || (items[i].Href != "/" && strings.HasPrefix(r.URL.Path, items[i].Href))
		items[i].Label = s.cat.T(stateOf(r).lang, items[i].Label)
	}
	return items
}

// render writes a page with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "template", name, "err", err)
		http.Error(w, s.cat.T(p.Lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// ErrorBody is the one error shape of the JSON API.
type ErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// error answers with err: JSON on the API, an error page elsewhere.
// Internal errors are logged (never their request data) and shown as a
// generic message.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	e := vrs.AsError(err)
	if e.Code == vrs.EINTERNAL && r.Context().Err() != nil {
		// The client went away mid-request: nobody reads an answer, and it
		// is not the server's fault.
		s.log.Debug("request cancelled", "method", r.Method, "path", r.URL.Path)
		return
	}
	if e.Code == vrs.EINTERNAL {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		WriteError(w, r, s.cat, err)
		return
	}
	if e.Code == vrs.EUNAUTHORIZED && r.Method == http.MethodGet {
		next := url.QueryEscape(safeNext(r.URL.RequestURI()))
		switch pending := stateOf(r).pending; {
		case pending != nil && pending.TOTPEnabled:
			http.Redirect(w, r, "/signin/second-factor?next="+next, http.StatusSeeOther)
		case pending != nil:
			http.Redirect(w, r, "/account/second-factor", http.StatusSeeOther)
		default:
			http.Redirect(w, r, "/signin?next="+next, http.StatusSeeOther)
		}
		return
	}
	p := s.newPage(r, "errorpage."+e.Code+".title")
	p.Error, p.Fields = s.cat.Error(p.Lang, err)
	p.Data = "errorpage." + e.Code + ".hint"
	s.render(w, r, Status(e.Code), "error", p)
}

// WriteError writes the API's error body.
func WriteError(w http.ResponseWriter, r *http.Request, cat interface {
	Error(lang string, err error) (string, map[string]string)
}, err error) {
	e := vrs.AsError(err)
	msg, fields := cat.Error(stateOf(r).lang, err)
	if e.Code == vrs.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vrs"`)
	}
	WriteJSON(w, Status(e.Code), ErrorBody{Code: e.Code, Message: msg, Fields: fields})
}

// WriteJSON writes v as the response body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// safeNext keeps a post-sign-in redirect on this site: a path, never a
// scheme or host, and nothing a browser would clean into one ("/\t/x").
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2000 {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.error(w, r, vrs.NotFound("page"))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Error("healthz", "err", err)
		http.Error(w, "store unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
