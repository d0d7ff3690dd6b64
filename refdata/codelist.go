package refdata

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// CodeList is one versioned list of codes. Lists are shared and must not
// be modified.
type CodeList struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Title   string `json:"title"`
	Source  string `json:"source"`
	Entries []Code `json:"entries"`
}

// Code is one entry of a code list. Parent names the enclosing code of a
// hierarchical list (ICCS); Attrs carries the list's extra columns, without
// the empty ones.
type Code struct {
	Code   string            `json:"code"`
	Label  string            `json:"label"`
	Parent string            `json:"parent,omitempty"`
	Attrs  map[string]string `json:"attrs,omitempty"`
}

//go:embed codelists/*.csv
var codelistFS embed.FS

//go:embed country_bounds.csv
var boundsCSV []byte

// manifest describes every list. Each list but country is the file
// codelists/<name>.csv with the header code,label[,parent][,attr...]; the
// country list is built from countries.csv and country_bounds.csv. The
// version names the publication a list follows, or the VRS release that
// defined it; change it whenever the entries change.
var manifest = []struct{ name, version, title, source string }{
	{"country", CountriesVersion + "+ne10m-4.1.0", "Countries and areas (ISO 3166-1) with UN M49 regions and bounding boxes",
		"ISO 3166-1; UN M49 standard country or area codes for statistical use; Bali Process membership; bounding boxes computed from Natural Earth 4.1.0 1:10m admin-0 shapes (world-atlas 2.0.2), min_lon > max_lon where a box crosses the antimeridian"},
	{"currency", "iso4217-2024-06-25+xcg", "Currencies (ISO 4217)",
		"ISO 4217 list one as published 2024-06-25, without XTS and XXX, plus XCG (Caribbean guilder, in use from 2025-03-31); fund = 1 marks fund codes"},
	{"language", "iso639-2", "Languages (ISO 639-2)",
		"ISO 639-2 bibliographic codes with the terminology code (alpha3_t) where it differs and the ISO 639-1 code (alpha2) where one exists; the local-use range qaa-qtz is left out"},
	{"incident_type", "vrs-2026.11", "Incident types", "VRS"},
	{"incident_status", "vrs-2026.11", "Incident statuses in the review workflow", "VRS"},
	{"person_role", "vrs-2026.11", "Roles of persons in an incident", "VRS"},
	{"perpetrator_role", "vrs-2026.11+htcds-2.0", "Roles of a suspect in the smuggling or trafficking process",
		"VRS; htcds = the HTCDS 2.0 per_RoleInProcess value where one corresponds"},
	{"person_status", "vrs-2026.11", "What happened to a person", "VRS"},
	{"sex", "vrs-2026.11+htcds-2.0", "Sex or gender", "VRS; htcds = the HTCDS 2.0 prs_Gender value"},
	{"age_group", "vrs-2026.11", "Age groups", "VRS; min and max are ages in whole years, inclusive"},
	{"leg_role", "vrs-2026.11", "Role of a place in the journey", "VRS"},
	{"transport_mode", "vrs-2026.11", "Modes of transport", "VRS"},
	{"place_kind", "vrs-2026.11", "Kinds of place", "VRS"},
	{"information_source", "vrs-2026.11", "How the incident came to the agency's knowledge", "VRS"},
	{"document_type", "vrs-2026.11", "Types of identity and travel document", "VRS"},
	{"fraud_type", "vrs-2026.11", "Types of document fraud", "VRS, after the usual document-examination categories"},
	{"exploitation_form", "vrs-2026.11+htcds-2.0", "Forms of exploitation",
		"VRS; htcds = the HTCDS 2.0 vic_TypeOfExploitation value (forced criminality has none of its own: Other)"},
	{"sex_exploitation_type", "htcds-2.0", "Types of sexual exploitation", "HTCDS 2.0 vic_TypeOfSexExploitation"},
	{"isic_section", "isic-4", "Economic sectors (ISIC Rev. 4 sections)",
		"UN ISIC Rev. 4 sections; htcds = the HTCDS 2.0 vic_ForcedLabourIndustry value"},
	{"control_method", "htcds-2.0", "Methods of control", "HTCDS 2.0 vic_MethodsOfControl"},
	{"recruitment_method", "htcds-2.0", "Methods of recruitment", "HTCDS 2.0 vic_MethodOfRecruitment"},
	{"trafficking_status", "htcds-2.0", "Trafficking status of a person", "HTCDS 2.0 vic_TraffickingStatus"},
	{"identifier_kind", "vrs-2026.11", "Kinds of identifier", "VRS"},
	{"payment_method", "vrs-2026.11", "Payment methods", "VRS"},
	{"payment_purpose", "vrs-2026.11", "Purposes of a payment", "VRS"},
	{"organisation_kind", "vrs-2026.11", "Kinds of organisation", "VRS"},
	{"vehicle_kind", "vrs-2026.11", "Kinds of vessel or vehicle", "VRS"},
	{"proceeding_stage", "vrs-2026.11", "Stage of criminal proceedings", "VRS"},
	{"offence", "iccs-1.0", "Offences (ICCS)",
		"UNODC International Classification of Crime for Statistical Purposes, version 1.0 (2015): the sections, divisions, groups and classes VRS records; parent is the enclosing code"},
}

// bounds is a country's box; MinLon > MaxLon when it crosses the antimeridian.
type bounds struct{ MinLat, MinLon, MaxLat, MaxLon float64 }

type registry struct {
	lists  []*CodeList               // sorted by name
	byName map[string]*CodeList      // name -> list
	index  map[string]map[string]int // name -> code -> entry index
	bounds map[string]bounds         // alpha-2 -> box
}

var loadRegistry = sync.OnceValue(func() *registry {
	r, err := buildRegistry()
	if err != nil {
		panic("refdata: embedded code lists: " + err.Error())
	}
	return r
})

func buildRegistry() (*registry, error) {
	bx, err := parseBounds(boundsCSV)
	if err != nil {
		return nil, fmt.Errorf("country_bounds.csv: %w", err)
	}
	r := &registry{byName: map[string]*CodeList{}, index: map[string]map[string]int{}, bounds: bx}
	for _, m := range manifest {
		var entries []Code
		if m.name == "country" {
			entries = countryEntries(bx)
		} else {
			data, err := codelistFS.ReadFile("codelists/" + m.name + ".csv")
			if err != nil {
				return nil, err
			}
			if entries, err = parseCodeList(data); err != nil {
				return nil, fmt.Errorf("%s.csv: %w", m.name, err)
			}
		}
		if _, dup := r.byName[m.name]; dup {
			return nil, fmt.Errorf("list %q listed twice", m.name)
		}
		l := &CodeList{Name: m.name, Version: m.version, Title: m.title, Source: m.source, Entries: entries}
		idx := make(map[string]int, len(entries))
		for i, e := range entries {
			if _, dup := idx[e.Code]; dup {
				return nil, fmt.Errorf("%s: duplicate code %q", m.name, e.Code)
			}
			idx[e.Code] = i
		}
		for _, e := range entries {
			if _, ok := idx[e.Parent]; e.Parent != "" && !ok {
				return nil, fmt.Errorf("%s: code %q has unknown parent %q", m.name, e.Code, e.Parent)
			}
		}
		r.lists = append(r.lists, l)
		r.byName[m.name] = l
		r.index[m.name] = idx
	}
	files, _ := codelistFS.ReadDir("codelists")
	for _, f := range files {
		if name := strings.TrimSuffix(f.Name(), ".csv"); r.byName[name] == nil {
			return nil, fmt.Errorf("codelists/%s is not in the manifest", f.Name())
		}
	}
	slices.SortFunc(r.lists, func(a, b *CodeList) int { return strings.Compare(a.Name, b.Name) })
	return r, nil
}

// parseCodeList reads a list file: header code,label[,parent][,attr...].
func parseCodeList(data []byte) ([]Code, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if len(header) < 2 || header[0] != "code" || header[1] != "label" {
		return nil, fmt.Errorf("header %q does not start with code,label", header)
	}
	seen := map[string]bool{}
	for _, h := range header {
		if h == "" || seen[h] {
			return nil, fmt.Errorf("header %q has an empty or repeated column", header)
		}
		seen[h] = true
	}
	var out []Code
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		c := Code{Code: rec[0], Label: rec[1]}
		if c.Code == "" || strings.TrimSpace(c.Code) != c.Code || strings.ContainsAny(c.Code, " \t") {
			return nil, fmt.Errorf("bad code %q", c.Code)
		}
		if strings.TrimSpace(c.Label) == "" || strings.TrimSpace(c.Label) != c.Label {
			return nil, fmt.Errorf("%s: empty or padded label %q", c.Code, c.Label)
		}
		for i := 2; i < len(header); i++ {
			switch {
			case rec[i] == "":
			case header[i] == "parent":
				c.Parent = rec[i]
			default:
				if c.Attrs == nil {
					c.Attrs = map[string]string{}
				}
				c.Attrs[header[i]] = rec[i]
			}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no entries")
	}
	return out, nil
}

// countryEntries is the country list: alpha-2 codes in name order.
func countryEntries(bx map[string]bounds) []Code {
	cs := loadCountries().list
	out := make([]Code, len(cs))
	for i, c := range cs {
		attrs := map[string]string{
			"alpha3": c.Alpha3, "numeric": c.Numeric, "region": c.Region, "sub_region": c.SubRegion,
			"bali_process": "0",
		}
		if c.Member {
			attrs["bali_process"] = "1"
		}
		if b, ok := bx[c.Alpha2]; ok {
			attrs["min_lat"] = formatDeg(b.MinLat)
			attrs["min_lon"] = formatDeg(b.MinLon)
			attrs["max_lat"] = formatDeg(b.MaxLat)
			attrs["max_lon"] = formatDeg(b.MaxLon)
		}
		for k, v := range attrs {
			if v == "" {
				delete(attrs, k)
			}
		}
		out[i] = Code{Code: c.Alpha2, Label: c.Name, Attrs: attrs}
	}
	return out
}

func formatDeg(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

var boundsHeader = []string{"alpha2", "min_lat", "min_lon", "max_lat", "max_lon"}

func parseBounds(data []byte) (map[string]bounds, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = len(boundsHeader)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if !slices.Equal(header, boundsHeader) {
		return nil, fmt.Errorf("unexpected header %q", header)
	}
	out := map[string]bounds{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if _, ok := LookupCountry(rec[0]); !ok || len(rec[0]) != 2 {
			return nil, fmt.Errorf("unknown country %q", rec[0])
		}
		if _, dup := out[rec[0]]; dup {
			return nil, fmt.Errorf("duplicate country %q", rec[0])
		}
		var v [4]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(rec[i+1], 64); err != nil || math.IsNaN(v[i]) {
				return nil, fmt.Errorf("%s: bad %s %q", rec[0], boundsHeader[i+1], rec[i+1])
			}
		}
		b := bounds{MinLat: v[0], MinLon: v[1], MaxLat: v[2], MaxLon: v[3]}
		if b.MinLat < -90 || b.MaxLat > 90 || b.MinLat > b.MaxLat ||
			b.MinLon < -180 || b.MinLon > 180 || b.MaxLon < -180 || b.MaxLon > 180 {
			return nil, fmt.Errorf("%s: box out of range", rec[0])
		}
		out[rec[0]] = b
	}
	return out, nil
}

// CodeLists returns every list, sorted by name. The lists are shared: do
// not modify them.
func CodeLists() []*CodeList {
	return slices.Clone(loadRegistry().lists)
}

// LookupCodeList finds a list by name. The list is shared: do not modify it.
func LookupCodeList(name string) (*CodeList, bool) {
	l, ok := loadRegistry().byName[name]
	return l, ok
}

// HasCode reports whether code is in the named list. Codes match exactly
// (country codes are upper-case alpha-2).
func HasCode(list, code string) bool {
	_, ok := loadRegistry().index[list][code]
	return ok
}

// CodeLabel returns the English label of a code, or "" when the list or
// the code does not exist.
func CodeLabel(list, code string) string {
	r := loadRegistry()
	i, ok := r.index[list][code]
	if !ok {
		return ""
	}
	return r.byName[list].Entries[i].Label
}

// CountryBounds returns a country's bounding box in degrees. When the box
// crosses the antimeridian, minLon > maxLon: it runs east from minLon to
// 180 and on from -180 to maxLon. ok is false for a country without a
// recorded shape (small territories, and overseas parts counted within
// another country's shape).
func CountryBounds(alpha2 string) (minLat, minLon, maxLat, maxLon float64, ok bool) {
	b, ok := loadRegistry().bounds[strings.ToUpper(alpha2)]
	return b.MinLat, b.MinLon, b.MaxLat, b.MaxLon, ok
}

// InCountryBounds reports whether (lat, lon) lies in the country's bounding
// box widened by marginDeg degrees on every side, across the antimeridian
// where the box wraps. known is false (and inside too) when the country has
// no recorded shape; an invalid coordinate is never inside.
func InCountryBounds(alpha2 string, lat, lon, marginDeg float64) (inside, known bool) {
	b, known := loadRegistry().bounds[strings.ToUpper(alpha2)]
	if !known {
		return false, false
	}
	return b.contains(lat, lon, marginDeg), true
}

func (b bounds) contains(lat, lon, margin float64) bool {
	if math.IsNaN(lat) || math.IsNaN(lon) || math.IsNaN(margin) || math.IsInf(lon, 0) ||
		lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return false
	}
	margin = max(margin, 0)
	if lat < b.MinLat-margin || lat > b.MaxLat+margin {
		return false
	}
	// Measure eastwards from the box's widened western edge.
	west := b.MinLon - margin
	width := b.MaxLon - b.MinLon
	if width < 0 {
		width += 360
	}
	width += 2 * margin
	if width >= 360 {
		return true
	}
	d := math.Mod(lon-west, 360)
	if d < 0 {
		d += 360
	}
	return d <= width
}

// Checker answers the root package's code-list questions (vrs.CodeChecker)
// from the embedded lists.
type Checker struct{}

// HasCode reports whether code is in the named list.
func (Checker) HasCode(list, code string) bool { return HasCode(list, code) }

// InCountryBounds is the package function InCountryBounds.
func (Checker) InCountryBounds(country string, lat, lon, margin float64) (inside, known bool) {
	return InCountryBounds(country, lat, lon, margin)
}
