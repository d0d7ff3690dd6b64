package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"vrs"
)

// form reads a submitted form and checks that every value is valid UTF-8,
// so that handlers never store or echo broken text.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return vrs.Errorf(vrs.ETOOLARGE, "error.body_too_large", MaxBodyBytes>>10)
		}
		return vrs.Errorf(vrs.EINVALID, "error.form")
	}
	for name, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) || !utf8.ValidString(name) {
				return vrs.FieldErrors(map[string]string{name: "field.utf8"})
			}
		}
	}
	return nil
}

// pathID reads a numeric path parameter; a malformed one is a missing page.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, vrs.NotFound("page")
	}
	return id, nil
}

// requireUser returns the fully signed-in user, or EUNAUTHORIZED.
func requireUser(r *http.Request) (*vrs.User, error) {
	if u := stateOf(r).user; u != nil {
		return u, nil
	}
	return nil, vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
}

// seeOther redirects after a successful POST, with an optional flash key
// carried in the query string (no server-side state needed).
func seeOther(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + flash
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// flash reads a flash key, accepting only known "flash." keys.
func (s *Server) flash(r *http.Request) string {
	key := "flash." + r.URL.Query().Get("flash")
	if s.cat.Has("en", key) {
		return s.cat.T(stateOf(r).lang, key)
	}
	return ""
}
