package access_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the SQL twin runs on a real engine

	"vrs"
	"vrs/access"
)

// TestPublicIncident: one case per condition of the public rule.
func TestPublicIncident(t *testing.T) {
	published := map[string]bool{"TH": true, "VN": false}
	tests := []struct {
		name string
		r    access.IncidentRef
		want access.Granularity
	}{
		{"Community", rec(thPolice, vrs.DistCommunity), access.Aggregate},
		{"Statistics", rec(thImmigration, vrs.DistStatistics), access.Aggregate},
		{"Agency", rec(thPolice, vrs.DistAgency), access.None},
		{"Country", rec(thPolice, vrs.DistCountry), access.None},
		{"Partners", rec(thPolice, vrs.DistPartners, partners([]string{"VN"})), access.None},
		{"Draft", rec(thPolice, vrs.DistCommunity, status(vrs.StatusDraft)), access.None},
		{"Submitted", rec(thPolice, vrs.DistStatistics, status(vrs.StatusSubmitted)), access.None},
		{"Returned", rec(thPolice, vrs.DistCommunity, status(vrs.StatusReturned)), access.None},
		{"CountryNotPublishing", rec(vnPolice, vrs.DistCommunity), access.None},
		{"CountryNeverAsked", rec(mmPolice, vrs.DistStatistics), access.None},
		{"NoCountry", rec(thPolice, vrs.DistCommunity, func(r *access.IncidentRef) { r.Country = "" }), access.None},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := access.PublicIncident(published, tt.r); got != tt.want {
				t.Errorf("PublicIncident = %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("NobodyPublishes", func(t *testing.T) {
		if got := access.PublicIncident(nil, rec(thPolice, vrs.DistCommunity)); got != access.None {
			t.Errorf("PublicIncident = %s", got)
		}
		var args []any
		if bs := access.PublicBranches(nil, &args); len(bs) != 0 || len(args) != 0 {
			t.Errorf("branches %+v %v", bs, args)
		}
	})
}

// TestPublicBranchesEqualRule holds the SQL of PublicBranches to
// PublicIncident: random records in a real SQLite table, random sets of
// publishing countries (with duplicates, empty codes and countries that
// chose not to), and for each the rows the branches select, with their
// granularity, must be exactly the records the rule counts.
func TestPublicBranchesEqualRule(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	if _, err := db.Exec(`CREATE TABLE incidents (id INTEGER PRIMARY KEY, agency_id BIGINT NOT NULL, country TEXT NOT NULL,
		status TEXT NOT NULL, type TEXT NOT NULL, detected_on TEXT NOT NULL, distribution TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	seed := rand.Uint64()
	r := rand.New(rand.NewPCG(seed, 1))
	// "" stands for a record without a country and a blank code in the
	// list of publishing countries: neither ever publishes anything.
	countries := []string{"TH", "VN", "MM", "LA", "KH", ""}
	dists := append(slices.Clone(vrs.Distributions), "")
	var refs []access.IncidentRef
	for id := range 400 {
		ref := access.IncidentRef{ID: int64(id + 1), AgencyID: int64(1 + r.IntN(6)), Country: countries[r.IntN(len(countries))],
			Status: vrs.IncidentStatuses[r.IntN(len(vrs.IncidentStatuses))], Type: vrs.IncidentTypes[r.IntN(len(vrs.IncidentTypes))],
			DetectedOn: "2025-01-01", Distribution: dists[r.IntN(len(dists))]}
		refs = append(refs, ref)
		if _, err := db.Exec(`INSERT INTO incidents VALUES ($1, $2, $3, $4, $5, $6, $7)`, ref.ID, ref.AgencyID, ref.Country,
			string(ref.Status), string(ref.Type), ref.DetectedOn, string(ref.Distribution)); err != nil {
			t.Fatal(err)
		}
	}
	counted := 0
	for world := range 300 {
		published := map[string]bool{}
		var list []string
		for _, c := range countries {
			switch r.IntN(4) {
			case 0: // publishes, named twice
				published[c] = true
				list = append(list, c, c)
			case 1:
				published[c] = true
				list = append(list, c)
			case 2: // chose not to publish
				published[c] = false
			}
		}
		r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		var args []any
		branches := access.PublicBranches(list, &args)
		got := map[int64]int{}
		for _, b := range branches {
			rows, err := db.Query("SELECT i.id, "+b.Gran+" FROM incidents i WHERE "+b.Cond, args...)
			if err != nil {
				t.Fatalf("seed %d world %d: %v\n%s %v", seed, world, err, b.Cond, args)
			}
			for rows.Next() {
				var id int64
				var g int
				if err := rows.Scan(&id, &g); err != nil {
					t.Fatal(err)
				}
				if _, dup := got[id]; dup {
					t.Errorf("seed %d world %d: record %d in two branches", seed, world, id)
				}
				got[id] = g
			}
			rows.Close()
		}
		for _, ref := range refs {
			want := access.PublicIncident(published, ref)
			if access.Granularity(got[ref.ID]) != want {
				t.Fatalf("seed %d world %d: record %+v: SQL %d, rule %s (published %v)", seed, world, ref, got[ref.ID], want, published)
			}
			if want != access.None {
				counted++
			}
		}
	}
	if counted < 1000 {
		t.Errorf("only %d records counted over all worlds: the generator misses the rule", counted)
	}
}

// TestPublicBranchesArguments: the SQL refers to every argument it
// appends and no other, numbered after those already there.
func TestPublicBranchesArguments(t *testing.T) {
	for _, before := range []int{0, 3} {
		for _, published := range [][]string{{"TH"}, {"VN", "TH", "VN", ""}, {"", ""}} {
			t.Run(fmt.Sprintf("%d/%s", before, strings.Join(published, ",")), func(t *testing.T) {
				args := make([]any, before)
				var sqlText strings.Builder
				for _, b := range access.PublicBranches(published, &args) {
					sqlText.WriteString(b.Cond + " " + b.Gran + "\n")
				}
				used := map[int]bool{}
				for _, m := range placeholder.FindAllStringSubmatch(sqlText.String(), -1) {
					n, _ := strconv.Atoi(m[1])
					used[n] = true
					if n <= before || n > len(args) {
						t.Errorf("$%d outside %d..%d: %s", n, before+1, len(args), sqlText.String())
					}
				}
				for n := before + 1; n <= len(args); n++ {
					if !used[n] {
						t.Errorf("argument $%d (%v) unused", n, args[n-1])
					}
				}
			})
		}
	}
}

// TestPublicQuery: what a published view may ask.
func TestPublicQuery(t *testing.T) {
	q := func(m vrs.StatMeasure, rows, cols []vrs.StatDimension, change ...func(*vrs.StatQuery)) vrs.StatQuery {
		x := vrs.StatQuery{Measure: m, Rows: rows, Cols: cols}
		for _, c := range change {
			c(&x)
		}
		return x
	}
	dims := func(ds ...vrs.StatDimension) []vrs.StatDimension { return ds }
	filter := func(d vrs.StatDimension, vs ...string) func(*vrs.StatQuery) {
		return func(x *vrs.StatQuery) { x.Filters = map[vrs.StatDimension][]string{d: vs} }
	}
	tests := []struct {
		name  string
		q     vrs.StatQuery
		field string // "" when allowed
	}{
		{"YearByCountry", q(vrs.MeasureIncidents, dims(vrs.DimYear), dims(vrs.DimCountry)), ""},
		{"VictimsByExploitation", q(vrs.MeasureVictims, dims(vrs.DimExploitation), nil), ""},
		{"QuarterWithYear", q(vrs.MeasureMigrants, dims(vrs.DimQuarter), dims(vrs.DimYear)), ""},
		{"QuarterWithYearInRows", q(vrs.MeasureMigrants, dims(vrs.DimYear, vrs.DimQuarter), nil), ""},
		{"QuarterAlone", q(vrs.MeasureMigrants, dims(vrs.DimQuarter), nil), "rows[0]"},
		{"QuarterByCountry", q(vrs.MeasureMigrants, dims(vrs.DimCountry), dims(vrs.DimQuarter)), "cols[0]"},
		{"Agency", q(vrs.MeasureIncidents, dims(vrs.DimAgency), nil), "rows[0]"},
		{"DayColumn", q(vrs.MeasureIncidents, dims(vrs.DimYear), dims(vrs.DimDay)), "cols[0]"},
		{"Month", q(vrs.MeasureIncidents, dims(vrs.DimMonth), nil), "rows[0]"},
		{"CountryFilter", q(vrs.MeasureIncidents, dims(vrs.DimYear), nil, filter(vrs.DimCountry, "TH")), "filters.country"},
		{"YearFilter", q(vrs.MeasureVictims, dims(vrs.DimExploitation), nil, filter(vrs.DimYear, "2025")), "filters.period.year"},
		{"StatusFilter", q(vrs.MeasureIncidents, dims(vrs.DimYear), nil, filter(vrs.DimStatus, "draft")), "filters.status"},
		{"Fees", q(vrs.MeasureFeesCount, dims(vrs.DimYear), nil), "measure"},
		{"ThreeDimensions", q(vrs.MeasurePersons, dims(vrs.DimYear, vrs.DimSex), dims(vrs.DimCountry)), "rows"},
		{"From", q(vrs.MeasurePersons, dims(vrs.DimYear), nil, func(x *vrs.StatQuery) { x.From = "2025-03-02" }), "from"},
		{"To", q(vrs.MeasurePersons, dims(vrs.DimYear), nil, func(x *vrs.StatQuery) { x.To = "2025-03-02" }), "to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := access.PublicQuery(tt.q)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v %v", err, vrs.AsError(err).Fields)
				}
				return
			}
			if vrs.ErrorCode(err) != vrs.EINVALID || vrs.AsError(err).Fields[tt.field] == "" {
				t.Errorf("err = %v %v, want a problem with %s", err, vrs.AsError(err).Fields, tt.field)
			}
		})
	}
}

// TestManagePublishing: the country's focal points decide, not the
// administrators, nor other countries.
func TestManagePublishing(t *testing.T) {
	tests := []struct {
		name string
		u    *vrs.User
		ok   bool
	}{
		{"FocalPoint", user(thPolice, "TH", vrs.ViewCountry, vrs.RoleFocalPoint), true},
		{"System", vrs.SystemUser, true},
		{"OtherFocalPoint", user(vnPolice, "VN", vrs.ViewCountry, vrs.RoleFocalPoint), false},
		{"Admin", user(thPolice, "TH", vrs.ViewCountry, vrs.RoleAdmin), false},
		{"Analyst", countryView, false},
		{"Nobody", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := access.ManagePublishing(tt.u, "TH"); (err == nil) != tt.ok {
				t.Errorf("ManagePublishing = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
