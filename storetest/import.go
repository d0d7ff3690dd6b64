package storetest

import (
	"testing"

	"vrs"
	"vrs/store"
)

// importItems wraps incidents as one file's items, one row each.
func importItems(incs ...*vrs.Incident) []*vrs.ImportItem {
	out := make([]*vrs.ImportItem, len(incs))
	for i, inc := range incs {
		out[i] = &vrs.ImportItem{Rows: []int{i + 2}, Incident: inc}
	}
	return out
}

func actions(items []*vrs.ImportItem) []vrs.ImportAction {
	out := make([]vrs.ImportAction, len(items))
	for i, it := range items {
		out[i] = it.Action
	}
	return out
}

func testImport(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	rep := w.Users["reporter"]
	ctx := As(rep)
	agency := w.Agencies["th-police"].ID
	file := func() []*vrs.Incident {
		bad := Interception(agency, "IMP-BAD")
		bad.DetectedOn = "2999-01-01"
		return []*vrs.Incident{Interception(agency, "IMP-1"), Interception(agency, "IMP-2"), bad}
	}
	newJob := func() *vrs.ImportJob {
		j := &vrs.ImportJob{AgencyID: agency, FileName: "f.csv", Format: "csv", Commit: true}
		if err := db.CreateImportJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		j.Status = vrs.JobRunning
		if err := db.UpdateImportJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		return j
	}

	// A dry run on an empty agency: two creations and one rejection with
	// the field that is wrong; nothing is written.
	items := importItems(file()...)
	if err := db.PlanImport(ctx, agency, items); err != nil {
		t.Fatal(err)
	}
	if got := actions(items); got[0] != vrs.ImportCreate || got[1] != vrs.ImportCreate || got[2] != vrs.ImportReject {
		t.Fatalf("dry run: %v", got)
	}
	if e := vrs.AsError(items[2].Err); e.Fields["detected_on"] == "" {
		t.Errorf("rejection names no detected_on: %v", items[2].Err)
	}
	page, err := db.ListIncidents(ctx, vrs.IncidentFilter{Limit: 10})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("a dry run wrote: %v %v", page, err)
	}

	// Committing writes the valid ones and the job's progress with them.
	job := newJob()
	items = importItems(file()...)
	if err := db.CommitImport(ctx, job, items, 3); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindImportJob(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := vrs.ImportCounts{Rows: 3, Created: 2, Rejected: 1, RejectedRows: 1}
	if got.Counts != want || got.RowsDone != 3 {
		t.Errorf("job after commit: %+v, want %+v", got.Counts, want)
	}
	if items[0].ID == 0 || items[1].ID == 0 {
		t.Errorf("created items have no id: %d %d", items[0].ID, items[1].ID)
	}
	first, err := db.FindIncident(ctx, items[0].ID)
	if err != nil || first.Version != 1 || first.Status != vrs.StatusDraft || first.Persons[0].Name != "Aung Min Thu" {
		t.Fatalf("imported record: %+v %v", first, err)
	}

	// The same file again changes nothing, also for records written before
	// content digests existed (their digest is worked out from them).
	if _, err := db.SQL().Exec(`UPDATE incidents SET content_digest = NULL`); err != nil {
		t.Fatal(err)
	}
	job2 := newJob()
	items = importItems(file()...)
	if err := db.CommitImport(ctx, job2, items, 3); err != nil {
		t.Fatal(err)
	}
	if got := actions(items); got[0] != vrs.ImportUnchanged || got[1] != vrs.ImportUnchanged {
		t.Fatalf("second import: %v", got)
	}
	again, err := db.FindIncident(ctx, first.ID)
	if err != nil || again.Version != 1 || !again.UpdatedAt.Equal(first.UpdatedAt) {
		t.Fatalf("an unchanged row touched the record: version %d, %v", again.Version, err)
	}

	// A changed row becomes a new version; a record in review is refused.
	changed := file()
	changed[0].Persons[1].Name = "Khin Myat Noe"
	if _, err := db.TransitionIncident(ctx, items[1].ID, 1, vrs.StatusSubmitted, ""); err != nil {
		t.Fatal(err)
	}
	changed[1].Narrative = "Corrected."
	items = importItems(changed...)
	job3 := newJob()
	if err := db.CommitImport(ctx, job3, items, 3); err != nil {
		t.Fatal(err)
	}
	if got := actions(items); got[0] != vrs.ImportUpdate || got[1] != vrs.ImportReject {
		t.Fatalf("changed file: %v", got)
	}
	upd, err := db.FindIncident(ctx, first.ID)
	if err != nil || upd.Version != 2 || upd.Persons[1].Name != "Khin Myat Noe" {
		t.Fatalf("updated record: %+v %v", upd, err)
	}
	hist, err := db.IncidentHistory(ctx, first.ID)
	if err != nil || len(hist) != 2 {
		t.Fatalf("history after an import update: %d versions, %v", len(hist), err)
	}

	// A cancelled job writes no further chunk.
	job4 := newJob()
	job4.Status = vrs.JobCancelled
	if err := db.UpdateImportJob(ctx, job4); err != nil {
		t.Fatal(err)
	}
	job4.Status = vrs.JobRunning
	more := Interception(agency, "IMP-3")
	if err := db.CommitImport(ctx, job4, importItems(more), 1); vrs.ErrorCode(err) != vrs.ECONFLICT {
		t.Fatalf("commit into a cancelled job: %v", err)
	}
	if err := db.UpdateImportJob(ctx, job4); vrs.ErrorCode(err) != vrs.ECONFLICT {
		t.Fatalf("a finished job changed again: %v", err)
	}
	page, err = db.ListIncidents(ctx, vrs.IncidentFilter{Limit: 10})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("after a cancelled chunk: %d records, %v", len(page.Items), err)
	}

	// Who may import where, and follow which job.
	for _, tc := range []struct {
		name   string
		user   *vrs.User
		agency int64
		status vrs.IncidentStatus
		code   string
	}{
		{"analyst", w.Users["analyst"], agency, "", vrs.EFORBIDDEN},
		{"another country's agency", rep, w.Agencies["vn-police"].ID, "", vrs.EFORBIDDEN},
		{"validated by a user", rep, agency, vrs.StatusValidated, vrs.EFORBIDDEN},
		{"unknown status", rep, agency, "archived", vrs.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := &vrs.ImportJob{AgencyID: tc.agency, FileName: "x.csv", Format: "csv", RecordStatus: tc.status}
			if err := db.CreateImportJob(As(tc.user), j); vrs.ErrorCode(err) != tc.code {
				t.Errorf("create job: %v, want %s", err, tc.code)
			}
		})
	}
	if _, err := db.FindImportJob(As(w.Users["vn-reporter"]), job.ID); vrs.ErrorCode(err) != vrs.ENOTFOUND {
		t.Errorf("another user's job: %v", err)
	}
	jobs, err := db.ListImportJobs(ctx, 10)
	if err != nil || len(jobs) != 4 || jobs[0].ID != job4.ID || len(jobs[0].FileKey) != 32 {
		t.Errorf("list jobs: %d, %v", len(jobs), err)
	}
	if n, err := db.InterruptImportJobs(System()); err != nil || n != 3 {
		t.Errorf("interrupted %d jobs, %v; want the 3 left running", n, err)
	}
}
