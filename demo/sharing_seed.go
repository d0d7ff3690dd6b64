package demo

import (
	"context"
	"fmt"
	"time"

	"vrs"
)

// SharingStore manages sharing groups and agreements (store.DB).
type SharingStore interface {
	CreateSharingGroup(ctx context.Context, g *vrs.SharingGroup) error
	ProposeAgreement(ctx context.Context, a *vrs.SharingAgreement) error
	DecideAgreement(ctx context.Context, id int64, accept bool, reason string) (*vrs.SharingAgreement, error)
	RevokeAgreement(ctx context.Context, id int64, reason string) (*vrs.SharingAgreement, error)
}

// Group is one demo sharing group: member countries, or member agencies
// (demo agency keys) for a network of agencies across countries.
type Group struct {
	Name          string
	Owner         string
	Releasability string
	Countries     []string
	Agencies      []string
}

// Groups lists the demo sharing groups.
var Groups = []Group{
	{Name: "Mekong", Owner: "TH", Countries: []string{"KH", "LA", "MM", "TH", "VN"},
		Releasability: "Law enforcement and immigration agencies of the Mekong countries, for investigations of trafficking and smuggling along the Mekong corridors. No onward release without the owner's consent."},
	{Name: "Andaman Sea maritime", Owner: "MY", Countries: []string{"BD", "ID", "LK", "MM", "MY", "TH"},
		Releasability: "Maritime, border and police agencies around the Andaman Sea and the Bay of Bengal, for search and rescue, interdiction at sea and disembarkation planning."},
	{Name: "Maritime enforcement network", Owner: "AU", Agencies: []string{
		AgencyKey("AU", "Australian Border Force"), AgencyKey("TH", "Thai Maritime Enforcement Command Centre"),
		AgencyKey("MY", "Malaysian Maritime Enforcement Agency"), AgencyKey("ID", "Indonesian Maritime Security Agency"),
		AgencyKey("PH", "Philippine Coast Guard"), AgencyKey("BD", "Bangladesh Coast Guard"), AgencyKey("LK", "Sri Lanka Navy")},
		Releasability: "Coast guards and maritime enforcement agencies only, for operational use at sea. Not for prosecution without the owner's consent."},
}

// Agreement is one demo agreement and how it ends up: accepted (active),
// left proposed, declined or revoked.
type Agreement struct {
	Proposer, Partner string
	Types             []vrs.IncidentType
	Granularity       vrs.Granularity
	// DataYears, when not 0, shares only the records detected in the
	// last DataYears years.
	DataYears int
	// EndsYears, when not 0, ends the agreement that many years from now.
	EndsYears int
	Status    vrs.AgreementStatus
	Note      string
	Reason    string // of a decline or revocation
}

var allTypes = vrs.IncidentTypes

// Agreements lists the demo agreements. Thailand, where the demo's users
// work, has several, so that its analyst sees other countries' records
// pseudonymised or in full, and one proposal waiting for its focal point.
var Agreements = []Agreement{
	{Proposer: "TH", Partner: "MY", Types: allTypes, Granularity: vrs.GranFull, Status: vrs.AgreementActive,
		Note: "Joint border committee: full exchange on all cases across the Sadao–Bukit Kayu Hitam and Andaman routes."},
	{Proposer: "KH", Partner: "TH", Types: []vrs.IncidentType{vrs.TypeIrregularMigration, vrs.TypeMigrantSmuggling, vrs.TypeTrafficking},
		Granularity: vrs.GranPseudonymised, Status: vrs.AgreementActive, Note: "Poipet–Aranyaprathet corridor and scam compounds."},
	{Proposer: "TH", Partner: "MM", Types: allTypes, Granularity: vrs.GranPseudonymised, DataYears: 3, Status: vrs.AgreementActive},
	{Proposer: "LA", Partner: "TH", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling, vrs.TypeTrafficking}, Granularity: vrs.GranFull,
		EndsYears: 2, Status: vrs.AgreementActive, Note: "Two-year pilot under the bilateral MoU on trafficking."},
	{Proposer: "TH", Partner: "VN", Types: allTypes, Granularity: vrs.GranAggregate, Status: vrs.AgreementActive},
	{Proposer: "ID", Partner: "TH", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling, vrs.TypeTrafficking, vrs.TypeDocumentFraud},
		Granularity: vrs.GranPseudonymised, Status: vrs.AgreementProposed, Note: "Andaman Sea departures and fishing-vessel crews."},
	{Proposer: "TH", Partner: "PH", Types: allTypes, Granularity: vrs.GranFull, Status: vrs.AgreementDeclined,
		Reason: "Full records need a data protection assessment first; we would accept pseudonymised records."},
	{Proposer: "AU", Partner: "TH", Types: []vrs.IncidentType{vrs.TypeDocumentFraud, vrs.TypeMigrantSmuggling}, Granularity: vrs.GranPseudonymised,
		Status: vrs.AgreementRevoked, Reason: "Replaced by the regional document-fraud programme."},
	{Proposer: "MY", Partner: "ID", Types: allTypes, Granularity: vrs.GranFull, Status: vrs.AgreementActive},
	{Proposer: "AU", Partner: "ID", Types: []vrs.IncidentType{vrs.TypeIrregularMigration, vrs.TypeMigrantSmuggling, vrs.TypeDocumentFraud},
		Granularity: vrs.GranPseudonymised, Status: vrs.AgreementActive},
	{Proposer: "VN", Partner: "KH", Types: []vrs.IncidentType{vrs.TypeTrafficking}, Granularity: vrs.GranFull, Status: vrs.AgreementActive},
	{Proposer: "BD", Partner: "MM", Types: allTypes, Granularity: vrs.GranAggregate, Status: vrs.AgreementActive},
	{Proposer: "PH", Partner: "MY", Types: []vrs.IncidentType{vrs.TypeTrafficking, vrs.TypeRelatedConduct}, Granularity: vrs.GranPseudonymised,
		DataYears: 2, Status: vrs.AgreementActive},
}

// As returns the context in which to act for a country: its focal point's
// when focal has one, else ctx (the installation, which names the country).
type As func(country string) context.Context

// SeedGroups creates the demo sharing groups, each by its owner country
// (as(owner)), and returns them with their ids. agencies maps demo agency
// keys to the stored agencies; a member agency missing from it is left out.
func SeedGroups(as As, st SharingStore, agencies map[string]AgencyRef) ([]*vrs.SharingGroup, error) {
	var out []*vrs.SharingGroup
	for _, dg := range Groups {
		g := &vrs.SharingGroup{Name: dg.Name, Owner: dg.Owner, Releasability: dg.Releasability, Countries: dg.Countries}
		for _, k := range dg.Agencies {
			if a, ok := agencies[k]; ok {
				g.AgencyIDs = append(g.AgencyIDs, a.ID)
			}
		}
		if err := st.CreateSharingGroup(as(dg.Owner), g); err != nil {
			return nil, fmt.Errorf("demo sharing group %q: %w", dg.Name, err)
		}
		out = append(out, g)
	}
	return out, nil
}

// SeedAgreements proposes the demo agreements, each by its proposer
// country, and has the partner accept or decline them, or either revoke
// them, as the plan says. Agreements start on today.
func SeedAgreements(as As, st SharingStore, today time.Time) ([]*vrs.SharingAgreement, error) {
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	var out []*vrs.SharingAgreement
	for _, da := range Agreements {
		a := &vrs.SharingAgreement{Proposer: da.Proposer, Partner: da.Partner, Types: da.Types, Granularity: da.Granularity,
			Starts: day(today), Note: da.Note}
		if da.DataYears > 0 {
			a.DataFrom = day(today.AddDate(-da.DataYears, 0, 0))
		}
		if da.EndsYears > 0 {
			a.Ends = day(today.AddDate(da.EndsYears, 0, 0))
		}
		err := st.ProposeAgreement(as(da.Proposer), a)
		switch {
		case err != nil:
		case da.Status == vrs.AgreementActive || da.Status == vrs.AgreementRevoked:
			a, err = st.DecideAgreement(as(da.Partner), a.ID, true, "")
			if err == nil && da.Status == vrs.AgreementRevoked {
				a, err = st.RevokeAgreement(as(da.Partner), a.ID, da.Reason)
			}
		case da.Status == vrs.AgreementDeclined:
			a, err = st.DecideAgreement(as(da.Partner), a.ID, false, da.Reason)
		}
		if err != nil {
			return nil, fmt.Errorf("demo agreement %s–%s: %w", da.Proposer, da.Partner, err)
		}
		out = append(out, a)
	}
	return out, nil
}
