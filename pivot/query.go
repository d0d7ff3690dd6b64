// Package pivot turns statistics queries into protected tables: it reads
// a query from URL parameters (the permalink of a pivot, and the API's
// form), lays a vrs.StatResult out as rows by columns, withholds small
// cells when the view may include another country's records, and writes
// the table as CSV, XLSX or JSON. The web page and the API share it so
// that both publish exactly the same values.
package pivot

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"vrs"
)

// FilterPrefix starts the parameter of a filter: filter.<dimension>=a,b.
const FilterPrefix = "filter."

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// ParseQuery reads rows, cols (comma-separated dimensions), measure,
// filter.<dimension> (comma-separated values; an empty value selects
// records where nothing is recorded only when written alone as
// filter.x=) and from, to. It does not validate: StatQuery.Validate does,
// with messages by field.
func ParseQuery(v url.Values) vrs.StatQuery {
	q := vrs.StatQuery{Measure: vrs.StatMeasure(v.Get("measure")), From: v.Get("from"), To: v.Get("to")}
	for _, d := range split(v.Get("rows")) {
		q.Rows = append(q.Rows, vrs.StatDimension(d))
	}
	for _, d := range split(v.Get("cols")) {
		q.Cols = append(q.Cols, vrs.StatDimension(d))
	}
	for name, vals := range v {
		d, ok := strings.CutPrefix(name, FilterPrefix)
		if !ok {
			continue
		}
		var all []string
		for _, s := range vals {
			if s == "" {
				all = append(all, "")
				continue
			}
			all = append(all, strings.Split(s, ",")...)
		}
		slices.Sort(all)
		all = slices.Compact(all)
		if q.Filters == nil {
			q.Filters = map[vrs.StatDimension][]string{}
		}
		q.Filters[vrs.StatDimension(d)] = all
	}
	return q
}

// Values is the inverse of ParseQuery: the parameters of a permalink.
func Values(q vrs.StatQuery) url.Values {
	v := url.Values{}
	join := func(ds []vrs.StatDimension) string {
		s := make([]string, len(ds))
		for i, d := range ds {
			s[i] = string(d)
		}
		return strings.Join(s, ",")
	}
	if len(q.Rows) > 0 {
		v.Set("rows", join(q.Rows))
	}
	if len(q.Cols) > 0 {
		v.Set("cols", join(q.Cols))
	}
	v.Set("measure", string(q.Measure))
	dims := make([]string, 0, len(q.Filters))
	for d := range q.Filters {
		dims = append(dims, string(d))
	}
	sort.Strings(dims)
	for _, d := range dims {
		v.Set(FilterPrefix+d, strings.Join(q.Filters[vrs.StatDimension(d)], ","))
	}
	if q.From != "" {
		v.Set("from", q.From)
	}
	if q.To != "" {
		v.Set("to", q.To)
	}
	return v
}
