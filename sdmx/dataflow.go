package sdmx

import (
	"fmt"
	"strings"
	"sync"

	"vrs"
	"vrs/refdata"
)

// Dataflow describes one SDMX dataflow and the data structure behind it.
// Every VRS structure has FREQ as its first dimension and TIME_PERIOD as its
// last, both derived from an observation's Period; Dimensions are the coded
// dimensions between them, in key order. The measure is OBS_VALUE and the
// attributes are OBS_STATUS and CONF_STATUS.
type Dataflow struct {
	Agency, ID, Version string
	Name                string
	// Structure is the ID of the data structure definition; "" means
	// "DSD_" followed by ID without its "DF_" prefix.
	Structure  string
	Dimensions []Dimension
}

// Dimension is one coded dimension. ID names both the component and its
// concept.
type Dimension struct {
	ID    string
	Name  string
	Codes *CodeList
}

// Fixed component IDs.
const (
	DimFreq    = "FREQ"
	DimTime    = "TIME_PERIOD"
	MeasureID  = "OBS_VALUE"
	AttrStatus = "OBS_STATUS"
	AttrConf   = "CONF_STATUS"
)

// reserved are IDs a dataflow's own dimension may not take: the fixed
// components and the SDMX-CSV columns.
var reserved = map[string]bool{
	DimFreq: true, DimTime: true, MeasureID: true, AttrStatus: true, AttrConf: true,
	"STRUCTURE": true, "STRUCTURE_ID": true, "STRUCTURE_NAME": true, "ACTION": true,
	"SERIES_KEY": true, "OBS_KEY": true,
}

// Ref is the dataflow's identity as SDMX-CSV's STRUCTURE_ID writes it.
func (df Dataflow) Ref() string { return df.Agency + ":" + df.ID + "(" + df.Version + ")" }

// StructureID is the ID of the data structure definition.
func (df Dataflow) StructureID() string {
	if df.Structure != "" {
		return df.Structure
	}
	return "DSD_" + strings.TrimPrefix(df.ID, "DF_")
}

// Validate checks identities, dimension IDs and every dimension's list.
func (df Dataflow) Validate() error {
	if !ValidID(df.Agency) || !validComponentID(df.ID) || !versionRE.MatchString(df.Version) ||
		!validComponentID(df.StructureID()) || strings.TrimSpace(df.Name) == "" {
		return fmt.Errorf("dataflow %q: agency, id, structure, version or name is not valid SDMX", df.Ref())
	}
	seen := map[string]bool{}
	for _, d := range df.Dimensions {
		if !validComponentID(d.ID) || reserved[d.ID] || seen[d.ID] || strings.TrimSpace(d.Name) == "" {
			return fmt.Errorf("dataflow %s: dimension %q is invalid, reserved, repeated or unnamed", df.Ref(), d.ID)
		}
		seen[d.ID] = true
		if d.Codes == nil {
			return fmt.Errorf("dataflow %s: dimension %s has no code list", df.Ref(), d.ID)
		}
		if err := d.Codes.Validate(); err != nil {
			return fmt.Errorf("dataflow %s: dimension %s: %w", df.Ref(), d.ID, err)
		}
	}
	return nil
}

// Key builds an observation key from the dimensions a view breaks down by
// (dimension ID -> VRS code); every other dimension is Total. A view
// filtered to one code passes that code too. An unknown dimension is the
// caller's error.
func (df Dataflow) Key(values map[string]string) ([]string, error) {
	key := make([]string, len(df.Dimensions))
	used := 0
	for i, d := range df.Dimensions {
		if v, ok := values[d.ID]; ok {
			key[i] = v
			used++
		} else {
			key[i] = Total
		}
	}
	if used != len(values) {
		for id := range values {
			if !df.has(id) {
				return nil, vrs.Errorf(vrs.EINVALID, "error.sdmx_unknown_dimension", id)
			}
		}
	}
	return key, nil
}

func (df Dataflow) has(id string) bool {
	for _, d := range df.Dimensions {
		if d.ID == id {
			return true
		}
	}
	return false
}

// Measures of the VRS dataflow, the codes of its MEASURE dimension.
// Persons are broken down by role in PERSON_ROLE; fee amounts are in the
// currency of the CURRENCY dimension, or converted to US dollars at the
// year's average rate for the _USD measures (CURRENCY then names the
// original currency, or _T for all of them).
var measureList = fixedList("CL_MEASURE", "VRS statistical measure",
	"What OBS_VALUE counts or sums in the VRS dataflow.",
	Code{ID: "INCIDENTS", Name: "Incidents"},
	Code{ID: "PERSONS", Name: "Persons"},
	Code{ID: "DEATHS", Name: "Persons dead"},
	Code{ID: "MISSING", Name: "Persons missing"},
	Code{ID: "FEES", Name: "Fee payments"},
	Code{ID: "FEE_SUM", Name: "Fees paid, sum"},
	Code{ID: "FEE_MEDIAN", Name: "Fees paid, median"},
	Code{ID: "FEE_Q1", Name: "Fees paid, first quartile"},
	Code{ID: "FEE_Q3", Name: "Fees paid, third quartile"},
	Code{ID: "FEE_SUM_USD", Name: "Fees paid, sum in US dollars"},
	Code{ID: "FEE_MEDIAN_USD", Name: "Fees paid, median in US dollars"},
	Code{ID: "FEE_Q1_USD", Name: "Fees paid, first quartile in US dollars"},
	Code{ID: "FEE_Q3_USD", Name: "Fees paid, third quartile in US dollars"},
)

// vrsDimensions lists the VRS dataflow's dimensions after FREQ, each with
// the refdata list it draws on ("" for MEASURE).
var vrsDimensions = []struct{ id, name, list string }{
	{"REF_AREA", "Reporting country", "country"},
	{"MEASURE", "Statistical measure", ""},
	{"PERSON_ROLE", "Role of the person", "person_role"},
	{"INCIDENT_TYPE", "Incident type", "incident_type"},
	{"OFFENCE", "Offence (ICCS)", "offence"},
	{"NATIONALITY", "Nationality", "country"},
	{"SEX", "Sex", "sex"},
	{"AGE", "Age group", "age_group"},
	{"ORIGIN", "Country of origin", "country"},
	{"TRANSIT", "Country of transit", "country"},
	{"DESTINATION", "Country of destination", "country"},
	{"TRANSPORT_MODE", "Mode of transport", "transport_mode"},
	{"EXPLOITATION_FORM", "Form of exploitation", "exploitation_form"},
	{"DOCUMENT_TYPE", "Document type", "document_type"},
	{"FRAUD_TYPE", "Document fraud type", "fraud_type"},
	{"CURRENCY", "Currency of the fees", "currency"},
}

// VRSDataflowID is the ID of the dataflow VRS publishes.
const VRSDataflowID = "DF_VRS_SOM_TIP"

var loadVRS = sync.OnceValues(func() (Dataflow, error) {
	df := Dataflow{
		Agency: Agency, ID: VRSDataflowID, Version: StructureVersion,
		Name: "Migrant smuggling, trafficking in persons and irregular migration (VRS)",
	}
	lists := map[string]*CodeList{}
	for _, d := range vrsDimensions {
		cl := measureList
		if d.list != "" {
			if cl = lists[d.list]; cl == nil {
				rl, ok := refdata.LookupCodeList(d.list)
				if !ok {
					return Dataflow{}, fmt.Errorf("sdmx: refdata has no list %q", d.list)
				}
				var err error
				if cl, err = FromRefdata(rl); err != nil {
					return Dataflow{}, err
				}
				lists[d.list] = cl
			}
		}
		df.Dimensions = append(df.Dimensions, Dimension{ID: d.id, Name: d.name, Codes: cl})
	}
	return df, df.Validate()
})

// VRSDataflow is the dataflow every VRS aggregate view is exported in:
// one structure for all measures, told apart by the MEASURE dimension, as
// the SDG database and UNODC's data portal tell indicators apart. A view
// fills the dimensions it breaks down by and leaves the others at Total
// (see Key); a dimension that has no meaning for a measure (PERSON_ROLE for
// INCIDENTS, CURRENCY for everything but fees) is NotApplicable. The
// dataflow and its lists are shared: do not modify them.
func VRSDataflow() (Dataflow, error) { return loadVRS() }
