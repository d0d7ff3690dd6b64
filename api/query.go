package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"vrs"
)

// query holds a request's query parameters once they have passed the
// strict checks: known names only, each at most once, valid UTF-8.
type query struct{ v url.Values }

// parseQuery refuses unknown, repeated and undecodable parameters, so that
// a misspelt filter is an error rather than a silently unfiltered answer.
func parseQuery(r *http.Request, allowed ...string) (query, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return query{}, vrs.Errorf(vrs.EINVALID, "api.error.query_syntax")
	}
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	slices.Sort(names) // the first problem in a stable order
	for _, k := range names {
		if !slices.Contains(allowed, k) {
			return query{}, queryError("api.error.query_unknown", k, "api.field.unknown")
		}
		if len(v[k]) > 1 {
			return query{}, queryError("api.error.query_repeated", k, "api.field.duplicate")
		}
		if !utf8.ValidString(v[k][0]) {
			return query{}, queryError("api.error.query_utf8", k, "field.utf8")
		}
	}
	return query{v}, nil
}

func queryError(key, name, fieldKey string, args ...any) error {
	return &vrs.Error{Code: vrs.EINVALID, Message: key, Args: append([]any{echo(name)}, args...),
		Fields: map[string]string{echo(name): fieldKey}}
}

// str returns a parameter's value, "" when absent.
func (q query) str(name string) string { return q.v.Get(name) }

// int64 returns an integer parameter in [lo, hi], 0 when absent.
func (q query) int64(name string, lo, hi int64) (int64, error) {
	s := q.v.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, queryError("api.error.query_integer", name, "api.field.type_integer", lo, hi)
	}
	return n, nil
}

// bool returns a true/false parameter, false when absent.
func (q query) bool(name string) (bool, error) {
	switch q.v.Get(name) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, queryError("api.error.query_boolean", name, "api.field.type_boolean")
}

// time returns a time parameter: an RFC 3339 time, or a date (UTC), which
// as an upper bound (end) means the end of that day. Zero when absent.
func (q query) time(name string, end bool) (time.Time, error) {
	s := q.v.Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	return time.Time{}, queryError("api.error.query_time", name, "api.field.time")
}

// country returns a two-letter country parameter, upper-cased.
func (q query) country(name string) (string, error) {
	s := q.v.Get(name)
	if s == "" {
		return "", nil
	}
	if !isAlpha2(s) {
		return "", queryError("api.error.query_value", name, "field.country_code")
	}
	return strings.ToUpper(s), nil
}
