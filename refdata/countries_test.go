package refdata

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"vrs"
)

func TestEmbeddedCSVParses(t *testing.T) {
	idx, err := parseCountries(countriesCSV)
	if err != nil {
		t.Fatalf("parseCountries: %v", err)
	}
	if len(idx.list) != 249 {
		t.Fatalf("got %d countries, want 249", len(idx.list))
	}
}

func TestParseCountriesRejectsMalformed(t *testing.T) {
	const header = "alpha2,alpha3,numeric,name,region,sub_region,bali_process\n"
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"bad header", "a,b,c,d,e,f,g\n"},
		{"short row", header + "VN,VNM,704,Viet Nam,Asia,South-eastern Asia\n"},
		{"bad flag", header + "VN,VNM,704,Viet Nam,Asia,South-eastern Asia,yes\n"},
		{"duplicate", header + "VN,VNM,704,Viet Nam,Asia,South-eastern Asia,1\nVN,VNX,705,X,Asia,South-eastern Asia,0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseCountries([]byte(tt.data)); err == nil {
				t.Error("expected error")
			}
		})
	}
}

func TestCountriesShape(t *testing.T) {
	list := Countries()
	if len(list) != 249 {
		t.Fatalf("got %d countries, want 249", len(list))
	}
	columns := []struct {
		name string
		get  func(vrs.Country) string
		re   *regexp.Regexp
	}{
		{"alpha2", func(c vrs.Country) string { return c.Alpha2 }, regexp.MustCompile(`^[A-Z]{2}$`)},
		{"alpha3", func(c vrs.Country) string { return c.Alpha3 }, regexp.MustCompile(`^[A-Z]{3}$`)},
		{"numeric", func(c vrs.Country) string { return c.Numeric }, regexp.MustCompile(`^[0-9]{3}$`)},
		{"name", func(c vrs.Country) string { return c.Name }, regexp.MustCompile(`^\S(.*\S)?$`)},
	}
	for _, col := range columns {
		t.Run(col.name, func(t *testing.T) {
			seen := map[string]string{}
			for _, c := range list {
				v := col.get(c)
				if !col.re.MatchString(v) {
					t.Errorf("%s: %s %q does not match %s", c.Alpha2, col.name, v, col.re)
				}
				if prev, ok := seen[v]; ok {
					t.Errorf("%s %q used by %s and %s", col.name, v, prev, c.Alpha2)
				}
				seen[v] = c.Alpha2
			}
		})
	}
}

func TestCountriesRegions(t *testing.T) {
	// Antarctica is the only ISO 3166-1 entry that UN M49 places directly
	// under World, without region or sub-region.
	noRegion := map[string]bool{"AQ": true}
	subRegions := map[string][]string{
		"Africa":   {"Northern Africa", "Sub-Saharan Africa"},
		"Americas": {"Latin America and the Caribbean", "Northern America"},
		"Asia":     {"Central Asia", "Eastern Asia", "South-eastern Asia", "Southern Asia", "Western Asia"},
		"Europe":   {"Eastern Europe", "Northern Europe", "Southern Europe", "Western Europe"},
		"Oceania":  {"Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"},
	}
	for _, c := range Countries() {
		if noRegion[c.Alpha2] {
			if c.Region != "" || c.SubRegion != "" {
				t.Errorf("%s: want no region, got %q / %q", c.Alpha2, c.Region, c.SubRegion)
			}
			continue
		}
		subs, ok := subRegions[c.Region]
		if !ok {
			t.Errorf("%s: unknown region %q", c.Alpha2, c.Region)
			continue
		}
		if !slices.Contains(subs, c.SubRegion) {
			t.Errorf("%s: sub-region %q not in region %q", c.Alpha2, c.SubRegion, c.Region)
		}
	}
}

func TestCountriesSortedAndCopied(t *testing.T) {
	list := Countries()
	if !slices.IsSortedFunc(list, func(a, b vrs.Country) int {
		return strings.Compare(sortKey(a.Name), sortKey(b.Name))
	}) {
		t.Error("Countries() is not sorted by name")
	}
	if list[0].Alpha2 != "AF" {
		t.Errorf("first country = %s, want AF", list[0].Alpha2)
	}
	if i := slices.IndexFunc(list, func(c vrs.Country) bool { return c.Alpha2 == "AX" }); i < 0 || i > 5 {
		t.Errorf("Åland Islands at index %d, want among the first A's", i)
	}
	list[0].Name = "changed"
	list[0].Member = !list[0].Member
	if again := Countries(); again[0].Name == "changed" {
		t.Error("Countries() returned shared backing array")
	}
}

func TestKnownCountries(t *testing.T) {
	tests := []vrs.Country{
		{Alpha2: "VN", Alpha3: "VNM", Numeric: "704", Name: "Viet Nam", Region: "Asia", SubRegion: "South-eastern Asia", Member: true},
		{Alpha2: "AU", Alpha3: "AUS", Numeric: "036", Name: "Australia", Region: "Oceania", SubRegion: "Australia and New Zealand", Member: true},
		{Alpha2: "DE", Alpha3: "DEU", Numeric: "276", Name: "Germany", Region: "Europe", SubRegion: "Western Europe", Member: false},
		{Alpha2: "HK", Alpha3: "HKG", Numeric: "344", Name: "China, Hong Kong Special Administrative Region", Region: "Asia", SubRegion: "Eastern Asia", Member: true},
		{Alpha2: "MO", Alpha3: "MAC", Numeric: "446", Name: "China, Macao Special Administrative Region", Region: "Asia", SubRegion: "Eastern Asia", Member: true},
		{Alpha2: "TW", Alpha3: "TWN", Numeric: "158", Name: "Taiwan, Province of China", Region: "Asia", SubRegion: "Eastern Asia", Member: false},
		{Alpha2: "AQ", Alpha3: "ATA", Numeric: "010", Name: "Antarctica"},
		{Alpha2: "AF", Alpha3: "AFG", Numeric: "004", Name: "Afghanistan", Region: "Asia", SubRegion: "Southern Asia", Member: true},
		{Alpha2: "NC", Alpha3: "NCL", Numeric: "540", Name: "New Caledonia", Region: "Oceania", SubRegion: "Melanesia", Member: true},
		{Alpha2: "BR", Alpha3: "BRA", Numeric: "076", Name: "Brazil", Region: "Americas", SubRegion: "Latin America and the Caribbean", Member: false},
		{Alpha2: "NG", Alpha3: "NGA", Numeric: "566", Name: "Nigeria", Region: "Africa", SubRegion: "Sub-Saharan Africa", Member: false},
	}
	for _, want := range tests {
		t.Run(want.Alpha2, func(t *testing.T) {
			got, ok := LookupCountry(want.Alpha2)
			if !ok {
				t.Fatalf("LookupCountry(%q) not found", want.Alpha2)
			}
			if got != want {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestLookupCountry(t *testing.T) {
	tests := []struct {
		code   string
		alpha2 string // "" means not found
	}{
		{"VN", "VN"},
		{"vn", "VN"},
		{"vnm", "VN"},
		{"VNM", "VN"},
		{" 704 ", "VN"},
		{"704", "VN"},
		{"\tVn\n", "VN"},
		{"4", "AF"},
		{"04", "AF"},
		{"004", "AF"},
		{"0004", "AF"},
		{"36", "AU"},
		{"gbr", "GB"},
		{"10", "AQ"},
		{"", ""},
		{"   ", ""},
		{"XK", ""},  // Kosovo is not in ISO 3166-1
		{"XKX", ""}, // nor its user-assigned alpha-3
		{"ZZ", ""},
		{"ZZZ", ""},
		{"0", ""},
		{"999", ""},
		{"1000", ""},
		{"-4", ""},
		{"+4", ""},
		{"99999999999999999999999", ""},
		{"V N", ""},
		{"VNMM", ""},
		{"ıd", ""}, // dotless i upper-cases to ASCII I
		{"ſg", ""}, // long s upper-cases to ASCII S
		{"V\x00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, ok := LookupCountry(tt.code)
			if ok != (tt.alpha2 != "") {
				t.Fatalf("LookupCountry(%q) ok = %v, want %v", tt.code, ok, !ok)
			}
			if got.Alpha2 != tt.alpha2 {
				t.Errorf("LookupCountry(%q) = %s, want %s", tt.code, got.Alpha2, tt.alpha2)
			}
		})
	}
}

func TestLookupCountryAllCodes(t *testing.T) {
	for _, c := range Countries() {
		for _, code := range []string{c.Alpha2, c.Alpha3, c.Numeric, strings.ToLower(c.Alpha3)} {
			got, ok := LookupCountry(code)
			if !ok || got != c {
				t.Errorf("LookupCountry(%q) = %+v, %v; want %s", code, got, ok, c.Alpha2)
			}
		}
	}
}

func TestBaliProcessMembers(t *testing.T) {
	// 45 Bali Process members; France participates for New Caledonia, so
	// both FR and NC are flagged.
	want := strings.Fields(`AF AU BD BT BN KH CN KP FJ FR NC HK IN ID IR IQ JP JO KI LA
		MO MY MV MN MM NR NP NZ PK PW PG PH KR WS SG SB LK SY TH TL TO TR AE US VU VN`)
	slices.Sort(want)
	var got []string
	for _, c := range Countries() {
		if c.Member {
			got = append(got, c.Alpha2)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("members = %v\nwant      %v", got, want)
	}
}

func FuzzLookupCountry(f *testing.F) {
	for _, s := range []string{"VN", "vnm", " 704 ", "4", "", "0", "999999999999999999999", "ÅX", "\x00", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		c, ok := LookupCountry(code)
		if !ok {
			if c != (vrs.Country{}) {
				t.Errorf("LookupCountry(%q) returned %+v with ok=false", code, c)
			}
			return
		}
		again, ok := LookupCountry(c.Alpha2)
		if !ok || again != c {
			t.Errorf("LookupCountry(%q) = %s, but its alpha-2 does not round-trip", code, c.Alpha2)
		}
	})
}
