package cube

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"

	"vrs"
	"vrs/access"
)

// benchIncidents is the size of the benchmark's cube: VRS_CUBE_BENCH_N
// incidents (default 200,000) of five persons on average.
func benchIncidents() int {
	if n, err := strconv.Atoi(os.Getenv("VRS_CUBE_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

var benchCountries = []string{"MM", "LA", "KH", "TH", "VN", "MY", "ID", "PH", "CN", "AF", "BD", "NP", "LK", "PK", "IN"}

func randomUnit(r *rand.Rand, id int64) *Unit {
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	day := fmt.Sprintf("%d-%02d-%02d", 2019+r.IntN(7), 1+r.IntN(12), 1+r.IntN(28))
	u := &Unit{Ref: access.IncidentRef{ID: id, AgencyID: int64(1 + r.IntN(40)), Country: pick(benchCountries[:8]),
		Status:     vrs.IncidentStatus(pick([]string{"validated", "validated", "validated", "draft", "submitted"})),
		Type:       vrs.IncidentType(pick([]string{"migrant_smuggling", "trafficking_in_persons", "irregular_migration", "document_fraud"})),
		DetectedOn: day, Distribution: vrs.Distribution(pick([]string{"country", "community", "statistics", "agency"}))}}
	u.Multi[0] = []string{pick(benchCountries)}
	if r.IntN(2) == 0 {
		u.Multi[1] = []string{pick(benchCountries)}
	}
	u.Multi[2] = []string{pick(benchCountries)}
	u.Multi[3] = []string{pick([]string{"boat", "car", "bus", "air", "foot"})}
	u.Multi[6] = []string{pick([]string{"08051", "02041", "08052"})}
	for range 1 + r.IntN(9) {
		u.Persons = append(u.Persons, Person{Role: pick([]string{"migrant", "migrant", "victim", "suspect"}), Sex: pick([]string{"male", "female"}),
			AgeGroup: pick([]string{"12-17", "18-24", "25-34", "35-49"}), Nationalities: []string{pick(benchCountries)}, Weight: 1})
	}
	if r.IntN(3) == 0 {
		u.Fees = []Fee{{Currency: pick([]string{"USD", "THB", "MYR"}), Amount: float64(100 + r.IntN(5000)), Payer: 0}}
	}
	return u
}

var benchCube *Cube

func cubeForBench(b *testing.B) *Cube {
	if benchCube != nil {
		return benchCube
	}
	n := benchIncidents()
	r := rand.New(rand.NewPCG(1, 2))
	c := New()
	batch := make([]Change, 0, 10000)
	for i := range n {
		batch = append(batch, Change{ID: int64(i + 1), Seq: int64(i + 1), Unit: randomUnit(r, int64(i+1))})
		if len(batch) == cap(batch) {
			if err := c.Apply(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := c.Apply(batch); err != nil {
		b.Fatal(err)
	}
	benchCube = c
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	b.Logf("cube of %d incidents: %.0f MB of heap in use", n, float64(m.HeapInuse)/(1<<20))
	return c
}

// BenchmarkCubeQuery times representative pivots over the in-memory cube
// for a country analyst (the real access rule, visibility cached after
// the first query, as between requests).
func BenchmarkCubeQuery(b *testing.B) {
	c := cubeForBench(b)
	u := &vrs.User{ID: 7, AgencyID: 3, Country: "TH", Roles: []vrs.Role{vrs.RoleAnalyst}, ViewScope: vrs.ViewCountry}
	sh := &access.Sharing{Today: "2026-11-29", Members: map[string]bool{"TH": true}, Contributors: map[string]bool{}}
	v := Viewer{Key: "th-analyst", Gran: func(r access.IncidentRef) vrs.Granularity { return access.ReadIncident(u, sh, r) }}
	type D = []vrs.StatDimension
	type F = map[vrs.StatDimension][]string
	for _, tc := range []struct {
		name string
		q    vrs.StatQuery
	}{
		{"IncidentsByYear", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimYear}}},
		{"IncidentsByMonthType", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimMonth}, Cols: D{vrs.DimType}}},
		{"PersonsByNationalitySex", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimNationality}, Cols: D{vrs.DimSex}}},
		{"VictimsByNationalityYearFiltered", vrs.StatQuery{Measure: vrs.MeasureVictims, Rows: D{vrs.DimNationality}, Cols: D{vrs.DimYear},
			Filters: F{vrs.DimType: {"trafficking_in_persons"}, vrs.DimSex: {"female"}, vrs.DimOrigin: {"MM", "LA", "KH"}}}},
		{"IncidentsByOriginDestination", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimOrigin}, Cols: D{vrs.DimDestination}}},
		{"IncidentsByNationality", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimNationality}, Cols: D{vrs.DimQuarter},
			Filters: F{vrs.DimStatus: {"validated"}}}},
		{"FeesSumByCurrencyYear", vrs.StatQuery{Measure: vrs.MeasureFeesSum, Rows: D{vrs.DimCurrency}, Cols: D{vrs.DimYear}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if err := tc.q.Validate(noCodes{}); err != nil {
				b.Fatal(err)
			}
			c.Query(tc.q, v) // the viewer's visibility, once
			for b.Loop() {
				c.Query(tc.q, v)
			}
		})
	}
}

// noCodes accepts every code: the benchmark's values are valid.
type noCodes struct{}

func (noCodes) HasCode(string, string) bool                                    { return true }
func (noCodes) InCountryBounds(string, float64, float64, float64) (bool, bool) { return true, true }
