package cube

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"vrs"
	"vrs/access"
)

func TestUnitRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		u := randomUnit(r, int64(i+1))
		if i%3 == 0 {
			u.Ref.ShareCountries, u.Ref.ShareGroups = []string{"VN", "LA"}, []int64{4, 9}
			u.Fees = append(u.Fees, Fee{Currency: "THB", Amount: -0.5, Payer: -1, Year: 2024})
		}
		got, err := Decode(u.Encode())
		if err != nil {
			t.Fatalf("unit %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, u) {
			t.Fatalf("unit %d:\n got %+v\nwant %+v", i, got, u)
		}
	}
}

func TestDecodeRefusesDamage(t *testing.T) {
	u := randomUnit(rand.New(rand.NewPCG(5, 6)), 42)
	b := u.Encode()
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"Empty", nil},
		{"OtherVersion", append([]byte{9}, b[1:]...)},
		{"Truncated", b[:len(b)-1]},
		{"Trailing", append(append([]byte(nil), b...), 0)},
		{"HugeCount", []byte{unitVersion, 2, 2, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Decode(tc.b); err == nil {
				t.Fatal("decoded")
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(randomUnit(rand.New(rand.NewPCG(7, 8)), 1).Encode())
	f.Add([]byte{unitVersion})
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := Decode(b)
		if err != nil {
			return
		}
		// What decodes survives a round trip unchanged.
		again, err := Decode(u.Encode())
		if err != nil || !reflect.DeepEqual(again, u) {
			t.Fatalf("round trip of %x: %+v, %v; want %+v", b, again, err, u)
		}
	})
}

// TestApply follows a record through creation, change and deletion, with
// a viewer's visibility cached in between.
func TestApply(t *testing.T) {
	c := New()
	own := &vrs.User{ID: 1, AgencyID: 5, Country: "TH", Roles: []vrs.Role{vrs.RoleAnalyst}, ViewScope: vrs.ViewCountry}
	sh := &access.Sharing{Today: "2026-01-01"}
	v := Viewer{Key: "th", Gran: func(r access.IncidentRef) vrs.Granularity { return access.ReadIncident(own, sh, r) }}
	q := vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: []vrs.StatDimension{vrs.DimStatus}}
	unit := func(status vrs.IncidentStatus) *Unit {
		return &Unit{Ref: access.IncidentRef{AgencyID: 5, Country: "TH", Status: status, Type: "migrant_smuggling", DetectedOn: "2025-01-02",
			Distribution: "country"}}
	}
	count := func() float64 { return c.Query(q, v).Total }
	steps := []struct {
		name string
		ch   Change
		want float64
	}{
		{"Draft", Change{ID: 10, Seq: 1, Unit: unit(vrs.StatusDraft)}, 0},
		{"Validated", Change{ID: 10, Seq: 2, Unit: unit(vrs.StatusValidated)}, 1},
		{"Another", Change{ID: 11, Seq: 3, Unit: unit(vrs.StatusValidated)}, 2},
		{"Deleted", Change{ID: 10, Seq: 4}, 1},
		{"DeletedAgain", Change{ID: 10, Seq: 5}, 1},
		{"Reused", Change{ID: 12, Seq: 6, Unit: unit(vrs.StatusValidated)}, 2},
	}
	for _, s := range steps {
		if err := c.Apply([]Change{s.ch}); err != nil {
			t.Fatal(err)
		}
		if got := count(); got != s.want {
			t.Fatalf("%s: counted %v, want %v", s.name, got, s.want)
		}
	}
	if c.Seq() != 6 || c.Len() != 2 {
		t.Fatalf("seq %d, len %d", c.Seq(), c.Len())
	}
	// A unit the cube cannot hold takes its incident out, and the cube
	// goes on.
	if err := c.Apply([]Change{{ID: 12, Seq: 7, Unit: &Unit{Ref: access.IncidentRef{DetectedOn: "yesterday"}}}}); err == nil {
		t.Fatal("a unit without a detection date applied")
	}
	if got := count(); got != 1 || c.Seq() != 7 {
		t.Fatalf("after a bad unit: counted %v, seq %d; want 1 and 7", got, c.Seq())
	}
}

// TestCompaction: a cube whose records were replaced and removed many
// times (its lists compacted on the way) answers as one built from the
// final records alone.
func TestCompaction(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	churned, fresh := New(), New()
	final := map[int64]*Unit{}
	seq := int64(0)
	for range 40_000 {
		id := int64(1 + r.IntN(300))
		seq++
		ch := Change{ID: id, Seq: seq}
		if r.IntN(10) > 0 {
			ch.Unit = randomUnit(r, id)
		}
		if err := churned.Apply([]Change{ch}); err != nil {
			t.Fatal(err)
		}
		if ch.Unit == nil {
			delete(final, id)
		} else {
			final[id] = ch.Unit
		}
	}
	for id, u := range final {
		if err := fresh.Apply([]Change{{ID: id, Seq: 1, Unit: u}}); err != nil {
			t.Fatal(err)
		}
	}
	// 40,000 writes of about five persons: without compaction the lists
	// would hold some 200,000 persons.
	if len(churned.persons) > 3*len(fresh.persons) {
		t.Fatalf("never compacted: %d persons held for %d live", len(churned.persons), len(fresh.persons))
	}
	all := Viewer{Key: "all", Gran: func(access.IncidentRef) vrs.Granularity { return vrs.GranFull }}
	for _, q := range []vrs.StatQuery{
		{Measure: vrs.MeasurePersons, Rows: []vrs.StatDimension{vrs.DimNationality}, Cols: []vrs.StatDimension{vrs.DimSex}},
		{Measure: vrs.MeasureIncidents, Rows: []vrs.StatDimension{vrs.DimOrigin, vrs.DimMode}, Cols: []vrs.StatDimension{vrs.DimYear}},
		{Measure: vrs.MeasureFeesSum, Rows: []vrs.StatDimension{vrs.DimCurrency}},
	} {
		a, b := churned.Query(q, all), fresh.Query(q, all)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%+v:\nchurned %+v\nfresh   %+v", q, a, b)
		}
		if a.Total == 0 {
			t.Errorf("%+v counts nothing", q)
		}
	}
}

// TestResultCache: a query asked again is answered alike, and what a
// caller does to an answer does not reach the next one.
func TestResultCache(t *testing.T) {
	c := New()
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 50 {
		if err := c.Apply([]Change{{ID: int64(i + 1), Seq: int64(i + 1), Unit: randomUnit(r, int64(i+1))}}); err != nil {
			t.Fatal(err)
		}
	}
	all := Viewer{Key: "all", Gran: func(access.IncidentRef) vrs.Granularity { return vrs.GranFull }}
	q := vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: []vrs.StatDimension{vrs.DimNationality}}
	first := c.Query(q, all)
	want := copyResult(first)
	first.Cells[0].Value, first.Cells[0].Keys[0] = -1, "ZZ"
	if again := c.Query(q, all); !reflect.DeepEqual(again, want) {
		t.Fatalf("asked again: %+v, want %+v", again, want)
	}
	// Another viewer is asked anew.
	none := Viewer{Key: "none", Gran: func(access.IncidentRef) vrs.Granularity { return vrs.GranNone }}
	if got := c.Query(q, none); got.Total != 0 {
		t.Fatalf("a viewer who sees nothing counts %v", got.Total)
	}
}
