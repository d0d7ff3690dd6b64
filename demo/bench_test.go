package demo_test

import (
	"testing"
	"vrs"
	"vrs/auth"
	"vrs/storetest"

	"vrs/demo"
)

func BenchmarkGenerate(b *testing.B) {
	g := demo.NewGenerator(1, genEnd, demo.DemoAgencies())
	for i := 0; b.Loop(); i++ {
		g.Incident(i)
	}
}

// BenchmarkLoad generates and stores b.N incidents in a new SQLite store.
func BenchmarkLoad(b *testing.B) {
	db := storetest.Open(b, "sqlite")
	ctx := storetest.System()
	if _, err := demo.Seed(ctx, db, auth.NewHasher(auth.TestParams, 2)); err != nil {
		b.Fatal(err)
	}
	agencies, err := db.ListAgencies(ctx, vrs.AgencyFilter{})
	if err != nil {
		b.Fatal(err)
	}
	g := demo.NewGenerator(1, genEnd, demo.StoredAgencies(agencies))
	b.ResetTimer()
	if err := demo.LoadIncidents(ctx, db, g, b.N, nil); err != nil {
		b.Fatal(err)
	}
}
