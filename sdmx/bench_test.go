package sdmx

import (
	"io"
	"testing"
)

// BenchmarkWriteCSV writes 10,000 observations of the VRS dataflow, a
// large pivot export.
func BenchmarkWriteCSV(b *testing.B) {
	df := vrsFlow(b)
	countries := []string{"TH", "MY", "ID", "MM", "KH", "VN", "PH", "LA", "BD", "AF"}
	var obs []Observation
	for i := range 10000 {
		k, _ := df.Key(map[string]string{"REF_AREA": countries[i%10], "NATIONALITY": countries[(i/10)%10],
			"MEASURE": "PERSONS", "SEX": []string{"female", "male"}[i%2], "CURRENCY": NotApplicable})
		o := Observation{Keys: k, Period: "2024-Q1"}
		if i%7 == 0 {
			o.Conf = ConfSmallCount
		} else {
			o.Value = ptr(float64(i))
		}
		obs = append(obs, o)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV(io.Discard, df, func(yield func(Observation) bool) {
			for _, o := range obs {
				if !yield(o) {
					return
				}
			}
		}, Options{Labels: LabelsBoth}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteStructure(b *testing.B) {
	df := vrsFlow(b)
	for b.Loop() {
		if err := WriteStructure(io.Discard, df, nil); err != nil {
			b.Fatal(err)
		}
	}
}
