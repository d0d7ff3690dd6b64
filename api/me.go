package api

import (
	"net/http"

	"vrs/web"
)

// me answers who the caller is: the account behind the token or session.
func (a *API) me(w http.ResponseWriter, r *http.Request) {
	u, err := currentUser(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, userOut(u))
}
