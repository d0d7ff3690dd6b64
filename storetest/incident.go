package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"vrs"
	"vrs/access"
	"vrs/crypt"
	"vrs/store"
)

func ptr[T any](v T) *T { return &v }

// Interception returns a valid smuggling incident for agency: two
// migrants, a smuggler with a phone, two legs and a fee.
func Interception(agencyID int64, ref string) *vrs.Incident {
	return &vrs.Incident{
		AgencyID: agencyID, Reference: ref, Type: vrs.TypeMigrantSmuggling,
		OccurredOn: "2025-03-01", DetectedOn: "2025-03-02", ReportedOn: "2025-03-02",
		Place:  vrs.Place{Country: "TH", Name: "Sadao checkpoint", Kind: "border_crossing", Lat: ptr(6.63), Lon: ptr(100.42)},
		Source: "border_check", OffenceCodes: []string{"08051"},
		Narrative: "Pickup truck stopped at the checkpoint; two passengers without documents.",
		Persons: []vrs.Person{
			{Role: "migrant", Sex: "male", Age: ptr(24), Nationalities: []string{"MM"}, Status: "intercepted", Name: "Aung Min Thu",
				Identifiers: []vrs.Identifier{{Kind: "document_number", Value: "MB-123 456"}}},
			{Role: "migrant", Sex: "female", Age: ptr(19), Nationalities: []string{"MM"}, Status: "intercepted", Name: "Khin Myat"},
			{Role: "suspect", PerpetratorRoles: []string{"transporter"}, Sex: "male", Nationalities: []string{"TH"}, Name: "Somchai Prasert",
				Aliases: []string{"Ko Chai"}, Identifiers: []vrs.Identifier{{Kind: "phone", Value: "+66 81 234 5678"}}},
		},
		Legs: []vrs.RouteLeg{
			{Country: "MM", Place: "Myawaddy", Role: "origin", Mode: "foot", DepartedOn: "2025-02-27"},
			{Country: "TH", Place: "Sadao", Role: "interception", Mode: "car", ArrivedOn: "2025-03-01"},
		},
		Transactions: []vrs.Transaction{{PayerKey: "p1", PayeeKey: "p3", Amount: 45000, Currency: "THB", Method: "cash",
			Purpose: "smuggling_fee", PayeeAccount: "KBANK 123-4-56789-0"}},
	}
}

// personalValues are values of Interception that must never be stored or
// logged in clear.
var personalValues = []string{"Aung Min Thu", "Khin Myat", "Somchai", "Ko Chai", "234 5678", "MB-123", "56789"}

func testIncidentWorkflow(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	reporter, reviewer, analyst := As(w.Users["reporter"]), As(w.Users["reviewer"]), As(w.Users["analyst"])
	inc := Interception(w.Agencies["th-police"].ID, "TH-2025-001")
	if err := db.CreateIncident(reporter, inc); err != nil {
		t.Fatalf("create: %v %v", err, vrs.AsError(err).Fields)
	}
	if inc.ID == 0 || inc.Version != 1 || inc.Status != vrs.StatusDraft || inc.Country != "TH" {
		t.Fatalf("created = id %d v%d %s %s", inc.ID, inc.Version, inc.Status, inc.Country)
	}
	if a := lastAudit(t, db); a.Action != vrs.ActIncidentCreate || a.ObjectID != fmt.Sprint(inc.ID) {
		t.Errorf("audit = %+v", a)
	}

	// Same reference again in the same agency: a conflict on the field.
	dup := Interception(w.Agencies["th-police"].ID, "TH-2025-001")
	err := db.CreateIncident(reporter, dup)
	wantCode(t, err, vrs.ECONFLICT)
	if vrs.AsError(err).Fields["reference"] == "" {
		t.Errorf("duplicate reference: fields = %v", vrs.AsError(err).Fields)
	}

	got, err := db.FindIncident(reporter, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Persons[2].Name != "Somchai Prasert" || got.Persons[0].Identifiers[0].Value != "MB-123 456" || got.Transactions[0].PayeeAccount == "" {
		t.Errorf("personal data not read back: %+v", got.Persons)
	}
	if a := lastAudit(t, db); a.Action != vrs.ActIncidentRead {
		t.Errorf("read not audited: %+v", a)
	}

	// Drafts are the agency's own business.
	for _, who := range []string{"analyst", "vn-reporter", "regional_analyst", "admin", "focal_point"} {
		if _, err := db.FindIncident(As(w.Users[who]), inc.ID); vrs.ErrorCode(err) != vrs.ENOTFOUND {
			t.Errorf("%s reads a draft: %v", who, err)
		}
	}

	// Stale and concurrent edits.
	got.Narrative = "Corrected narrative."
	wantCode(t, db.UpdateIncident(reporter, got, 0), vrs.ECONFLICT)
	if err := db.UpdateIncident(reporter, got, 1); err != nil {
		t.Fatalf("update: %v %v", err, vrs.AsError(err).Fields)
	}
	if got.Version != 2 {
		t.Fatalf("version after update = %d", got.Version)
	}
	wantCode(t, db.UpdateIncident(reporter, got, 1), vrs.ECONFLICT)
	moved := *got
	moved.AgencyID = w.Agencies["th-immigration"].ID
	if err := db.UpdateIncident(reporter, &moved, 2); vrs.AsError(err).Fields["agency_id"] != "field.agency_fixed" {
		t.Errorf("moving to another agency: %v", err)
	}

	// Reviewers may not edit; reporters may not validate.
	wantCode(t, db.UpdateIncident(reviewer, got, 2), vrs.EFORBIDDEN)
	_, err = db.TransitionIncident(reporter, inc.ID, 2, vrs.StatusValidated, "")
	wantCode(t, err, vrs.ECONFLICT) // draft → validated does not exist
	step := func(ctx context.Context, version int, to vrs.IncidentStatus, note string) *vrs.Incident {
		t.Helper()
		r, err := db.TransitionIncident(ctx, inc.ID, version, to, note)
		if err != nil {
			t.Fatalf("→ %s: %v", to, err)
		}
		if r.Status != to || r.Version != version+1 {
			t.Fatalf("→ %s: got %s v%d", to, r.Status, r.Version)
		}
		return r
	}
	step(reporter, 2, vrs.StatusSubmitted, "")
	wantCode(t, db.UpdateIncident(reporter, got, 3), vrs.ECONFLICT) // in review
	_, err = db.TransitionIncident(reporter, inc.ID, 3, vrs.StatusValidated, "")
	wantCode(t, err, vrs.EFORBIDDEN)
	_, err = db.TransitionIncident(reviewer, inc.ID, 3, vrs.StatusReturned, "  ")
	wantCode(t, err, vrs.EINVALID)
	returned := step(reviewer, 3, vrs.StatusReturned, "Was the second migrant detained?")
	if returned.ReviewNote != "Was the second migrant detained?" {
		t.Errorf("review note = %q", returned.ReviewNote)
	}
	fixed, err := db.FindIncident(reporter, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	fixed.Persons[1].Status = "detained"
	if err := db.UpdateIncident(reporter, fixed, 4); err != nil {
		t.Fatalf("correct: %v", err)
	}
	if fixed.Status != vrs.StatusReturned {
		t.Errorf("status after correction = %s", fixed.Status)
	}
	step(reporter, 5, vrs.StatusSubmitted, "")
	if _, err := db.FindIncident(analyst, inc.ID); vrs.ErrorCode(err) != vrs.ENOTFOUND {
		t.Errorf("analyst reads a submitted incident: %v", err)
	}
	step(reviewer, 6, vrs.StatusValidated, "")

	// Validated: the national analyst sees it; other countries do not.
	if _, err := db.FindIncident(analyst, inc.ID); err != nil {
		t.Errorf("analyst: %v", err)
	}
	if _, err := db.FindIncident(As(w.Users["vn-reporter"]), inc.ID); vrs.ErrorCode(err) != vrs.ENOTFOUND {
		t.Errorf("other country: %v", err)
	}
	wantCode(t, db.DeleteIncident(reporter, inc.ID, 7, "typo"), vrs.ECONFLICT)

	hist, err := db.IncidentHistory(reporter, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for i, v := range hist {
		actions = append(actions, v.Action)
		if v.Version != i+1 || v.Incident == nil {
			t.Errorf("history[%d] = v%d", i, v.Version)
		}
	}
	want := []string{"create", "update", "submit", "return", "update", "submit", "validate"}
	if !slices.Equal(actions, want) {
		t.Errorf("history actions = %v, want %v", actions, want)
	}
	if hist[0].Incident.Narrative == hist[1].Incident.Narrative || hist[3].Note == "" {
		t.Errorf("versions not kept: %q / %q, note %q", hist[0].Incident.Narrative, hist[1].Incident.Narrative, hist[3].Note)
	}
	if hist[0].Incident.Persons[2].Name != "Somchai Prasert" {
		t.Errorf("old version lost its personal data")
	}
	changes := vrs.DiffIncidents(hist[3].Incident, hist[4].Incident)
	if len(changes) != 1 || changes[0].Path != "persons[1].status" {
		t.Errorf("changes v4→v5 = %+v", changes)
	}

	// The national analyst sees the validated version only, not the
	// agency's drafts and returns.
	ah, err := db.IncidentHistory(analyst, inc.ID)
	if err != nil || len(ah) != 1 || ah[0].Version != 7 {
		t.Errorf("analyst history: %d versions (%v)", len(ah), err)
	}

	// Correcting a validated incident sends it back to review.
	cur, _ := db.FindIncident(reporter, inc.ID)
	cur.Source = "patrol"
	if err := db.UpdateIncident(reporter, cur, 7); err != nil {
		t.Fatal(err)
	}
	if cur.Status != vrs.StatusDraft || cur.Version != 8 {
		t.Errorf("corrected validated incident: %s v%d", cur.Status, cur.Version)
	}
}

func testIncidentFourEyes(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	both := &vrs.User{Name: "th.both", AgencyID: w.Agencies["th-police"].ID, Roles: []vrs.Role{vrs.RoleReporter, vrs.RoleReviewer}, PasswordHash: PasswordHash}
	if err := db.CreateUser(System(), both); err != nil {
		t.Fatal(err)
	}
	inc := Interception(w.Agencies["th-police"].ID, "4EYES")
	if err := db.CreateIncident(As(both), inc); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionIncident(As(both), inc.ID, 1, vrs.StatusSubmitted, ""); err != nil {
		t.Fatal(err)
	}
	// The submission is the last version and it is theirs.
	_, err := db.TransitionIncident(As(both), inc.ID, 2, vrs.StatusValidated, "")
	wantCode(t, err, vrs.EFORBIDDEN)
	if _, err := db.TransitionIncident(As(w.Users["reviewer"]), inc.ID, 2, vrs.StatusValidated, ""); err != nil {
		t.Errorf("another reviewer: %v", err)
	}

	// A colleague's submission does not make their content reviewable
	// by them: both wrote version 1, the reporter only submitted it.
	mine := Interception(w.Agencies["th-police"].ID, "4EYES-2")
	if err := db.CreateIncident(As(both), mine); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionIncident(As(w.Users["reporter"]), mine.ID, 1, vrs.StatusSubmitted, ""); err != nil {
		t.Fatal(err)
	}
	_, err = db.TransitionIncident(As(both), mine.ID, 2, vrs.StatusValidated, "")
	wantCode(t, err, vrs.EFORBIDDEN)
	_, err = db.TransitionIncident(As(both), mine.ID, 2, vrs.StatusReturned, "self")
	wantCode(t, err, vrs.EFORBIDDEN)
}

func testIncidentDelete(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	reporter := As(w.Users["reporter"])
	inc := Interception(w.Agencies["th-police"].ID, "DEL-1")
	if err := db.CreateIncident(reporter, inc); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.DeleteIncident(reporter, inc.ID, 1, ""), vrs.EINVALID)
	wantCode(t, db.DeleteIncident(As(w.Users["vn-reporter"]), inc.ID, 1, "mine"), vrs.ENOTFOUND)
	if err := db.DeleteIncident(reporter, inc.ID, 1, "Entered twice"); err != nil {
		t.Fatal(err)
	}
	a := lastAudit(t, db)
	if a.Action != vrs.ActIncidentDelete || !bytes.Contains([]byte(a.Detail), []byte("Entered twice")) {
		t.Errorf("delete audit = %+v", a)
	}
	if _, err := db.FindIncident(reporter, inc.ID); vrs.ErrorCode(err) != vrs.ENOTFOUND {
		t.Errorf("deleted incident still read: %v", err)
	}
	for _, table := range []string{"incident_versions", "incident_facets", "identifier_index"} {
		var n int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE incident_id = $1`, inc.ID).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s keeps %d rows (%v)", table, n, err)
		}
	}
	// The reference is free again.
	if err := db.CreateIncident(reporter, Interception(w.Agencies["th-police"].ID, "DEL-1")); err != nil {
		t.Errorf("reuse reference: %v", err)
	}
}

func testIncidentEncryption(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	reporter := As(w.Users["reporter"])
	inc := Interception(w.Agencies["th-police"].ID, "ENC-1")
	if err := db.CreateIncident(reporter, inc); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionIncident(reporter, inc.ID, 1, vrs.StatusSubmitted, ""); err != nil {
		t.Fatal(err)
	}
	// Nothing personal in clear, in any table.
	for _, q := range []string{
		`SELECT body || search_text FROM incidents`,
		`SELECT body FROM incident_versions`,
		`SELECT detail FROM audit_log`,
	} {
		rows, err := db.SQL().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			for _, v := range personalValues {
				if bytes.Contains([]byte(s), []byte(v)) {
					t.Errorf("%q in clear: %s", v, q)
				}
			}
		}
		rows.Close()
	}
	var blob []byte
	if err := db.SQL().QueryRow(`SELECT personal FROM incidents WHERE id = $1`, inc.ID).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	for _, v := range personalValues {
		if bytes.Contains(blob, []byte(v)) {
			t.Errorf("%q readable in the sealed blob", v)
		}
	}
	// A blob moved onto another incident does not open.
	other := Interception(w.Agencies["th-police"].ID, "ENC-2")
	if err := db.CreateIncident(reporter, other); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`UPDATE incidents SET personal = $1 WHERE id = $2`, blob, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindIncident(reporter, other.ID); err == nil {
		t.Error("a blob copied to another row opened")
	}

	// Exact search through the blind index, on normalised values.
	for _, tc := range []struct{ kind, value string }{
		{"phone", "0066812345678"},
		{"name", "prasert somchai"},
		{"name", "KO-CHAI"},
		{"document_number", "mb123456"},
		{"account", "kbank 1234567890"},
	} {
		page, err := db.ListIncidents(reporter, vrs.IncidentFilter{IdentifierKind: tc.kind, Identifier: tc.value})
		if err != nil {
			t.Fatalf("%s %q: %v", tc.kind, tc.value, err)
		}
		// ENC-2 holds the same people (its blob was swapped, not its index).
		if len(page.Items) != 2 || !slices.ContainsFunc(page.Items, func(s *vrs.IncidentSummary) bool { return s.ID == inc.ID }) {
			t.Errorf("%s %q found %d incidents", tc.kind, tc.value, len(page.Items))
		}
	}
	if a := lastAudit(t, db); a.Action != vrs.ActIncidentSearch || bytes.Contains([]byte(a.Detail), []byte("KBANK")) {
		t.Errorf("search audit = %+v", a)
	}
	page, err := db.ListIncidents(As(w.Users["vn-reporter"]), vrs.IncidentFilter{IdentifierKind: "phone", Identifier: "0066812345678"})
	if err != nil || len(page.Items) != 0 {
		t.Errorf("another country finds the incident by phone: %v %v", page, err)
	}
}

func testIncidentValidation(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	reporter := As(w.Users["reporter"])
	for _, tc := range []struct {
		name   string
		change func(*vrs.Incident)
		field  string
	}{
		{"ErrDetectedBeforeOccurred", func(i *vrs.Incident) { i.OccurredOn = "2025-03-05" }, "occurred_on"},
		{"ErrReportedBeforeDetected", func(i *vrs.Incident) { i.ReportedOn = "2025-03-01" }, "detected_on"},
		{"ErrUnknownCurrency", func(i *vrs.Incident) { i.Transactions[0].Currency = "XYZ" }, "transactions[0].currency"},
		{"ErrOutsideCountry", func(i *vrs.Incident) { i.Place.Lat, i.Place.Lon = ptr(21.0), ptr(105.8) }, "place.lat"},
		{"ErrNotMyAgency", func(i *vrs.Incident) { i.AgencyID = w.Agencies["vn-police"].ID }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inc := Interception(w.Agencies["th-police"].ID, "VAL-"+tc.name)
			tc.change(inc)
			err := db.CreateIncident(reporter, inc)
			if tc.field == "" {
				wantCode(t, err, vrs.EFORBIDDEN)
				return
			}
			wantCode(t, err, vrs.EINVALID)
			if vrs.AsError(err).Fields[tc.field] == "" {
				t.Errorf("fields = %v, want %s", vrs.AsError(err).Fields, tc.field)
			}
		})
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM incidents`).Scan(&n); err != nil || n != 0 {
		t.Errorf("refused incidents stored: %d (%v)", n, err)
	}
}

func testIncidentList(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	reporter, reviewer := As(w.Users["reporter"]), As(w.Users["reviewer"])
	var ids []int64
	for i := range 7 {
		inc := Interception(w.Agencies["th-police"].ID, fmt.Sprintf("L-%02d", i))
		inc.DetectedOn = fmt.Sprintf("2025-03-%02d", 2+i)
		inc.ReportedOn = inc.DetectedOn
		if i%2 == 1 {
			inc.Persons[0].Nationalities = []string{"KH"}
			inc.Narrative = "Fishing boat crew recruited in Poipet."
		}
		if err := db.CreateIncident(reporter, inc); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inc.ID)
		if i < 3 {
			if _, err := db.TransitionIncident(reporter, inc.ID, 1, vrs.StatusSubmitted, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	count := func(ctx context.Context, f vrs.IncidentFilter) int {
		t.Helper()
		p, err := db.ListIncidents(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		return len(p.Items)
	}
	for _, tc := range []struct {
		name string
		f    vrs.IncidentFilter
		want int
	}{
		{"All", vrs.IncidentFilter{}, 7},
		{"Status", vrs.IncidentFilter{Statuses: []vrs.IncidentStatus{vrs.StatusSubmitted}}, 3},
		{"Type", vrs.IncidentFilter{Types: []vrs.IncidentType{vrs.TypeTrafficking}}, 0},
		{"Period", vrs.IncidentFilter{From: "2025-03-03", To: "2025-03-05"}, 3},
		{"Nationality", vrs.IncidentFilter{Nationality: "kh"}, 3},
		{"RouteCountry", vrs.IncidentFilter{RouteCountry: "MM"}, 7},
		{"Text", vrs.IncidentFilter{Text: "poipet fishing"}, 3},
		{"TextPrefix", vrs.IncidentFilter{Text: "recruit"}, 3},
		{"TextOperators", vrs.IncidentFilter{Text: `"AND OR NOT ( * poipet`}, 0},
		{"Agency", vrs.IncidentFilter{AgencyID: w.Agencies["th-immigration"].ID}, 0},
	} {
		if got := count(reporter, tc.f); got != tc.want {
			t.Errorf("%s: %d incidents, want %d", tc.name, got, tc.want)
		}
	}
	_, err := db.ListIncidents(reporter, vrs.IncidentFilter{Sort: "name"})
	wantCode(t, err, vrs.EINVALID)
	_, err = db.ListIncidents(reporter, vrs.IncidentFilter{After: "garbage!"})
	wantCode(t, err, vrs.EINVALID)

	// Walk every sort in pages of 2: each incident exactly once, in order.
	for _, sort := range store.IncidentSorts() {
		var seen []int64
		f := vrs.IncidentFilter{Sort: sort, Limit: 2}
		for page := 0; page < 10; page++ {
			p, err := db.ListIncidents(reviewer, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range p.Items {
				seen = append(seen, it.ID)
			}
			if p.Next == "" {
				break
			}
			f.After = p.Next
		}
		got := slices.Clone(seen)
		slices.Sort(got)
		if !slices.Equal(got, ids) {
			t.Errorf("sort %s: pages gave %v, want each of %v once", sort, seen, ids)
		}
	}
}

// testIncidentAccessRule holds the store's reads equal to the reference
// rule for every user of the world and incidents at every stage.
func testIncidentAccessRule(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	reviewer := As(w.Users["reviewer"])
	var incs []*vrs.Incident
	mk := func(agency string, reporter *vrs.User, ref string, to ...vrs.IncidentStatus) {
		inc := Interception(w.Agencies[agency].ID, ref)
		if err := db.CreateIncident(As(reporter), inc); err != nil {
			t.Fatal(err)
		}
		v := 1
		for _, s := range to {
			ctx := As(reporter)
			if s == vrs.StatusValidated || s == vrs.StatusReturned {
				ctx = reviewer
			}
			if _, err := db.TransitionIncident(ctx, inc.ID, v, s, "reason"); err != nil {
				t.Fatalf("%s → %s: %v", ref, s, err)
			}
			v++
		}
		got, err := db.FindIncident(System(), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		incs = append(incs, got)
	}
	thReporter := w.Users["reporter"]
	mk("th-police", thReporter, "A-draft")
	mk("th-police", thReporter, "A-sub", vrs.StatusSubmitted)
	mk("th-police", thReporter, "A-ret", vrs.StatusSubmitted, vrs.StatusReturned)
	mk("th-police", thReporter, "A-val", vrs.StatusSubmitted, vrs.StatusValidated)
	vnReporter := w.Users["vn-reporter"]
	mk("vn-police", vnReporter, "B-draft")
	mk("vn-police", vnReporter, "B-sub", vrs.StatusSubmitted)

	for name, u := range w.Users {
		ctx := As(u)
		page, err := db.ListIncidents(ctx, vrs.IncidentFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		listed := map[int64]bool{}
		for _, it := range page.Items {
			listed[it.ID] = true
		}
		for _, inc := range incs {
			ref := access.RefOf(inc)
			ref.Distribution = vrs.DefaultDistribution // no agreements: no sharing
			want := access.ReadIncident(u, nil, ref) >= access.Pseudonymised
			if listed[inc.ID] != want {
				t.Errorf("%s lists %s: %v, rule says %v", name, inc.Reference, listed[inc.ID], want)
			}
			_, err := db.FindIncident(ctx, inc.ID)
			if (err == nil) != want || (err != nil && vrs.ErrorCode(err) != vrs.ENOTFOUND) {
				t.Errorf("%s finds %s: %v, rule says %v", name, inc.Reference, err, want)
			}
		}
	}
}

func testIncidentReseal(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	reporter := As(w.Users["reporter"])
	inc := Interception(w.Agencies["th-police"].ID, "RESEAL-1")
	if err := db.CreateIncident(reporter, inc); err != nil {
		t.Fatal(err)
	}
	inc.Narrative = "second version"
	if err := db.UpdateIncident(reporter, inc, 1); err != nil {
		t.Fatal(err)
	}
	old := db.ActiveDataKeyID()
	kek, err := crypt.GenerateKEK()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RotateKEK(System(), kek); err != nil {
		t.Fatal(err)
	}
	if db.ActiveDataKeyID() == old {
		t.Fatal("rotation kept the data key")
	}
	_, err = db.ResealIncidents(reporter)
	wantCode(t, err, vrs.EFORBIDDEN)
	res, err := db.ResealIncidents(System())
	if err != nil {
		t.Fatal(err)
	}
	if res.Current != 1 || res.Versions != 1 {
		t.Errorf("resealed %+v, want 1 current and 1 old version", res)
	}
	var stale int
	if err := db.SQL().QueryRow(`SELECT (SELECT COUNT(*) FROM incidents WHERE key_id = $1) + (SELECT COUNT(*) FROM incident_versions WHERE key_id = $1)`, old).Scan(&stale); err != nil || stale != 0 {
		t.Errorf("%d blobs still under the old key (%v)", stale, err)
	}
	hist, err := db.IncidentHistory(reporter, inc.ID)
	if err != nil || len(hist) != 2 || hist[0].Incident.Persons[2].Name != "Somchai Prasert" {
		t.Fatalf("history after reseal: %v", err)
	}
	if res, err := db.ResealIncidents(System()); err != nil || res.Current+res.Versions != 0 {
		t.Errorf("second run: %+v %v", res, err)
	}
}

// testIncidentConcurrentCreates: writes that share a group commit each get
// their own outcome; a refused one leaves no trace and fails no other.
func testIncidentConcurrentCreates(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	reporter := As(w.Users["reporter"])
	const n = 48
	errs := make([]error, n)
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every fourth reuses a reference: exactly one of each pair wins.
			ref := fmt.Sprintf("C-%03d", i)
			if i%4 == 3 {
				ref = fmt.Sprintf("C-%03d", i-1)
			}
			inc := Interception(w.Agencies["th-police"].ID, ref)
			errs[i] = db.CreateIncident(reporter, inc)
			ids[i] = inc.ID
		}()
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for i, err := range errs {
		switch vrs.ErrorCode(err) {
		case "":
			ok++
			if _, err := db.FindIncident(reporter, ids[i]); err != nil {
				t.Errorf("created %d not found: %v", ids[i], err)
			}
		case vrs.ECONFLICT:
			conflicts++
		default:
			t.Errorf("create %d: %v", i, err)
		}
	}
	if ok != n-n/4 || conflicts != n/4 {
		t.Errorf("%d created, %d conflicts; want %d and %d", ok, conflicts, n-n/4, n/4)
	}
	var rows, audits int
	db.SQL().QueryRow(`SELECT COUNT(*) FROM incidents`).Scan(&rows)
	db.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = $1`, vrs.ActIncidentCreate).Scan(&audits)
	if rows != ok || audits != ok {
		t.Errorf("%d rows and %d audit entries for %d creates", rows, audits, ok)
	}
	if v, err := db.VerifyAudit(System()); err != nil || v.Problem != nil {
		t.Errorf("audit chain: %+v %v", v, err)
	}
}

// testIncidentConcurrentEdits: writers racing on one version — exactly one
// wins, the others are told the version is stale; a delete racing a
// submission never deletes a submitted record.
func testIncidentConcurrentEdits(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	reporter := As(w.Users["reporter"])
	inc := Interception(w.Agencies["th-police"].ID, "RACE-1")
	if err := db.CreateIncident(reporter, inc); err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := Interception(w.Agencies["th-police"].ID, "RACE-1")
			mine.ID = inc.ID
			mine.Narrative = fmt.Sprintf("edit %d", i)
			errs[i] = db.UpdateIncident(reporter, mine, 1)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch vrs.ErrorCode(err) {
		case "":
			won++
		case vrs.ECONFLICT:
		default:
			t.Errorf("racing update: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d updates of version 1 won, want 1", won)
	}

	for round := range 5 {
		race := Interception(w.Agencies["th-police"].ID, fmt.Sprintf("RACE-D%d", round))
		if err := db.CreateIncident(reporter, race); err != nil {
			t.Fatal(err)
		}
		var subErr, delErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, subErr = db.TransitionIncident(reporter, race.ID, 1, vrs.StatusSubmitted, "")
		}()
		go func() { defer wg.Done(); delErr = db.DeleteIncident(reporter, race.ID, 1, "race") }()
		wg.Wait()
		if (subErr == nil) == (delErr == nil) {
			t.Fatalf("round %d: submit %v, delete %v: exactly one must win", round, subErr, delErr)
		}
		_, err := db.FindIncident(reporter, race.ID)
		if subErr == nil && err != nil {
			t.Errorf("round %d: the submitted record is gone: %v", round, err)
		}
		var orphans int
		db.SQL().QueryRow(`SELECT COUNT(*) FROM incident_versions v WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = v.incident_id)`).Scan(&orphans)
		if orphans != 0 {
			t.Errorf("round %d: %d versions without their incident", round, orphans)
		}
	}
}
