package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"vrs"
)

// decodeJSON reads the request body into v, which must point to a struct.
// It accepts exactly one JSON object, sent as application/json in UTF-8,
// whose keys are v's fields spelt exactly as their json tags, each at most
// once, with values of the fields' types. Every refusal is a *vrs.Error
// whose message names the problem and where it is. A type error may leave
// some of v's fields set: callers use v only when the error is nil.
func decodeJSON(r *http.Request, v any) error {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return vrs.Errorf(vrs.ETOOLARGE, "error.body_too_large", tooLarge.Limit>>10)
		}
		return vrs.Errorf(vrs.EINVALID, "api.error.body_read")
	}
	return decodeBytes(b, v)
}

// maxEcho bounds how much of what a client sent an error message repeats.
const maxEcho = 64

func echo(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// checkContentType accepts application/json, with no charset or UTF-8.
func checkContentType(ct string) error {
	if strings.TrimSpace(ct) == "" {
		return withStatus(http.StatusUnsupportedMediaType, vrs.Errorf(vrs.EINVALID, "api.error.content_type_missing"))
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		if cs, ok := params["charset"]; !ok || strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	return withStatus(http.StatusUnsupportedMediaType, vrs.Errorf(vrs.EINVALID, "api.error.content_type", echo(ct)))
}

// isJSONSpace reports whether c is whitespace in JSON's grammar.
func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimJSONSpace(b []byte) []byte {
	i := 0
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	return b[i:]
}

// position returns the 1-based line and column of byte offset off in b.
func position(b []byte, off int) (line, col int) {
	off = max(0, min(off, len(b)))
	line = 1 + bytes.Count(b[:off], []byte{'\n'})
	col = off - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}

// decodeBytes is decodeJSON after the body is read.
func decodeBytes(b []byte, v any) error {
	if len(trimJSONSpace(b)) == 0 {
		return vrs.Errorf(vrs.EINVALID, "api.error.body_empty")
	}
	// Check the bytes before the decoder sees them: encoding/json would
	// silently turn invalid UTF-8 in strings into U+FFFD.
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			r, n := utf8.DecodeRune(b[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		line, col := position(b, off)
		return vrs.Errorf(vrs.EINVALID, "api.error.utf8", line, col, off)
	}

	// First pass: one syntactically valid JSON value, nothing after it.
	dec := json.NewDecoder(bytes.NewReader(b))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return syntaxError(b, err)
	}
	end := int(dec.InputOffset())
	if rest := trimJSONSpace(b[end:]); len(rest) > 0 {
		off := len(b) - len(rest)
		line, col := position(b, off)
		return vrs.Errorf(vrs.EINVALID, "api.error.trailing", line, col, off)
	}
	if raw[0] != '{' {
		return vrs.Errorf(vrs.EINVALID, "api.error.not_object")
	}

	// Second pass: keys exactly as documented, each once. encoding/json
	// matches keys case-insensitively and lets a repeated key win silently,
	// which would let {"roles":[...],"Roles":[...]} mean what a reviewer
	// of the request does not see.
	if err := checkKeys(raw, fieldsOf(v)); err != nil {
		return err
	}

	// Third pass: types.
	dec = json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return typeError(v, err)
	}
	return nil
}

func syntaxError(b []byte, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read up to and including the bad one.
		off := max(0, int(se.Offset)-1)
		line, col := position(b, off)
		return vrs.Errorf(vrs.EINVALID, "api.error.syntax", se.Error(), line, col, off)
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(b, len(b))
		return vrs.Errorf(vrs.EINVALID, "api.error.truncated", line, col, len(b))
	}
	return vrs.Errorf(vrs.EINVALID, "api.error.json")
}

// checkKeys walks a valid JSON value and refuses a repeated key in any
// object, and a top-level key that allowed (when not nil) lacks.
func checkKeys(raw []byte, allowed map[string]bool) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var walk func(top bool) error
	walk = func(top bool) error {
		tok, err := dec.Token()
		if err != nil {
			return vrs.Errorf(vrs.EINVALID, "api.error.json")
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return nil
		}
		switch d {
		case '{':
			seen := map[string]bool{}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return vrs.Errorf(vrs.EINVALID, "api.error.json")
				}
				key, _ := tok.(string)
				if seen[key] {
					return &vrs.Error{Code: vrs.EINVALID, Message: "api.error.duplicate_field", Args: []any{echo(key)},
						Fields: map[string]string{echo(key): "api.field.duplicate"}}
				}
				seen[key] = true
				if top && allowed != nil && !allowed[key] {
					return unknownField(key)
				}
				if err := walk(false); err != nil {
					return err
				}
			}
		case '[':
			for dec.More() {
				if err := walk(false); err != nil {
					return err
				}
			}
		}
		_, err = dec.Token() // the closing delimiter
		if err != nil {
			return vrs.Errorf(vrs.EINVALID, "api.error.json")
		}
		return nil
	}
	return walk(true)
}

func unknownField(key string) error {
	return &vrs.Error{Code: vrs.EINVALID, Message: "api.error.unknown_field", Args: []any{echo(key)},
		Fields: map[string]string{echo(key): "api.field.unknown"}}
}

// typeError explains a decoding error of a syntactically valid object.
func typeError(v any, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		t := te.Type
		if ft, ok := fieldType(v, strings.SplitN(field, ".", 2)[0]); ok && !strings.Contains(field, ".") {
			t = ft
		}
		kind := jsonKind(t)
		if field == "" {
			return vrs.Errorf(vrs.EINVALID, "api.error.not_object")
		}
		return &vrs.Error{Code: vrs.EINVALID, Message: "api.error.type_" + kind, Args: []any{echo(field)},
			Fields: map[string]string{echo(field): "api.field.type_" + kind}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if s, err := strconv.Unquote(name); err == nil {
			name = s
		}
		return unknownField(name)
	}
	return vrs.Errorf(vrs.EINVALID, "api.error.json")
}

// jsonKinds are the suffixes of the type-error keys ("api.error.type_"+kind).
var jsonKinds = []string{"string", "integer", "number", "boolean", "string_array", "integer_array", "array", "object", "value"}

// jsonKind names what JSON a Go type takes.
func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "value"
	}
	if isText(t) {
		return "string"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		switch jsonKind(t.Elem()) {
		case "string":
			return "string_array"
		case "integer":
			return "integer_array"
		}
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "value"
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// fieldsOf returns the JSON names of the fields of the struct v points to,
// with their types; nil when v is not a struct.
func fieldsOf(v any) map[string]bool {
	m := structFields(reflect.TypeOf(v))
	if m == nil {
		return nil
	}
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func fieldType(v any, name string) (reflect.Type, bool) {
	t, ok := structFields(reflect.TypeOf(v))[name]
	return t, ok
}

func structFields(t reflect.Type) map[string]reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			for k, ft := range structFields(f.Type) {
				m[k] = ft
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	fieldCache.Store(t, m)
	return m
}
