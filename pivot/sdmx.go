package pivot

import (
	"io"
	"iter"
	"slices"
	"time"

	"vrs"
	"vrs/sdmx"
)

// sdmxDims are the SDMX dimensions of the statistics dimensions the VRS
// dataflow carries. Agencies, review status and person status stay inside
// VRS; periods are TIME_PERIOD.
var sdmxDims = map[vrs.StatDimension]string{
	vrs.DimCountry: "REF_AREA", vrs.DimType: "INCIDENT_TYPE", vrs.DimOffence: "OFFENCE",
	vrs.DimNationality: "NATIONALITY", vrs.DimSex: "SEX", vrs.DimAgeGroup: "AGE", vrs.DimRole: "PERSON_ROLE",
	vrs.DimOrigin: "ORIGIN", vrs.DimTransit: "TRANSIT", vrs.DimDestination: "DESTINATION",
	vrs.DimMode: "TRANSPORT_MODE", vrs.DimExploitation: "EXPLOITATION_FORM", vrs.DimDocument: "DOCUMENT_TYPE",
	vrs.DimFraud: "FRAUD_TYPE", vrs.DimCurrency: "CURRENCY",
}

// personDims are the SDMX dimensions that describe persons: not
// applicable to incidents unless the view counts incidents by them.
var personDims = []string{"PERSON_ROLE", "NATIONALITY", "SEX", "AGE", "EXPLOITATION_FORM"}

// sdmxMeasures are the MEASURE codes, with the person role a measure
// fixes ("" when none).
var sdmxMeasures = map[vrs.StatMeasure][2]string{
	vrs.MeasureIncidents: {"INCIDENTS", ""}, vrs.MeasurePersons: {"PERSONS", ""},
	vrs.MeasureMigrants: {"PERSONS", vrs.PersonMigrant}, vrs.MeasureVictims: {"PERSONS", vrs.PersonVictim},
	vrs.MeasureSuspects:  {"PERSONS", vrs.PersonSuspect},
	vrs.MeasureFeesCount: {"FEES", ""}, vrs.MeasureFeesSum: {"FEE_SUM", ""},
	vrs.MeasureFeesQ1: {"FEE_Q1", ""}, vrs.MeasureFeesMedian: {"FEE_MEDIAN", ""}, vrs.MeasureFeesQ3: {"FEE_Q3", ""},
	vrs.MeasureFeesSumUSD: {"FEE_SUM_USD", ""}, vrs.MeasureFeesQ1USD: {"FEE_Q1_USD", ""},
	vrs.MeasureFeesMedianUSD: {"FEE_MEDIAN_USD", ""}, vrs.MeasureFeesQ3USD: {"FEE_Q3_USD", ""},
}

func isPeriod(d vrs.StatDimension) bool {
	return d == vrs.DimDay || d == vrs.DimMonth || d == vrs.DimQuarter || d == vrs.DimYear
}

// WriteSDMX writes the table as an SDMX-CSV 2.0 data message of the VRS
// dataflow (docs/sdmx.md): a withheld value empty with CONF_STATUS A
// (primary) or D (secondary). A view the dataflow cannot express is
// refused before anything is written: dead and missing together, agency,
// review status other than a filter on validated alone (the dataflow
// carries official figures), person status, a filter of several values on
// a dimension that is not broken down, a person role both fixed by the
// measure and chosen, and a view with neither a period dimension, nor a
// filter on one period, nor both ends of its period.
func (t *Table) WriteSDMX(w io.Writer) error {
	q := t.Query
	df, err := sdmx.VRSDataflow()
	if err != nil {
		return err
	}
	m, ok := sdmxMeasures[q.Measure]
	if !ok {
		return vrs.Errorf(vrs.EINVALID, "pivot.error.sdmx_measure")
	}
	dims := q.Dimensions()
	fixed := map[string]string{"MEASURE": m[0]}
	if m[1] != "" {
		fixed["PERSON_ROLE"] = m[1]
	}
	period := -1
	for i, d := range dims {
		switch {
		case isPeriod(d):
			if period >= 0 {
				return vrs.Errorf(vrs.EINVALID, "pivot.error.sdmx_periods")
			}
			period = i
		case sdmxDims[d] == "":
			return vrs.Errorf(vrs.EINVALID, "pivot.error.sdmx_dimension", d)
		case fixed[sdmxDims[d]] != "":
			return vrs.Errorf(vrs.EINVALID, "pivot.error.sdmx_role")
		}
	}
	var filterPeriod string // one period the view is filtered to
	for d, vs := range q.Filters {
		switch {
		case slices.Contains(dims, d):
		case d == vrs.DimStatus && len(vs) == 1 && vs[0] == string(vrs.StatusValidated):
		case d == vrs.DimStatus:
			return vrs.Errorf(vrs.EINVALID, "pivot.error.sdmx_status")
		case isPeriod(d) && len(vs) == 1 && vs[0] != "" && period < 0 && filterPeriod == "":
			filterPeriod = vs[0]
		case isPeriod(d) || sdmxDims[d] == "":
			return vrs.Errorf(vrs.EINVALID, "pivot.error.sdmx_dimension", d)
		case len(vs) != 1:
			return vrs.Errorf(vrs.EINVALID, "pivot.error.sdmx_filter", d)
		case fixed[sdmxDims[d]] != "":
			return vrs.Errorf(vrs.EINVALID, "pivot.error.sdmx_role")
		default:
			fixed[sdmxDims[d]] = sdmxKey(vs[0])
		}
	}
	span := filterPeriod
	if span == "" && q.From != "" && q.To != "" {
		a, _ := time.Parse(time.DateOnly, q.From)
		b, _ := time.Parse(time.DateOnly, q.To)
		if span, err = sdmx.RangePeriod(a, b); err != nil {
			return err
		}
	} else if period < 0 && span == "" {
		return vrs.Errorf(vrs.EINVALID, "pivot.error.sdmx_period")
	}
	used := map[string]bool{}
	for _, d := range dims {
		used[sdmxDims[d]] = true
	}
	for id := range fixed {
		used[id] = true
	}
	notApplicable := func(id string) bool {
		switch q.Measure.Level() {
		case vrs.LevelIncident:
			return id == "CURRENCY" || slices.Contains(personDims, id) && !used[id]
		case vrs.LevelPerson:
			return id == "CURRENCY"
		}
		return false
	}
	obs := func(yield func(sdmx.Observation) bool) {
		for _, l := range t.all() {
			o := sdmx.Observation{Period: span, Value: l.Value}
			vals := map[string]string{}
			for k, v := range fixed {
				vals[k] = v
			}
			for i, d := range dims {
				if i == period {
					if l.Keys[i] != TotalKey {
						o.Period = l.Keys[i]
					}
					continue
				}
				vals[sdmxDims[d]] = sdmxKey(l.Keys[i])
			}
			if o.Period == "" {
				continue // a margin over the periods of a view without both ends
			}
			for _, dd := range df.Dimensions {
				if _, ok := vals[dd.ID]; !ok && notApplicable(dd.ID) {
					vals[dd.ID] = sdmx.NotApplicable
				}
			}
			key, err := df.Key(vals)
			if err != nil {
				continue
			}
			o.Keys = key
			switch l.Withheld {
			case "primary":
				o.Conf = sdmx.ConfSmallCount
			case "secondary":
				o.Conf = sdmx.ConfSecondary
			}
			if !yield(o) {
				return
			}
		}
	}
	return sdmx.WriteCSV(w, df, iter.Seq[sdmx.Observation](obs), sdmx.Options{})
}

func sdmxKey(k string) string {
	if k == "" {
		return sdmx.Unknown
	}
	return k
}
