package web

import (
	"net/http"
	"strings"
	"time"

	"vrs"
	"vrs/access"
)

// viewRow is one read of the country's records from abroad.
type viewRow struct {
	At          time.Time
	IncidentID  int64
	Viewer      string
	Country     string
	CountryName string
	Agency      string
	Gran        string
	Purpose     string
	// Stated is the purpose's own words after the chosen purpose, if any.
	Stated string
	// History marks a read of the record's history.
	History bool
}

type viewsData struct {
	CountryName string
	Rows        []viewRow
	Limit       int
}

// recordViewsShown bounds the page: the newest reads, the rest are in the
// audit log.
const recordViewsShown = 200

// sharingViews lists who in other countries read the country's records,
// newest first: for its focal points (and administrators).
func (s *Server) sharingViews(w http.ResponseWriter, r *http.Request) {
	u, ss, err := s.sharingStore(r)
	if err == nil {
		err = access.ReadRecordViews(u, u.Country)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := ss.ListRecordViews(r.Context(), u.Country, recordViewsShown)
	if err != nil {
		s.error(w, r, err)
		return
	}
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &viewsData{CountryName: countryName(u.Country, names), Limit: recordViewsShown}
	for _, v := range list {
		row := viewRow{At: v.At, IncidentID: v.IncidentID, Viewer: v.ViewerName, Country: v.Country, CountryName: countryName(v.Country, names), Agency: v.Agency,
			History: v.Action == vrs.ActIncidentHistory}
		if g, ok := vrs.GranularityOf(v.Granularity); ok && g != vrs.GranNone {
			row.Gran = s.tr(r, "sharing.ui.gran."+g.String())
		} else {
			row.Gran = v.Granularity
		}
		row.Purpose, row.Stated = s.statedPurpose(r, v.Purpose)
		d.Rows = append(d.Rows, row)
	}
	p := s.newPage(r, "sharing.ui.views.title")
	p.Data = d
	s.render(w, r, http.StatusOK, "sharing_views", p)
}

// statedPurpose splits a stated purpose ("investigation: case 2025/114")
// into the purpose in plain words and the words that follow it.
func (s *Server) statedPurpose(r *http.Request, stated string) (label, words string) {
	if stated == "" {
		return "", ""
	}
	p, rest, _ := strings.Cut(stated, ":")
	return s.purposeLabel(r, strings.TrimSpace(p)), strings.TrimSpace(rest)
}
