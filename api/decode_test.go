package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vrs"
	"vrs/i18n"
)

func TestDecodeJSON(t *testing.T) {
	cases := []struct {
		name, body string
		key        string // "" for success
		args       []any
	}{
		{"OK", `{"name":"a","agency_id":3,"roles":["reporter"],"password":"p"}`, "", nil},
		{"OKWhitespace", " \r\n\t{ \"name\" : \"a\" }\n\n", "", nil},
		{"OKNulls", `{"name":null,"roles":null}`, "", nil},
		{"OKUnicodeEscape", `{"name":"\u00e9\ud83d\ude00"}`, "", nil},
		{"ErrEmpty", "", "api.error.body_empty", nil},
		{"ErrBlank", " \n ", "api.error.body_empty", nil},
		{"ErrUTF8", "{\"name\":\"\xc3\"}", "api.error.utf8", []any{1, 10, 9}},
		{"ErrUTF8SecondLine", "{\n\"name\":\"\xed\xa0\x80\"}", "api.error.utf8", []any{2, 9, 10}},
		{"ErrSyntax", `{"name":"a",}`, "api.error.syntax", nil},
		{"ErrSingleQuotes", `{'name':'a'}`, "api.error.syntax", nil},
		{"ErrTruncated", `{"name":"a"`, "api.error.truncated", []any{1, 12, 11}},
		{"ErrTrailing", `{"name":"a"} {}`, "api.error.trailing", []any{1, 14, 13}},
		{"ErrTrailingNUL", "{}\x00", "api.error.trailing", []any{1, 3, 2}},
		{"ErrArray", `[{"name":"a"}]`, "api.error.not_object", nil},
		{"ErrNull", `null`, "api.error.not_object", nil},
		{"ErrString", `"x"`, "api.error.not_object", nil},
		{"ErrUnknown", `{"nmae":"a"}`, "api.error.unknown_field", []any{"nmae"}},
		{"ErrCase", `{"Name":"a"}`, "api.error.unknown_field", []any{"Name"}},
		{"ErrDuplicate", `{"name":"a","name":"b"}`, "api.error.duplicate_field", []any{"name"}},
		{"ErrDuplicateNested", `{"roles":[{"a":1,"a":2}]}`, "api.error.duplicate_field", []any{"a"}},
		{"ErrTypeString", `{"name":1}`, "api.error.type_string", []any{"name"}},
		{"ErrTypeInteger", `{"agency_id":"1"}`, "api.error.type_integer", []any{"agency_id"}},
		{"ErrTypeOverflow", `{"agency_id":1e400}`, "api.error.type_integer", []any{"agency_id"}},
		{"ErrTypeArray", `{"roles":{}}`, "api.error.type_string_array", []any{"roles"}},
		{"ErrTypeArrayItem", `{"capture_agency_ids":[true]}`, "api.error.type_integer_array", []any{"capture_agency_ids"}},
		{"ErrTypeBoolean", `{"disabled":0}`, "api.error.type_boolean", []any{"disabled"}},
		{"ErrUnknownLongName", `{"` + strings.Repeat("k", 100) + `":1}`, "api.error.unknown_field", []any{strings.Repeat("k", 64) + "…"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v userCreateRequest
			err := decodeBytes([]byte(tc.body), &v)
			if tc.key == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			e := vrs.AsError(err)
			if e.Code != vrs.EINVALID || e.Message != tc.key {
				t.Fatalf("err = %v, want %s", err, tc.key)
			}
			if tc.args != nil && !equalArgs(e.Args, tc.args) {
				t.Errorf("args = %v, want %v", e.Args, tc.args)
			}
		})
	}
}

func equalArgs(a, b []any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestDecodeJSONRequest(t *testing.T) {
	cases := []struct {
		name, contentType string
		body              string
		code              string
		status            int // when not the code's
	}{
		{"OK", "application/json", `{}`, "", 0},
		{"OKCharset", "application/json; charset=UTF-8", `{}`, "", 0},
		{"ErrNoType", "", `{}`, vrs.EINVALID, 415},
		{"ErrText", "text/plain", `{}`, vrs.EINVALID, 415},
		{"ErrJSONish", "application/jsonx", `{}`, vrs.EINVALID, 415},
		{"ErrCharset", "application/json; charset=utf-16", `{}`, vrs.EINVALID, 415},
		{"ErrTooLarge", "application/json", `{"name":"` + strings.Repeat("x", 200) + `"}`, vrs.ETOOLARGE, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.contentType)
			r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 100)
			var v userCreateRequest
			err := decodeJSON(r, &v)
			if vrs.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want code %q", err, tc.code)
			}
			got := 0
			var se *statusError
			if errors.As(err, &se) {
				got = se.status
			}
			if got != tc.status {
				t.Errorf("status = %d, want %d", got, tc.status)
			}
		})
	}
}

// TestDecodeKeysExist: the keys decodeJSON builds at run time are in the
// catalogue (the catalogue's own test sees only literal keys).
func TestDecodeKeysExist(t *testing.T) {
	cat := i18n.MustLoad()
	for _, k := range jsonKinds {
		for _, key := range []string{"api.error.type_" + k, "api.field.type_" + k} {
			if !cat.Has(i18n.Fallback, key) {
				t.Errorf("missing key %q", key)
			}
		}
	}
}

// FuzzDecodeJSON: the decoder never panics, accepts only a single JSON
// object, and refuses everything else with an invalid-input error whose
// message exists in the catalogue.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"name":"a","agency_id":1,"roles":["reporter"],"capture_agency_ids":[1,2],"view_scope":"agency","disabled":true,"password":"x"}`,
		`{"name":null}`, `[]`, `null`, `{"name":"a"}{}`, `{"name":"a",}`, "{\"name\":\"\xff\"}", `{"Name":"a"}`, `{"name":"a","name":"b"}`,
		`{"agency_id":1e999}`, `{"roles":[[[[]]]]}`, `{"x":{"y":{"y":1}}}`, "\ufeff{}", `{"name":"\ud800"}`, "{\"a\":1}\x00",
	} {
		f.Add([]byte(s))
	}
	cat := i18n.MustLoad()
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var v userCreateRequest
		err := decodeJSON(r, &v)
		if err == nil {
			trimmed := trimJSONSpace(body)
			if !json.Valid(body) || len(trimmed) == 0 || trimmed[0] != '{' {
				t.Fatalf("accepted %q, which is not one JSON object", body)
			}
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatalf("accepted %q: %v", body, err)
			}
			for k := range m {
				if !fieldsOf(&v)[k] {
					t.Fatalf("accepted unknown field %q", k)
				}
			}
			return
		}
		e := vrs.AsError(err)
		if e.Code != vrs.EINVALID {
			t.Fatalf("%q: code %s (%v)", body, e.Code, err)
		}
		if !cat.Has(i18n.Fallback, e.Message) {
			t.Fatalf("%q: message key %q not in catalogue", body, e.Message)
		}
		for _, k := range e.Fields {
			if !cat.Has(i18n.Fallback, k) {
				t.Fatalf("%q: field key %q not in catalogue", body, k)
			}
		}
		if msg, _ := cat.Error(i18n.Fallback, err); strings.Contains(msg, "%!") {
			t.Fatalf("%q: bad message %q", body, msg)
		}
	})
}
