package vrs_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"vrs"
)

// fieldsOf returns the field map of a validation error, nil for nil, and
// fails the test for any other error.
func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *vrs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *vrs.Error", err, err)
	}
	if e.Code != vrs.EINVALID {
		t.Fatalf("code = %q, want %q", e.Code, vrs.EINVALID)
	}
	if len(e.Fields) == 0 {
		t.Fatalf("validation error %v names no field", err)
	}
	return e.Fields
}

func TestAgencyNormalizeValidate(t *testing.T) {
	thai200 := strings.Repeat("ก", vrs.MaxNameLen) // 3 bytes a rune: 600 bytes
	tests := []struct {
		name        string
		agency      vrs.Agency
		wantName    string
		wantCountry string
		wantFields  map[string]string
	}{
		{
			name:        "OK",
			agency:      vrs.Agency{Name: "Royal Thai Police", Country: "TH", Kind: vrs.KindPolice},
			wantName:    "Royal Thai Police",
			wantCountry: "TH",
		},
		{
			name:        "OKTrimmedAndCollapsed",
			agency:      vrs.Agency{Name: "  Royal \t Thai\n\nPolice  ", Country: " th ", Kind: vrs.KindPolice},
			wantName:    "Royal Thai Police",
			wantCountry: "TH",
		},
		{
			name:        "OKUnicodeSpaces",
			agency:      vrs.Agency{Name: "\u00a0Bộ\u3000Công an\u2003", Country: "vn", Kind: vrs.KindPolice},
			wantName:    "Bộ Công an",
			wantCountry: "VN",
		},
		{
			name:        "OKThai200Runes",
			agency:      vrs.Agency{Name: thai200, Country: "TH", Kind: vrs.KindImmigration},
			wantName:    thai200,
			wantCountry: "TH",
		},
		{
			name:        "OKASCII200",
			agency:      vrs.Agency{Name: strings.Repeat("a", 200), Country: "TH", Kind: vrs.KindLabour},
			wantName:    strings.Repeat("a", 200),
			wantCountry: "TH",
		},
		{
			name:        "ErrEmptyName",
			agency:      vrs.Agency{Name: "", Country: "TH", Kind: vrs.KindPolice},
			wantCountry: "TH",
			wantFields:  map[string]string{"name": "field.required"},
		},
		{
			name:        "ErrBlankName",
			agency:      vrs.Agency{Name: " \t\u00a0\n ", Country: "TH", Kind: vrs.KindPolice},
			wantCountry: "TH",
			wantFields:  map[string]string{"name": "field.required"},
		},
		{
			name:        "ErrThai201Runes",
			agency:      vrs.Agency{Name: thai200 + "ก", Country: "TH", Kind: vrs.KindPolice},
			wantName:    thai200 + "ก",
			wantCountry: "TH",
			wantFields:  map[string]string{"name": "field.too_long"},
		},
		{
			name:        "ErrASCII201",
			agency:      vrs.Agency{Name: strings.Repeat("a", 201), Country: "TH", Kind: vrs.KindPolice},
			wantName:    strings.Repeat("a", 201),
			wantCountry: "TH",
			wantFields:  map[string]string{"name": "field.too_long"},
		},
		{
			name:        "ErrInvalidUTF8",
			agency:      vrs.Agency{Name: "Police \xff\xfe", Country: "TH", Kind: vrs.KindPolice},
			wantName:    "Police \xff\xfe",
			wantCountry: "TH",
			wantFields:  map[string]string{"name": "field.utf8"},
		},
		{
			name:        "ErrControlNUL",
			agency:      vrs.Agency{Name: "Police\x00HQ", Country: "TH", Kind: vrs.KindPolice},
			wantName:    "Police\x00HQ",
			wantCountry: "TH",
			wantFields:  map[string]string{"name": "field.control_chars"},
		},
		{
			name:        "ErrControlDEL",
			agency:      vrs.Agency{Name: "Police\x7fHQ", Country: "TH", Kind: vrs.KindPolice},
			wantName:    "Police\x7fHQ",
			wantCountry: "TH",
			wantFields:  map[string]string{"name": "field.control_chars"},
		},
		{
			name:        "ErrControlEscape",
			agency:      vrs.Agency{Name: "Police\x1b[31m", Country: "TH", Kind: vrs.KindPolice},
			wantName:    "Police\x1b[31m",
			wantCountry: "TH",
			wantFields:  map[string]string{"name": "field.control_chars"},
		},
		{
			name:       "ErrCountryEmpty",
			agency:     vrs.Agency{Name: "Police", Country: "", Kind: vrs.KindPolice},
			wantName:   "Police",
			wantFields: map[string]string{"country": "field.country_code"},
		},
		{
			name:        "ErrCountryOneLetter",
			agency:      vrs.Agency{Name: "Police", Country: "t", Kind: vrs.KindPolice},
			wantName:    "Police",
			wantCountry: "T",
			wantFields:  map[string]string{"country": "field.country_code"},
		},
		{
			name:        "ErrCountryAlpha3",
			agency:      vrs.Agency{Name: "Police", Country: "tha", Kind: vrs.KindPolice},
			wantName:    "Police",
			wantCountry: "THA",
			wantFields:  map[string]string{"country": "field.country_code"},
		},
		{
			name:        "ErrCountryDigits",
			agency:      vrs.Agency{Name: "Police", Country: "12", Kind: vrs.KindPolice},
			wantName:    "Police",
			wantCountry: "12",
			wantFields:  map[string]string{"country": "field.country_code"},
		},
		{
			name:        "ErrCountryNonASCII",
			agency:      vrs.Agency{Name: "Police", Country: "ß", Kind: vrs.KindPolice},
			wantName:    "Police",
			wantCountry: "ß",
			wantFields:  map[string]string{"country": "field.country_code"},
		},
		{
			name:        "ErrUnknownKind",
			agency:      vrs.Agency{Name: "Police", Country: "TH", Kind: "secret_service"},
			wantName:    "Police",
			wantCountry: "TH",
			wantFields:  map[string]string{"kind": "field.agency_kind"},
		},
		{
			name:        "ErrEmptyKind",
			agency:      vrs.Agency{Name: "Police", Country: "TH"},
			wantName:    "Police",
			wantCountry: "TH",
			wantFields:  map[string]string{"kind": "field.agency_kind"},
		},
		{
			name:   "ErrEverything",
			agency: vrs.Agency{Name: " ", Country: "THA", Kind: "Police"},
			wantFields: map[string]string{
				"name":    "field.required",
				"country": "field.country_code",
				"kind":    "field.agency_kind",
			},
			wantCountry: "THA",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.agency
			a.Normalize()
			if a.Name != tt.wantName {
				t.Errorf("Name = %q, want %q", a.Name, tt.wantName)
			}
			if a.Country != tt.wantCountry {
				t.Errorf("Country = %q, want %q", a.Country, tt.wantCountry)
			}
			got := fieldsOf(t, a.Validate())
			if !maps.Equal(got, tt.wantFields) {
				t.Errorf("Validate fields = %v, want %v", got, tt.wantFields)
			}
		})
	}
}

func TestAgencyKindValid(t *testing.T) {
	if len(vrs.AgencyKinds) != 10 {
		t.Errorf("len(AgencyKinds) = %d, want 10", len(vrs.AgencyKinds))
	}
	seen := map[vrs.AgencyKind]bool{}
	for _, k := range vrs.AgencyKinds {
		t.Run(string(k), func(t *testing.T) {
			if !k.Valid() {
				t.Errorf("%q.Valid() = false", k)
			}
			if seen[k] {
				t.Errorf("%q listed twice", k)
			}
			seen[k] = true
			a := vrs.Agency{Name: "X", Country: "TH", Kind: k}
			if err := a.Validate(); err != nil {
				t.Errorf("Validate with kind %q: %v", k, err)
			}
		})
	}
	for _, k := range []vrs.AgencyKind{"", "Police", "POLICE", " police", "unknown"} {
		t.Run("Invalid_"+string(k), func(t *testing.T) {
			if k.Valid() {
				t.Errorf("%q.Valid() = true", k)
			}
		})
	}
}
