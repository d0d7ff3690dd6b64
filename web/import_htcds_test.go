package web_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"vrs"
	"vrs/htcds"
	"vrs/storetest"
)

// TestImportHTCDSUpload: a file in HTCDS 2.0's names goes straight to a
// dry run with the HTCDS mapping, not to the mapping page.
func TestImportHTCDSUpload(t *testing.T) {
	app := importApp(t, storetest.Dialects()[0])
	c := app.SignIn(t, "reporter")
	agency := app.World.Agencies["th-police"].ID
	age := 17
	var file bytes.Buffer
	w, err := htcds.NewCSV(&file)
	if err != nil {
		t.Fatal(err)
	}
	inc := &vrs.Incident{AgencyID: agency, Reference: "TIP-7", Type: vrs.TypeTrafficking, DetectedOn: "2025-05-02", ReportedOn: "2025-05-03",
		Place: vrs.Place{Country: "TH"},
		Persons: []vrs.Person{{Key: "p1", Role: "victim", Sex: "female", Age: &age, Nationalities: []string{"LA"},
			TraffickingStatus: "possible_victim", Exploitation: []string{"forced_labour"}}}}
	if err := w.Write(inc); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	resp, body := upload(t, c, "/imports", [][2]string{{"agency_id", strconv.FormatInt(agency, 10)}, {"record_status", "draft"}},
		"file", "cases.csv", file.String())
	if resp.StatusCode != http.StatusSeeOther || !jobPathRE.MatchString(resp.Header.Get("Location")) {
		t.Fatalf("upload: %d to %q %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	page := waitJob(t, c, resp.Header.Get("Location"))
	if !strings.Contains(page, "Would create: 1 incidents") || !strings.Contains(page, "Rejected: 0 incidents") {
		t.Fatalf("dry run of an HTCDS file:\n%.3000s", page)
	}
}
