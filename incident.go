package vrs

import (
	"context"
	"time"
)

// IncidentType is the kind of conduct an incident records.
type IncidentType string

const (
	TypeIrregularMigration IncidentType = "irregular_migration"
	TypeMigrantSmuggling   IncidentType = "migrant_smuggling"
	TypeTrafficking        IncidentType = "trafficking_in_persons"
	TypeDocumentFraud      IncidentType = "document_fraud"
	TypeRelatedConduct     IncidentType = "related_conduct"
)

// IncidentTypes lists the types in display order.
var IncidentTypes = []IncidentType{TypeIrregularMigration, TypeMigrantSmuggling, TypeTrafficking, TypeDocumentFraud, TypeRelatedConduct}

// IncidentStatus is where an incident stands in the review workflow.
type IncidentStatus string

const (
	StatusDraft     IncidentStatus = "draft"
	StatusSubmitted IncidentStatus = "submitted"
	StatusReturned  IncidentStatus = "returned"
	StatusValidated IncidentStatus = "validated"
)

// IncidentStatuses lists the statuses in workflow order.
var IncidentStatuses = []IncidentStatus{StatusDraft, StatusSubmitted, StatusReturned, StatusValidated}

// Editable reports whether a reporter may still change the incident.
// A validated incident may be corrected too; the correction sends it back
// to review (see the store's UpdateIncident).
func (s IncidentStatus) Editable() bool { return s != StatusSubmitted }

// Person roles, leg roles and statuses the workflow and statistics rely on.
// The full lists are code lists in package refdata.
const (
	PersonMigrant     = "migrant"
	PersonVictim      = "victim"
	PersonSuspect     = "suspect"
	PersonFacilitator = "facilitator"
	PersonWitness     = "witness"
	PersonEmployer    = "employer"
	PersonRecruiter   = "recruiter"
	PersonOfficial    = "official"

	LegOrigin       = "origin"
	LegTransit      = "transit"
	LegDestination  = "destination"
	LegInterception = "interception"

	PlaceAtSea = "at_sea"
)

// Incident is the unit of reporting: what one agency detected, with the
// persons, route, means and money involved. Fields tagged personal in the
// comments are personal data: the store keeps them encrypted.
type Incident struct {
	ID         int64          `json:"id"`
	AgencyID   int64          `json:"agency_id"`
	AgencyName string         `json:"agency_name"`
	Country    string         `json:"country"` // the owning agency's country
	Reference  string         `json:"reference"`
	Type       IncidentType   `json:"type"`
	Status     IncidentStatus `json:"status"`
	Version    int            `json:"version"`

	OccurredOn string `json:"occurred_on,omitempty"` // YYYY-MM-DD
	DetectedOn string `json:"detected_on"`
	ReportedOn string `json:"reported_on"`
	Place      Place  `json:"place"`
	Narrative  string `json:"narrative,omitempty"`
	Source     string `json:"source,omitempty"`
	// OffenceCodes are ICCS codes.
	OffenceCodes []string `json:"offence_codes,omitempty"`
	// Proceedings says how far criminal proceedings went (trafficking and
	// smuggling cases).
	Proceedings string `json:"proceedings,omitempty"`
	// PersonsInvolved is the total number of persons involved as reported,
	// when known; persons recorded one by one and counts must fit in it.
	PersonsInvolved *int `json:"persons_involved,omitempty"`

	Persons       []Person         `json:"persons"`
	Legs          []RouteLeg       `json:"legs"`
	Organisations []Organisation   `json:"organisations"`
	Vehicles      []Vehicle        `json:"vehicles"`
	Documents     []Document       `json:"documents"`
	Transactions  []Transaction    `json:"transactions"`
	Counts        []AggregateCount `json:"counts"`

	// ReviewNote holds the reviewer's reasons when the incident was returned.
	ReviewNote string `json:"review_note,omitempty"`

	// Sharing: how far the record may travel (a ceiling, see package
	// access) and what recipients may do with it. Empty takes the
	// agency's default.
	Distribution   Distribution `json:"distribution"`
	TLP            TLP          `json:"tlp"`
	ShareCountries []string     `json:"share_countries,omitempty"` // with DistPartners
	ShareGroups    []int64      `json:"share_groups,omitempty"`    // with DistPartners
	// NarrativeShareable lets pseudonymised copies keep the narrative.
	NarrativeShareable bool `json:"narrative_shareable,omitempty"`
	// Granularity is how much of the record the reader sees; set on reads.
	Granularity Granularity `json:"granularity,omitzero"`
	// PurposeRequired: the reader may see this other country's record in
	// full after stating a purpose; until then it is pseudonymised.
	PurposeRequired bool `json:"purpose_required,omitempty"`

	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedBy   int64     `json:"updated_by"`
	UpdatedAt   time.Time `json:"updated_at"`
	UpdatedName string    `json:"updated_by_name,omitempty"`
}

// Place is where an incident happened or was detected.
type Place struct {
	Country   string   `json:"country"`
	AdminArea string   `json:"admin_area,omitempty"`
	Name      string   `json:"name,omitempty"`
	Kind      string   `json:"kind,omitempty"`
	Lat       *float64 `json:"lat,omitempty"`
	Lon       *float64 `json:"lon,omitempty"`
}

// Person is one person recorded individually.
type Person struct {
	// Key names the person inside the incident ("p1") so that documents and
	// transactions can refer to them.
	Key              string   `json:"key"`
	Role             string   `json:"role"`
	PerpetratorRoles []string `json:"perpetrator_roles,omitempty"`
	Sex              string   `json:"sex,omitempty"`
	Age              *int     `json:"age,omitempty"`
	AgeGroup         string   `json:"age_group,omitempty"`
	Nationalities    []string `json:"nationalities,omitempty"`
	Status           string   `json:"status,omitempty"`

	// Trafficking context, in the values of HTCDS 2.0.
	TraffickingStatus  string   `json:"trafficking_status,omitempty"`
	Exploitation       []string `json:"exploitation,omitempty"`
	SexExploitation    []string `json:"sex_exploitation,omitempty"`
	LabourSector       string   `json:"labour_sector,omitempty"` // ISIC section
	ControlMethods     []string `json:"control_methods,omitempty"`
	RecruitmentMethods []string `json:"recruitment_methods,omitempty"`

	// Personal data.
	Name        string       `json:"name,omitempty"`
	Aliases     []string     `json:"aliases,omitempty"`
	DateOfBirth string       `json:"date_of_birth,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
}

// Identifier is a document number, phone, account, address, e-mail or
// social-media handle that identifies a person. The value is personal data.
type Identifier struct {
	Kind    string `json:"kind"`
	Value   string `json:"value"`
	Country string `json:"country,omitempty"`
}

// RouteLeg is one step of the journey, in order.
type RouteLeg struct {
	Country    string `json:"country"`
	Place      string `json:"place,omitempty"`
	Role       string `json:"role"`
	Mode       string `json:"mode,omitempty"`
	DepartedOn string `json:"departed_on,omitempty"`
	ArrivedOn  string `json:"arrived_on,omitempty"`
}

// Organisation is a recruitment agency, employer, transport company...
type Organisation struct {
	Key          string `json:"key"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Country      string `json:"country,omitempty"`
	Registration string `json:"registration,omitempty"`
}

// Vehicle is a vessel, car, truck or aircraft used.
type Vehicle struct {
	Key          string `json:"key"`
	Kind         string `json:"kind"`
	Name         string `json:"name,omitempty"`
	Registration string `json:"registration,omitempty"`
	Flag         string `json:"flag,omitempty"`
	Description  string `json:"description,omitempty"`
}

// Document is a travel or identity document involved.
type Document struct {
	Type           string `json:"type"`
	IssuingCountry string `json:"issuing_country,omitempty"`
	FraudType      string `json:"fraud_type,omitempty"`
	HolderKey      string `json:"holder,omitempty"`
	Number         string `json:"number,omitempty"` // personal data
}

// Transaction is a payment: a smuggling fee, a recruitment fee, a bribe, a debt.
type Transaction struct {
	PayerKey     string  `json:"payer,omitempty"`
	PayeeKey     string  `json:"payee,omitempty"`
	Amount       float64 `json:"amount"`
	Currency     string  `json:"currency"`
	Date         string  `json:"date,omitempty"`
	Method       string  `json:"method"`
	Purpose      string  `json:"purpose,omitempty"`
	PayerAccount string  `json:"payer_account,omitempty"` // personal data
	PayeeAccount string  `json:"payee_account,omitempty"` // personal data
}

// AggregateCount counts persons not recorded one by one.
type AggregateCount struct {
	Role        string `json:"role"`
	Nationality string `json:"nationality,omitempty"`
	Sex         string `json:"sex,omitempty"`
	AgeGroup    string `json:"age_group,omitempty"`
	Status      string `json:"status,omitempty"`
	Count       int    `json:"count"`
}

// AgeGroupOf returns the age-group code for an age in years.
func AgeGroupOf(age int) string {
	switch {
	case age < 0:
		return "unknown"
	case age < 12:
		return "0-11"
	case age < 18:
		return "12-17"
	case age < 25:
		return "18-24"
	case age < 35:
		return "25-34"
	case age < 50:
		return "35-49"
	}
	return "50+"
}

// IncidentFilter narrows ListIncidents. Zero values do not filter.
type IncidentFilter struct {
	Types    []IncidentType
	Statuses []IncidentStatus
	From, To string // detected on, YYYY-MM-DD, inclusive
	Country  string // owning country
	AgencyID int64
	// IDs narrows the list to these incidents (the records behind a
	// statistics cell), at most MaxIncidentIDs.
	IDs          []int64
	Nationality  string // of any person or count
	RouteCountry string // any leg, or the place
	Text         string // words in the narrative or reference
	// Identifier finds incidents with a person or document whose
	// normalised identifier equals this value (exact, via the blind index).
	IdentifierKind string
	Identifier     string
	// Sort is one of "detected", "-detected", "updated", "-updated", "reference".
	Sort string
	// After is the opaque cursor of the previous page's last row.
	After string
	Limit int
}

// MaxIncidentIDs bounds IncidentFilter.IDs.
const MaxIncidentIDs = 1000

// IncidentPage is one page of a list.
type IncidentPage struct {
	Items []*IncidentSummary `json:"items"`
	Next  string             `json:"next,omitempty"`
}

// IncidentSummary is a row of the incident list; it holds no personal data.
type IncidentSummary struct {
	ID         int64          `json:"id"`
	AgencyID   int64          `json:"agency_id"`
	AgencyName string         `json:"agency_name"`
	Country    string         `json:"country"`
	Reference  string         `json:"reference"`
	Type       IncidentType   `json:"type"`
	Status     IncidentStatus `json:"status"`
	Version    int            `json:"version"`
	DetectedOn string         `json:"detected_on"`
	Place      string         `json:"place_country"`
	PlaceName  string         `json:"place_name,omitempty"`
	Persons    int            `json:"persons"`
	UpdatedAt  time.Time      `json:"updated_at"`
	// Granularity is how much of the record the reader may open.
	Granularity Granularity `json:"granularity,omitzero"`
	TLP         TLP         `json:"tlp"`
}

// IncidentVersion is one saved state of an incident, for its history.
type IncidentVersion struct {
	Version    int            `json:"version"`
	Status     IncidentStatus `json:"status"`
	AuthorID   int64          `json:"author_id"`
	AuthorName string         `json:"author_name"`
	At         time.Time      `json:"at"`
	// Action is what made this version: create, update, submit, return, validate.
	Action   string    `json:"action"`
	Note     string    `json:"note,omitempty"`
	Incident *Incident `json:"incident,omitempty"`
}

// IncidentService records incidents and moves them through review.
// Implementations check rights (package access), validate, keep every
// version and write the audit log.
type IncidentService interface {
	CreateIncident(ctx context.Context, inc *Incident) error
	// UpdateIncident replaces the incident's content if its current version
	// is still version; otherwise ECONFLICT.
	UpdateIncident(ctx context.Context, inc *Incident, version int) error
	// FindIncident returns the incident with its personal data (audited).
	FindIncident(ctx context.Context, id int64) (*Incident, error)
	ListIncidents(ctx context.Context, f IncidentFilter) (*IncidentPage, error)
	// Transition moves an incident to a new status: submit (reporter),
	// return with a note or validate (reviewer).
	TransitionIncident(ctx context.Context, id int64, version int, to IncidentStatus, note string) (*Incident, error)
	DeleteIncident(ctx context.Context, id int64, version int, reason string) error
	IncidentHistory(ctx context.Context, id int64) ([]*IncidentVersion, error)
}

// Audit actions on incidents. Reads are audited too: an incident holds
// personal data.
const (
	ActIncidentCreate     = "incident.create"
	ActIncidentUpdate     = "incident.update"
	ActIncidentSubmit     = "incident.submit"
	ActIncidentWithdraw   = "incident.withdraw"
	ActIncidentReturn     = "incident.return"
	ActIncidentValidate   = "incident.validate"
	ActIncidentDelete     = "incident.delete"
	ActIncidentRead       = "incident.read"
	ActIncidentHistory    = "incident.history"
	ActIncidentSearch     = "incident.search_identifier"
	ActIncidentReseal     = "incident.reseal"
	ActIncidentBulkCreate = "incident.bulk_create"
	// ActIncidentReadShared is a read of another country's record: the
	// owner country lists them (SharingService.ListRecordViews).
	ActIncidentReadShared = "incident.read_shared"
)
