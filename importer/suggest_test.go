package importer

import (
	"math"
	"reflect"
	"testing"
	"unicode/utf8"
)

func TestSuggestCodes(t *testing.T) {
	tests := []struct {
		list, value string
		want        string // the confident top code; "" when none may be confident
	}{
		{"country", "VN", "VN"},
		{"country", "vn", "VN"},
		{"country", "VNM", "VN"},
		{"country", "704", "VN"},
		{"country", "Viet Nam", "VN"},
		{"country", "Vietnam", "VN"},
		{"country", "  viet-nam ", "VN"},
		{"country", "VIỆT NAM", "VN"},
		{"country", "Côte d’Ivoire", "CI"},
		{"country", "Cote d'Ivoire", "CI"},
		{"country", "Ivory Coast", "CI"},
		{"country", "Bolivia", "BO"},
		{"country", "Lao People's Democratic Republic", "LA"},
		{"country", "Laos", "LA"},
		{"country", "Vietnamese", "VN"},
		{"country", "Thai", "TH"},
		{"country", "Filipina", "PH"},
		{"country", "Niger", "NE"},
		{"country", "Nigeria", "NG"},
		{"country", "Guinea", "GN"},
		{"country", "Sudan", "SD"},
		{"country", "South Sudan", "SS"},
		{"sex", "M", "male"},
		{"sex", "male", "male"},
		{"sex", "Male", "male"},
		{"sex", "F", "female"},
		{"sex", "Women", "female"},
		{"sex", "Transgender female", "transgender_female"},
		{"incident_type", "Migrant smuggling", "migrant_smuggling"},
		{"incident_type", "MIGRANT_SMUGGLING", "migrant_smuggling"},
		{"incident_type", "Human trafficking", "trafficking_in_persons"},
		{"person_role", "Victim", "victim"},
		{"person_role", "Smuggler", "suspect"},

		// Near misses: suggested perhaps, never confidently.
		{"country", "Vietnamm", ""},
		{"country", "Viet", ""},
		{"country", "Korea", ""},
		{"country", "Korean", ""},
		{"country", "Guinean", ""},
		{"country", "Nigeri", ""},
		{"country", "Austrlia", ""},
		{"country", "Republic", ""},
		{"country", "Congo Republic", "CG"},
		{"country", "VNN", ""},
		{"country", "XX", ""},
		{"country", "Atlantis", ""},
		{"sex", "Mal", ""},
		{"sex", "X", ""},
		{"sex", "Femal", ""},
		{"incident_type", "Smugling", ""},
		{"person_role", "Victm", ""},
		{"nope", "VN", ""},
		{"country", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.list+"/"+tt.value, func(t *testing.T) {
			got := SuggestCodes(tt.list, tt.value)
			var top Suggestion
			if len(got) > 0 {
				top = got[0]
			}
			for i := 1; i < len(got); i++ {
				if got[i].Score > got[i-1].Score {
					t.Errorf("not ranked: %+v", got)
				}
			}
			if tt.want == "" {
				if top.Score >= Confident {
					t.Errorf("top = %+v, want nothing confident", top)
				}
				return
			}
			if top.Value != tt.want || top.Score < Confident {
				t.Errorf("top = %+v (of %+v), want %s confidently", top, got, tt.want)
			}
			if len(got) > 1 && got[1].Score >= Confident {
				t.Errorf("two confident suggestions: %+v", got)
			}
			// What is suggested confidently is what a mapping accepts
			// without a value map.
			if code, ok := exactCode(tt.list, tt.value); !ok || code != tt.want {
				t.Errorf("exactCode = %q, %v; want %q", code, ok, tt.want)
			}
		})
	}
}

// TestSuggestCodesNearMissRanks: a typo still puts the right code first,
// so that a person picks it from the top of the list.
func TestSuggestCodesNearMissRanks(t *testing.T) {
	for _, tt := range []struct{ list, value, want string }{
		{"country", "Vietnamm", "VN"},
		{"country", "Cambodja", "KH"},
		{"country", "Philipines", "PH"},
		{"country", "Tanzania", "TZ"},
		{"sex", "Femal", "female"},
		{"incident_type", "Smugling", "migrant_smuggling"},
		{"person_role", "Victm", "victim"},
	} {
		t.Run(tt.value, func(t *testing.T) {
			got := SuggestCodes(tt.list, tt.value)
			if len(got) == 0 || got[0].Value != tt.want {
				t.Errorf("SuggestCodes(%q, %q) = %+v, want %s first", tt.list, tt.value, got, tt.want)
			}
		})
	}
	// Korea is two countries, and "Austrlia" is one letter from Austria
	// and from Australia: both suggested, neither confidently.
	for value, want := range map[string][]string{"Korea": {"KR", "KP"}, "Austrlia": {"AU", "AT"}} {
		got := SuggestCodes("country", value)
		seen := map[string]bool{}
		for _, s := range got {
			seen[s.Value] = true
		}
		if !seen[want[0]] || !seen[want[1]] {
			t.Errorf("%s: %+v, want %v", value, got, want)
		}
	}
}

func TestSuggestFields(t *testing.T) {
	tests := []struct {
		column string
		want   string // the top field; "" when none may be confident
	}{
		{"Reference", "reference"},
		{"Case No.", "reference"},
		{"Nationality", "persons[].nationalities"},
		{"Citizenship", "persons[].nationalities"},
		{"Nationality 2", "persons[].nationalities"},
		{"NATIONALITÉ", ""},
		{"Date", "detected_on"},
		{"Date detected", "detected_on"},
		{"Detection date", "detected_on"},
		{"date_of_detection", "detected_on"},
		{"Detected on", "detected_on"},
		{"Sex", "persons[].sex"},
		{"Gender", "persons[].sex"},
		{"Sex/Gender", "persons[].sex"},
		{"Age (years)", "persons[].age"},
		{"Age group", "persons[].age_group"},
		{"DOB", "persons[].date_of_birth"},
		{"Date of birth", "persons[].date_of_birth"},
		{"Full name", "persons[].name"},
		{"Country", "place.country"},
		{"place.country", "place.country"},
		{"persons[].sex", "persons[].sex"},
		{"Incident type", "type"},
		{"Type", "type"},
		{"Role", "persons[].role"},
		{"Latitude", "place.lat"},
		{"Currency", "transactions[].currency"},

		{"Vessel name", ""},
		{"Remarks2", ""},
		{"", ""},
		{"???", ""},
		{"Nationalty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.column, func(t *testing.T) {
			got := SuggestFields(tt.column)
			var top Suggestion
			if len(got) > 0 {
				top = got[0]
			}
			if tt.want == "" {
				if top.Score >= Confident {
					t.Errorf("top = %+v, want nothing confident", top)
				}
				return
			}
			if top.Value != tt.want || top.Score < Confident {
				t.Errorf("top = %+v (of %+v), want %s confidently", top, got, tt.want)
			}
			if len(got) > 1 && got[1].Score >= Confident {
				t.Errorf("two confident suggestions: %+v", got)
			}
		})
	}
	// A typo still ranks the right field first.
	if got := SuggestFields("Nationalty"); len(got) == 0 || got[0].Value != "persons[].nationalities" {
		t.Errorf("Nationalty: %+v", got)
	}
}

func TestJaroWinkler(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"", "", 1},
		{"a", "", 0},
		{"martha", "marhta", 0.961},
		{"dwayne", "duane", 0.84},
		{"dixon", "dicksonx", 0.813},
		{"abc", "xyz", 0},
		{"vietnam", "vietnam", 1},
	} {
		got := jaroWinkler(tt.a, tt.b)
		if math.Abs(got-tt.want) > 0.001 {
			t.Errorf("jaroWinkler(%q, %q) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
		}
		if rev := jaroWinkler(tt.b, tt.a); math.Abs(rev-got) > 1e-9 {
			t.Errorf("not symmetric: %q %q: %f vs %f", tt.a, tt.b, got, rev)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Viet Nam":          "vietnam",
		"VIỆT NAM":          "vietnam",
		"Côte d’Ivoire":     "cotedivoire",
		"Åland Islands":     "alandislands",
		"São Tomé":          "saotome",
		"Straße":            "strasse",
		"e\u0301":           "e",
		" -- ":              "",
		"Date of birth (1)": "dateofbirth1",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSuggest: any value or column name gives ranked suggestions with
// scores in [0, 1], of codes in the list and fields that exist, and at
// most one confident code.
func FuzzSuggest(f *testing.F) {
	for _, s := range []string{"Viet Nam", "VNM", "M", "Korea", "Date detected", "\xff\xfe", "ǅ", "İstanbul", "ß"} {
		f.Add("country", s)
		f.Add("sex", s)
	}
	f.Fuzz(func(t *testing.T, list, value string) {
		got := SuggestCodes(list, value)
		confident := 0
		for i, s := range got {
			if !(s.Score >= 0 && s.Score <= 1) || (i > 0 && s.Score > got[i-1].Score) {
				t.Errorf("bad score or order: %+v", got)
			}
			if !hasCode(list, s.Value) {
				t.Errorf("code %q not in list %q", s.Value, list)
			}
			if s.Score >= Confident {
				confident++
			}
		}
		if confident > 1 {
			t.Errorf("several confident codes: %+v", got)
		}
		for i, s := range SuggestFields(value) {
			if _, ok := LookupField(s.Value); !ok {
				t.Errorf("field %q does not exist", s.Value)
			}
			if !(s.Score >= 0 && s.Score <= 1) {
				t.Errorf("bad score %+v", s)
			}
			_ = i
		}
		if n := normalize(value); !utf8.ValidString(n) && utf8.ValidString(value) {
			t.Errorf("normalize(%q) = %q is not valid UTF-8", value, n)
		}
	})
}

func TestSuggestValues(t *testing.T) {
	if got := SuggestValues("persons[].nationalities", "Vietnam"); len(got) == 0 || got[0].Value != "VN" {
		t.Errorf("nationalities: %+v", got)
	}
	if got := SuggestValues("persons[].sex", "M"); len(got) == 0 || got[0].Value != "male" {
		t.Errorf("sex: %+v", got)
	}
	for _, f := range []string{"reference", "persons[].age", "nope"} {
		if got := SuggestValues(f, "VN"); got != nil {
			t.Errorf("%s: %+v, want nil", f, got)
		}
	}
}

func TestSuggestMapping(t *testing.T) {
	header := []string{"\ufeffCase No", "Date detected", "Detection date", "Nationality", "Citizenship", "Gender", "Vessel name", "", "gender"}
	m := SuggestMapping(header)
	if err := m.Validate(); err != nil {
		t.Fatalf("draft does not validate: %v", err)
	}
	got := map[string]string{}
	for _, c := range m.Columns {
		got[c.Source] = c.Field
	}
	want := map[string]string{
		"Case No": "reference", "Date detected": "detected_on", "Detection date": "",
		"Nationality": "persons[].nationalities", "Citizenship": "persons[].nationalities",
		"Gender": "persons[].sex", "Vessel name": "",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("draft = %v, want %v", got, want)
	}
	if _, err := m.Bind(header); err != nil {
		t.Errorf("Bind: %v", err)
	}
}

// TestAliases: every alias names a code of its list, and reads as that
// code alone, confidently (no alias collides with another code's name).
func TestAliases(t *testing.T) {
	for list, codes := range aliases {
		for code, names := range codes {
			if !hasCode(list, code) {
				t.Errorf("%s: alias target %q is not a code", list, code)
			}
			for _, a := range names {
				got := SuggestCodes(list, a)
				if len(got) == 0 || got[0].Value != code || got[0].Score < Confident {
					t.Errorf("%s %q: %+v, want %s confidently", list, a, got, code)
				}
			}
		}
	}
}
