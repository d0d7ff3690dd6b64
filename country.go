package vrs

import "context"

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
}

// CountryFilter narrows ListCountries.
type CountryFilter struct {
	MembersOnly bool
}

// CountryService reads countries and sets the membership flag.
type CountryService interface {
	ListCountries(ctx context.Context, f CountryFilter) ([]*Country, error)
	FindCountry(ctx context.Context, alpha2 string) (*Country, error)
	// SetCountryMember changes the membership flag; administrators only.
	SetCountryMember(ctx context.Context, alpha2 string, member bool) error
}
