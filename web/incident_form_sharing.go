package web

import (
	"net/http"
	"slices"
	"strconv"

	"vrs"
)

// The sharing part of the incident form: who may receive the record
// (distribution, with its partner countries and sharing groups), its TLP
// label and whether the narrative travels in pseudonymised copies. It works
// without script: the partners are plain checkboxes, hidden by CSS until
// "named partners" is chosen (or while some are checked or in error).

// shareChoice is one radio button or checkbox of the sharing part.
type shareChoice struct {
	ID, Name, Value, Label, Hint string
	Checked                      bool
	// Default marks the agency's default.
	Default bool
	Error   string
}

// sharingFormView is the sharing part of the form.
type sharingFormView struct {
	DistError      string
	Dists          []shareChoice
	CountriesHint  string
	CountriesError string
	Countries      []shareChoice
	GroupsError    string
	Groups         []shareChoice
	TLP            fieldView
	Narrative      shareChoice
}

// tlpKeys name the catalogue keys of the labels (keys are lower case).
var tlpKeys = map[vrs.TLP]string{vrs.TLPRed: "red", vrs.TLPAmberStrict: "amber_strict", vrs.TLPAmber: "amber", vrs.TLPGreen: "green", vrs.TLPClear: "clear"}

// tlpClass is the CSS class of a label's badge.
func tlpClass(t vrs.TLP) string {
	if k, ok := tlpKeys[t]; ok {
		return "tlp-" + k
	}
	return ""
}

// tlpMeaning is the label's TLP 2.0 meaning in one line.
func (s *Server) tlpMeaning(r *http.Request, t vrs.TLP) string {
	if k, ok := tlpKeys[t]; ok {
		return s.tr(r, "incident.share.tlp_meaning."+k)
	}
	return ""
}

// tlpOptions offers the labels with their meanings; def is marked as the
// agency's default when set.
func (s *Server) tlpOptions(r *http.Request, selected, def vrs.TLP) []option {
	var out []option
	for _, t := range vrs.TLPs {
		l := "TLP:" + string(t) + " – " + s.tlpMeaning(r, t)
		if t == def {
			l += " " + s.tr(r, "incident.share.default")
		}
		out = append(out, option{Value: string(t), Label: l, Selected: t == selected})
	}
	if selected != "" && !selected.Valid() {
		out = append(out, option{Value: string(selected), Label: string(selected), Selected: true})
	}
	return out
}

// distLabel names a distribution level in a few words.
func (s *Server) distLabel(r *http.Request, d vrs.Distribution) string {
	if !d.Valid() {
		return string(d)
	}
	return s.tr(r, "incident.share.dist."+string(d))
}

// sharing describes the sharing part for the incident being edited.
func (b *formBuilder) sharing() (*sharingFormView, error) {
	inc, r, s := b.inc, b.r, b.s
	agencyName, country := inc.AgencyName, inc.Country
	defDist, defTLP := vrs.DefaultDistribution, vrs.DefaultTLP
	if a, err := s.store.FindAgencyByID(r.Context(), inc.AgencyID); err == nil {
		agencyName, country = a.Name, a.Country
		if a.DefaultDistribution.Valid() {
			defDist = a.DefaultDistribution
		}
		if a.DefaultTLP.Valid() {
			defTLP = a.DefaultTLP
		}
	} else if vrs.ErrorCode(err) != vrs.ENOTFOUND {
		return nil, err
	}
	if country == "" {
		if u := stateOf(r).user; u != nil {
			country = u.Country
		}
	}
	countryName := b.lookup.names[country]
	if countryName == "" {
		countryName = country
	}
	dist, tlp := inc.Distribution, inc.TLP
	if dist == "" {
		dist = defDist
	}
	if tlp == "" {
		tlp = defTLP
	}
	v := &sharingFormView{DistError: b.errs["distribution"], CountriesError: b.errs["share_countries"], GroupsError: b.errs["share_groups"]}
	b.show("distribution", "f-distribution", b.t("incident.share.distribution"))
	hints := map[vrs.Distribution]string{
		vrs.DistAgency:     b.t("incident.share.dist.agency.hint", agencyName),
		vrs.DistCountry:    b.t("incident.share.dist.country.hint", countryName),
		vrs.DistPartners:   b.t("incident.share.dist.partners.hint", countryName),
		vrs.DistCommunity:  b.t("incident.share.dist.community.hint", countryName),
		vrs.DistStatistics: b.t("incident.share.dist.statistics.hint", agencyName),
	}
	for _, d := range vrs.Distributions {
		v.Dists = append(v.Dists, shareChoice{ID: "f-distribution-" + string(d), Value: string(d), Label: s.distLabel(r, d),
			Hint: hints[d], Checked: d == dist, Default: d == defDist})
	}
	if !dist.Valid() {
		v.Dists = append(v.Dists, shareChoice{ID: "f-distribution-other", Value: string(dist), Label: string(dist), Checked: true})
	}

	// Partner countries: the community's members but the owner's own
	// country; any other value posted stays, checked, so that its error
	// makes sense.
	v.CountriesHint = b.t("incident.share.countries.hint", countryName)
	var codes []string
	for _, g := range b.lookup.countries[:1] {
		for _, o := range g.Options {
			if o.Value != country {
				codes = append(codes, o.Value)
			}
		}
	}
	for _, c := range inc.ShareCountries {
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	b.show("share_countries", "f-share_countries", b.t("incident.share.countries"))
	for _, c := range codes {
		ch := shareChoice{ID: "f-share_countries-" + c, Name: "share_countries", Value: c, Label: b.lookup.names[c]}
		if ch.Label == "" {
			ch.Label = c
		}
		if i := slices.Index(inc.ShareCountries, c); i >= 0 {
			path := "share_countries[" + strconv.Itoa(i) + "]"
			ch.Checked, ch.Error = true, b.errs[path]
			b.show(path, ch.ID, b.t("incident.share.countries")+" – "+ch.Label)
		}
		v.Countries = append(v.Countries, ch)
	}

	groups, err := s.store.ListSharingGroups(r.Context())
	if err != nil {
		return nil, err
	}
	b.show("share_groups", "f-share_groups", b.t("incident.share.groups"))
	var ids []int64
	for _, g := range groups {
		// Only groups the record's country owns or belongs to (the store
		// refuses others).
		if g.Owner == country || slices.Contains(g.Countries, country) {
			ids = append(ids, g.ID)
		}
	}
	for _, id := range inc.ShareGroups {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		ch := shareChoice{ID: "f-share_groups-" + strconv.FormatInt(id, 10), Name: "share_groups", Value: strconv.FormatInt(id, 10),
			Label: b.t("incident.share.group_unknown", id)}
		if k := slices.IndexFunc(groups, func(g *vrs.SharingGroup) bool { return g.ID == id }); k >= 0 {
			ch.Label, ch.Hint = groups[k].Name, groups[k].Releasability
		}
		if i := slices.Index(inc.ShareGroups, id); i >= 0 {
			path := "share_groups[" + strconv.Itoa(i) + "]"
			ch.Checked, ch.Error = true, b.errs[path]
			b.show(path, ch.ID, b.t("incident.share.groups")+" – "+ch.Label)
		}
		v.Groups = append(v.Groups, ch)
	}

	v.TLP = b.field("tlp", "incident.share.tlp", "select", string(tlp))
	v.TLP.Options = s.tlpOptions(r, tlp, defTLP)
	v.TLP.Hint, v.TLP.Wide = b.t("incident.share.tlp_hint"), true
	v.Narrative = shareChoice{ID: "f-narrative_shareable", Name: "narrative_shareable", Value: "1", Label: b.t("incident.share.narrative"),
		Hint: b.t("incident.share.narrative_hint"), Checked: inc.NarrativeShareable, Error: b.errs["narrative_shareable"]}
	b.show("narrative_shareable", v.Narrative.ID, v.Narrative.Label)
	return v, nil
}
