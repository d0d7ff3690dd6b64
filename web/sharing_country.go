package web

import (
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"vrs"
	"vrs/access"
	"vrs/pivot"
)

type agencyDefaults struct {
	ID       int64
	Name     string
	Dist     string
	TLP      vrs.TLP
	Disabled bool
}

type sharingOverview struct {
	Country, CountryName string
	IsFocal              bool
	Reciprocity          bool
	// Contributes is "yes", "no" or "" when the store cannot tell.
	Contributes string
	// Summary says in plain words who sees what.
	Summary        []string
	Caveats        []string
	AgreementTable agreementTable
	ProposedTable  agreementTable
	MemberOf       []groupRow
	Owned          []groupRow
	Agencies       []agencyDefaults
	// Publishing is the country's choice about published statistics.
	Publishing publishingView
}

// sharingCountry is the country page: what we share, with whom, at which
// granularity, in tables and in plain words.
func (s *Server) sharingCountry(w http.ResponseWriter, r *http.Request) {
	u, ss, err := s.sharingStore(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &sharingOverview{Country: u.Country, CountryName: countryName(u.Country, names), IsFocal: access.ManageSharing(u, u.Country) == nil}
	settings, err := s.store.Settings(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d.Reciprocity = vrs.SettingValue(settings, vrs.SettingReciprocity) == "on"
	own, err := s.store.FindCountry(ctx, u.Country)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d.Publishing = s.publishingOf(r, own, pivot.MinCell(settings), d.IsFocal)
	yes, err := s.store.CountryContributes(ctx, u.Country)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d.Contributes = map[bool]string{true: "yes", false: "no"}[yes]
	list, err := ss.ListAgreements(ctx, vrs.AgreementFilter{Country: u.Country})
	if err != nil {
		s.error(w, r, err)
		return
	}
	today := s.today()
	for _, a := range list {
		switch {
		case a.Status == vrs.AgreementProposed:
			d.ProposedTable.Rows = append(d.ProposedTable.Rows, s.agreementRow(r, a, u.Country, names))
		case a.Live(today):
			row := s.agreementRow(r, a, u.Country, names)
			d.AgreementTable.Rows = append(d.AgreementTable.Rows, row)
			if row.InForce {
				d.Summary = append(d.Summary, s.sharingSentences(r, row)...)
			}
		}
	}
	sortRows(d.AgreementTable.Rows)
	sortRows(d.ProposedTable.Rows)
	byID, all, err := s.agencyIndex(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	groups, err := ss.ListSharingGroups(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, g := range groups {
		if g.Owner == u.Country {
			d.Owned = append(d.Owned, groupRowOf(g, u.Country, names, byID))
		}
		if reaches(g, u.Country, byID) {
			d.MemberOf = append(d.MemberOf, groupRowOf(g, u.Country, names, byID))
		}
	}
	for _, a := range all {
		if a.Country != u.Country {
			continue
		}
		dist, tlp := a.DefaultDistribution, a.DefaultTLP
		if !dist.Valid() {
			dist = vrs.DefaultDistribution
		}
		if !tlp.Valid() {
			tlp = vrs.DefaultTLP
		}
		d.Agencies = append(d.Agencies, agencyDefaults{ID: a.ID, Name: a.Name, Dist: s.distLabel(r, dist), TLP: tlp, Disabled: a.Disabled})
	}
	d.Caveats = s.sharingCaveats(r, d)
	p := s.newPage(r, "sharing.ui.country.title")
	p.Flash = s.flash(r)
	d.AgreementTable.T, d.ProposedTable.T = p.T, p.T
	p.Data = d
	s.render(w, r, http.StatusOK, "sharing_country", p)
}

// sharingSentences says what an agreement in force lets each side see:
// it is mutual, so one sentence per direction.
func (s *Server) sharingSentences(r *http.Request, row agreementRow) []string {
	what := row.TypesInSentence
	as := s.tr(r, "sharing.ui.summary.as."+row.Granularity.String())
	return []string{
		s.tr(r, "sharing.ui.summary.they_see", row.Other, what, row.Period, as),
		s.tr(r, "sharing.ui.summary.you_see", row.Other, what, row.Period, as),
	}
}

// sharingCaveats are the conditions that hold whatever the agreements:
// distribution, reciprocity, regional analysts.
func (s *Server) sharingCaveats(r *http.Request, d *sharingOverview) []string {
	var out []string
	if len(d.Summary) == 0 {
		out = append(out, s.tr(r, "sharing.ui.summary.none"))
	} else {
		out = append(out, s.tr(r, "sharing.ui.summary.distribution"))
	}
	if d.Reciprocity && d.Contributes == "no" {
		out = append(out, s.tr(r, "sharing.ui.summary.reciprocity_blocks"))
	}
	out = append(out, s.tr(r, "sharing.ui.summary.regional"))
	return out
}

// lowerFirst lowers a label's first letter for use inside a sentence,
// unless the label starts with an acronym ("DNA sample").
func lowerFirst(s string) string {
	first, n := utf8.DecodeRuneInString(s)
	next, _ := utf8.DecodeRuneInString(s[n:])
	if unicode.IsUpper(next) {
		return s
	}
	return string(unicode.ToLower(first)) + s[n:]
}

// sortRows orders agreements by the other party's name, then newest first.
func sortRows(rows []agreementRow) {
	slices.SortStableFunc(rows, func(a, b agreementRow) int {
		if c := strings.Compare(a.Other, b.Other); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
}
