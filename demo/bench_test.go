package demo_test

import (
	"testing"

	"vrs/demo"
)

func BenchmarkGenerate(b *testing.B) {
	g := demo.NewGenerator(1, genEnd, demo.DemoAgencies())
	for i := 0; b.Loop(); i++ {
		g.Incident(i)
	}
}
