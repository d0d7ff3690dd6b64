package api

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/refdata"
)

func fuzzSeedIncident() string {
	age := 24
	lat, lon := 6.63, 100.42
	inc := vrs.Incident{AgencyID: 1, Reference: "R-1", Type: vrs.TypeMigrantSmuggling, DetectedOn: "2025-03-02", ReportedOn: "2025-03-02",
		Place:        vrs.Place{Country: "TH", Lat: &lat, Lon: &lon},
		Persons:      []vrs.Person{{Role: "migrant", Age: &age, Name: "A B", Identifiers: []vrs.Identifier{{Kind: "phone", Value: "+66 1"}}}},
		Legs:         []vrs.RouteLeg{{Country: "MM", Role: "origin"}, {Country: "TH", Role: "interception"}},
		Transactions: []vrs.Transaction{{Amount: 10, Currency: "USD", Method: "cash"}},
		Counts:       []vrs.AggregateCount{{Role: "migrant", Count: 3}}}
	b, _ := json.Marshal(inc)
	return string(b)
}

// FuzzDecodeIncident: any body decodes or is refused as invalid input,
// and what decodes validates without panicking; nothing is an internal
// error (a 500).
func FuzzDecodeIncident(f *testing.F) {
	seed := fuzzSeedIncident()
	for _, s := range []string{seed, seed[:len(seed)/2], `{}`, `{"persons":[{"age":1e400}]}`, `{"persons":[{"age":-1,"key":"p1"},{"key":"p1"}]}`,
		`{"place":{"lat":91,"lon":"x"}}`, `{"legs":[{"country":"TH","country":"MM"}]}`, `{"transactions":[{"amount":1e308}]}`,
		`{"created_at":"2025-01-01T00:00:00Z","id":3}`, `{"persons":null,"legs":[null]}`, `{"persons":[{"identifiers":[{"kind":"phone","value":"\u0000"}]}]}`,
		`[]`, `"x"`, `{"a":{"b":{"c":[[[[]]]]}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var inc vrs.Incident
		if err := decodeDeepBytes(b, &inc); err != nil {
			if e := vrs.AsError(err); e.Code != vrs.EINVALID {
				t.Fatalf("decode answered %v", err)
			}
			return
		}
		inc.Normalize()
		if err := inc.Validate(refdata.Checker{}, "2026-01-01"); err != nil {
			if e := vrs.AsError(err); e.Code != vrs.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("validate answered %v", err)
			}
		}
		// What decodes strictly decodes the same way leniently.
		var lenient vrs.Incident
		if err := json.Unmarshal(b, &lenient); err != nil {
			t.Fatalf("strict decoder accepted what encoding/json refuses: %v", err)
		}
	})
}

func TestDecodeDeepPaths(t *testing.T) {
	for _, tc := range []struct{ name, body, key, field string }{
		{"OK", fuzzSeedIncident(), "", ""},
		{"OKNulls", `{"persons":null,"place":null,"persons_involved":null}`, "", ""},
		{"ErrUnknownNested", `{"persons":[{},{"nmae":"x"}]}`, "api.error.unknown_field", "persons[1].nmae"},
		{"ErrDuplicateDeep", `{"persons":[{"identifiers":[{"kind":"a","kind":"b"}]}]}`, "api.error.duplicate_field", "persons[0].identifiers[0].kind"},
		{"ErrTypeDeep", `{"persons":[{"identifiers":[{"value":1}]}]}`, "api.error.type_string", "persons[0].identifiers[0].value"},
		{"ErrIntOverflow", `{"persons_involved":9223372036854775808}`, "api.error.type_integer", "persons_involved"},
		{"ErrFloatOverflow", `{"place":{"lat":1e309}}`, "api.error.type_number", "place.lat"},
		{"ErrArrayForObject", `{"place":[1]}`, "api.error.type_object", "place"},
		{"ErrObjectForArray", `{"legs":{}}`, "api.error.type_array", "legs"},
		{"ErrStringArray", `{"offence_codes":[1]}`, "api.error.type_string", "offence_codes[0]"},
		{"ErrTime", `{"updated_at":"2025-01-01"}`, "api.error.type_time", "updated_at"},
		{"ErrBool", `{"reference":true}`, "api.error.type_string", "reference"},
		// What GET answered may be sent back: read-only sharing fields included.
		{"OKReadOnlySharing", `{"granularity":"pseudonymised","purpose_required":true,"distribution":"partners","tlp":"AMBER","share_countries":["VN"],"share_groups":[1],"narrative_shareable":true}`, "", ""},
		{"ErrGranularityNumber", `{"granularity":3}`, "api.error.type_string", "granularity"},
		{"ErrGranularityValue", `{"granularity":"everything"}`, "api.error.value", "granularity"},
		{"ErrShareGroups", `{"share_groups":["x"]}`, "api.error.type_integer", "share_groups[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var inc vrs.Incident
			err := decodeDeepBytes([]byte(tc.body), &inc)
			if tc.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := vrs.AsError(err)
			if e.Message != tc.key || e.Fields[tc.field] == "" {
				t.Errorf("err = %v %v, want %s on %s", err, e.Fields, tc.key, tc.field)
			}
		})
	}
}

// TestOpenAPIIncidentSchemas holds the incident schemas equal to the JSON
// fields of the Go types, following $ref into nested types (persons,
// identifiers, legs, ...), so that the document cannot drift.
func TestOpenAPIIncidentSchemas(t *testing.T) {
	schemas := loadDoc(t)["components"].(map[string]any)["schemas"].(map[string]any)
	checked := map[string]bool{}
	var check func(t *testing.T, name string, typ reflect.Type)
	check = func(t *testing.T, name string, typ reflect.Type) {
		if checked[name] {
			return
		}
		checked[name] = true
		s, ok := schemas[name].(map[string]any)
		if !ok {
			t.Errorf("no schema %s", name)
			return
		}
		props := s["properties"].(map[string]any)
		fields := structFields(typ)
		if p, f := slices.Sorted(maps.Keys(props)), slices.Sorted(maps.Keys(fields)); !slices.Equal(p, f) {
			t.Errorf("%s: schema properties %v, type fields %v", name, p, f)
		}
		req, _ := s["required"].([]any)
		for _, r := range req {
			if props[r.(string)] == nil {
				t.Errorf("%s: required %v is not a property", name, r)
			}
		}
		for k, ft := range fields {
			p, _ := props[k].(map[string]any)
			if p == nil {
				continue
			}
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Slice {
				if _, ok := p["items"]; !ok {
					t.Errorf("%s.%s: a list documented as %v", name, k, p["type"])
					continue
				}
				p, ft = p["items"].(map[string]any), ft.Elem()
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
			}
			if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
				ref, _ := p["$ref"].(string)
				if ref == "" {
					t.Errorf("%s.%s: an object without $ref", name, k)
					continue
				}
				check(t, strings.TrimPrefix(ref, "#/components/schemas/"), ft)
			}
		}
	}
	for name, v := range map[string]any{
		"Incident": vrs.Incident{}, "IncidentPage": incidentPage{}, "IncidentVersion": incidentVersionOut{},
		"TransitionRequest": transitionRequest{}, "DeleteRequest": deleteRequest{},
	} {
		t.Run(name, func(t *testing.T) { check(t, name, reflect.TypeOf(v)) })
	}
	for _, name := range []string{"Incident", "Person", "Identifier", "RouteLeg", "Organisation", "Vehicle", "Document", "Transaction",
		"AggregateCount", "Place", "IncidentSummary", "Change"} {
		if !checked[name] {
			t.Errorf("schema %s was not reached from the request and answer types", name)
		}
	}
	// Enumerations come from the code.
	inc := schemas["Incident"].(map[string]any)["properties"].(map[string]any)
	if got := inc["type"].(map[string]any)["enum"].([]any); len(got) != len(vrs.IncidentTypes) {
		t.Errorf("type enum = %v", got)
	}
	if got := inc["status"].(map[string]any)["enum"].([]any); len(got) != len(vrs.IncidentStatuses) {
		t.Errorf("status enum = %v", got)
	}
}
