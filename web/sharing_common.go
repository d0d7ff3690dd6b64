package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"vrs"
)

// The sharing pages: what a country shares, its agreements with other
// countries and its sharing groups, and who read its records. Anyone with
// a country reads them; the focal points of the country act on them. The
// store enforces who may do what (package access); the handlers decide
// what to offer and show the store's refusals next to what caused them.

// sharingStore checks that the user is signed in with a country and that
// the store keeps agreements and groups.
func (s *Server) sharingStore(r *http.Request) (*vrs.User, vrs.SharingService, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, nil, err
	}
	if u.Country == "" {
		return nil, nil, vrs.Forbidden()
	}
	return u, s.store, nil
}

func (s *Server) today() string {
	return s.cfg.Now().UTC().Format(time.DateOnly)
}

// agreementRow is an agreement as one country reads it.
type agreementRow struct {
	*vrs.SharingAgreement
	// Other is the other party, by name.
	Other, OtherCode string
	ProposerName     string
	PartnerName      string
	Types            string
	TypeLabels       []string
	// TypesInSentence are the types as a sentence names them.
	TypesInSentence string
	Gran, GranHint  string
	Period          string
	Status          string
	// Badge is the badge's class: on, off or empty.
	Badge string
	// Incoming marks a proposal addressed to the reader's country.
	Incoming bool
	InForce  bool
}

// agreementTable is what the shared "agreement_table" template shows.
type agreementTable struct {
	T    func(key string, args ...any) string
	Rows []agreementRow
}

func (s *Server) agreementRow(r *http.Request, a *vrs.SharingAgreement, country string, names map[string]string) agreementRow {
	row := agreementRow{SharingAgreement: a, OtherCode: a.Other(country), ProposerName: countryName(a.Proposer, names),
		PartnerName: countryName(a.Partner, names)}
	row.Other = countryName(row.OtherCode, names)
	for _, t := range a.Types {
		row.TypeLabels = append(row.TypeLabels, typeLabel(t))
	}
	row.Types = strings.Join(row.TypeLabels, ", ")
	lower := make([]string, len(row.TypeLabels))
	for i, l := range row.TypeLabels {
		lower[i] = lowerFirst(l)
	}
	row.TypesInSentence = strings.Join(lower, ", ")
	row.Gran = s.tr(r, "sharing.ui.gran."+a.Granularity.String())
	row.GranHint = s.tr(r, "sharing.ui.gran."+a.Granularity.String()+".hint")
	row.Period = s.dataPeriod(r, a.DataFrom, a.DataTo)
	row.Incoming = a.Status == vrs.AgreementProposed && a.Partner == country
	today := s.today()
	row.InForce = a.InForce(today)
	switch {
	case a.Status == vrs.AgreementActive && row.InForce:
		row.Status, row.Badge = s.tr(r, "sharing.ui.status.in_force"), "on"
	case a.Status == vrs.AgreementActive && a.Starts > today:
		row.Status = s.tr(r, "sharing.ui.status.not_started")
	case a.Status == vrs.AgreementActive:
		row.Status, row.Badge = s.tr(r, "sharing.ui.status.ended"), "off"
	case a.Status == vrs.AgreementProposed:
		row.Status = s.tr(r, "sharing.ui.status.proposed")
	default:
		row.Status, row.Badge = s.tr(r, "sharing.ui.status."+string(a.Status)), "off"
	}
	return row
}

// dataPeriod says which detection dates a period covers.
func (s *Server) dataPeriod(r *http.Request, from, to string) string {
	switch {
	case from != "" && to != "":
		return s.tr(r, "sharing.ui.period.between", from, to)
	case from != "":
		return s.tr(r, "sharing.ui.period.since", from)
	case to != "":
		return s.tr(r, "sharing.ui.period.until", to)
	}
	return s.tr(r, "sharing.ui.period.any")
}

// inForcePeriod says on which days an agreement applies.
func (s *Server) inForcePeriod(r *http.Request, a *vrs.SharingAgreement) string {
	if a.Ends == "" {
		return s.tr(r, "sharing.ui.days.from", a.Starts)
	}
	return s.tr(r, "sharing.ui.days.between", a.Starts, a.Ends)
}

func countryName(code string, names map[string]string) string {
	if n := names[code]; n != "" {
		return n
	}
	return code
}

// groupRow is a sharing group with its members by name.
type groupRow struct {
	*vrs.SharingGroup
	OwnerName string
	Members   []string
	Mine      bool // owned by the reader's country
}

// groupRow names a group's members: countries, then agencies with their
// country.
func groupRowOf(g *vrs.SharingGroup, country string, names map[string]string, agencies map[int64]*vrs.Agency) groupRow {
	row := groupRow{SharingGroup: g, OwnerName: countryName(g.Owner, names), Mine: g.Owner == country}
	for _, c := range g.Countries {
		row.Members = append(row.Members, countryName(c, names))
	}
	for _, id := range g.AgencyIDs {
		if a := agencies[id]; a != nil {
			row.Members = append(row.Members, a.Name+" ("+a.Country+")")
		} else {
			row.Members = append(row.Members, "#"+strconv.FormatInt(id, 10))
		}
	}
	return row
}

// reaches reports whether a group includes the country or one of its
// agencies.
func reaches(g *vrs.SharingGroup, country string, agencies map[int64]*vrs.Agency) bool {
	if slices.Contains(g.Countries, country) {
		return true
	}
	for _, id := range g.AgencyIDs {
		if a := agencies[id]; a != nil && a.Country == country {
			return true
		}
	}
	return false
}

// agencyIndex maps every agency by id.
func (s *Server) agencyIndex(r *http.Request) (map[int64]*vrs.Agency, []*vrs.Agency, error) {
	list, err := s.store.ListAgencies(r.Context(), vrs.AgencyFilter{})
	if err != nil {
		return nil, nil, err
	}
	m := make(map[int64]*vrs.Agency, len(list))
	for _, a := range list {
		m[a.ID] = a
	}
	return m, list, nil
}
