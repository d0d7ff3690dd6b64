package rules

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"vrs"
)

// kind is the type of a value in an expression: dates are strings in
// YYYY-MM-DD form, so that they compare as strings.
type kind uint8

const (
	kindNone kind = iota
	kindNum
	kindStr
)

func (k kind) String() string {
	switch k {
	case kindNum:
		return "number"
	case kindStr:
		return "text"
	}
	return "none"
}

// value is what an expression evaluates to; kind none is a missing value.
type value struct {
	k kind
	n float64
	s string
}

// field reads one scalar of a struct by its index path.
type field struct {
	kind  kind
	index []int
	ptr   bool // *int or *float64: nil is missing
	float bool // float64 rather than an integer
}

// get reads the field of a struct value; an empty string and a nil
// pointer are missing.
func (f *field) get(v reflect.Value) value {
	for _, i := range f.index {
		v = v.Field(i)
	}
	if f.ptr {
		if v.IsNil() {
			return value{}
		}
		v = v.Elem()
	}
	switch f.kind {
	case kindStr:
		s := v.String()
		if s == "" {
			return value{}
		}
		return value{k: kindStr, s: s}
	case kindNum:
		if f.float {
			return value{k: kindNum, n: v.Float()}
		}
		return value{k: kindNum, n: float64(v.Int())}
	}
	return value{}
}

// section is a repeatable part of the incident (persons, legs...): a slice
// of structs whose fields the aggregates may read, or a list of codes
// (offence_codes) that only count counts.
type section struct {
	name   string
	index  int
	fields map[string]*field // nil for a list of codes
}

// schema is what expressions may name, read once from the JSON names of
// vrs.Incident so that a field added to the model is usable at once.
type schema struct {
	fields   map[string]*field   // "detected_on", "place.country"
	sections map[string]*section // "persons", "legs"
}

// excluded are fields rules may not read: free text and personal data,
// which the store keeps encrypted and which a rule must not become a way
// to probe for ("is there a person named X?").
var excluded = map[string]bool{
	"narrative": true, "review_note": true, "agency_name": true, "updated_by_name": true,
	"id": true, "version": true, "created_by": true, "updated_by": true,
	"persons.name": true, "persons.aliases": true, "persons.date_of_birth": true, "persons.identifiers": true, "persons.key": true,
	"documents.number": true, "documents.holder": true,
	"transactions.payer_account": true, "transactions.payee_account": true, "transactions.payer": true, "transactions.payee": true,
	"organisations.name": true, "organisations.registration": true, "organisations.key": true,
	"vehicles.name": true, "vehicles.registration": true, "vehicles.description": true, "vehicles.key": true,
}

var (
	schemaOnce sync.Once
	theSchema  *schema
)

func incidentSchema() *schema {
	schemaOnce.Do(func() {
		sc := &schema{fields: map[string]*field{}, sections: map[string]*section{}}
		t := reflect.TypeFor[vrs.Incident]()
		for i := range t.NumField() {
			sf := t.Field(i)
			name := jsonName(sf)
			if name == "" || excluded[name] {
				continue
			}
			switch ft := sf.Type; {
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				sec := &section{name: name, index: i, fields: map[string]*field{}}
				scalars(ft.Elem(), nil, "", name+".", sec.fields)
				sc.sections[name] = sec
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
				sc.sections[name] = &section{name: name, index: i}
			}
		}
		scalars(t, nil, "", "", sc.fields)
		theSchema = sc
	})
	return theSchema
}

// scalars adds the readable scalar fields of struct type t to out, keyed
// by prefix plus their JSON name; nested structs other than times become
// dotted paths ("place.country"). scope prefixes names for the exclusion
// list ("persons.").
func scalars(t reflect.Type, index []int, prefix, scope string, out map[string]*field) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name := jsonName(sf)
		if name == "" || !sf.IsExported() || excluded[scope+prefix+name] {
			continue
		}
		idx := append(append([]int{}, index...), i)
		ft := sf.Type
		f := &field{index: idx}
		if ft.Kind() == reflect.Pointer {
			f.ptr, ft = true, ft.Elem()
		}
		switch ft.Kind() {
		case reflect.String:
			f.kind = kindStr
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.kind = kindNum
		case reflect.Float32, reflect.Float64:
			f.kind, f.float = kindNum, true
		case reflect.Struct:
			if !f.ptr && ft != reflect.TypeFor[time.Time]() {
				scalars(ft, idx, prefix+name+".", scope, out)
			}
			continue
		default:
			continue
		}
		out[prefix+name] = f
	}
}

func jsonName(sf reflect.StructField) string {
	tag := sf.Tag.Get("json")
	if tag == "-" {
		return ""
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = strings.ToLower(sf.Name)
	}
	return name
}

// Fields lists the incident fields expressions may name, and Sections the
// repeatable sections with their fields, for the administration page.
func Fields() []string {
	var out []string
	for name := range incidentSchema().fields {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// Sections maps each repeatable section to the fields its aggregates may read.
func Sections() map[string][]string {
	out := map[string][]string{}
	for name, sec := range incidentSchema().sections {
		list := []string{}
		for f := range sec.fields {
			list = append(list, f)
		}
		slices.Sort(list)
		out[name] = list
	}
	return out
}
