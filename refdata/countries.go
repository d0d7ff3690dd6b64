// Package refdata embeds static reference data: the ISO 3166-1 countries
// with their UN M49 region and sub-region and Bali Process membership.
package refdata

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"vrs"
)

// CountriesVersion identifies the revision of the embedded country data.
const CountriesVersion = "iso3166-2026.11"

//go:embed countries.csv
var countriesCSV []byte

var csvHeader = []string{"alpha2", "alpha3", "numeric", "name", "region", "sub_region", "bali_process"}

type countryIndex struct {
	list   []vrs.Country  // sorted by name
	byCode map[string]int // upper-case alpha-2, alpha-3 and 3-digit numeric -> list index
}

var loadCountries = sync.OnceValue(func() *countryIndex {
	idx, err := parseCountries(countriesCSV)
	if err != nil {
		panic("refdata: embedded countries.csv: " + err.Error())
	}
	return idx
})

func parseCountries(data []byte) (*countryIndex, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(csvHeader)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if !slices.Equal(header, csvHeader) {
		return nil, fmt.Errorf("unexpected header %q", header)
	}
	var list []vrs.Country
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		var member bool
		switch rec[6] {
		case "0":
		case "1":
			member = true
		default:
			return nil, fmt.Errorf("%s: bali_process %q is not 0 or 1", rec[0], rec[6])
		}
		list = append(list, vrs.Country{
			Alpha2:    rec[0],
			Alpha3:    rec[1],
			Numeric:   rec[2],
			Name:      rec[3],
			Region:    rec[4],
			SubRegion: rec[5],
			Member:    member,
		})
	}
	slices.SortStableFunc(list, func(a, b vrs.Country) int {
		if c := strings.Compare(sortKey(a.Name), sortKey(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	idx := &countryIndex{list: list, byCode: make(map[string]int, 3*len(list))}
	for i, c := range list {
		for _, code := range []string{c.Alpha2, c.Alpha3, c.Numeric} {
			if _, dup := idx.byCode[code]; dup {
				return nil, fmt.Errorf("duplicate code %q", code)
			}
			idx.byCode[code] = i
		}
	}
	return idx, nil
}

// foldAccents maps the accented letters used in the data to ASCII so that
// sorting by name puts e.g. "Åland Islands" among the A's.
var foldAccents = strings.NewReplacer(
	"Å", "A", "Ä", "A", "Á", "A", "À", "A", "É", "E", "Ö", "O", "Ü", "U",
	"å", "a", "ä", "a", "á", "a", "à", "a", "ç", "c", "é", "e", "è", "e",
	"í", "i", "ñ", "n", "ó", "o", "ô", "o", "ö", "o", "ü", "u", "’", "'",
)

func sortKey(name string) string {
	return strings.ToLower(foldAccents.Replace(name))
}

// Countries returns every ISO 3166-1 country sorted by name. Member reports
// Bali Process membership. The slice is a fresh copy on each call.
func Countries() []vrs.Country {
	return slices.Clone(loadCountries().list)
}

// LookupCountry finds a country by ISO 3166-1 alpha-2, alpha-3 or numeric
// code. Matching ignores case and surrounding space; numeric codes may omit
// leading zeros ("4" finds Afghanistan, 004).
func LookupCountry(code string) (vrs.Country, bool) {
	code = strings.TrimSpace(code)
	if code == "" || !isASCIIAlnum(code) {
		return vrs.Country{}, false
	}
	code = strings.ToUpper(code)
	if isDigits(code) {
		n, err := strconv.Atoi(code)
		if err != nil || n > 999 {
			return vrs.Country{}, false
		}
		code = fmt.Sprintf("%03d", n)
	}
	idx := loadCountries()
	i, ok := idx.byCode[code]
	if !ok {
		return vrs.Country{}, false
	}
	return idx.list[i], true
}

// isASCIIAlnum reports whether s holds only ASCII letters and digits, so that
// case folding cannot map other runes (such as 'ı' or 'ſ') onto a code.
func isASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i] | 0x20
		if (b < 'a' || b > 'z') && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
