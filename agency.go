package vrs

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// AgencyKind is what an agency does.
type AgencyKind string

const (
	KindPolice         AgencyKind = "police"
	KindImmigration    AgencyKind = "immigration"
	KindBorderGuard    AgencyKind = "border_guard"
	KindCoastGuard     AgencyKind = "coast_guard"
	KindLabour         AgencyKind = "labour_inspection"
	KindProsecution    AgencyKind = "prosecution"
	KindJudiciary      AgencyKind = "judiciary"
	KindSocial         AgencyKind = "social_services"
	KindPartner        AgencyKind = "partner_organisation"
	KindRegionalOffice AgencyKind = "regional_office"
)

// AgencyKinds lists every kind in display order.
var AgencyKinds = []AgencyKind{
	KindPolice, KindImmigration, KindBorderGuard, KindCoastGuard, KindLabour,
	KindProsecution, KindJudiciary, KindSocial, KindPartner, KindRegionalOffice,
}

// Valid reports whether k is a known kind.
func (k AgencyKind) Valid() bool {
	for _, v := range AgencyKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Agency is a national authority (or partner organisation) that reports
// and reads data. It belongs to one country.
type Agency struct {
	ID       int64      `json:"id"`
	Country  string     `json:"country"`
	Name     string     `json:"name"`
	Kind     AgencyKind `json:"kind"`
	Disabled bool       `json:"disabled"`
	// The distribution and label of new records when the reporter
	// leaves them empty.
	DefaultDistribution Distribution `json:"default_distribution"`
	DefaultTLP          TLP          `json:"default_tlp"`
	Units               []*Unit      `json:"units"`
	CreatedAt           time.Time    `json:"created_at"`
	UpdatedAt           time.Time    `json:"updated_at"`
}

// Unit is an optional subdivision of an agency (a border post, a squad).
type Unit struct {
	ID        int64     `json:"id"`
	AgencyID  int64     `json:"agency_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxNameLen bounds names of agencies, units and users.
const MaxNameLen = 200

// Normalize trims the fields a person types.
func (a *Agency) Normalize() {
	a.Name = strings.Join(strings.Fields(a.Name), " ")
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
}

// Validate checks the agency's own fields (not whether its country exists).
func (a *Agency) Validate() error {
	fields := map[string]string{}
	if msg := validName(a.Name); msg != "" {
		fields["name"] = msg
	}
	if !isCountryCode(a.Country) {
		fields["country"] = "field.country_code"
	}
	if !a.Kind.Valid() {
		fields["kind"] = "field.agency_kind"
	}
	if a.DefaultDistribution == "" {
		a.DefaultDistribution = DefaultDistribution
	}
	if a.DefaultTLP == "" {
		a.DefaultTLP = DefaultTLP
	}
	if !a.DefaultDistribution.Valid() || a.DefaultDistribution == DistPartners {
		fields["default_distribution"] = "field.distribution"
	}
	if !a.DefaultTLP.Valid() {
		fields["default_tlp"] = "field.tlp"
	}
	if len(fields) > 0 {
		return FieldErrors(fields)
	}
	return nil
}

// isCountryCode reports whether s has the shape of an ISO 3166-1 alpha-2 code.
func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func validName(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "field.required"
	case !utf8.ValidString(s):
		return "field.utf8"
	case utf8.RuneCountInString(s) > MaxNameLen:
		return "field.too_long"
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "field.control_chars"
		}
	}
	return ""
}

// AgencyFilter narrows ListAgencies.
type AgencyFilter struct {
	Country string
	Kind    AgencyKind
}

// AgencyUpdate holds the fields an update changes; nil leaves a field alone.
type AgencyUpdate struct {
	Name     *string     `json:"name"`
	Kind     *AgencyKind `json:"kind"`
	Disabled *bool       `json:"disabled"`

	DefaultDistribution *Distribution `json:"default_distribution"`
	DefaultTLP          *TLP          `json:"default_tlp"`
}

// AgencyService manages agencies and their units. Implementations enforce
// who may do what (see package access) and write the audit log.
type AgencyService interface {
	CreateAgency(ctx context.Context, a *Agency) error
	FindAgencyByID(ctx context.Context, id int64) (*Agency, error)
	FindAgencyByName(ctx context.Context, country, name string) (*Agency, error)
	ListAgencies(ctx context.Context, f AgencyFilter) ([]*Agency, error)
	UpdateAgency(ctx context.Context, id int64, upd AgencyUpdate) (*Agency, error)
	CreateUnit(ctx context.Context, u *Unit) error
}
