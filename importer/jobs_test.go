package importer_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"vrs"
	"vrs/i18n"
	"vrs/importer"
	"vrs/storetest"
)

const jobsCSV = `reference,type,reported_on,detected_on,place.country,persons[].role,persons[].sex,persons[].age,persons[].nationalities,persons[].name
R-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,male,24,MM,Aung Min
R-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,female,19,MM,Khin Myat
R-2,irregular_migration,2025-03-05,2025-03-05,TH,migrant,male,abc,MM,Tun Tun
R-3,irregular_migration,2025-03-06,2025-03-06,TH,migrant,female,31,LA,Noy
`

func TestManagerDryRunReportCommit(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	w := storetest.NewWorld(t, db)
	ctx := storetest.As(w.Users["reporter"])
	agency := w.Agencies["th-police"].ID
	m := importer.NewManager(db, t.TempDir())
	cat := i18n.MustLoad()

	up := &vrs.ImportJob{AgencyID: agency, FileName: "people.csv", Format: "csv"}
	if err := m.Upload(ctx, up, strings.NewReader(jobsCSV)); err != nil {
		t.Fatal(err)
	}
	dry, err := m.Run(ctx, up.ID, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if dry.ID != up.ID {
		t.Errorf("the first dry run made a new job %d, not the upload's %d", dry.ID, up.ID)
	}
	m.Wait()
	st, err := m.Status(ctx, dry.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := vrs.ImportCounts{Rows: 4, Created: 2, Rejected: 1, RejectedRows: 1}
	if st.Job.Status != vrs.JobDone || st.Job.Counts != want || st.Percent != 100 {
		t.Fatalf("dry run: %s %+v %d%%, want done %+v", st.Job.Status, st.Job.Counts, st.Percent, want)
	}
	probs, total, err := m.Problems(ctx, dry.ID, 0, 10)
	if err != nil || total != 1 || probs[0].Row != 4 || probs[0].Column != "persons[].age" || probs[0].Value != "abc" {
		t.Fatalf("problems: %+v (%d), %v", probs, total, err)
	}

	// The error report is the bad row as it was, plus the reason.
	var rep bytes.Buffer
	if err := m.ErrorReport(ctx, dry.ID, "csv", cat, i18n.Fallback, &rep); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rep.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != "R-2" || recs[1][7] != "abc" || !strings.Contains(recs[1][len(recs[1])-1], "whole number") {
		t.Fatalf("error report: %q", recs)
	}
	var xl bytes.Buffer
	if err := m.ErrorReport(ctx, dry.ID, "xlsx", cat, i18n.Fallback, &xl); err != nil {
		t.Fatal(err)
	}
	x, err := importer.ReadXLSX(bytes.NewReader(xl.Bytes()), int64(xl.Len()), importer.XLSXOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if row, err := x.Next(); err != nil || row.Cells[0] != "R-2" {
		t.Fatalf("xlsx error report: %v %v", row, err)
	}

	// Nothing was written by the dry run; the commit writes the good ones.
	page, err := db.ListIncidents(ctx, vrs.IncidentFilter{Limit: 10})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("the dry run wrote %d records (%v)", len(page.Items), err)
	}
	commit, err := m.Run(ctx, dry.ID, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	m.Wait()
	st, err = m.Status(ctx, commit.ID)
	if err != nil || st.Job.Status != vrs.JobDone || st.Job.Counts.Created != 2 || st.Job.RowsTotal != 4 {
		t.Fatalf("commit: %+v, %v", st.Job, err)
	}
	if err := m.Cancel(ctx, commit.ID); vrs.ErrorCode(err) != vrs.ECONFLICT {
		t.Errorf("cancelling a finished job: %v", err)
	}
	if _, err := m.Status(storetest.As(w.Users["vn-reporter"]), commit.ID); vrs.ErrorCode(err) != vrs.ENOTFOUND {
		t.Errorf("another user's job: %v", err)
	}

	// A file over the limit is refused with its size, and nothing kept.
	big := &vrs.ImportJob{AgencyID: agency, FileName: "x.pdf", Format: "pdf"}
	if err := m.Upload(ctx, big, strings.NewReader("x")); vrs.ErrorCode(err) != vrs.EINVALID {
		t.Errorf("unknown format: %v", err)
	}
}

// TestManagerReviewCases: the error report holds every row of a rejected
// incident, not only the bad one; a JSON Lines file that gives a reference
// twice is refused on the second line and the job ends.
func TestManagerReviewCases(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	w := storetest.NewWorld(t, db)
	ctx := storetest.As(w.Users["reporter"])
	agency := w.Agencies["th-police"].ID
	m := importer.NewManager(db, t.TempDir())
	cat := i18n.MustLoad()

	bad := strings.Replace(jobsCSV, "R-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,female,19", "R-1,irregular_migration,2025-03-02,2025-03-02,TH,migrant,female,old", 1)
	up := &vrs.ImportJob{AgencyID: agency, FileName: "people.csv", Format: "csv"}
	if err := m.Upload(ctx, up, strings.NewReader(bad)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(ctx, up.ID, nil, false); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	var rep bytes.Buffer
	if err := m.ErrorReport(ctx, up.ID, "csv", cat, i18n.Fallback, &rep); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rep.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range recs[1:] {
		refs = append(refs, r[0]+"/"+r[9])
	}
	if got := strings.Join(refs, " "); got != "R-1/Aung Min R-1/Khin Myat R-2/Tun Tun" {
		t.Errorf("error report rows: %s", got)
	}

	lines := `{"reference":"J-1","type":"irregular_migration","reported_on":"2025-03-02","detected_on":"2025-03-02","place":{"country":"TH"},"persons":[{"role":"migrant"}]}
{"reference":"J-1","type":"irregular_migration","reported_on":"2025-03-03","detected_on":"2025-03-03","place":{"country":"TH"},"persons":[{"role":"migrant"}]}
`
	j := &vrs.ImportJob{AgencyID: agency, FileName: "x.jsonl", Format: "jsonl", Commit: true}
	if err := m.Upload(ctx, j, strings.NewReader(lines)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(ctx, j.ID, nil, true); err != nil {
		t.Fatal(err)
	}
	m.Wait()
	st, err := m.Status(ctx, j.ID)
	if err != nil || st.Job.Status != vrs.JobDone || st.Job.Counts.Created != 1 || st.Job.Counts.Rejected != 1 {
		t.Fatalf("JSON Lines with a repeated reference: %+v %v", st.Job, err)
	}
	probs, _, err := m.Problems(ctx, j.ID, 0, 10)
	if err != nil || len(probs) != 1 || probs[0].Row != 2 || probs[0].Message != "import.reference_repeated" {
		t.Errorf("problems: %+v %v", probs, err)
	}
}
