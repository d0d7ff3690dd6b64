package web

import (
	"net/http"
	"strconv"

	"vrs"
	"vrs/access"
)

// sharingPublishing is POST /sharing/publishing: the country's focal
// point decides whether its statistics are published and with which
// small-cell threshold (the store checks who may, and audits it).
func (s *Server) sharingPublishing(w http.ResponseWriter, r *http.Request) {
	u, _, err := s.sharingStore(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := access.ManagePublishing(u, u.Country); err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	p := vrs.CountryPublishing{Publish: r.PostFormValue("publish") == "on"}
	if p.MinCell, err = strconv.Atoi(r.PostFormValue("min_cell")); err != nil {
		s.error(w, r, vrs.FieldErrors(map[string]string{"min_cell": "field.stats_min_cell_choice"}))
		return
	}
	if err := s.store.SetCountryPublishing(r.Context(), u.Country, p); err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/sharing", "publishing_saved")
}

// publishingView is the country's choice as its sharing page shows it.
type publishingView struct {
	Publish bool
	MinCell int
	// InstallK is the installation's threshold, which the country's may
	// only raise.
	InstallK  int64
	Choices   []option
	CanManage bool
}

func (s *Server) publishingOf(r *http.Request, c *vrs.Country, installK int64, canManage bool) publishingView {
	v := publishingView{Publish: c.PublishStats, MinCell: c.StatsMinCell, InstallK: installK, CanManage: canManage}
	for _, k := range vrs.StatsMinCellChoices {
		label := s.tr(r, "public_stats.publish.k_choice", k)
		if k == 0 {
			label = s.tr(r, "public_stats.publish.k_installation", installK)
		}
		v.Choices = append(v.Choices, option{Value: strconv.Itoa(k), Label: label, Selected: k == c.StatsMinCell})
	}
	return v
}
