package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"vrs"
)

// Incidents are deep documents (persons with identifiers, legs, ...), so
// their bodies are checked against the Go type as a whole before they are
// decoded: every unknown or repeated key and every value of the wrong type
// is refused with its full path ("persons[0].identifiers[1].value"), where
// decodeJSON names only the top-level field.

// decodeDeep reads the request body into v (a pointer to a struct) with
// the checks of decodeJSON, applied at every depth.
func decodeDeep(r *http.Request, v any) error {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeDeepBytes(b, v)
}

// readBody reads the whole request body, within the server's limit.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, vrs.Errorf(vrs.ETOOLARGE, "error.body_too_large", tooLarge.Limit>>10)
		}
		return nil, vrs.Errorf(vrs.EINVALID, "api.error.body_read")
	}
	return b, nil
}

// decodeDeepBytes is decodeDeep after the body is read.
func decodeDeepBytes(b []byte, v any) error {
	if len(trimJSONSpace(b)) == 0 {
		return vrs.Errorf(vrs.EINVALID, "api.error.body_empty")
	}
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
	// One syntactically valid JSON value, nothing after it.
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
	// Keys and types at every depth, against v's type.
	w := &shapeWalker{dec: json.NewDecoder(bytes.NewReader(raw))}
	w.dec.UseNumber()
	if err := w.value(reflect.TypeOf(v), ""); err != nil {
		return err
	}
	// The shape is right: decoding cannot fail but for reasons the walk
	// does not know about, which are answered as decodeJSON answers them.
	dec = json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return typeError(v, err)
	}
	return nil
}

// shapeWalker reads a JSON value token by token alongside a Go type.
type shapeWalker struct {
	dec *json.Decoder
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	textUnmarshalType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// isText reports whether t is read from a JSON string by its own
// UnmarshalText (a granularity: "full", never 3).
func isText(t reflect.Type) bool {
	return t != timeType && t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textUnmarshalType)
}

// textValue checks a string for a type read by UnmarshalText; a value
// the type refuses is answered under path with the type's own field
// message.
func textValue(t reflect.Type, path, s string) error {
	err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	if err == nil {
		return nil
	}
	field := "api.field.type_value"
	if e := vrs.AsError(err); len(e.Fields) == 1 {
		for _, f := range e.Fields {
			field = f
		}
	}
	return &vrs.Error{Code: vrs.EINVALID, Message: "api.error.value", Args: []any{echo(path)}, Fields: map[string]string{echo(path): field}}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func badType(path string, t reflect.Type) error {
	if path == "" {
		return vrs.Errorf(vrs.EINVALID, "api.error.not_object")
	}
	msg, field := "api.error.type_"+jsonKind(t), "api.field.type_"+jsonKind(t)
	if t == timeType {
		msg, field = "api.error.type_time", "api.field.time"
	}
	return &vrs.Error{Code: vrs.EINVALID, Message: msg, Args: []any{echo(path)}, Fields: map[string]string{echo(path): field}}
}

// value checks the next JSON value against t; path names it.
func (w *shapeWalker) value(t reflect.Type, path string) error {
	tok, err := w.dec.Token()
	if err != nil {
		return vrs.Errorf(vrs.EINVALID, "api.error.json")
	}
	if tok == nil {
		return nil // null leaves the field as it is, whatever its type
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if d, ok := tok.(json.Delim); ok {
		switch {
		case d == '{' && t.Kind() == reflect.Struct && t != timeType:
			return w.object(t, path)
		case d == '[' && t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
			for i := 0; w.dec.More(); i++ {
				if err := w.value(t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
			if _, err := w.dec.Token(); err != nil {
				return vrs.Errorf(vrs.EINVALID, "api.error.json")
			}
			return nil
		}
		return badType(path, t)
	}
	if isText(t) {
		if x, ok := tok.(string); ok {
			return textValue(t, path, x)
		}
		return badType(path, t)
	}
	switch x := tok.(type) {
	case string:
		switch {
		case t.Kind() == reflect.String:
			return nil
		case t == timeType:
			if _, err := time.Parse(time.RFC3339, x); err == nil {
				return nil
			}
		}
	case bool:
		if t.Kind() == reflect.Bool {
			return nil
		}
	case json.Number:
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if n, err := strconv.ParseInt(string(x), 10, 64); err == nil && !reflect.New(t).Elem().OverflowInt(n) {
				return nil
			}
		case reflect.Float32, reflect.Float64:
			if f, err := strconv.ParseFloat(string(x), 64); err == nil && !math.IsInf(f, 0) && !reflect.New(t).Elem().OverflowFloat(f) {
				return nil
			}
		}
	}
	return badType(path, t)
}

// object checks the members of an object against struct type t; the
// opening brace is read.
func (w *shapeWalker) object(t reflect.Type, path string) error {
	fields := structFields(t)
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return vrs.Errorf(vrs.EINVALID, "api.error.json")
		}
		key, _ := tok.(string)
		p := joinPath(path, key)
		if seen[key] {
			return &vrs.Error{Code: vrs.EINVALID, Message: "api.error.duplicate_field", Args: []any{echo(p)},
				Fields: map[string]string{echo(p): "api.field.duplicate"}}
		}
		seen[key] = true
		ft, ok := fields[key]
		if !ok {
			return unknownField(p)
		}
		if err := w.value(ft, p); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return vrs.Errorf(vrs.EINVALID, "api.error.json")
	}
	return nil
}
