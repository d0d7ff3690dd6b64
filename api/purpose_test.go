package api

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"vrs"
)

func TestWithPurpose(t *testing.T) {
	for _, tc := range []struct {
		name    string
		headers []string // values of VRS-Purpose; nil: none
		want    string   // the purpose in the context
		err     string   // the message key of the refusal
	}{
		{name: "None", want: ""},
		{name: "OK", headers: []string{"investigation"}, want: "investigation"},
		{name: "OKWords", headers: []string{"  prosecution :  case   2025/114 "}, want: "prosecution: case 2025/114"},
		{name: "OKEmptyWords", headers: []string{"analysis:"}, want: "analysis"},
		{name: "OKUnicode", headers: []string{"referral: ส่งต่อ"}, want: "referral: ส่งต่อ"},
		{name: "OKLongest", headers: []string{"other:" + strings.Repeat("x", maxPurpose-6)}, want: "other: " + strings.Repeat("x", maxPurpose-6)},
		{name: "ErrUnknown", headers: []string{"curiosity"}, err: "api.error.purpose"},
		{name: "ErrCase", headers: []string{"Investigation"}, err: "api.error.purpose"},
		{name: "ErrEmpty", headers: []string{""}, err: "api.error.purpose"},
		{name: "ErrWordsOnly", headers: []string{": case 1"}, err: "api.error.purpose"},
		{name: "ErrTooLong", headers: []string{"other:" + strings.Repeat("x", maxPurpose-5)}, err: "api.error.purpose_too_long"},
		{name: "ErrRepeated", headers: []string{"analysis", "analysis"}, err: "api.error.purpose_repeated"},
		{name: "ErrInvalidUTF8", headers: []string{"other: \xff"}, err: "api.error.purpose_text"},
		{name: "ErrControl", headers: []string{"other: a\x7fb"}, err: "api.error.purpose_text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/incidents/1", nil)
			for _, h := range tc.headers {
				r.Header.Add(PurposeHeader, h)
			}
			got, err := withPurpose(r)
			if tc.err != "" {
				e := vrs.AsError(err)
				if e.Code != vrs.EINVALID || e.Message != tc.err || e.Fields[PurposeHeader] == "" {
					t.Fatalf("err = %v %v, want %s on %s", err, e.Fields, tc.err, PurposeHeader)
				}
				if len(tc.headers) > 0 && tc.headers[0] != "" && strings.Contains(e.Error(), tc.headers[0]) {
					t.Errorf("the refusal repeats what was sent: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p := vrs.PurposeFromContext(got.Context()); p != tc.want {
				t.Errorf("purpose = %q, want %q", p, tc.want)
			}
		})
	}
}

func TestIncidentETag(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    vrs.Granularity
		want string
	}{
		{"Unread", vrs.GranNone, `"3"`},
		{"Full", vrs.GranFull, `"3"`},
		{"Pseudonymised", vrs.GranPseudonymised, `"3-pseudonymised"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := incidentETag(&vrs.Incident{Version: 3, Granularity: tc.g}); got != tc.want {
				t.Errorf("ETag = %s, want %s", got, tc.want)
			}
		})
	}
}

// FuzzPurpose: any header value is refused as invalid input or becomes a
// purpose of the list, optionally with words, within the bound.
func FuzzPurpose(f *testing.F) {
	for _, s := range []string{"investigation", "other: case 1", "referral:", ":", "", "analysis:\x00", "prosecution : a  b", strings.Repeat("é", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		r := httptest.NewRequest("GET", "/api/v1/incidents/1", nil)
		r.Header.Set(PurposeHeader, v)
		got, err := withPurpose(r)
		if err != nil {
			if e := vrs.AsError(err); e.Code != vrs.EINVALID || e.Fields[PurposeHeader] == "" {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		p := vrs.PurposeFromContext(got.Context())
		name, _, _ := strings.Cut(p, ": ")
		if !slices.Contains(vrs.Purposes, name) || !utf8.ValidString(p) || utf8.RuneCountInString(p) > maxPurpose+1 {
			t.Fatalf("%q became %q", v, p)
		}
	})
}
