package vrs

import (
	"context"
	"slices"
)

// Country is an ISO 3166-1 entry with its UN M49 region. Member marks the
// countries of the reporting community (by default the Bali Process members).
type Country struct {
	Alpha2    string `json:"alpha2"`
	Alpha3    string `json:"alpha3"`
	Numeric   string `json:"numeric"`
	Name      string `json:"name"`
	Region    string `json:"region"`
	SubRegion string `json:"sub_region"`
	Member    bool   `json:"member"`
	// PublishStats and StatsMinCell are the country's choice about
	// published statistics (CountryPublishing). They stay out of the API's
	// country until its schema documents them.
	PublishStats bool `json:"-"`
	StatsMinCell int  `json:"-"`
}

// CountryFilter narrows ListCountries.
type CountryFilter struct {
	MembersOnly bool
	// PublishingOnly keeps the countries that publish statistics.
	PublishingOnly bool
}

// CountryPublishing is a country's choice about the public statistics
// page: whether its validated records distributed to the community or for
// statistics are counted there, and the small-cell threshold it asks for.
// MinCell 0 leaves the installation's threshold (setting stats.min_cell);
// otherwise it is one of StatsMinCellChoices and may only raise k: the
// threshold of a view is the largest of the installation's and of every
// country's whose records the view may count (package pivot).
type CountryPublishing struct {
	Publish bool `json:"publish"`
	MinCell int  `json:"min_cell"`
}

// StatsMinCellChoices are the thresholds a country may ask for; 0 is the
// installation's.
var StatsMinCellChoices = []int{0, 5, 10, 20}

// Validate checks the threshold.
func (p CountryPublishing) Validate() error {
	if !slices.Contains(StatsMinCellChoices, p.MinCell) {
		return FieldErrors(map[string]string{"min_cell": "field.stats_min_cell_choice"})
	}
	return nil
}

// ActCountryPublish audits a country's choice about published statistics.
const ActCountryPublish = "country.publish"

// CountryService reads countries and sets the membership flag.
type CountryService interface {
	ListCountries(ctx context.Context, f CountryFilter) ([]*Country, error)
	FindCountry(ctx context.Context, alpha2 string) (*Country, error)
	// SetCountryMember changes the membership flag; administrators only.
	SetCountryMember(ctx context.Context, alpha2 string, member bool) error
	// SetCountryPublishing records the country's choice about published
	// statistics; its focal points only (access.ManagePublishing).
	SetCountryPublishing(ctx context.Context, alpha2 string, p CountryPublishing) error
}
