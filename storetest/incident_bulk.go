package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/store"
)

// testIncidentBulk: BulkCreateIncidents stores what CreateIncident would,
// keeps the given statuses, indexes and seals, audits once per chunk, and
// refuses anyone but the installation and any invalid incident.
func testIncidentBulk(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	police, immigration := w.Agencies["th-police"].ID, w.Agencies["th-immigration"].ID
	n := store.BulkChunk + 7
	statuses := []vrs.IncidentStatus{vrs.StatusValidated, vrs.StatusSubmitted, vrs.StatusReturned, vrs.StatusDraft}
	batch := func(from, count int) []*vrs.Incident {
		var incs []*vrs.Incident
		for i := from; i < from+count; i++ {
			agency := police
			if i%3 == 0 {
				agency = immigration
			}
			inc := Interception(agency, fmt.Sprintf("BULK-%05d", i))
			inc.Status = statuses[i%len(statuses)]
			if inc.Status == vrs.StatusReturned {
				inc.ReviewNote = "Add the route."
			}
			inc.UpdatedAt = time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			inc.Persons[2].Identifiers[0].Value = fmt.Sprintf("+66 81 %03d %04d", i%7, i%7)
			incs = append(incs, inc)
		}
		return incs
	}

	t.Run("ErrForbidden", func(t *testing.T) {
		wantCode(t, db.BulkCreateIncidents(As(w.Users["admin"]), batch(0, 1)), vrs.EFORBIDDEN)
		wantCode(t, db.BulkCreateIncidents(As(w.Users["reporter"]), batch(0, 1)), vrs.EFORBIDDEN)
	})

	before := lastAudit(t, db).Seq
	incs := batch(0, n)
	if err := db.BulkCreateIncidents(System(), incs); err != nil {
		t.Fatalf("bulk: %v %v", err, vrs.AsError(err).Fields)
	}
	t.Run("Stored", func(t *testing.T) {
		ids := map[int64]bool{}
		for _, inc := range incs {
			if inc.ID == 0 || ids[inc.ID] || inc.Version != 1 {
				t.Fatalf("incident %s: id %d version %d", inc.Reference, inc.ID, inc.Version)
			}
			ids[inc.ID] = true
		}
		got, err := db.FindIncident(System(), incs[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != vrs.StatusReturned || got.ReviewNote != "Add the route." || got.Persons[2].Name != "Somchai Prasert" ||
			got.Transactions[0].PayeeAccount == "" || !got.UpdatedAt.Equal(incs[2].UpdatedAt) || got.Country != "TH" {
			t.Errorf("read back: status %s note %q person %q updated %v", got.Status, got.ReviewNote, got.Persons[2].Name, got.UpdatedAt)
		}
	})
	t.Run("Listed", func(t *testing.T) {
		page, err := db.ListIncidents(As(w.Users["analyst"]), vrs.IncidentFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Items {
			if s.Status != vrs.StatusValidated {
				t.Fatalf("analyst sees %s %s", s.Reference, s.Status)
			}
		}
		page, err = db.ListIncidents(As(w.Users["reviewer"]), vrs.IncidentFilter{Statuses: []vrs.IncidentStatus{vrs.StatusSubmitted}, Nationality: "MM",
			RouteCountry: "MM", Text: "checkpoint"})
		if err != nil || len(page.Items) == 0 {
			t.Fatalf("reviewer: %d submitted, %v", len(page.Items), err)
		}
		page, err = db.ListIncidents(System(), vrs.IncidentFilter{IdentifierKind: "phone", Identifier: "0066810030003"})
		if err != nil || len(page.Items) == 0 {
			t.Fatalf("by phone: %d, %v", len(page.Items), err)
		}
		for _, s := range page.Items {
			var i int
			fmt.Sscanf(strings.TrimPrefix(s.Reference, "BULK-"), "%d", &i)
			if i%7 != 3 {
				t.Errorf("phone search found %s", s.Reference)
			}
		}
	})
	t.Run("AuditPerChunk", func(t *testing.T) {
		es, err := db.ListAudit(System(), vrs.AuditFilter{Action: vrs.ActIncidentBulkCreate})
		if err != nil || len(es) != 2 {
			t.Fatalf("bulk audit entries: %d, %v", len(es), err)
		}
		if es[0].Seq <= before || !strings.Contains(es[0].Detail, `"count":7`) || !strings.Contains(es[1].Detail, fmt.Sprintf(`"count":%d`, store.BulkChunk)) {
			t.Errorf("audit = %+v / %+v", es[0], es[1])
		}
		if v, err := db.VerifyAudit(System()); err != nil || v.Problem != nil {
			t.Errorf("audit chain: %v %+v", err, v)
		}
	})
	t.Run("ErrInvalidNothingOfTheChunk", func(t *testing.T) {
		bad := batch(n, 10)
		bad[4].Transactions[0].Currency = "XXX"
		err := db.BulkCreateIncidents(System(), bad)
		wantCode(t, err, vrs.EINVALID)
		if f := vrs.AsError(err).Fields; f["transactions[0].currency"] == "" {
			t.Errorf("fields = %v", f)
		}
		page, _ := db.ListIncidents(System(), vrs.IncidentFilter{Text: fmt.Sprintf("BULK-%05d", n)})
		if len(page.Items) != 0 {
			t.Errorf("part of an invalid chunk was stored")
		}
	})
	t.Run("ErrReferenceTaken", func(t *testing.T) {
		wantCode(t, db.BulkCreateIncidents(System(), batch(5, 1)), vrs.ECONFLICT)
	})
	t.Run("ThenTheWorkflow", func(t *testing.T) {
		// A bulk-loaded submitted incident goes on through review.
		inc := incs[1]
		if inc.AgencyID != police {
			t.Skip("not a police incident")
		}
		if _, err := db.TransitionIncident(As(w.Users["reviewer"]), inc.ID, 1, vrs.StatusValidated, ""); err != nil {
			t.Fatal(err)
		}
		if got, err := db.FindIncident(As(w.Users["reviewer"]), inc.ID); err != nil || got.Persons[0].Name != "Aung Min Thu" {
			t.Errorf("after validation: %v", err)
		}
	})
}
