package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"vrs"
)

// PurposeHeader carries the purpose for which the caller reads another
// country's record in full: one of vrs.Purposes, optionally a colon and a
// few words ("investigation: case 2025/114"). The store logs it with the
// read; without it such a record comes back pseudonymised, marked
// purpose_required. A header rather than a query parameter: the words may
// name a case, and addresses end up in proxy and access logs.
const PurposeHeader = "VRS-Purpose"

// maxPurpose bounds the header, in characters.
const maxPurpose = 200

// withPurpose returns r carrying the purpose its header states, r itself
// when there is none, and a 400 naming the header when it is malformed.
func withPurpose(r *http.Request) (*http.Request, error) {
	vs := r.Header.Values(PurposeHeader)
	if len(vs) == 0 {
		return r, nil
	}
	if len(vs) > 1 {
		return nil, purposeError("api.error.purpose_repeated", "api.field.duplicate")
	}
	v := strings.TrimSpace(vs[0])
	if !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
		return nil, purposeError("api.error.purpose_text", "api.field.purpose_text")
	}
	if n := utf8.RuneCountInString(v); n > maxPurpose {
		return nil, purposeError("api.error.purpose_too_long", "api.field.purpose_too_long", maxPurpose, n)
	}
	name, words, _ := strings.Cut(v, ":")
	name, words = strings.TrimSpace(name), strings.Join(strings.Fields(words), " ")
	if !slices.Contains(vrs.Purposes, name) {
		return nil, purposeError("api.error.purpose", "api.field.purpose", strings.Join(vrs.Purposes, ", "))
	}
	if words != "" {
		name += ": " + words
	}
	return r.WithContext(vrs.NewContextWithPurpose(r.Context(), name)), nil
}

// purposeError is a 400 whose message and field name the header; what the
// caller sent is not repeated (it may name a case).
func purposeError(key, fieldKey string, args ...any) error {
	return &vrs.Error{Code: vrs.EINVALID, Message: key, Args: append([]any{PurposeHeader}, args...),
		Fields: map[string]string{PurposeHeader: fieldKey}}
}

// incidentETag is the entity tag of the representation of an incident: its
// version in quotes ("3") as its owners read it, with the granularity when
// it is less than full ("3-pseudonymised"), so that a pseudonymised copy
// held by a client never answers 304 to a request for the full record (a
// purpose stated) or the other way round.
func incidentETag(inc *vrs.Incident) string {
	if inc.Granularity == vrs.GranNone || inc.Granularity == vrs.GranFull {
		return etag(inc.Version)
	}
	return `"` + strconv.Itoa(inc.Version) + "-" + inc.Granularity.String() + `"`
}
