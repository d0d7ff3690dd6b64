package vrs_test

import (
	"encoding/json"
	"math"
	"testing"

	"vrs"
	"vrs/refdata"
)

const testToday = "2026-06-30"

func ptr[T any](v T) *T { return &v }

// validSmuggling is an interception of two migrants and a smuggler on the
// Myanmar–Thailand–Malaysia route, with a fee paid.
func validSmuggling() *vrs.Incident {
	return &vrs.Incident{
		AgencyID: 1, Reference: "TH-IMM-2026-0001", Type: vrs.TypeMigrantSmuggling,
		OccurredOn: "2026-06-01", DetectedOn: "2026-06-02", ReportedOn: "2026-06-03",
		Place:  vrs.Place{Country: "TH", Name: "Sadao border checkpoint", Kind: "border_crossing", Lat: ptr(6.63), Lon: ptr(100.42)},
		Source: "border_check", OffenceCodes: []string{"08051"},
		Persons: []vrs.Person{
			{Key: "p1", Role: "migrant", Sex: "male", Age: ptr(24), Nationalities: []string{"MM"}, Status: "intercepted", Name: "Aung Min"},
			{Key: "p2", Role: "migrant", Sex: "female", Age: ptr(19), Nationalities: []string{"MM"}, Status: "intercepted"},
			{Key: "p3", Role: "suspect", PerpetratorRoles: []string{"transporter"}, Sex: "male", Nationalities: []string{"TH"},
				Identifiers: []vrs.Identifier{{Kind: "phone", Value: "+66 81 234 5678"}}},
		},
		Legs: []vrs.RouteLeg{
			{Country: "MM", Role: "origin", Mode: "bus", DepartedOn: "2026-05-28"},
			{Country: "TH", Role: "interception", Mode: "truck", ArrivedOn: "2026-06-01"},
			{Country: "MY", Role: "destination"},
		},
		Transactions: []vrs.Transaction{{PayerKey: "p1", PayeeKey: "p3", Amount: 1500, Currency: "USD", Method: "cash", Purpose: "smuggling_fee"}},
	}
}

func TestIncidentValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(inc *vrs.Incident)
		want   map[string]string // field -> key; nil means valid
	}{
		{"OK", func(*vrs.Incident) {}, nil},
		{"OKCountsOnly", func(inc *vrs.Incident) {
			inc.Type = vrs.TypeIrregularMigration
			inc.Persons = nil
			inc.Transactions = nil
			inc.Counts = []vrs.AggregateCount{{Role: "migrant", Nationality: "BD", Sex: "male", AgeGroup: "18-24", Count: 40}}
		}, nil},
		{"OKAtSeaOffshore", func(inc *vrs.Incident) {
			// Andaman Sea, 2.5° off the Thai coast: inside the sea margin.
			inc.Place = vrs.Place{Country: "TH", Kind: "at_sea", Lat: ptr(8.0), Lon: ptr(95.5)}
		}, nil},
		{"ErrRequired", func(inc *vrs.Incident) {
			inc.AgencyID, inc.Reference, inc.DetectedOn, inc.ReportedOn, inc.Place.Country = 0, "", "", "", ""
			inc.Place.Lat, inc.Place.Lon = nil, nil
		}, map[string]string{"agency_id": "field.required", "reference": "field.required", "detected_on": "field.required",
			"reported_on": "field.required", "place.country": "field.required"}},
		{"ErrType", func(inc *vrs.Incident) { inc.Type = "smuggling" }, map[string]string{"type": "field.incident_type"}},
		{"ErrDateFormat", func(inc *vrs.Incident) { inc.DetectedOn = "02/06/2026" }, map[string]string{"detected_on": "field.date"}},
		{"ErrFutureDate", func(inc *vrs.Incident) { inc.ReportedOn = "2026-07-01" }, map[string]string{"reported_on": "field.date_future"}},
		{"ErrUnknownCodes", func(inc *vrs.Incident) {
			inc.Persons[0].Sex = "m"
			inc.Persons[1].Nationalities = []string{"XX"}
			inc.OffenceCodes = []string{"9999"}
			inc.Legs[0].Mode = "teleport"
		}, map[string]string{"persons[0].sex": "field.code_sex", "persons[1].nationalities": "field.code_country",
			"offence_codes": "field.code_offence", "legs[0].mode": "field.code_transport_mode"}},
		{"ErrNoMigrant", func(inc *vrs.Incident) {
			inc.Persons = inc.Persons[2:]
			inc.Transactions = nil
		}, map[string]string{"persons": "field.needs_migrant"}},
		{"ErrNoVictim", func(inc *vrs.Incident) { inc.Type = vrs.TypeTrafficking }, map[string]string{"persons": "field.needs_victim"}},
		{"ErrDocumentFraudWithoutFraud", func(inc *vrs.Incident) {
			inc.Type = vrs.TypeDocumentFraud
			inc.Documents = []vrs.Document{{Type: "passport", FraudType: "none"}}
		}, map[string]string{"documents": "field.needs_fraudulent_document"}},
		{"ErrRelatedConductWithoutOffence", func(inc *vrs.Incident) {
			inc.Type = vrs.TypeRelatedConduct
			inc.OffenceCodes = nil
		}, map[string]string{"offence_codes": "field.needs_offence"}},
		{"ErrOriginNotFirst", func(inc *vrs.Incident) {
			inc.Legs[0].Role, inc.Legs[1].Role = "transit", "origin"
		}, map[string]string{"legs[0].role": "field.leg_starts_with_origin", "legs[1].role": "field.leg_origin_first"}},
		{"ErrDestinationNotLast", func(inc *vrs.Incident) {
			inc.Legs[1].Role, inc.Legs[2].Role = "destination", "transit"
		}, map[string]string{"legs[1].role": "field.leg_destination_last"}},
		{"ErrTwoInterceptions", func(inc *vrs.Incident) {
			inc.Legs = append(inc.Legs[:2], vrs.RouteLeg{Country: "MY", Role: "interception"}, inc.Legs[2])
		}, map[string]string{"legs[2].role": "field.leg_one_interception"}},
		{"ErrLegDatesBackwards", func(inc *vrs.Incident) {
			inc.Legs[1].DepartedOn = "2026-05-20"
		}, map[string]string{"legs[1].departed_on": "field.leg_before_previous", "legs[1].arrived_on": ""}},
		{"ErrLegArrivesBeforeDeparture", func(inc *vrs.Incident) {
			inc.Legs[0].ArrivedOn = "2026-05-27"
		}, map[string]string{"legs[0].arrived_on": "field.leg_arrives_before_departure"}},
		{"ErrCountZero", func(inc *vrs.Incident) {
			inc.Counts = []vrs.AggregateCount{{Role: "migrant", Count: 0}}
		}, map[string]string{"counts[0].count": "field.count_range"}},
		{"ErrCountNegative", func(inc *vrs.Incident) {
			inc.Counts = []vrs.AggregateCount{{Role: "migrant", Count: -3}}
		}, map[string]string{"counts[0].count": "field.count_range"}},
		{"ErrCountDuplicateCell", func(inc *vrs.Incident) {
			inc.Counts = []vrs.AggregateCount{{Role: "migrant", Nationality: "MM", Count: 3}, {Role: "migrant", Nationality: "MM", Count: 4}}
		}, map[string]string{"counts[1]": "field.count_duplicate"}},
		{"ErrPersonsInvolvedNegative", func(inc *vrs.Incident) { inc.PersonsInvolved = ptr(-1) }, map[string]string{"persons_involved": "field.count_range"}},
		{"ErrCurrency", func(inc *vrs.Incident) { inc.Transactions[0].Currency = "USDT" }, map[string]string{"transactions[0].currency": "field.code_currency"}},
		{"ErrAmountMissingCurrency", func(inc *vrs.Incident) { inc.Transactions[0].Currency = "" }, map[string]string{"transactions[0].currency": "field.required"}},
		{"ErrAmountNegative", func(inc *vrs.Incident) { inc.Transactions[0].Amount = -5 }, map[string]string{"transactions[0].amount": "field.amount"}},
		{"ErrAmountNaN", func(inc *vrs.Incident) { inc.Transactions[0].Amount = math.NaN() }, map[string]string{"transactions[0].amount": "field.amount"}},
		{"ErrPayeeUnknown", func(inc *vrs.Incident) { inc.Transactions[0].PayeeKey = "p9" }, map[string]string{"transactions[0].payee": "field.ref_unknown"}},
		{"ErrLatitudeRange", func(inc *vrs.Incident) { inc.Place.Lat = ptr(91.0) }, map[string]string{"place.lat": "field.latitude"}},
		{"ErrLongitudeRange", func(inc *vrs.Incident) { inc.Place.Lon = ptr(-181.0) }, map[string]string{"place.lon": "field.longitude"}},
		{"ErrOnlyLatitude", func(inc *vrs.Incident) { inc.Place.Lon = nil }, map[string]string{"place.lat": "field.coordinates_pair"}},
		{"ErrCoordinatesOutsideCountry", func(inc *vrs.Incident) {
			inc.Place.Lat, inc.Place.Lon = ptr(-33.87), ptr(151.21) // Sydney, not Thailand
		}, map[string]string{"place.lat": "field.coordinates_outside_country"}},
		{"ErrAgeRange", func(inc *vrs.Incident) { inc.Persons[0].Age = ptr(130) }, map[string]string{"persons[0].age": "field.age"}},
		{"ErrAgeGroupMismatch", func(inc *vrs.Incident) { inc.Persons[0].AgeGroup = "12-17" }, map[string]string{"persons[0].age_group": "field.age_group_mismatch"}},
		{"ErrAgeDateOfBirthMismatch", func(inc *vrs.Incident) { inc.Persons[0].DateOfBirth = "1970-01-01" }, map[string]string{"persons[0].age": "field.age_dob_mismatch"}},
		{"ErrDuplicateKey", func(inc *vrs.Incident) { inc.Persons[1].Key = "p1" }, map[string]string{"persons[1].key": "field.key_duplicate"}},
		{"ErrIdentifierWithoutValue", func(inc *vrs.Incident) {
			inc.Persons[0].Identifiers = []vrs.Identifier{{Kind: "phone"}}
		}, map[string]string{"persons[0].identifiers[0].value": "field.required"}},
		{"ErrControlCharacters", func(inc *vrs.Incident) { inc.Persons[0].Name = "Aung\x00Min" }, map[string]string{"persons[0].name": "field.control_chars"}},
		{"ErrTooManyPersons", func(inc *vrs.Incident) {
			inc.Persons = make([]vrs.Person, vrs.MaxPersons+1)
			for i := range inc.Persons {
				inc.Persons[i] = vrs.Person{Role: "migrant"}
			}
			inc.Transactions = nil
		}, map[string]string{"persons": "field.too_many"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := validSmuggling()
			tt.change(inc)
			inc.Normalize()
			err := inc.Validate(refdata.Checker{}, testToday)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v %v", err, vrs.AsError(err).Fields)
				}
				return
			}
			e := vrs.AsError(err)
			if err == nil || e.Code != vrs.EINVALID {
				t.Fatalf("Validate = %v, want invalid", err)
			}
			for f, key := range tt.want {
				if key == "" {
					if got, ok := e.Fields[f]; ok {
						t.Errorf("field %s: unexpected %q", f, got)
					}
					continue
				}
				if e.Fields[f] != key {
					t.Errorf("field %s = %q, want %q (all: %v)", f, e.Fields[f], key, e.Fields)
				}
			}
		})
	}
}

func TestIncidentNormalize(t *testing.T) {
	inc := validSmuggling()
	inc.Persons[0].Key = ""
	inc.Persons[1].Key = ""
	inc.Persons[1].Nationalities = []string{" mm", "MM", "th "}
	inc.Place.Country = " th"
	inc.Transactions[0].Currency = "usd"
	inc.Normalize()
	if inc.Persons[0].Key != "p1" || inc.Persons[1].Key != "p2" {
		t.Errorf("keys = %q, %q", inc.Persons[0].Key, inc.Persons[1].Key)
	}
	if got := inc.Persons[1].Nationalities; len(got) != 2 || got[0] != "MM" || got[1] != "TH" {
		t.Errorf("nationalities = %v", got)
	}
	if inc.Persons[0].AgeGroup != "18-24" {
		t.Errorf("age group = %q", inc.Persons[0].AgeGroup)
	}
	if inc.Place.Country != "TH" || inc.Transactions[0].Currency != "USD" {
		t.Errorf("codes not upper-cased: %q %q", inc.Place.Country, inc.Transactions[0].Currency)
	}
}

func TestPersonalSplitMerge(t *testing.T) {
	inc := validSmuggling()
	inc.Persons[0].Aliases = []string{"Ko Aung"}
	inc.Persons[0].DateOfBirth = "2002-01-05"
	inc.Documents = []vrs.Document{{Type: "passport", Number: "MA1234567", HolderKey: "p1"}}
	inc.Transactions[0].PayerAccount = "123-456-789"
	want, _ := json.Marshal(inc)

	p := inc.SplitPersonal()
	stripped, _ := json.Marshal(inc)
	for _, secret := range []string{"Aung Min", "Ko Aung", "2002-01-05", "+66 81 234 5678", "MA1234567", "123-456-789"} {
		if contains(stripped, secret) {
			t.Errorf("%q left in the incident after SplitPersonal", secret)
		}
	}
	if len(p.Identifiers()) != 6 {
		t.Errorf("identifiers = %v", p.Identifiers())
	}
	inc.MergePersonal(p)
	if got, _ := json.Marshal(inc); string(got) != string(want) {
		t.Errorf("merge did not restore:\n%s\n%s", got, want)
	}
}

func contains(b []byte, s string) bool {
	return len(s) > 0 && json.Valid(b) && string(b) != "" && indexOf(string(b), s) >= 0
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestDiffIncidents(t *testing.T) {
	a := validSmuggling()
	b := validSmuggling()
	b.Persons[1].Sex = "unknown"
	b.Legs = b.Legs[:2]
	b.Version = 7 // bookkeeping: not a change
	changes := vrs.DiffIncidents(a, b)
	want := []vrs.Change{
		{Path: "legs[2].country", Old: "MY", New: ""},
		{Path: "legs[2].role", Old: "destination", New: ""},
		{Path: "persons[1].sex", Old: "female", New: "unknown"},
	}
	if len(changes) != len(want) {
		t.Fatalf("changes = %+v", changes)
	}
	for i := range want {
		if changes[i] != want[i] {
			t.Errorf("change %d = %+v, want %+v", i, changes[i], want[i])
		}
	}
	if n := len(vrs.DiffIncidents(nil, a)); n < 20 {
		t.Errorf("diff from nothing lists %d fields", n)
	}
}

func FuzzIncidentJSONValidate(f *testing.F) {
	b, _ := json.Marshal(validSmuggling())
	f.Add(b)
	f.Add([]byte(`{"persons":[{"age":-1,"date_of_birth":"2020-02-30"}],"legs":[{"role":"destination"},{"role":"origin"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var inc vrs.Incident
		if json.Unmarshal(data, &inc) != nil {
			return
		}
		inc.Normalize()
		err := inc.Validate(refdata.Checker{}, testToday)
		if err != nil && vrs.ErrorCode(err) != vrs.EINVALID {
			t.Fatalf("Validate returned %v", err)
		}
		inc.MergePersonal(inc.SplitPersonal())
		_ = vrs.DiffIncidents(&inc, validSmuggling())
	})
}
