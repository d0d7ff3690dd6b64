package vrs

// Statistics: what a query asks and how records are counted.
//
// A statistics query counts units of one measure, in cells keyed by up to
// three dimensions, over the records the acting user may see at aggregate
// granularity or finer (access.ReadIncident(u, s, r) >= GranAggregate):
// nothing more, whatever the query. That includes what the rule shows a
// reporter or reviewer of their own agencies at any stage of review; the
// status dimension filters official figures (status = validated).
//
// Units. Each measure counts units at one level:
//
//   - incidents: each incident once (level incident);
//   - persons, migrants, victims, suspects, dead_missing: persons (level
//     person), both those recorded one by one (Incident.Persons) and those
//     recorded as aggregate counts (Incident.Counts), a count row weighing
//     its Count. migrants, victims and suspects are the persons whose role
//     is migrant, victim or suspect exactly (facilitators, recruiters and
//     the other perpetrator roles are in persons, by person_role);
//     dead_missing those whose status is deceased or missing;
//   - fees_count, fees_sum, fees_q1, fees_median, fees_q3: fees (level
//     payment), the transactions whose purpose is smuggling_fee or
//     recruitment_fee; fees_sum adds their amounts in the currency
//     recorded, the quantiles are those of the amounts (QuantileOf), so
//     they require the currency dimension in the rows or columns, or a
//     currency filter of exactly one value (amounts in different
//     currencies are never put together). The _usd measures convert each
//     amount to US dollars at the average rate of the year it was paid
//     (its date's year, or the detection's: refdata.ToUSD) and leave out
//     fees in a currency without a rate. A quantile's cells and margins
//     are quantiles of the fees they count, not sums.
//
// Keys. A dimension gives every unit a set of keys, never empty: the
// distinct values the unit has, or the single key "" (not recorded) when
// it has none. Values come from the unit's own level or an enclosing one:
//
//   - incident dimensions (period.*, country, agency, incident_type,
//     status, origin_country, transit_country, destination_country,
//     transport_mode, document_type, fraud_type, offence) are the
//     incident's, and persons and fees inherit those of their incident.
//     Period keys are of the detection date: 2025-03-02, 2025-03, 2025-Q1,
//     2025. country is the owning agency's country; agency the agency id in
//     decimal. The route dimensions are the countries of the legs of that
//     role, transport_mode the modes of every leg; so one incident with two
//     transit countries counts once under each;
//   - person dimensions (nationality, sex, age_group, person_role,
//     person_status, exploitation_form) are the person's: a person with two
//     nationalities counts once under each. A count row has at most one
//     nationality and no exploitation form. A person's age group is the one
//     recorded, or derived from the age. A fee takes those of its payer
//     when the payer is a person of the incident, otherwise "";
//   - currency (level payment) is the fee's currency; it cannot be used
//     with person measures.
//
// Cells. A unit counts once in every cell whose keys it has: with several
// dimensions, once per distinct combination. For units below the level of
// a dimension, the combination is taken within one lower-level unit: an
// incident counted by person dimensions counts once per distinct
// combination found among its persons (incidents by nationality: once per
// distinct nationality among its persons, suspects included; incidents by
// nationality and sex: once for "AF, female" only if one person is both),
// and likewise by payment dimensions among its fees; combinations of
// person and payment keys are crossed. Route and leg dimensions are
// crossed at the incident level (an origin and a mode need not belong to
// the same leg).
//
// Filters. A unit passes a filter on a dimension when one of its keys is
// among the filter's values ("" selects units with no value recorded);
// filters on several dimensions all apply. Where filters reach below the
// unit, they apply to the same lower-level unit, as combinations do: an
// incident filtered on nationality AF and sex female has an AF female
// person. A filtered dimension that is also a row or column shows only
// the filter's values. From and To bound the detection date, inclusive.
//
// Totals. Because a unit may count in several cells, sums of cells may
// exceed the totals: every margin is counted anew, each unit once per
// distinct key of the remaining dimensions. StatResult.Total counts each
// unit passing the filters once; RowTotals count by the row dimensions
// alone, ColTotals by the column dimensions alone. Cells and totals of
// value zero are left out.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// StatDimension names a way of breaking down a statistic.
type StatDimension string

const (
	DimDay         StatDimension = "period.day"
	DimMonth       StatDimension = "period.month"
	DimQuarter     StatDimension = "period.quarter"
	DimYear        StatDimension = "period.year"
	DimCountry     StatDimension = "country" // reporting (owning) country
	DimAgency      StatDimension = "agency"
	DimType        StatDimension = "incident_type"
	DimStatus      StatDimension = "status"
	DimOrigin      StatDimension = "origin_country"
	DimTransit     StatDimension = "transit_country"
	DimDestination StatDimension = "destination_country"
	DimMode        StatDimension = "transport_mode"
	DimDocument    StatDimension = "document_type"
	DimFraud       StatDimension = "fraud_type"
	DimOffence     StatDimension = "offence"

	DimNationality  StatDimension = "nationality"
	DimSex          StatDimension = "sex"
	DimAgeGroup     StatDimension = "age_group"
	DimRole         StatDimension = "person_role"
	DimPersonStatus StatDimension = "person_status"
	DimExploitation StatDimension = "exploitation_form"

	DimCurrency StatDimension = "currency"
)

// StatLevel is what a measure counts or a dimension describes.
type StatLevel int

const (
	LevelIncident StatLevel = iota
	LevelPerson
	LevelPayment
)

// statDims describes each dimension: its level and the code list its
// values come from ("" for those checked otherwise).
var statDims = map[StatDimension]struct {
	level StatLevel
	list  string
}{
	DimDay: {LevelIncident, ""}, DimMonth: {LevelIncident, ""}, DimQuarter: {LevelIncident, ""}, DimYear: {LevelIncident, ""},
	DimCountry: {LevelIncident, "country"}, DimAgency: {LevelIncident, ""}, DimType: {LevelIncident, "incident_type"},
	DimStatus: {LevelIncident, "incident_status"}, DimOrigin: {LevelIncident, "country"}, DimTransit: {LevelIncident, "country"},
	DimDestination: {LevelIncident, "country"}, DimMode: {LevelIncident, "transport_mode"}, DimDocument: {LevelIncident, "document_type"},
	DimFraud: {LevelIncident, "fraud_type"}, DimOffence: {LevelIncident, "offence"},
	DimNationality: {LevelPerson, "country"}, DimSex: {LevelPerson, "sex"}, DimAgeGroup: {LevelPerson, "age_group"},
	DimRole: {LevelPerson, "person_role"}, DimPersonStatus: {LevelPerson, "person_status"},
	DimExploitation: {LevelPerson, "exploitation_form"},
	DimCurrency:     {LevelPayment, "currency"},
}

// StatDimensions lists every dimension in display order.
var StatDimensions = []StatDimension{DimDay, DimMonth, DimQuarter, DimYear, DimCountry, DimAgency, DimType, DimStatus,
	DimOrigin, DimTransit, DimDestination, DimMode, DimDocument, DimFraud, DimOffence,
	DimNationality, DimSex, DimAgeGroup, DimRole, DimPersonStatus, DimExploitation, DimCurrency}

// Valid reports whether d is a known dimension.
func (d StatDimension) Valid() bool { _, ok := statDims[d]; return ok }

// Level is what d describes: incidents, persons or payments.
func (d StatDimension) Level() StatLevel { return statDims[d].level }

// CodeList is the refdata code list of d's values, "" for the periods and
// agencies.
func (d StatDimension) CodeList() string { return statDims[d].list }

// StatMeasure names what a statistic counts or adds.
type StatMeasure string

const (
	MeasureIncidents   StatMeasure = "incidents"
	MeasurePersons     StatMeasure = "persons"
	MeasureMigrants    StatMeasure = "migrants"
	MeasureVictims     StatMeasure = "victims"
	MeasureSuspects    StatMeasure = "suspects"
	MeasureDeadMissing StatMeasure = "dead_missing"
	MeasureFeesCount   StatMeasure = "fees_count"
	MeasureFeesSum     StatMeasure = "fees_sum"
	MeasureFeesQ1      StatMeasure = "fees_q1"
	MeasureFeesMedian  StatMeasure = "fees_median"
	MeasureFeesQ3      StatMeasure = "fees_q3"
	// The same in US dollars, at the average rate of the year paid.
	MeasureFeesSumUSD    StatMeasure = "fees_sum_usd"
	MeasureFeesQ1USD     StatMeasure = "fees_q1_usd"
	MeasureFeesMedianUSD StatMeasure = "fees_median_usd"
	MeasureFeesQ3USD     StatMeasure = "fees_q3_usd"
)

// StatMeasures lists every measure in display order.
var StatMeasures = []StatMeasure{MeasureIncidents, MeasurePersons, MeasureMigrants, MeasureVictims, MeasureSuspects,
	MeasureDeadMissing, MeasureFeesCount, MeasureFeesSum, MeasureFeesQ1, MeasureFeesMedian, MeasureFeesQ3,
	MeasureFeesSumUSD, MeasureFeesQ1USD, MeasureFeesMedianUSD, MeasureFeesQ3USD}

// Quantile is the quantile a fee measure gives (0.25, 0.5, 0.75), ok
// false for counts and sums.
func (m StatMeasure) Quantile() (p float64, ok bool) {
	switch m {
	case MeasureFeesQ1, MeasureFeesQ1USD:
		return 0.25, true
	case MeasureFeesMedian, MeasureFeesMedianUSD:
		return 0.5, true
	case MeasureFeesQ3, MeasureFeesQ3USD:
		return 0.75, true
	}
	return 0, false
}

// USD reports whether m is of fees converted to US dollars: fees in a
// currency without a rate for their year are left out of it.
func (m StatMeasure) USD() bool {
	return m == MeasureFeesSumUSD || m == MeasureFeesQ1USD || m == MeasureFeesMedianUSD || m == MeasureFeesQ3USD
}

// Amounts reports whether m is of fee amounts in the currency paid, which
// are never put together across currencies.
func (m StatMeasure) Amounts() bool {
	_, q := m.Quantile()
	return m == MeasureFeesSum || q && !m.USD()
}

// Counted is the measure whose counts say how many units stand behind a
// value of m: the fees behind a sum or a quantile. Small-cell protection
// judges a cell by it.
func (m StatMeasure) Counted() StatMeasure {
	if m.Level() == LevelPayment {
		return MeasureFeesCount
	}
	return m
}

// QuantileOf is the p-quantile of xs (sorted in place), interpolating
// linearly between the two nearest ranks (Hyndman and Fan's type 7, as
// spreadsheets' QUARTILE.INC and R's default).
func QuantileOf(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	h := p * float64(len(xs)-1)
	lo := int(h)
	if lo+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// Valid reports whether m is a known measure.
func (m StatMeasure) Valid() bool {
	for _, x := range StatMeasures {
		if x == m {
			return true
		}
	}
	return false
}

// Level is what m counts.
func (m StatMeasure) Level() StatLevel {
	switch m {
	case MeasureIncidents:
		return LevelIncident
	case MeasurePersons, MeasureMigrants, MeasureVictims, MeasureSuspects, MeasureDeadMissing:
		return LevelPerson
	}
	return LevelPayment
}

// CountsPerson reports whether m counts a person of the given role and
// status (for person measures).
func (m StatMeasure) CountsPerson(role, status string) bool {
	switch m {
	case MeasurePersons:
		return true
	case MeasureMigrants:
		return role == PersonMigrant
	case MeasureVictims:
		return role == PersonVictim
	case MeasureSuspects:
		return role == PersonSuspect
	case MeasureDeadMissing:
		return status == PersonDeceased || status == PersonMissing
	}
	return false
}

// Person statuses and payment purposes the measures rely on.
const (
	PersonDeceased = "deceased"
	PersonMissing  = "missing"
)

// IsFee reports whether a payment of this purpose is a fee (fees_count,
// fees_sum).
func IsFee(purpose string) bool { return purpose == "smuggling_fee" || purpose == "recruitment_fee" }

// FeeYear is the year whose exchange rate converts a fee to US dollars:
// that of the payment's date (YYYY-MM-DD), or of the detection when the
// payment has none; 0 when neither is a date.
func FeeYear(paid, detected string) int32 {
	for _, d := range []string{paid, detected} {
		if len(d) >= 4 {
			if y, err := strconv.Atoi(d[:4]); err == nil && y > 0 && y <= 9999 {
				return int32(y)
			}
		}
	}
	return 0
}

// Limits on a statistics query.
const (
	MaxStatDimensions   = 3
	MaxStatFilterValues = 300
	// StatMinDate and StatMaxDate bound From and To and period filters.
	StatMinDate = "1900-01-01"
	StatMaxDate = "2100-12-31"
)

// StatQuery asks for one measure by the dimensions in Rows and Cols (at
// most MaxStatDimensions in all), over the records whose keys pass
// Filters and whose detection date is within From and To (YYYY-MM-DD,
// inclusive; empty is unbounded).
type StatQuery struct {
	Rows    []StatDimension            `json:"rows,omitempty"`
	Cols    []StatDimension            `json:"cols,omitempty"`
	Filters map[StatDimension][]string `json:"filters,omitempty"`
	Measure StatMeasure                `json:"measure"`
	From    string                     `json:"from,omitempty"`
	To      string                     `json:"to,omitempty"`
}

// Dimensions returns the rows then the columns: the order of a cell's keys.
func (q *StatQuery) Dimensions() []StatDimension {
	return append(append([]StatDimension(nil), q.Rows...), q.Cols...)
}

// StatCell is one cell: its keys in the order of StatQuery.Dimensions (or
// of the rows or columns alone, for totals) and its value.
type StatCell struct {
	Keys  []string `json:"keys"`
	Value float64  `json:"value"`
}

// StatResult answers a StatQuery. Cells are sorted by keys; sums of cells
// are not totals (see the package comment on multi-valued dimensions).
type StatResult struct {
	Query     StatQuery  `json:"query"`
	Cells     []StatCell `json:"cells"`
	RowTotals []StatCell `json:"row_totals,omitempty"`
	ColTotals []StatCell `json:"col_totals,omitempty"`
	Total     float64    `json:"total"`
}

var (
	dayRE     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	monthRE   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	quarterRE = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	yearRE    = regexp.MustCompile(`^\d{4}$`)
)

// statDate parses a YYYY-MM-DD date within the sane bounds; key is the
// problem, "" when there is none.
func statDate(s string) (key string) {
	if !dayRE.MatchString(s) {
		return "field.stats_date_malformed"
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "field.stats_date_malformed"
	}
	if s < StatMinDate || s > StatMaxDate {
		return "field.stats_date_out_of_range"
	}
	return ""
}

// PeriodKey returns the key of a detection date (YYYY-MM-DD) in a period
// dimension, "" when d is not one or the date is malformed.
func PeriodKey(d StatDimension, date string) string {
	if len(date) != 10 {
		return ""
	}
	switch d {
	case DimDay:
		return date
	case DimMonth:
		return date[:7]
	case DimQuarter:
		m, err := strconv.Atoi(date[5:7])
		if err != nil || m < 1 || m > 12 {
			return ""
		}
		return date[:4] + "-Q" + strconv.Itoa((m-1)/3+1)
	case DimYear:
		return date[:4]
	}
	return ""
}

// validKey reports whether v is a value of dimension d ("" always is: not
// recorded).
func validKey(codes CodeChecker, d StatDimension, v string) bool {
	if v == "" {
		return true
	}
	inYears := func(y string) bool { return y >= StatMinDate[:4] && y <= StatMaxDate[:4] }
	switch d {
	case DimDay:
		return statDate(v) == ""
	case DimMonth:
		m := monthRE.FindStringSubmatch(v)
		return m != nil && inYears(m[1]) && m[2] >= "01" && m[2] <= "12"
	case DimQuarter:
		m := quarterRE.FindStringSubmatch(v)
		return m != nil && inYears(m[1])
	case DimYear:
		return yearRE.MatchString(v) && inYears(v)
	case DimAgency:
		id, err := strconv.ParseInt(v, 10, 64)
		return err == nil && id > 0 && strconv.FormatInt(id, 10) == v
	}
	return codes.HasCode(d.CodeList(), v)
}

// Validate checks the query against the dimensions, measures and code
// lists; every problem is named by field: measure, rows[i], cols[i],
// filters.<dimension>, from, to.
func (q *StatQuery) Validate(codes CodeChecker) error {
	f := map[string]string{}
	switch {
	case q.Measure == "":
		f["measure"] = "field.stats_measure_required"
	case !q.Measure.Valid():
		f["measure"] = "field.stats_measure_unknown"
	}
	if len(q.Rows)+len(q.Cols) > MaxStatDimensions {
		f["rows"] = "field.stats_too_many_dimensions"
	}
	seen := map[StatDimension]bool{}
	check := func(field string, d StatDimension) {
		switch {
		case !d.Valid():
			f[field] = "field.stats_dimension_unknown"
		case seen[d]:
			f[field] = "field.stats_dimension_repeated"
		case d.Level() == LevelPayment && q.Measure.Valid() && q.Measure.Level() == LevelPerson:
			f[field] = "field.stats_dimension_not_for_measure"
		}
		seen[d] = true
	}
	for i, d := range q.Rows {
		check(fmt.Sprintf("rows[%d]", i), d)
	}
	for i, d := range q.Cols {
		check(fmt.Sprintf("cols[%d]", i), d)
	}
	for d, vs := range q.Filters {
		field := "filters." + string(d)
		switch {
		case !d.Valid():
			f[field] = "field.stats_dimension_unknown"
		case d.Level() == LevelPayment && q.Measure.Valid() && q.Measure.Level() == LevelPerson:
			f[field] = "field.stats_dimension_not_for_measure"
		case len(vs) == 0:
			f[field] = "field.stats_filter_empty"
		case len(vs) > MaxStatFilterValues:
			f[field] = "field.stats_filter_too_many"
		default:
			for _, v := range vs {
				if !validKey(codes, d, v) {
					f[field] = "field.stats_filter_value_unknown"
					break
				}
			}
		}
	}
	if q.Measure.Amounts() && !seen[DimCurrency] && len(q.Filters[DimCurrency]) != 1 {
		f["measure"] = "field.stats_fees_sum_currency"
	}
	for field, s := range map[string]string{"from": q.From, "to": q.To} {
		if s != "" {
			if k := statDate(s); k != "" {
				f[field] = k
			}
		}
	}
	if f["from"] == "" && f["to"] == "" && q.From != "" && q.To != "" && q.From > q.To {
		f["to"] = "field.stats_period_reversed"
	}
	if len(f) > 0 {
		return FieldErrors(f)
	}
	return nil
}

// Label is the catalogue key of the dimension's name.
func (d StatDimension) Label() string {
	return "label.stats_dim_" + strings.ReplaceAll(string(d), ".", "_")
}

// Label is the catalogue key of the measure's name.
func (m StatMeasure) Label() string { return "label.stats_measure_" + string(m) }

// CellQuery is the query of the units counted in one cell of q: no rows
// or columns, and each of q's dimensions turned into a filter on the
// cell's key (keys in the order of Dimensions). A margin is a cell of the
// query without the other dimensions.
func (q *StatQuery) CellQuery(keys []string) (StatQuery, error) {
	dims := q.Dimensions()
	if len(keys) != len(dims) {
		return StatQuery{}, FieldErrors(map[string]string{"cell": "field.stats_cell_keys"})
	}
	c := StatQuery{Measure: q.Measure, From: q.From, To: q.To, Filters: map[StatDimension][]string{}}
	for d, vs := range q.Filters {
		c.Filters[d] = vs
	}
	for i, d := range dims {
		if vs, ok := c.Filters[d]; ok && !slices.Contains(vs, keys[i]) {
			return StatQuery{}, FieldErrors(map[string]string{"cell": "field.stats_cell_keys"})
		}
		c.Filters[d] = []string{keys[i]}
	}
	return c, nil
}

// StatRecords lists the records behind one cell that the acting user may
// open: IDs, newest detection first, at most the limit asked for, of
// Total. Records the user may only count are never listed nor counted
// here, so that a withheld cell stays withheld.
type StatRecords struct {
	IDs   []int64 `json:"ids"`
	Total int     `json:"total"`
}
