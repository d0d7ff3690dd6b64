package api

import (
	"net/http"

	"vrs"
	"vrs/web"
)

// countryList lists ISO 3166-1 countries; ?member=true keeps the members
// of the reporting community.
func (a *API) countryList(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "member")
	if err != nil {
		a.error(w, r, err)
		return
	}
	var f vrs.CountryFilter
	if f.MembersOnly, err = q.bool("member"); err != nil {
		a.error(w, r, err)
		return
	}
	cs, err := a.store.ListCountries(r.Context(), f)
	if err != nil {
		a.error(w, r, err)
		return
	}
	writeList(w, cs)
}

// countryGet answers one country by its alpha-2 code (either case).
func (a *API) countryGet(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !isAlpha2(code) {
		a.error(w, r, vrs.NotFound("country"))
		return
	}
	c, err := a.store.FindCountry(r.Context(), code)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, c)
}

// isAlpha2 reports whether s is two ASCII letters.
func isAlpha2(s string) bool {
	if len(s) != 2 {
		return false
	}
	for i := 0; i < 2; i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
