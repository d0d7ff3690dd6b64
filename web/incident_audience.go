package web

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"slices"
	"time"

	"vrs"
	"vrs/access"
)

// "Who can see this": the audience of a record in plain words. It is not
// a second rule: every line asks access.ReadIncident about a user who
// stands for the audience it names (an analyst of the owner's agency, of
// another agency of its country, of a partner country; a regional analyst;
// a user of an agency named in a sharing group), so that the words cannot
// drift from what the store enforces. Reciprocity is asked of the store
// country by country (any user may ask whether a country contributes).

// audienceEntry is one audience and how it sees the record once validated.
type audienceEntry struct {
	// Kind: "agency" (the owner's), "country" (its other agencies),
	// "regional", "foreign" (a country), "group_agency" (an agency named
	// through a sharing group).
	Kind     string
	Country  string
	AgencyID int64
	// Named: the country is a named partner (directly or through a group)
	// or the agency is named through a group.
	Named     bool
	Gran      vrs.Granularity
	Agreement int64
}

// audienceWorld is what a record's audience depends on: the agreements of
// its owner's country, the community's members, the record's sharing
// groups, and the countries of the agencies those groups name.
type audienceWorld struct {
	Today      string
	Members    map[string]bool
	Agreements []*vrs.SharingAgreement
	Groups     []*vrs.SharingGroup
	// AgencyCountry gives the country of each agency named by a group.
	AgencyCountry map[int64]string
}

// Stand-ins for users who are none of the record's agencies.
const (
	otherAgency   int64 = -1
	regionalAgent int64 = -2
	foreignAgency int64 = -3
)

// recordAudience lists who sees the record, once validated, at which
// granularity and through which agreement.
func recordAudience(ref access.IncidentRef, w audienceWorld) []audienceEntry {
	ref.Status = vrs.StatusValidated
	sh := &access.Sharing{Today: w.Today, Members: w.Members, Agreements: w.Agreements, Groups: w.Groups}
	analyst := []vrs.Role{vrs.RoleAnalyst}
	probe := func(e audienceEntry, u *vrs.User) audienceEntry {
		e.Gran = access.ReadIncident(u, sh, ref)
		if e.Gran > vrs.GranNone && u.Country != ref.Country {
			if a := access.GrantingAgreement(u, sh, ref, e.Gran); a != nil {
				e.Agreement = a.ID
			}
		}
		return e
	}
	out := []audienceEntry{
		probe(audienceEntry{Kind: "agency", Country: ref.Country, AgencyID: ref.AgencyID},
			&vrs.User{AgencyID: ref.AgencyID, Country: ref.Country, Roles: analyst, ViewScope: vrs.ViewAgency}),
		probe(audienceEntry{Kind: "country", Country: ref.Country},
			&vrs.User{AgencyID: otherAgency, Country: ref.Country, Roles: analyst, ViewScope: vrs.ViewCountry}),
		probe(audienceEntry{Kind: "regional"},
			&vrs.User{AgencyID: regionalAgent, Roles: []vrs.Role{vrs.RoleRegionalAnalyst}, ViewScope: vrs.ViewShared}),
	}
	// Every country that could be reached: the named partners, the
	// members, the parties to the owner's agreements.
	named := map[string]bool{}
	namedAgency := map[int64]bool{}
	if ref.Distribution == vrs.DistPartners {
		for _, c := range ref.ShareCountries {
			named[c] = true
		}
		for _, g := range w.Groups {
			if slices.Contains(ref.ShareGroups, g.ID) {
				for _, c := range g.Countries {
					named[c] = true
				}
				for _, a := range g.AgencyIDs {
					namedAgency[a] = true
				}
			}
		}
	}
	countries := map[string]bool{}
	for c := range named {
		countries[c] = true
	}
	for c, m := range w.Members {
		countries[c] = countries[c] || m
	}
	for _, a := range w.Agreements {
		countries[a.Proposer], countries[a.Partner] = true, true
	}
	delete(countries, ref.Country)
	delete(countries, "")
	for _, c := range slices.Sorted(maps.Keys(countries)) {
		e := probe(audienceEntry{Kind: "foreign", Country: c, Named: named[c]},
			&vrs.User{AgencyID: foreignAgency, Country: c, Roles: analyst, ViewScope: vrs.ViewCountry})
		if e.Gran > vrs.GranNone || e.Named {
			out = append(out, e)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(namedAgency)) {
		c := w.AgencyCountry[id]
		if c == "" || c == ref.Country {
			continue // the owner's own country sees by its own rule
		}
		out = append(out, probe(audienceEntry{Kind: "group_agency", Country: c, AgencyID: id, Named: true},
			&vrs.User{AgencyID: id, Country: c, Roles: analyst, ViewScope: vrs.ViewAgency}))
	}
	return out
}

// audienceView is the "Who can see this" section.
type audienceView struct {
	Lead  string
	Lines []string
	Note  string
}

// incidentAudience describes who sees inc, as far as the user may know:
// its owner country's users (and the installation's administrators) learn
// its whole audience; anyone else learns how they see it themselves.
func (s *Server) incidentAudience(r *http.Request, u *vrs.User, inc *vrs.Incident) (*audienceView, error) {
	ctx := r.Context()
	t := func(key string, args ...any) string { return s.tr(r, key, args...) }
	names, err := s.countryNames(r)
	if err != nil {
		return nil, err
	}
	name := func(c string) string {
		if n := names[c]; n != "" {
			return n
		}
		return c
	}
	today := s.cfg.Now().UTC().Format(time.DateOnly)
	agreements, err := s.agreementsWith(r, inc.Country)
	if err != nil {
		return nil, err
	}
	ref := access.RefOf(inc)
	v := &audienceView{}
	if access.Foreign(u, ref) {
		sh := &access.Sharing{Today: today, Agreements: agreements}
		g := inc.Granularity
		if inc.PurposeRequired {
			g = vrs.GranFull
		}
		how := t("incident.audience.you." + inc.Granularity.String())
		switch a := access.GrantingAgreement(u, sh, ref, g); {
		case a != nil:
			v.Lines = append(v.Lines, t("incident.audience.you_agreement", how, name(inc.Country), name(u.Country), a.ID))
		default:
			v.Lines = append(v.Lines, t("incident.audience.you_community", how, name(inc.Country)))
		}
		if inc.PurposeRequired {
			v.Lines = append(v.Lines, t("incident.audience.you_may_open"))
		}
		v.Note = t("incident.audience.others_private", name(inc.Country))
		return v, nil
	}
	w := audienceWorld{Today: today, Agreements: agreements, Members: map[string]bool{}, AgencyCountry: map[int64]string{}}
	members, err := s.store.ListCountries(ctx, vrs.CountryFilter{MembersOnly: true})
	if err != nil {
		return nil, err
	}
	for _, c := range members {
		w.Members[c.Alpha2] = true
	}
	agencyNames := map[int64]string{}
	if len(inc.ShareGroups) > 0 {
		groups, err := s.store.ListSharingGroups(ctx)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			if slices.Contains(inc.ShareGroups, g.ID) {
				w.Groups = append(w.Groups, g)
				for _, id := range g.AgencyIDs {
					if a, err := s.store.FindAgencyByID(ctx, id); err == nil {
						w.AgencyCountry[id], agencyNames[id] = a.Country, a.Name
					}
				}
			}
		}
	}
	if inc.Status != vrs.StatusValidated {
		v.Lead = t("incident.audience.lead_unvalidated", inc.AgencyName)
	}
	entries := recordAudience(ref, w)
	// Countries by name, so that a long list reads like one.
	slices.SortStableFunc(entries, func(a, b audienceEntry) int {
		if a.Kind == "foreign" && b.Kind == "foreign" {
			return cmp.Compare(name(a.Country), name(b.Country))
		}
		return 0
	})
	agreement := func(e audienceEntry) string {
		if e.Agreement == 0 {
			return ""
		}
		return t("incident.audience.agreement", e.Agreement)
	}
	// Another country reads a record in full only after stating a
	// purpose; until then the store shows it pseudonymised.
	sees := func(g vrs.Granularity) string {
		if g == vrs.GranFull {
			return t("incident.audience.sees.full_purpose")
		}
		return t("incident.audience.sees." + g.String())
	}
	// With reciprocity on, a country that shares nothing of its own
	// receives nothing: say so of each such country when the store can
	// tell, or once for all in a note when it cannot.
	reciprocity := s.setting(r, vrs.SettingReciprocity) == "on"
	cc, known := s.store.(interface {
		CountryContributes(ctx context.Context, country string) (bool, error)
	})
	heldBack := map[string]bool{}
	if reciprocity && known {
		for _, e := range entries {
			if (e.Kind == "foreign" || e.Kind == "group_agency") && e.Gran > vrs.GranNone {
				ok, err := cc.CountryContributes(ctx, e.Country)
				if err != nil {
					return nil, err
				}
				heldBack[e.Country] = !ok
			}
		}
	}
	foreign, named := false, false
	for _, e := range entries {
		switch e.Kind {
		case "agency":
			key := "incident.audience.agency"
			if u.AgencyID == inc.AgencyID {
				key = "incident.audience.your_agency"
			}
			v.Lines = append(v.Lines, t(key, inc.AgencyName, t("incident.audience.sees."+e.Gran.String())))
		case "country":
			v.Lines = append(v.Lines, t("incident.audience.country", name(inc.Country), t("incident.audience.see."+e.Gran.String())))
		case "regional":
			if e.Gran > vrs.GranNone {
				v.Lines = append(v.Lines, t("incident.audience.regional", t("incident.audience.see."+e.Gran.String())))
			}
		case "foreign":
			if e.Gran == vrs.GranNone {
				v.Lines, named = append(v.Lines, t("incident.audience.named_no_agreement", name(e.Country), name(inc.Country))), true
				continue
			}
			if heldBack[e.Country] {
				v.Lines = append(v.Lines, t("incident.audience.held_back", name(e.Country), t("incident.audience.see."+e.Gran.String()), agreement(e)))
				continue
			}
			foreign = true
			v.Lines = append(v.Lines, t("incident.audience.foreign", name(e.Country), sees(e.Gran), agreement(e)))
		case "group_agency":
			who := agencyNames[e.AgencyID] + " (" + name(e.Country) + ")"
			if e.Gran == vrs.GranNone {
				v.Lines, named = append(v.Lines, t("incident.audience.named_no_agreement", who, name(inc.Country))), true
				continue
			}
			if heldBack[e.Country] {
				v.Lines = append(v.Lines, t("incident.audience.held_back", who, t("incident.audience.see."+e.Gran.String()), agreement(e)))
				continue
			}
			foreign = true
			v.Lines = append(v.Lines, t("incident.audience.group_agency", who, sees(e.Gran), agreement(e)))
		}
	}
	switch {
	case inc.Distribution == vrs.DistAgency || inc.Distribution == vrs.DistCountry:
		v.Lines = append(v.Lines, t("incident.audience.no_other_country"))
	case !foreign && !named && len(heldBack) == 0:
		v.Lines = append(v.Lines, t("incident.audience.no_country_yet", name(inc.Country)))
	case reciprocity && !known:
		v.Note = t("incident.audience.reciprocity")
	}
	return v, nil
}

// agreementsWith lists the agreements in force between the user's
// country and country c (every one of c's for c's own users), none when
// the store keeps no agreements.
func (s *Server) agreementsWith(r *http.Request, c string) ([]*vrs.SharingAgreement, error) {
	al, ok := s.store.(interface {
		ListAgreements(ctx context.Context, f vrs.AgreementFilter) ([]*vrs.SharingAgreement, error)
	})
	if !ok {
		return nil, nil
	}
	list, err := al.ListAgreements(r.Context(), vrs.AgreementFilter{Country: c, Status: vrs.AgreementActive})
	if err != nil {
		return nil, err
	}
	today := s.cfg.Now().UTC().Format(time.DateOnly)
	return slices.DeleteFunc(list, func(a *vrs.SharingAgreement) bool { return !a.InForce(today) }), nil
}
