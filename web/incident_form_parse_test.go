package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"vrs"
)

func TestParseIncidentForm(t *testing.T) {
	t.Run("Sharing", func(t *testing.T) {
		f := parseIncidentForm(url.Values{"distribution": {"partners"}, "tlp": {"AMBER+STRICT"}, "narrative_shareable": {"1"},
			"share_countries": {"vn", " MY", "VN", ""}, "share_groups": {"7", "3", "07"}})
		inc := f.Inc
		if len(f.Errs) > 0 || inc.Distribution != vrs.DistPartners || inc.TLP != vrs.TLPAmberStrict || !inc.NarrativeShareable ||
			strings.Join(inc.ShareCountries, ",") != "VN,MY" || !slices.Equal(inc.ShareGroups, []int64{3, 7}) {
			t.Errorf("%v %s %s %v %v %v", f.Errs, inc.Distribution, inc.TLP, inc.ShareCountries, inc.ShareGroups, inc.NarrativeShareable)
		}
		f = parseIncidentForm(url.Values{"distribution": {"country", "agency"}, "share_groups": {"x"}})
		if f.Errs["distribution"] != errRepeated || f.Errs["share_groups"] != "field.group_unknown" || f.Inc.Distribution != "" {
			t.Errorf("%v", f.Errs)
		}
	})
	t.Run("GapsAreCompacted", func(t *testing.T) {
		f := parseIncidentForm(url.Values{
			"persons[0].role": {"migrant"}, "persons[4].role": {"victim"}, "persons[4].age": {"x"},
			"persons[2].role":                 {""}, // a blank row
			"persons[4].identifiers[3].value": {"123"}, "persons[4].identifiers[3].kind": {"phone"},
			"legs[7].country": {"TH"},
		})
		if len(f.Inc.Persons) != 2 || f.Inc.Persons[1].Role != "victim" || len(f.Inc.Legs) != 1 {
			t.Fatalf("persons %+v legs %+v", f.Inc.Persons, f.Inc.Legs)
		}
		if f.Errs["persons[1].age"] != errWholeNumber || f.Raw["persons[1].age"] != "x" {
			t.Errorf("errors %v raw %v", f.Errs, f.Raw)
		}
		if id := f.Inc.Persons[1].Identifiers; len(id) != 1 || id[0].Value != "123" {
			t.Errorf("identifiers %+v", id)
		}
	})
	t.Run("Numbers", func(t *testing.T) {
		for _, tc := range []struct {
			in string
			ok bool
			v  float64
		}{{"1500", true, 1500}, {"1,500.50", true, 1500.5}, {"1.500,50", false, 0}, {"-5", false, 0}, {"1e9", false, 0},
			{"NaN", false, 0}, {"0x10", false, 0}, {"12,34", false, 0}} {
			f := parseIncidentForm(url.Values{"transactions[0].amount": {tc.in}})
			got := f.Inc.Transactions[0].Amount
			if ok := f.Errs["transactions[0].amount"] == ""; ok != tc.ok || got != tc.v {
				t.Errorf("%q: ok %v amount %v", tc.in, ok, got)
			}
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		f := parseIncidentForm(url.Values{"persons[500].role": {"migrant"}, "persons[0].colour": {"red"}, "legs[1].role": {"a", "b"},
			"junk[0].x": {"1"}, "op": {"explode"}, "persons[0].identifiers[20].value": {"1"}})
		for path, key := range map[string]string{"persons": errIndex, "persons[0].colour": errUnknownField, "legs[1].role": errRepeated,
			"junk[0].x": errUnknownField, "op": errOp, "persons[0].identifiers": errIndex} {
			if f.Errs[path] != key {
				t.Errorf("%s: %q, want %q (all: %v)", path, f.Errs[path], key, f.Errs)
			}
		}
		vals := url.Values{}
		for i := range 100 {
			vals.Set(strings.Repeat("z", i+1), "1")
		}
		if f := parseIncidentForm(vals); len(f.Errs) > maxUnknownErrors {
			t.Errorf("%d errors for unknown fields", len(f.Errs))
		}
	})
	t.Run("RemoveByPostedIndex", func(t *testing.T) {
		f := parseIncidentForm(url.Values{"persons[1].role": {"migrant"}, "persons[5].role": {"victim"}, "persons[5].identifiers[2].value": {"a"},
			"persons[5].identifiers[4].value": {"b"}, "op": {"remove:persons[5].identifiers:2"}})
		if len(f.Inc.Persons) != 2 || len(f.Inc.Persons[1].Identifiers) != 1 || f.Inc.Persons[1].Identifiers[0].Value != "b" {
			t.Errorf("%+v", f.Inc.Persons)
		}
		f = parseIncidentForm(url.Values{"persons[1].role": {"migrant"}, "persons[5].role": {"victim"}, "op": {"remove:persons:1"}})
		if len(f.Inc.Persons) != 1 || f.Inc.Persons[0].Role != "victim" {
			t.Errorf("%+v", f.Inc.Persons)
		}
	})
}

func FuzzParseIncidentForm(f *testing.F) {
	f.Add("type=irregular_migration&persons[0].role=migrant&persons[0].age=12&legs[3].country=TH&op=add:persons")
	f.Add("persons[9].identifiers[2].value=x&op=remove:persons[9].identifiers:2&transactions[0].amount=1,000.5")
	f.Add("persons[0].nationalities=MM&persons[0].nationalities=TH&counts[1].count=-1&place.lat=91&op=add:persons[0].identifiers")
	f.Add("persons[01].role=a&persons[1].role=b&%ff=1&op=remove:legs:999999")
	f.Add("distribution=partners&share_countries=vn&share_countries=VN&share_countries=%20my&share_groups=3&share_groups=03&share_groups=x&tlp=amber%2Bstrict&narrative_shareable=1")
	f.Add("distribution=community&distribution=agency&share_groups=0&share_groups=99999999999&tlp=")
	f.Fuzz(func(t *testing.T, q string) {
		vals, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		form := parseIncidentForm(vals)
		inc := form.Inc
		if len(inc.Persons) > vrs.MaxPersons+1 || len(inc.Legs) > vrs.MaxLegs+1 {
			t.Fatalf("too many rows: %d persons, %d legs", len(inc.Persons), len(inc.Legs))
		}
		for _, p := range inc.Persons {
			if len(p.Identifiers) > vrs.MaxListValues+1 {
				t.Fatalf("%d identifiers", len(p.Identifiers))
			}
		}
		for i, c := range inc.ShareCountries {
			if c == "" || c != strings.ToUpper(c) || slices.Contains(inc.ShareCountries[:i], c) {
				t.Fatalf("share countries %q", inc.ShareCountries)
			}
		}
		if !slices.IsSorted(inc.ShareGroups) || len(slices.Compact(slices.Clone(inc.ShareGroups))) != len(inc.ShareGroups) ||
			len(inc.ShareGroups) > 0 && inc.ShareGroups[0] <= 0 {
			t.Fatalf("share groups %v", inc.ShareGroups)
		}
		for path := range form.Raw {
			if form.Errs[path] == "" {
				t.Fatalf("raw value without error at %s", path)
			}
		}
	})
}
