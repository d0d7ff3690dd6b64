package htcds

import (
	"strings"

	"vrs"
	"vrs/importer"
)

// ImportMapping is Mapping for a file of trafficking cases: its rows are
// trafficking incidents and, unless a column says otherwise, their persons
// victims.
func ImportMapping(header []string) *importer.Mapping {
	m := Mapping(header)
	m.Defaults = map[string]string{"type": string(vrs.TypeTrafficking), "persons[].role": vrs.PersonVictim}
	return m
}

// Looks reports whether a header is in HTCDS's names: at least three of
// its columns are HTCDS fields (prefixed names such as prs_Gender), so a
// file that merely has a "name" column is not taken for one.
func Looks(header []string) bool {
	n := 0
	for _, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		_, carried := lookup(h)
		_, listed := NotCarried[h]
		if (carried || listed) && !strings.HasPrefix(strings.ToLower(h), "vrs_") {
			n++
		}
	}
	return n >= 3
}
