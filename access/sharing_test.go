package access_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vrs"
	"vrs/access"
)

// The world of the tables below: Thailand (agencies 1 and 2), Viet Nam
// (3 and 5), Myanmar (4); TH, VN and LA are members of the community.
const shareToday = "2026-06-15"

const (
	thPolice, thImmigration, vnPolice, mmPolice, vnCustoms int64 = 1, 2, 3, 4, 5
)

func user(agency int64, country string, scope vrs.ViewScope, roles ...vrs.Role) *vrs.User {
	return &vrs.User{ID: 100 + agency, AgencyID: agency, Country: country, Roles: roles, ViewScope: scope}
}

// Agreements between TH and VN unless the case changes them: every type,
// every detection date, in force since January.
func agreement(g vrs.Granularity, change ...func(*vrs.SharingAgreement)) *vrs.SharingAgreement {
	a := &vrs.SharingAgreement{ID: 9, Proposer: "TH", Partner: "VN", Types: slices.Clone(vrs.IncidentTypes), Granularity: g,
		Starts: "2026-01-01", Status: vrs.AgreementActive}
	for _, c := range change {
		c(a)
	}
	return a
}

// sharing is the state of the tables' world; each case may change it.
func sharing(agreements ...*vrs.SharingAgreement) *access.Sharing {
	return &access.Sharing{Today: shareToday, Reciprocity: true,
		Contributors: map[string]bool{"TH": true, "VN": true, "MM": true},
		Members:      map[string]bool{"TH": true, "VN": true, "LA": true},
		Agreements:   agreements,
		Groups: []*vrs.SharingGroup{
			{ID: 7, Owner: "TH", Countries: []string{"VN"}},
			{ID: 8, Owner: "TH", AgencyIDs: []int64{vnPolice}},
		}}
}

// rec is a validated smuggling record of agency, distributed as d.
func rec(agency int64, d vrs.Distribution, change ...func(*access.IncidentRef)) access.IncidentRef {
	country := map[int64]string{thPolice: "TH", thImmigration: "TH", vnPolice: "VN", mmPolice: "MM", vnCustoms: "VN"}[agency]
	r := access.IncidentRef{ID: 1, AgencyID: agency, Country: country, Status: vrs.StatusValidated, Type: vrs.TypeMigrantSmuggling,
		DetectedOn: "2025-05-01", Distribution: d}
	for _, c := range change {
		c(&r)
	}
	return r
}

func status(s vrs.IncidentStatus) func(*access.IncidentRef) {
	return func(r *access.IncidentRef) { r.Status = s }
}

func partners(countries []string, groups ...int64) func(*access.IncidentRef) {
	return func(r *access.IncidentRef) { r.ShareCountries, r.ShareGroups = countries, groups }
}

var (
	reporter    = user(thPolice, "TH", vrs.ViewAgency, vrs.RoleReporter)
	reviewer    = user(thPolice, "TH", vrs.ViewAgency, vrs.RoleReviewer)
	agencyView  = user(thPolice, "TH", vrs.ViewAgency, vrs.RoleAnalyst)
	countryView = user(thPolice, "TH", vrs.ViewCountry, vrs.RoleAnalyst)
	regional    = user(thImmigration, "TH", vrs.ViewShared, vrs.RoleRegionalAnalyst)
	// Users of Viet Nam, whom Thai records reach through agreements.
	vnCountry = user(vnPolice, "VN", vrs.ViewCountry, vrs.RoleAnalyst)
	vnAgency  = user(vnPolice, "VN", vrs.ViewAgency, vrs.RoleAnalyst)
	vnOther   = user(vnCustoms, "VN", vrs.ViewAgency, vrs.RoleAnalyst)
)

// TestReadIncident: one case per clause of ReadIncident's doc comment.
func TestReadIncident(t *testing.T) {
	pseud := sharing(agreement(access.Pseudonymised))
	full := sharing(agreement(access.Full))
	tests := []struct {
		name string
		u    *vrs.User
		s    *access.Sharing
		r    access.IncidentRef
		want access.Granularity
	}{
		{"NilUser", nil, full, rec(thPolice, vrs.DistCommunity), access.None},
		{"SystemDraft", vrs.SystemUser, nil, rec(vnPolice, vrs.DistAgency, status(vrs.StatusDraft)), access.Full},

		// Work agencies, at every stage of review.
		{"ReporterDraft", reporter, nil, rec(thPolice, vrs.DistAgency, status(vrs.StatusDraft)), access.Full},
		{"ReporterSubmitted", reporter, nil, rec(thPolice, vrs.DistAgency, status(vrs.StatusSubmitted)), access.Full},
		{"ReporterReturned", reporter, nil, rec(thPolice, vrs.DistAgency, status(vrs.StatusReturned)), access.Full},
		{"ReporterValidated", reporter, nil, rec(thPolice, vrs.DistAgency), access.Full},
		{"ReviewerSubmitted", reviewer, nil, rec(thPolice, vrs.DistAgency, status(vrs.StatusSubmitted)), access.Full},
		{"ReporterCaptureAgencyDraft", &vrs.User{AgencyID: thPolice, Country: "TH", Roles: []vrs.Role{vrs.RoleReporter},
			CaptureAgencyIDs: []int64{thImmigration}, ViewScope: vrs.ViewAgency}, nil, rec(thImmigration, vrs.DistAgency, status(vrs.StatusDraft)), access.Full},
		// Capture agencies replace the own agency as work, not as view.
		{"ReporterCaptureOwnDraft", &vrs.User{AgencyID: thPolice, Country: "TH", Roles: []vrs.Role{vrs.RoleReporter},
			CaptureAgencyIDs: []int64{thImmigration}, ViewScope: vrs.ViewAgency}, nil, rec(thPolice, vrs.DistAgency, status(vrs.StatusDraft)), access.None},
		{"ReporterCaptureOwnValidated", &vrs.User{AgencyID: thPolice, Country: "TH", Roles: []vrs.Role{vrs.RoleReporter},
			CaptureAgencyIDs: []int64{thImmigration}, ViewScope: vrs.ViewAgency}, nil, rec(thPolice, vrs.DistAgency), access.Full},
		{"ReviewerOtherAgencyDraft", reviewer, nil, rec(thImmigration, vrs.DistCountry, status(vrs.StatusSubmitted)), access.None},
		// Work wins over everything else, abroad too (a record of a work agency is never foreign).
		{"ReporterNoCountryDraft", user(thPolice, "", vrs.ViewNone, vrs.RoleReporter), nil, rec(thPolice, vrs.DistAgency, status(vrs.StatusDraft)), access.Full},

		// Otherwise validated only, and only for data roles.
		{"AnalystOwnAgencySubmitted", agencyView, nil, rec(thPolice, vrs.DistCountry, status(vrs.StatusSubmitted)), access.None},
		{"CountryViewOtherAgencyReturned", countryView, nil, rec(thImmigration, vrs.DistCountry, status(vrs.StatusReturned)), access.None},
		{"ForeignDraftThroughAgreement", vnCountry, full, rec(thPolice, vrs.DistCommunity, status(vrs.StatusDraft)), access.None},
		{"FocalPointOnly", user(thPolice, "TH", vrs.ViewCountry, vrs.RoleFocalPoint), full, rec(thPolice, vrs.DistCountry), access.None},
		{"AdminOnly", user(thPolice, "TH", vrs.ViewCountry, vrs.RoleAdmin), full, rec(thImmigration, vrs.DistCommunity), access.None},

		// The own agency, with an agency or a country view.
		{"AgencyViewOwnAgency", agencyView, nil, rec(thPolice, vrs.DistAgency), access.Full},
		{"CountryViewOwnAgency", countryView, nil, rec(thPolice, vrs.DistAgency), access.Full},
		{"NoViewOwnAgency", user(thPolice, "TH", vrs.ViewNone, vrs.RoleAnalyst), nil, rec(thPolice, vrs.DistCountry), access.None},
		{"AgencyViewOtherAgency", agencyView, nil, rec(thImmigration, vrs.DistCountry), access.None},

		// The country view, by distribution.
		{"CountryViewAgency", countryView, nil, rec(thImmigration, vrs.DistAgency), access.None},
		{"CountryViewCountry", countryView, nil, rec(thImmigration, vrs.DistCountry), access.Full},
		{"CountryViewPartners", countryView, nil, rec(thImmigration, vrs.DistPartners, partners([]string{"VN"})), access.Full},
		{"CountryViewCommunity", countryView, nil, rec(thImmigration, vrs.DistCommunity), access.Full},
		{"CountryViewStatistics", countryView, nil, rec(thImmigration, vrs.DistStatistics), access.Aggregate},

		// Regional analysts: the community pseudonymised, statistics counted, any country.
		{"RegionalCommunity", regional, nil, rec(vnPolice, vrs.DistCommunity), access.Pseudonymised},
		{"RegionalStatistics", regional, nil, rec(mmPolice, vrs.DistStatistics), access.Aggregate},
		{"RegionalOwnCountryCommunity", regional, nil, rec(thPolice, vrs.DistCommunity), access.Pseudonymised},
		{"RegionalOwnCountryCountry", regional, nil, rec(thPolice, vrs.DistCountry), access.None},
		{"RegionalPartners", regional, full, rec(vnPolice, vrs.DistPartners, partners([]string{"TH"})), access.None},
		{"RegionalWithoutContribution", regional, &access.Sharing{Reciprocity: true}, rec(vnPolice, vrs.DistCommunity), access.Pseudonymised},
		{"RegionalFinerByAgreement", user(thImmigration, "TH", vrs.ViewShared, vrs.RoleRegionalAnalyst), sharingWith(sharing(agreement(access.Full)), func(s *access.Sharing) {
			s.Groups = []*vrs.SharingGroup{{ID: 8, AgencyIDs: []int64{thImmigration}}}
		}), rec(vnPolice, vrs.DistPartners, partners(nil, 8)), access.Full},

		// Agreements: in force or not.
		{"AgreementInForce", vnCountry, pseud, rec(thPolice, vrs.DistCommunity), access.Pseudonymised},
		{"AgreementMutual", vnCountry, sharing(agreement(access.Full, func(a *vrs.SharingAgreement) { a.Proposer, a.Partner = "VN", "TH" })),
			rec(thPolice, vrs.DistCommunity), access.Full},
		{"AgreementProposed", vnCountry, sharing(agreement(access.Full, statusOf(vrs.AgreementProposed))), rec(thPolice, vrs.DistCommunity), access.None},
		{"AgreementDeclined", vnCountry, sharing(agreement(access.Full, statusOf(vrs.AgreementDeclined))), rec(thPolice, vrs.DistCommunity), access.None},
		{"AgreementRevoked", vnCountry, sharing(agreement(access.Full, statusOf(vrs.AgreementRevoked))), rec(thPolice, vrs.DistCommunity), access.None},
		{"AgreementStartsToday", vnCountry, sharing(agreement(access.Full, days(shareToday, ""))), rec(thPolice, vrs.DistCommunity), access.Full},
		{"AgreementStartsTomorrow", vnCountry, sharing(agreement(access.Full, days("2026-06-16", ""))), rec(thPolice, vrs.DistCommunity), access.None},
		{"AgreementEndsToday", vnCountry, sharing(agreement(access.Full, days("2026-01-01", shareToday))), rec(thPolice, vrs.DistCommunity), access.Full},
		{"AgreementEndedYesterday", vnCountry, sharing(agreement(access.Full, days("2026-01-01", "2026-06-14"))), rec(thPolice, vrs.DistCommunity), access.None},
		{"AgreementOtherCountries", vnCountry, sharing(agreement(access.Full, func(a *vrs.SharingAgreement) { a.Partner = "MM" })),
			rec(thPolice, vrs.DistCommunity), access.None},
		{"AgreementOtherCountriesOwnRecord", vnCountry, sharing(agreement(access.Full, func(a *vrs.SharingAgreement) { a.Proposer = "MM" })),
			rec(thPolice, vrs.DistCommunity), access.None},
		{"NoAgreement", vnCountry, sharing(), rec(thPolice, vrs.DistCommunity), access.None},
		{"NoSharing", vnCountry, nil, rec(thPolice, vrs.DistCommunity), access.None},

		// Agreements: covering the type and the detection date or not.
		{"TypeNotCovered", vnCountry, sharing(agreement(access.Full, typesOf(vrs.TypeTrafficking))), rec(thPolice, vrs.DistCommunity), access.None},
		{"TypeCovered", vnCountry, sharing(agreement(access.Full, typesOf(vrs.TypeTrafficking, vrs.TypeMigrantSmuggling))),
			rec(thPolice, vrs.DistCommunity), access.Full},
		{"DetectedOnDataFrom", vnCountry, sharing(agreement(access.Full, data("2025-05-01", ""))), rec(thPolice, vrs.DistCommunity), access.Full},
		{"DetectedBeforeDataFrom", vnCountry, sharing(agreement(access.Full, data("2025-05-02", ""))), rec(thPolice, vrs.DistCommunity), access.None},
		{"DetectedOnDataTo", vnCountry, sharing(agreement(access.Full, data("2024-01-01", "2025-05-01"))), rec(thPolice, vrs.DistCommunity), access.Full},
		{"DetectedAfterDataTo", vnCountry, sharing(agreement(access.Full, data("", "2025-04-30"))), rec(thPolice, vrs.DistCommunity), access.None},

		// The audience of each distribution.
		{"CommunityMemberCountryView", vnCountry, full, rec(thPolice, vrs.DistCommunity), access.Full},
		{"CommunityNonMember", vnCountry, sharingWith(sharing(agreement(access.Full)), func(s *access.Sharing) { s.Members["VN"] = false }), rec(thPolice, vrs.DistCommunity), access.None},
		{"CommunityAgencyView", vnAgency, full, rec(thPolice, vrs.DistCommunity), access.None},
		{"StatisticsMemberCountryView", vnCountry, pseud, rec(thPolice, vrs.DistStatistics), access.Aggregate},
		{"StatisticsCappedAtAggregate", vnCountry, full, rec(thPolice, vrs.DistStatistics), access.Aggregate},
		{"StatisticsByAggregateAgreement", vnCountry, sharing(agreement(access.Aggregate)), rec(thPolice, vrs.DistStatistics), access.Aggregate},
		{"StatisticsNonMember", vnCountry, sharingWith(sharing(agreement(access.Full)), func(s *access.Sharing) { s.Members["VN"] = false }), rec(thPolice, vrs.DistStatistics), access.None},
		{"StatisticsAgencyView", vnAgency, full, rec(thPolice, vrs.DistStatistics), access.None},
		{"PartnersByCountry", vnCountry, full, rec(thPolice, vrs.DistPartners, partners([]string{"LA", "VN"})), access.Full},
		{"PartnersByCountryAgencyView", vnAgency, full, rec(thPolice, vrs.DistPartners, partners([]string{"VN"})), access.None},
		{"PartnersOtherCountry", vnCountry, full, rec(thPolice, vrs.DistPartners, partners([]string{"LA"})), access.None},
		{"PartnersByGroupCountry", vnCountry, full, rec(thPolice, vrs.DistPartners, partners(nil, 7)), access.Full},
		{"PartnersByGroupCountryAgencyView", vnAgency, full, rec(thPolice, vrs.DistPartners, partners(nil, 7)), access.None},
		{"PartnersByGroupAgency", vnAgency, full, rec(thPolice, vrs.DistPartners, partners(nil, 8)), access.Full},
		{"PartnersByGroupAgencyNoView", user(vnPolice, "VN", vrs.ViewNone, vrs.RoleAnalyst), full, rec(thPolice, vrs.DistPartners, partners(nil, 8)), access.None}, // a view of "none" reads no record content, from abroad either
		{"PartnersByGroupOtherAgency", vnOther, full, rec(thPolice, vrs.DistPartners, partners(nil, 8)), access.None},
		{"PartnersGroupNotNamed", vnAgency, full, rec(thPolice, vrs.DistPartners, partners([]string{"LA"}, 7)), access.None},
		{"PartnersCommunityMemberNotNamed", vnCountry, full, rec(thPolice, vrs.DistPartners, partners([]string{"LA"})), access.None},
		{"ForeignCountryDistribution", vnCountry, full, rec(thPolice, vrs.DistCountry), access.None},
		{"ForeignAgencyDistribution", vnCountry, full, rec(thPolice, vrs.DistAgency), access.None},

		// The finest of several agreements that cover the record.
		{"FinestOfTwo", vnCountry, sharing(agreement(access.Aggregate), agreement(access.Full, typesOf(vrs.TypeMigrantSmuggling))),
			rec(thPolice, vrs.DistCommunity), access.Full},
		{"FinestCovering", vnCountry, sharing(agreement(access.Pseudonymised), agreement(access.Full, typesOf(vrs.TypeTrafficking))),
			rec(thPolice, vrs.DistCommunity), access.Pseudonymised},
		{"FinestInForce", vnCountry, sharing(agreement(access.Pseudonymised), agreement(access.Full, statusOf(vrs.AgreementRevoked))),
			rec(thPolice, vrs.DistCommunity), access.Pseudonymised},

		// Reciprocity.
		{"ReciprocityNoContribution", vnCountry, sharingWith(sharing(agreement(access.Full)), func(s *access.Sharing) { s.Contributors["VN"] = false }),
			rec(thPolice, vrs.DistCommunity), access.None},
		{"ReciprocityOffNoContribution", vnCountry, sharingWith(sharing(agreement(access.Full)), func(s *access.Sharing) { s.Contributors["VN"], s.Reciprocity = false, false }),
			rec(thPolice, vrs.DistCommunity), access.Full},
		// The owner need not contribute: reciprocity binds the receiver.
		{"ReciprocityOwnerNoContribution", vnCountry, sharingWith(sharing(agreement(access.Full)), func(s *access.Sharing) { s.Contributors["TH"] = false }),
			rec(thPolice, vrs.DistCommunity), access.Full},
		{"ReciprocityOwnCountry", countryView, sharingWith(sharing(agreement(access.Full)), func(s *access.Sharing) { s.Contributors["TH"] = false }),
			rec(thImmigration, vrs.DistCountry), access.Full},

		// A user without a country reads only the agencies worked for.
		{"NoCountryOwnAgency", user(thPolice, "", vrs.ViewCountry, vrs.RoleAnalyst), full, rec(thPolice, vrs.DistCountry), access.None},
		{"NoCountryForeign", user(thPolice, "", vrs.ViewCountry, vrs.RoleAnalyst), full, rec(vnPolice, vrs.DistCommunity), access.None},
		{"NoCountryRegional", user(0, "", vrs.ViewShared, vrs.RoleRegionalAnalyst), full, rec(vnPolice, vrs.DistCommunity), access.Pseudonymised},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := access.ReadIncident(tt.u, tt.s, tt.r); got != tt.want {
				t.Errorf("ReadIncident = %s, want %s", got, tt.want)
			}
		})
	}
}

func statusOf(s vrs.AgreementStatus) func(*vrs.SharingAgreement) {
	return func(a *vrs.SharingAgreement) { a.Status = s }
}

func days(starts, ends string) func(*vrs.SharingAgreement) {
	return func(a *vrs.SharingAgreement) { a.Starts, a.Ends = starts, ends }
}

func data(from, to string) func(*vrs.SharingAgreement) {
	return func(a *vrs.SharingAgreement) { a.DataFrom, a.DataTo = from, to }
}

func typesOf(ts ...vrs.IncidentType) func(*vrs.SharingAgreement) {
	return func(a *vrs.SharingAgreement) { a.Types = ts }
}

func sharingWith(s *access.Sharing, change func(*access.Sharing)) *access.Sharing {
	change(s)
	return s
}

// TestForeign: reads of another country's record, not as the
// installation nor for an agency worked for, are the audited ones.
func TestForeign(t *testing.T) {
	tests := []struct {
		name string
		u    *vrs.User
		r    access.IncidentRef
		want bool
	}{
		{"Nil", nil, rec(thPolice, vrs.DistCommunity), false},
		{"System", vrs.SystemUser, rec(thPolice, vrs.DistCommunity), false},
		{"OwnCountry", countryView, rec(thImmigration, vrs.DistCommunity), false},
		{"OtherCountry", vnCountry, rec(thPolice, vrs.DistCommunity), true},
		{"RegionalOtherCountry", regional, rec(vnPolice, vrs.DistCommunity), true},
		{"WorkAgencyAbroad", &vrs.User{AgencyID: thPolice, Country: "TH", Roles: []vrs.Role{vrs.RoleReporter}, CaptureAgencyIDs: []int64{vnPolice}},
			rec(vnPolice, vrs.DistAgency), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := access.Foreign(tt.u, tt.r); got != tt.want {
				t.Errorf("Foreign = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestGrantingAgreement: pseudonyms are keyed by an agreement that grants
// at least the granularity read, in force and covering the record.
func TestGrantingAgreement(t *testing.T) {
	coarse := agreement(access.Aggregate, func(a *vrs.SharingAgreement) { a.ID = 1 })
	revoked := agreement(access.Full, statusOf(vrs.AgreementRevoked), func(a *vrs.SharingAgreement) { a.ID = 2 })
	other := agreement(access.Full, typesOf(vrs.TypeTrafficking), func(a *vrs.SharingAgreement) { a.ID = 3 })
	fine := agreement(access.Pseudonymised, func(a *vrs.SharingAgreement) { a.ID = 4 })
	s := sharing(coarse, revoked, other, fine)
	if a := access.GrantingAgreement(vnCountry, s, rec(thPolice, vrs.DistCommunity), access.Pseudonymised); a == nil || a.ID != 4 {
		t.Errorf("granting agreement = %+v, want 4", a)
	}
	if a := access.GrantingAgreement(vnCountry, s, rec(thPolice, vrs.DistCommunity), access.Full); a != nil {
		t.Errorf("granting agreement for full = %+v, want none", a)
	}
	if a := access.GrantingAgreement(nil, s, rec(thPolice, vrs.DistCommunity), access.Aggregate); a != nil {
		t.Errorf("granting agreement for nobody = %+v", a)
	}
}

// placeholder finds $n in SQL; \b keeps $1 from matching inside $12.
var placeholder = regexp.MustCompile(`\$(\d+)\b`)

// compiledUsers is many users against many states of sharing: every
// combination of roles, views, countries, capture agencies, group
// memberships, agreements (in force or not, bounded data or not) and
// reciprocity that changes what the compiler writes.
func compiledUsers() (users []*vrs.User, states []*access.Sharing) {
	roleSets := [][]vrs.Role{nil, {vrs.RoleReporter}, {vrs.RoleReviewer}, {vrs.RoleAnalyst}, {vrs.RoleFocalPoint},
		{vrs.RoleRegionalAnalyst}, {vrs.RoleReporter, vrs.RoleReviewer}, {vrs.RoleReporter, vrs.RoleAnalyst},
		{vrs.RoleReviewer, vrs.RoleRegionalAnalyst}, {vrs.RoleAdmin, vrs.RoleAnalyst}}
	for _, roles := range roleSets {
		for _, scope := range []vrs.ViewScope{vrs.ViewAgency, vrs.ViewCountry, vrs.ViewShared, vrs.ViewNone} {
			for _, country := range []string{"VN", ""} {
				for _, capture := range [][]int64{nil, {vnCustoms}, {vnPolice, vnCustoms, vnPolice}} {
					users = append(users, &vrs.User{AgencyID: vnPolice, Country: country, Roles: roles, ViewScope: scope, CaptureAgencyIDs: capture})
				}
			}
		}
	}
	users = append(users, nil, vrs.SystemUser)
	bounded := agreement(access.Full, data("2024-01-01", "2025-12-31"), typesOf(vrs.TypeTrafficking))
	states = []*access.Sharing{
		nil,
		sharing(),
		sharing(agreement(access.Aggregate)),
		sharing(agreement(access.Pseudonymised), bounded, agreement(access.Full, func(a *vrs.SharingAgreement) { a.Partner = "MM" })),
		sharing(agreement(access.Full, statusOf(vrs.AgreementRevoked)), agreement(access.Pseudonymised, days("2027-01-01", ""))),
		sharingWith(sharing(bounded, agreement(access.Aggregate)), func(s *access.Sharing) { s.Groups, s.Members["VN"] = nil, false }),
		sharingWith(sharing(bounded), func(s *access.Sharing) { s.Contributors["VN"] = false }),
		sharingWith(sharing(bounded), func(s *access.Sharing) { s.Contributors["VN"], s.Reciprocity = false, false }),
	}
	return users, states
}

// TestIncidentSQLArguments: whatever the user, the compiled rule refers
// to every argument it appends and to no other (PostgreSQL refuses an
// argument a query does not use, and a $n past the arguments is an
// error on both), numbered after the arguments already there.
func TestIncidentSQLArguments(t *testing.T) {
	users, states := compiledUsers()
	compiled := 0
	for si, s := range states {
		for ui, u := range users {
			for _, least := range []access.Granularity{access.Aggregate, access.Pseudonymised, access.Full} {
				for _, before := range []int{0, 2} {
					name := fmt.Sprintf("state%d/user%d/%s/after%d", si, ui, least, before)
					forms := map[string]func(*[]any) string{
						"branches": func(args *[]any) string {
							var b strings.Builder
							for _, br := range access.IncidentBranches(u, s, least, args) {
								b.WriteString(br.Cond + " " + br.Gran + "\n")
							}
							return b.String()
						},
						"predicate":   func(args *[]any) string { return access.IncidentPredicate(u, s, least, args) },
						"granularity": func(args *[]any) string { return access.IncidentGranularity(u, s, least, args) },
					}
					for form, compile := range forms {
						args := make([]any, before)
						sql := compile(&args)
						compiled++
						used := map[int]bool{}
						for _, m := range placeholder.FindAllStringSubmatch(sql, -1) {
							n, _ := strconv.Atoi(m[1])
							used[n] = true
							if n <= before || n > len(args) {
								t.Errorf("%s %s: $%d outside its arguments %d..%d:\n%s", name, form, n, before+1, len(args), sql)
							}
						}
						for n := before + 1; n <= len(args); n++ {
							if !used[n] {
								t.Errorf("%s %s: argument $%d (%v) unused:\n%s", name, form, n, args[n-1], sql)
							}
						}
					}
				}
			}
		}
	}
	if compiled < 5000 {
		t.Errorf("only %d compilations", compiled)
	}
}

// TestIncidentSQLShape: what the compiled rule must say, and leave out,
// for particular users.
func TestIncidentSQLShape(t *testing.T) {
	full := sharing(agreement(access.Full), agreement(access.Aggregate, func(a *vrs.SharingAgreement) { a.Proposer, a.ID = "LA", 10 }))
	t.Run("Nobody", func(t *testing.T) {
		var args []any
		if p := access.IncidentPredicate(nil, full, access.Aggregate, &args); p != "FALSE" || len(args) != 0 {
			t.Errorf("predicate = %q %v", p, args)
		}
		if g := access.IncidentGranularity(nil, full, access.Aggregate, &args); g != "0" {
			t.Errorf("granularity = %q", g)
		}
		if g := access.IncidentGranularity(user(thPolice, "TH", vrs.ViewNone, vrs.RoleFocalPoint), full, access.Aggregate, &args); g != "0" || len(args) != 0 {
			t.Errorf("focal point's granularity = %q %v", g, args)
		}
	})
	t.Run("System", func(t *testing.T) {
		var args []any
		bs := access.IncidentBranches(vrs.SystemUser, nil, access.Full, &args)
		if len(bs) != 1 || bs[0].Cond != "TRUE" || bs[0].Gran != strconv.Itoa(int(access.Full)) || len(args) != 0 {
			t.Errorf("branches = %+v %v", bs, args)
		}
	})
	t.Run("NoCountryNoBranch", func(t *testing.T) {
		// The reference reads the own agency "in the user's own country"
		// (the property test found the SQL reading it without one).
		var args []any
		for _, scope := range []vrs.ViewScope{vrs.ViewAgency, vrs.ViewCountry} {
			if bs := access.IncidentBranches(user(thPolice, "", scope, vrs.RoleAnalyst), full, access.Aggregate, &args); len(bs) != 0 {
				t.Errorf("%s view without a country: branches %+v", scope, bs)
			}
		}
	})
	t.Run("OneBranchPerWorkAgency", func(t *testing.T) {
		var args []any
		u := &vrs.User{AgencyID: vnPolice, Country: "VN", Roles: []vrs.Role{vrs.RoleReporter, vrs.RoleReviewer}, CaptureAgencyIDs: []int64{vnCustoms, vnPolice, vnCustoms}}
		if bs := access.IncidentBranches(u, nil, access.Pseudonymised, &args); len(bs) != 2 {
			t.Errorf("branches = %+v, want one per agency (%d, %d)", bs, vnCustoms, vnPolice)
		}
	})
	t.Run("AgreementsOutOfForceLeftOut", func(t *testing.T) {
		var args []any
		s := sharing(agreement(access.Full, statusOf(vrs.AgreementRevoked)), agreement(access.Full, days("2027-01-01", ""),
			func(a *vrs.SharingAgreement) { a.Proposer = "MM" }), agreement(access.Full, func(a *vrs.SharingAgreement) { a.Proposer = "LA" }))
		bs := access.IncidentBranches(vnCountry, s, access.Aggregate, &args)
		for _, a := range args {
			if a == "TH" || a == "MM" {
				t.Errorf("agreement out of force compiled: %v in %+v", args, bs)
			}
		}
		if !slices.Contains(args, any("LA")) {
			t.Errorf("agreement in force left out: %v", args)
		}
	})
	t.Run("CoarseAgreementsLeftOut", func(t *testing.T) {
		var args []any
		access.IncidentBranches(vnCountry, full, access.Pseudonymised, &args)
		if slices.Contains(args, any("LA")) || !slices.Contains(args, any("TH")) {
			t.Errorf("arguments for pseudonymised and finer = %v, want TH and not LA (aggregate only)", args)
		}
	})
	t.Run("NoAgreementBranchWithoutAudience", func(t *testing.T) {
		var args []any
		bs := access.IncidentBranches(vnOther, full, access.Aggregate, &args)
		if len(bs) != 1 || !strings.Contains(bs[0].Cond, "i.agency_id") {
			t.Errorf("an agency view outside every group has only its own agency: %+v %v", bs, args)
		}
	})
	t.Run("Deterministic", func(t *testing.T) {
		users, states := compiledUsers()
		for _, s := range states {
			for _, u := range users {
				var a1, a2 []any
				g1, g2 := access.IncidentGranularity(u, s, access.Aggregate, &a1), access.IncidentGranularity(u, s, access.Aggregate, &a2)
				if g1 != g2 || fmt.Sprint(a1) != fmt.Sprint(a2) {
					t.Fatalf("two compilations differ:\n%s %v\n%s %v", g1, a1, g2, a2)
				}
			}
		}
	})
}
