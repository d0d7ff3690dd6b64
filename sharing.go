package vrs

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Distribution is how far the owner lets a record travel. It is a ceiling:
// a record leaves its country only when validated and only to countries
// that have an active sharing agreement with the owner's (package access).
type Distribution string

const (
	// DistAgency: the owning agency only.
	DistAgency Distribution = "agency"
	// DistCountry: every agency of the owner's country.
	DistCountry Distribution = "country"
	// DistPartners: the owner's country and the named partner countries
	// and sharing groups.
	DistPartners Distribution = "partners"
	// DistCommunity: the owner's country and every member of the
	// reporting community.
	DistCommunity Distribution = "community"
	// DistStatistics: counted in statistics by everyone the community
	// reaches, never shown as a record outside the owning agency.
	DistStatistics Distribution = "statistics"
)

// Distributions lists the levels from the narrowest.
var Distributions = []Distribution{DistAgency, DistCountry, DistPartners, DistCommunity, DistStatistics}

// Valid reports whether d is a known level.
func (d Distribution) Valid() bool { return slices.Contains(Distributions, d) }

// TLP is a Traffic Light Protocol 2.0 label: what recipients may do with a
// record once they hold it. It travels with the record (pages, exports).
type TLP string

const (
	TLPRed         TLP = "RED"
	TLPAmberStrict TLP = "AMBER+STRICT"
	TLPAmber       TLP = "AMBER"
	TLPGreen       TLP = "GREEN"
	TLPClear       TLP = "CLEAR"
)

// TLPs lists the labels from the most restrictive.
var TLPs = []TLP{TLPRed, TLPAmberStrict, TLPAmber, TLPGreen, TLPClear}

// Valid reports whether t is a known label.
func (t TLP) Valid() bool { return slices.Contains(TLPs, t) }

// Defaults of an agency that has not chosen its own.
const (
	DefaultDistribution = DistCountry
	DefaultTLP          = TLPAmber
)

// Granularity is how much of a record a user may see.
type Granularity int

const (
	// GranNone: the record does not exist for the user.
	GranNone Granularity = iota
	// GranAggregate: counted in statistics, never shown as a record.
	GranAggregate
	// GranPseudonymised: shown with names and identifiers replaced by
	// pseudonyms, dates of birth as years, coordinates coarsened.
	GranPseudonymised
	// GranFull: shown whole, personal data included.
	GranFull
)

var granularityNames = [...]string{"none", "aggregate", "pseudonymised", "full"}

func (g Granularity) String() string {
	if g < 0 || int(g) >= len(granularityNames) {
		return "none"
	}
	return granularityNames[g]
}

// ParseGranularity reads a granularity an agreement may grant.
func ParseGranularity(s string) (Granularity, bool) {
	for i, n := range granularityNames[1:] {
		if n == s {
			return Granularity(i + 1), true
		}
	}
	return GranNone, false
}

// GranularityOf reads a granularity, "none" included.
func GranularityOf(s string) (Granularity, bool) {
	if s == "none" {
		return GranNone, true
	}
	return ParseGranularity(s)
}

func (g Granularity) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

func (g *Granularity) UnmarshalText(b []byte) error {
	v, ok := GranularityOf(string(b))
	if !ok {
		return FieldErrors(map[string]string{"granularity": "field.granularity"})
	}
	*g = v
	return nil
}

// AgreementStatus is where a sharing agreement stands.
type AgreementStatus string

const (
	AgreementProposed AgreementStatus = "proposed"
	AgreementActive   AgreementStatus = "active"
	AgreementDeclined AgreementStatus = "declined"
	AgreementRevoked  AgreementStatus = "revoked"
)

// SharingAgreement is a mutual agreement between two countries: each shares
// with the other its validated records of the given types, detected within
// the data period, at the given granularity, from Starts to Ends. One
// country's focal point proposes it, the other's accepts or declines it;
// either may revoke it, with effect on the very next request.
type SharingAgreement struct {
	ID          int64          `json:"id"`
	Proposer    string         `json:"proposer"` // country
	Partner     string         `json:"partner"`  // country
	Types       []IncidentType `json:"types"`
	Granularity Granularity    `json:"granularity"`
	// DataFrom and DataTo bound the detection dates of the records
	// shared, inclusive; empty is open.
	DataFrom string `json:"data_from,omitempty"`
	DataTo   string `json:"data_to,omitempty"`
	// Starts and Ends bound the days on which the agreement applies,
	// inclusive; an empty Ends never ends.
	Starts string          `json:"starts"`
	Ends   string          `json:"ends,omitempty"`
	Status AgreementStatus `json:"status"`
	Note   string          `json:"note,omitempty"`

	ProposedBy int64     `json:"proposed_by"`
	ProposedAt time.Time `json:"proposed_at"`
	DecidedBy  int64     `json:"decided_by,omitempty"`
	DecidedAt  time.Time `json:"decided_at,omitzero"`
	RevokedBy  int64     `json:"revoked_by,omitempty"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	Reason     string    `json:"reason,omitempty"` // of a decline or revocation
}

// MaxNoteLen bounds notes, reasons and releasability statements.
const MaxNoteLen = 2000

// Normalize trims and orders what a person typed.
func (a *SharingAgreement) Normalize() {
	a.Proposer = strings.ToUpper(strings.TrimSpace(a.Proposer))
	a.Partner = strings.ToUpper(strings.TrimSpace(a.Partner))
	a.Note = strings.TrimSpace(a.Note)
	slices.Sort(a.Types)
	a.Types = slices.Compact(a.Types)
}

// Validate checks an agreement's own fields (not whether the countries exist).
func (a *SharingAgreement) Validate() error {
	f := map[string]string{}
	if !isCountryCode(a.Partner) {
		f["partner"] = "field.country_code"
	} else if a.Partner == a.Proposer {
		f["partner"] = "field.agreement_self"
	}
	if len(a.Types) == 0 {
		f["types"] = "field.required"
	}
	for _, t := range a.Types {
		if !slices.Contains(IncidentTypes, t) {
			f["types"] = "field.incident_type"
		}
	}
	if a.Granularity < GranAggregate || a.Granularity > GranFull {
		f["granularity"] = "field.granularity"
	}
	for name, d := range map[string]string{"data_from": a.DataFrom, "data_to": a.DataTo, "ends": a.Ends} {
		if d != "" && !isDate(d) {
			f[name] = "field.date"
		}
	}
	if !isDate(a.Starts) {
		f["starts"] = "field.date"
	}
	if f["data_to"] == "" && a.DataFrom != "" && a.DataTo != "" && a.DataTo < a.DataFrom {
		f["data_to"] = "field.date_before_start"
	}
	if f["ends"] == "" && f["starts"] == "" && a.Ends != "" && a.Ends < a.Starts {
		f["ends"] = "field.date_before_start"
	}
	if utf8.RuneCountInString(a.Note) > MaxNoteLen {
		f["note"] = "field.too_long"
	}
	if len(f) > 0 {
		return FieldErrors(f)
	}
	return nil
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// Parties reports whether the agreement is between countries a and b.
func (a *SharingAgreement) Parties(x, y string) bool {
	return a.Proposer == x && a.Partner == y || a.Proposer == y && a.Partner == x
}

// Other returns the party that is not country c.
func (a *SharingAgreement) Other(c string) string {
	if a.Proposer == c {
		return a.Partner
	}
	return a.Proposer
}

// InForce reports whether the agreement applies on day today (YYYY-MM-DD).
func (a *SharingAgreement) InForce(today string) bool {
	return a.Status == AgreementActive && a.Starts <= today && (a.Ends == "" || today <= a.Ends)
}

// Covers reports whether the agreement covers a record of type t detected on d.
func (a *SharingAgreement) Covers(t IncidentType, detectedOn string) bool {
	return slices.Contains(a.Types, t) && (a.DataFrom == "" || a.DataFrom <= detectedOn) && (a.DataTo == "" || detectedOn <= a.DataTo)
}

// Overlaps reports whether two agreements could both apply to one record
// on one day: the same two countries, a common type, overlapping data
// periods and overlapping days in force. Such a pair is contradictory (or
// redundant) and the second is refused.
func (a *SharingAgreement) Overlaps(b *SharingAgreement) bool {
	if !a.Parties(b.Proposer, b.Partner) {
		return false
	}
	common := false
	for _, t := range a.Types {
		common = common || slices.Contains(b.Types, t)
	}
	return common && rangesMeet(a.DataFrom, a.DataTo, b.DataFrom, b.DataTo) && rangesMeet(a.Starts, a.Ends, b.Starts, b.Ends)
}

// rangesMeet reports whether two inclusive date ranges, "" open, share a day.
func rangesMeet(from1, to1, from2, to2 string) bool {
	return (to1 == "" || from2 == "" || from2 <= to1) && (to2 == "" || from1 == "" || from1 <= to2)
}

// Live reports whether the agreement still binds or may come to bind (it
// counts for overlaps): proposed or active, and not yet ended (a proposal
// whose end has passed can no longer be accepted).
func (a *SharingAgreement) Live(today string) bool {
	return (a.Status == AgreementProposed || a.Status == AgreementActive) && (a.Ends == "" || today <= a.Ends)
}

// AgreementFilter narrows ListAgreements.
type AgreementFilter struct {
	Country string // either party
	Status  AgreementStatus
}

// SharingGroup is a named set of countries and agencies to which records
// may be distributed, with a statement of what may be released to it. The
// focal points of the creator's country manage it.
type SharingGroup struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	Releasability string    `json:"releasability"`
	Owner         string    `json:"owner"` // the creator's country
	Countries     []string  `json:"countries"`
	AgencyIDs     []int64   `json:"agency_ids"`
	CreatedBy     int64     `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Normalize trims and orders what a person typed.
func (g *SharingGroup) Normalize() {
	g.Name = strings.Join(strings.Fields(g.Name), " ")
	g.Releasability = strings.TrimSpace(g.Releasability)
	for i, c := range g.Countries {
		g.Countries[i] = strings.ToUpper(strings.TrimSpace(c))
	}
	slices.Sort(g.Countries)
	g.Countries = slices.Compact(g.Countries)
	slices.Sort(g.AgencyIDs)
	g.AgencyIDs = slices.Compact(g.AgencyIDs)
}

// MaxGroupMembers bounds the countries plus agencies of a group.
const MaxGroupMembers = 500

// Validate checks a group's own fields (not whether its members exist).
func (g *SharingGroup) Validate() error {
	f := map[string]string{}
	if msg := validName(g.Name); msg != "" {
		f["name"] = msg
	}
	if strings.TrimSpace(g.Releasability) == "" {
		f["releasability"] = "field.required"
	} else if utf8.RuneCountInString(g.Releasability) > MaxNoteLen {
		f["releasability"] = "field.too_long"
	}
	for _, c := range g.Countries {
		if !isCountryCode(c) {
			f["countries"] = "field.country_code"
		}
	}
	if len(g.Countries)+len(g.AgencyIDs) == 0 {
		f["countries"] = "field.group_empty"
	} else if len(g.Countries)+len(g.AgencyIDs) > MaxGroupMembers {
		f["countries"] = "field.too_many"
	}
	if len(f) > 0 {
		return FieldErrors(f)
	}
	return nil
}

// Reaches reports whether the group includes the country or the agency.
func (g *SharingGroup) Reaches(country string, agencyID int64) bool {
	return slices.Contains(g.Countries, country) || slices.Contains(g.AgencyIDs, agencyID)
}

// RecordView is one audited read of a record by someone of another
// country, as its owner country sees it.
type RecordView struct {
	At         time.Time `json:"at"`
	IncidentID int64     `json:"incident_id"`
	ViewerName string    `json:"viewer"`
	Country    string    `json:"viewer_country"`
	Agency     string    `json:"viewer_agency"`
	Action     string    `json:"action"`
	// Granularity and Purpose: how much the viewer saw, and the purpose
	// stated for a full read.
	Granularity string `json:"granularity"`
	Purpose     string `json:"purpose,omitempty"`
	Detail      string `json:"detail"`
}

// Purposes of access a user states before reading another country's
// record in full.
var Purposes = []string{"investigation", "victim_identification", "prosecution", "analysis", "referral", "other"}

// SharingService manages agreements and groups. Implementations enforce who
// may do what (package access) and write the audit log.
type SharingService interface {
	ProposeAgreement(ctx context.Context, a *SharingAgreement) error
	// DecideAgreement accepts or declines a proposal addressed to the
	// user's country.
	DecideAgreement(ctx context.Context, id int64, accept bool, reason string) (*SharingAgreement, error)
	// RevokeAgreement ends an active agreement or withdraws a proposal.
	RevokeAgreement(ctx context.Context, id int64, reason string) (*SharingAgreement, error)
	FindAgreement(ctx context.Context, id int64) (*SharingAgreement, error)
	ListAgreements(ctx context.Context, f AgreementFilter) ([]*SharingAgreement, error)

	CreateSharingGroup(ctx context.Context, g *SharingGroup) error
	UpdateSharingGroup(ctx context.Context, g *SharingGroup) error
	DeleteSharingGroup(ctx context.Context, id int64) error
	FindSharingGroup(ctx context.Context, id int64) (*SharingGroup, error)
	ListSharingGroups(ctx context.Context) ([]*SharingGroup, error)

	// CountryContributes reports whether a country has a validated record
	// distributed beyond its borders, which reciprocity requires.
	CountryContributes(ctx context.Context, country string) (bool, error)

	// ListRecordViews lists reads of the country's records by users of
	// other countries, newest first.
	ListRecordViews(ctx context.Context, country string, limit int) ([]*RecordView, error)
}

// Sharing audit actions.
const (
	ActAgreementPropose = "agreement.propose"
	ActAgreementAccept  = "agreement.accept"
	ActAgreementDecline = "agreement.decline"
	ActAgreementRevoke  = "agreement.revoke"
	ActGroupCreate      = "sharing_group.create"
	ActGroupUpdate      = "sharing_group.update"
	ActGroupDelete      = "sharing_group.delete"
)
