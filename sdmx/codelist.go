package sdmx

import (
	"fmt"
	"regexp"
	"strings"

	"vrs/refdata"
)

// Agency is the maintenance agency of every structure VRS defines.
const Agency = "VRS"

// StructureVersion is the version of the VRS code lists, concept scheme,
// data structure and dataflow. SDMX 2.1 versions are dotted numbers, so the
// refdata versions ("vrs-2026.11+htcds-2.0") go into each list's
// description instead; raise this whenever a refdata list the structure
// uses changes (TestRefdataVersionsPinned fails until it is).
const StructureVersion = "1.0"

// CodeList is an SDMX code list. Codes keep the VRS code they stand for in
// Source, so that observations can be keyed with VRS codes and written with
// SDMX IDs.
type CodeList struct {
	Agency      string
	ID          string
	Version     string
	Name        string
	Description string
	Codes       []Code
}

// Code is one code of a list. Parent is the SDMX ID of the enclosing code
// in a hierarchical list (ICCS). Source is the VRS code, "" for codes that
// exist only in SDMX (Total, NotApplicable, Unknown when VRS has none).
type Code struct {
	ID     string
	Name   string
	Parent string
	Source string
}

// Ref is the list's identity in SDMX-CSV and URN notation: AGENCY:ID(VERSION).
func (l *CodeList) Ref() string { return l.Agency + ":" + l.ID + "(" + l.Version + ")" }

var versionRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// Validate checks what an SDMX consumer checks: valid and unique IDs,
// names on everything, parents that exist, and Sources that map to one
// code only.
func (l *CodeList) Validate() error {
	if !ValidID(l.Agency) || !validComponentID(l.ID) || !versionRE.MatchString(l.Version) {
		return fmt.Errorf("code list %q: agency %q, id or version %q is not valid SDMX", l.ID, l.Agency, l.Version)
	}
	if strings.TrimSpace(l.Name) == "" || len(l.Codes) == 0 {
		return fmt.Errorf("code list %s: no name or no codes", l.Ref())
	}
	ids := make(map[string]bool, len(l.Codes))
	sources := make(map[string]bool, len(l.Codes))
	for _, c := range l.Codes {
		if !ValidID(c.ID) {
			return fmt.Errorf("code list %s: code %q is not an SDMX ID", l.Ref(), c.ID)
		}
		if ids[c.ID] {
			return fmt.Errorf("code list %s: code %q twice", l.Ref(), c.ID)
		}
		ids[c.ID] = true
		if strings.TrimSpace(c.Name) == "" {
			return fmt.Errorf("code list %s: code %q has no name", l.Ref(), c.ID)
		}
		if c.Source != "" {
			if sources[c.Source] {
				return fmt.Errorf("code list %s: VRS code %q mapped twice", l.Ref(), c.Source)
			}
			sources[c.Source] = true
		}
	}
	for _, c := range l.Codes {
		if c.Parent != "" && (!ids[c.Parent] || c.Parent == c.ID) {
			return fmt.Errorf("code list %s: code %q has unknown parent %q", l.Ref(), c.ID, c.Parent)
		}
	}
	return nil
}

// index maps every VRS code, and every code ID, to its position. VRS codes
// win over other codes' IDs ("unknown" finds _U, and a VRS code that
// happens to equal another code's ID still finds its own code), but the
// special codes always mean themselves.
func (l *CodeList) index() map[string]int {
	m := make(map[string]int, 2*len(l.Codes))
	for i, c := range l.Codes {
		if _, ok := m[c.ID]; !ok {
			m[c.ID] = i
		}
	}
	for i, c := range l.Codes {
		if c.Source != "" && !special(c.Source) {
			m[c.Source] = i
		}
	}
	return m
}

func special(code string) bool { return code == Total || code == NotApplicable || code == Unknown }

// listIDs names the SDMX list of each refdata list where the plain rule
// (CL_ + upper-case name) would not give the conventional name.
var listIDs = map[string]string{"country": "CL_AREA", "age_group": "CL_AGE"}

// listNames replace refdata titles that describe more than the SDMX list
// carries (the country list's regions and bounding boxes).
var listNames = map[string]string{"country": "Countries and areas (ISO 3166-1 alpha-3)"}

// ListID is the SDMX ID of the code list made from the refdata list name.
func ListID(name string) string {
	if id, ok := listIDs[name]; ok {
		return id
	}
	return "CL_" + strings.ToUpper(mapID(name))
}

// FromRefdata turns a refdata list into an SDMX code list. Codes follow the
// SDMX cross-domain lists where VRS's codes have an equivalent there:
// countries by ISO 3166-1 alpha-3 (as UNODC, the SDG database and the SDMX
// global CL_AREA do), sex as F, M and _U (CL_SEX), age groups as Y0T11 and
// Y_GE50 (CL_AGE), and "unknown" as _U in every list. Other codes keep their
// VRS spelling when it is a valid ID and are mapped when it is not. The
// special codes _T (total) and _Z (not applicable), and _U where the list
// has no unknown, are added.
func FromRefdata(l *refdata.CodeList) (*CodeList, error) {
	name := l.Title
	if n, ok := listNames[l.Name]; ok {
		name = n
	}
	out := &CodeList{
		Agency:  Agency,
		ID:      ListID(l.Name),
		Version: StructureVersion,
		Name:    name,
		Description: fmt.Sprintf("VRS reference list %q version %s. Source: %s.",
			l.Name, l.Version, l.Source),
	}
	taken := map[string]bool{}
	byVRS := map[string]string{}
	for _, e := range l.Entries {
		if special(e.Code) {
			return nil, fmt.Errorf("refdata list %s: code %q would hide the SDMX code of that name", l.Name, e.Code)
		}
		id := uniqueID(refdataID(l.Name, e), taken)
		taken[id] = true
		byVRS[e.Code] = id
		out.Codes = append(out.Codes, Code{ID: id, Name: e.Label, Source: e.Code})
	}
	for i, e := range l.Entries {
		if e.Parent != "" {
			out.Codes[i].Parent = byVRS[e.Parent]
		}
	}
	out.Codes = append(out.Codes, specialCodes(taken)...)
	return out, out.Validate()
}

// refdataID is the SDMX ID of one refdata entry, before collisions are
// resolved.
func refdataID(list string, e refdata.Code) string {
	if e.Code == "unknown" {
		return Unknown
	}
	switch list {
	case "country":
		if a3 := e.Attrs["alpha3"]; a3 != "" {
			return mapID(a3)
		}
	case "sex":
		switch e.Code {
		case "female":
			return "F"
		case "male":
			return "M"
		}
	case "age_group":
		min, max := e.Attrs["min"], e.Attrs["max"]
		switch {
		case min != "" && max != "":
			return mapID("Y" + min + "T" + max)
		case min != "":
			return mapID("Y_GE" + min)
		}
	}
	return mapID(e.Code)
}

// specialCodes are the cross-domain codes a list does not yet have.
func specialCodes(taken map[string]bool) []Code {
	var out []Code
	for _, c := range []Code{
		{ID: Total, Name: "Total"},
		{ID: NotApplicable, Name: "Not applicable"},
		{ID: Unknown, Name: "Unknown"},
	} {
		if !taken[c.ID] {
			out = append(out, c)
		}
	}
	return out
}

// fixedList is a list VRS defines here rather than in refdata.
func fixedList(id, name, desc string, codes ...Code) *CodeList {
	return &CodeList{Agency: Agency, ID: id, Version: StructureVersion, Name: name, Description: desc, Codes: codes}
}

// Codes of OBS_STATUS: the subset of SDMX:CL_OBS_STATUS that VRS uses, with
// the same IDs and meanings.
const (
	StatusNormal       = "A"
	StatusEstimated    = "E"
	StatusProvisional  = "P"
	StatusNotCollected = "L"
	StatusCannotExist  = "M"
	StatusMissing      = "O"
	StatusSuppressed   = "Q"
)

// Codes of CONF_STATUS: the subset of SDMX:CL_CONF_STATUS that VRS uses.
// VRS's small-cell protection marks the cells below the threshold with
// ConfSmallCount and the cells hidden so that those cannot be recovered
// from totals with ConfSecondary.
const (
	ConfFree         = "F"
	ConfSmallCount   = "A"
	ConfConfidential = "C"
	ConfSecondary    = "D"
	ConfInternal     = "N"
)

var obsStatusList = fixedList("CL_OBS_STATUS", "Observation status",
	"The codes of SDMX:CL_OBS_STATUS that VRS uses, with their SDMX meanings.",
	Code{ID: StatusNormal, Name: "Normal value"},
	Code{ID: StatusEstimated, Name: "Estimated value"},
	Code{ID: StatusProvisional, Name: "Provisional value"},
	Code{ID: StatusNotCollected, Name: "Missing value; data exist but were not collected"},
	Code{ID: StatusCannotExist, Name: "Missing value; data cannot exist"},
	Code{ID: StatusMissing, Name: "Missing value"},
	Code{ID: StatusSuppressed, Name: "Missing value; suppressed"},
)

var confStatusList = fixedList("CL_CONF_STATUS", "Confidentiality status",
	"The codes of SDMX:CL_CONF_STATUS that VRS uses, with their SDMX meanings.",
	Code{ID: ConfFree, Name: "Free"},
	Code{ID: ConfSmallCount, Name: "Primary confidentiality due to small counts"},
	Code{ID: ConfConfidential, Name: "Confidential statistical information"},
	Code{ID: ConfSecondary, Name: "Secondary confidentiality set by the sender, not for publication"},
	Code{ID: ConfInternal, Name: "Not for publication, restricted for internal use only"},
)

// Codes of FREQ, as in SDMX:CL_FREQ, plus _Z for a period that is a date
// range rather than a calendar year, quarter, month or day.
const (
	FreqAnnual    = "A"
	FreqQuarterly = "Q"
	FreqMonthly   = "M"
	FreqDaily     = "D"
	FreqRange     = NotApplicable
)

var freqList = fixedList("CL_FREQ", "Frequency",
	"The codes of SDMX:CL_FREQ that VRS uses, and _Z for periods given as a date range.",
	Code{ID: FreqAnnual, Name: "Annual"},
	Code{ID: FreqQuarterly, Name: "Quarterly"},
	Code{ID: FreqMonthly, Name: "Monthly"},
	Code{ID: FreqDaily, Name: "Daily"},
	Code{ID: FreqRange, Name: "Not applicable (the period is a date range)"},
)
