package access

import (
	"fmt"
	"slices"
	"strconv"

	"vrs"
)

// PublicIncident is the rule of published statistics, what anyone may
// count without signing in: a record is counted (aggregate, never more)
// when it is validated, its country has chosen to publish statistics, and
// its distribution is community or statistics. Records kept to their
// agency, their country or named partners are never published, whatever
// their country chose. published holds the countries that publish.
//
// PublicBranches is its SQL; a property test holds the two equal.
func PublicIncident(published map[string]bool, r IncidentRef) Granularity {
	if r.Status == vrs.StatusValidated && r.Country != "" && published[r.Country] && publicDistribution(r.Distribution) {
		return Aggregate
	}
	return None
}

func publicDistribution(d vrs.Distribution) bool {
	return d == vrs.DistCommunity || d == vrs.DistStatistics
}

// PublicBranches compiles PublicIncident for the publishing countries into
// SQL branches over the incidents table aliased i (see IncidentBranches
// for the form and the numbering of arguments). One branch, down the
// index on (country, distribution, status); none when no country
// publishes, which means nothing is counted.
func PublicBranches(published []string, args *[]any) []Branch {
	var countries []string
	for _, c := range published {
		if c != "" && !slices.Contains(countries, c) {
			countries = append(countries, c)
		}
	}
	if len(countries) == 0 {
		return nil
	}
	slices.Sort(countries)
	c := compiler{args: args}
	return []Branch{{
		Cond: "(i.country IN (" + c.strs(countries) + ") AND i.distribution IN ('community', 'statistics') AND i.status = 'validated')",
		Gran: strconv.Itoa(int(Aggregate)),
	}}
}

// PublicDimensions are the only dimensions a published view may break
// down or filter by: coarse periods and what describes the records and
// the persons, never the reporting agency (a country with few agencies
// would name its units) nor days (with another table they would date a
// single record), nor review or person status, documents, offences or
// fees.
var PublicDimensions = []vrs.StatDimension{vrs.DimYear, vrs.DimQuarter, vrs.DimCountry, vrs.DimType,
	vrs.DimNationality, vrs.DimSex, vrs.DimAgeGroup, vrs.DimOrigin, vrs.DimDestination, vrs.DimExploitation}

// PublicMeasures are the measures published: counts of incidents and of
// persons. Fees stay inside VRS.
var PublicMeasures = []vrs.StatMeasure{vrs.MeasureIncidents, vrs.MeasurePersons, vrs.MeasureMigrants, vrs.MeasureVictims,
	vrs.MeasureSuspects, vrs.MeasureDeadMissing}

// MaxPublicDimensions bounds the rows and columns of a published view:
// a table, not a microdata extract.
const MaxPublicDimensions = 2

// PublicQuery checks that q asks only what published statistics answer,
// naming each problem by the field of StatQuery.Validate: a published
// measure, at most two published dimensions in rows and columns, and
// nothing that would let two published tables be subtracted from each
// other to reveal a withheld count (each table is protected on its own;
// docs/suppression.md, linked tables):
//
//   - no filters: a table filtered to one value of a dimension is a slice
//     of the table broken down by it, and the unfiltered table less the
//     other slices would give what one slice withholds;
//   - no from or to, for the same reason with periods;
//   - quarters only with years as the other dimension: quarters add up to
//     their year, so the quarters of a year beside the year's total must
//     be protected as one table.
func PublicQuery(q vrs.StatQuery) error {
	f := map[string]string{}
	if q.Measure != "" && !slices.Contains(PublicMeasures, q.Measure) {
		f["measure"] = "field.public_stats_measure"
	}
	if len(q.Rows)+len(q.Cols) > MaxPublicDimensions {
		f["rows"] = "field.public_stats_too_many_dimensions"
	}
	dims := q.Dimensions()
	for name, ds := range map[string][]vrs.StatDimension{"rows": q.Rows, "cols": q.Cols} {
		for i, d := range ds {
			field := fmt.Sprintf("%s[%d]", name, i)
			switch {
			case !slices.Contains(PublicDimensions, d):
				f[field] = "field.public_stats_dimension"
			case d == vrs.DimQuarter && !slices.Contains(dims, vrs.DimYear):
				f[field] = "field.public_stats_quarter_with_year"
			}
		}
	}
	for d := range q.Filters {
		f["filters."+string(d)] = "field.public_stats_filter"
	}
	if q.From != "" {
		f["from"] = "field.public_stats_dates"
	}
	if q.To != "" {
		f["to"] = "field.public_stats_dates"
	}
	if len(f) > 0 {
		return vrs.FieldErrors(f)
	}
	return nil
}

// ManagePublishing: a country's choice to publish statistics, and its
// threshold, are the country's to make (sovereignty), as its sharing is:
// its national focal points decide, and the installation acting for it.
func ManagePublishing(u *vrs.User, country string) error {
	return ManageSharing(u, country)
}
