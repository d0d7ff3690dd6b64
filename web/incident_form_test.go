package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/internal/apptest"
	"vrs/storetest"
)

// interception is a typical border interception: two migrants, one leg.
func interception(ref string) url.Values {
	day := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	return url.Values{
		"type": {"irregular_migration"}, "reference": {ref},
		"detected_on": {day}, "reported_on": {day},
		"place.country": {"TH"}, "place.kind": {"border_crossing"}, "place.name": {"Mae Sot"},
		"persons[0].key": {"p1"}, "persons[0].role": {"migrant"}, "persons[0].sex": {"male"}, "persons[0].age": {"24"},
		"persons[0].nationalities": {"MM"}, "persons[0].name": {"Aung Ko Ko"},
		"persons[0].identifiers[0].kind": {"document_number"}, "persons[0].identifiers[0].value": {"MA123456"},
		"persons[1].key": {"p2"}, "persons[1].role": {"migrant"}, "persons[1].sex": {"female"}, "persons[1].age": {"19"},
		"persons[1].nationalities": {"MM", "TH"}, "persons[1].name": {"Mya Mya"},
		"persons[1].identifiers[0].kind": {"document_number"}, "persons[1].identifiers[0].value": {""},
		"legs[0].country": {"TH"}, "legs[0].role": {"interception"}, "legs[0].mode": {"foot"}, "legs[0].place": {"Moei river"},
	}
}

// tagWithName returns the first tag that has name="name".
func tagWithName(body, name string) string {
	i := strings.Index(body, `name="`+htmlEscape(name)+`"`)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<")
	end := strings.Index(body[i:], ">")
	return body[start : i+end+1]
}

func htmlEscape(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// fieldIDOf mirrors the form's ids: persons[0].age → f-persons-0-age.
func fieldIDOf(path string) string {
	return "f-" + strings.NewReplacer("[", "-", "]", "", ".", "-").Replace(path)
}

// wantFieldError checks an error is shown next to the input named path,
// tied to it by aria-describedby, marked aria-invalid, and linked from the
// summary.
func wantFieldError(t *testing.T, body, path, text string) {
	t.Helper()
	tag := tagWithName(body, path)
	if tag == "" {
		t.Errorf("%s: no input", path)
		return
	}
	id := fieldIDOf(path)
	if !strings.Contains(tag, `aria-invalid="true"`) {
		t.Errorf("%s: input not marked invalid: %s", path, tag)
	}
	errID := id + "-error"
	if strings.Contains(tag, `type="checkbox"`) {
		// A group of checkboxes: the fieldset is described by the error.
		if !regexp.MustCompile(`id="` + id + `"[^>]*aria-describedby="[^"]*` + errID).MatchString(body) {
			t.Errorf("%s: fieldset not described by its error", path)
		}
	} else if !regexp.MustCompile(`aria-describedby="[^"]*` + regexp.QuoteMeta(errID) + `"`).MatchString(tag) {
		t.Errorf("%s: input not described by its error: %s", path, tag)
	}
	m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(errID) + `">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Errorf("%s: no error message next to the input", path)
		return
	}
	if text != "" && !strings.Contains(m[1], htmlEscape(text)) {
		t.Errorf("%s: message %q, want %q", path, m[1], text)
	}
	if !strings.Contains(body, `href="#`+id+`"`) {
		t.Errorf("%s: the error summary does not link to the input", path)
	}
}

func TestIncidentForm(t *testing.T) {
	app := apptest.New(t, "sqlite")
	w := app.World
	rep := app.SignIn(t, "reporter")

	t.Run("NewFormDefaults", func(t *testing.T) {
		resp, body := rep.Get(t, "/incidents/new")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		today := app.Now().Format(time.DateOnly)
		if tag := tagWithName(body, "detected_on"); !strings.Contains(tag, `value="`+today+`"`) || !strings.Contains(tag, `type="date"`) {
			t.Errorf("detected on not today: %s", tag)
		}
		for _, name := range []string{"type", "reference", "persons[0].role", "persons[0].sex", "persons[0].age", "persons[0].nationalities",
			"persons[0].name", "persons[0].identifiers[0].value", "legs[0].country", "legs[0].role", "persons[0].trafficking_status"} {
			if tagWithName(body, name) == "" {
				t.Errorf("no input %s", name)
			}
		}
		if !strings.Contains(body, `<select id="f-type" name="type" required autofocus>`) {
			t.Error("the type is not the first field focused")
		}
		if !regexp.MustCompile(`name="place.country" required><option value="">Choose…</option><optgroup label="Member countries">(<option[^>]*>[^<]*</option>)*<option value="TH" selected>`).MatchString(body) {
			t.Error("the place does not default to the user's country among the member countries")
		}
		nat := body[strings.Index(body, `name="persons[0].nationalities"`):]
		if m, o := strings.Index(nat, `label="Member countries"`), strings.Index(nat, `label="Other countries"`); m < 0 || o < m || strings.Index(nat, `value="MM"`) > o {
			t.Error("nationality does not offer the member countries first")
		}
		if !strings.Contains(body, "More about this person") || !strings.Contains(body, `<details class="more">`) {
			t.Error("no closed More about this person")
		}
		if !regexp.MustCompile(`<script src="/static/htmx\.min\.[0-9a-f]{8}\.js" defer></script>`).MatchString(body) {
			t.Error("htmx not loaded from a hashed URL")
		}
		if !strings.Contains(body, `hx-get="/incidents/form/row?section=persons&amp;index=1&amp;key=p2"`) {
			t.Error("the add-person button does not fetch the next row")
		}
		if !strings.Contains(tagWithName(body, "legs[0].country")+body[strings.Index(body, `name="legs[0].country"`):][:200], `<option value="">Choose…</option><optgroup`) {
			t.Error("a country select has no empty choice")
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, " onclick=") {
			t.Error("inline script or style")
		}
	})

	t.Run("AnalystCannotCreate", func(t *testing.T) {
		an := app.SignIn(t, "analyst")
		resp, body := an.Get(t, "/incidents/new")
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "reporter role") {
			t.Errorf("GET: status %d", resp.StatusCode)
		}
		resp, _ = an.Post(t, "/incidents", interception("AN-1"))
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST: status %d", resp.StatusCode)
		}
		resp, _ = an.Get(t, "/incidents/form/row?section=persons&index=1")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("row: status %d", resp.StatusCode)
		}
	})

	var created int64
	t.Run("CreateOK", func(t *testing.T) {
		rep.Get(t, "/incidents/new")
		resp, body := rep.Post(t, "/incidents", interception("TH-2025-001"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d: %s", resp.StatusCode, summaryOf(body))
		}
		loc := resp.Header.Get("Location")
		if _, err := fmt.Sscanf(loc, "/incidents/%d?flash=incident_form_created", &created); err != nil {
			t.Fatalf("redirect to %q", loc)
		}
		inc, err := app.DB.FindIncident(storetest.As(w.Users["reporter"]), created)
		if err != nil {
			t.Fatal(err)
		}
		if len(inc.Persons) != 2 || len(inc.Legs) != 1 || inc.Persons[0].Name != "Aung Ko Ko" || inc.Persons[0].Identifiers[0].Value != "MA123456" ||
			len(inc.Persons[1].Identifiers) != 0 || strings.Join(inc.Persons[1].Nationalities, ",") != "MM,TH" || *inc.Persons[0].Age != 24 {
			t.Errorf("stored %+v", inc)
		}
		if inc.AgencyID != w.Agencies["th-police"].ID || inc.Status != vrs.StatusDraft {
			t.Errorf("agency %d status %s", inc.AgencyID, inc.Status)
		}
	})

	t.Run("FieldErrorsNextToInputs", func(t *testing.T) {
		f := interception("TH-2025-002")
		f.Set("reference", "")
		f.Set("detected_on", "2999-01-01")
		f.Set("place.lat", "north")
		f.Set("place.lon", "100.5")
		f.Set("persons[0].age", "abc")
		f.Set("persons[0].nationalities", "XX")
		// The second person was posted with index 3 (a row removed in
		// the browser): it is now person 1, and so are its errors.
		for k, v := range f {
			if strings.HasPrefix(k, "persons[1]") {
				delete(f, k)
				f[strings.Replace(k, "persons[1]", "persons[3]", 1)] = v
			}
		}
		f.Set("persons[3].sex", "robot")
		f.Set("persons[3].identifiers[1].kind", "phone")
		f.Set("persons[3].identifiers[1].value", strings.Repeat("9", 300))
		f.Set("persons[3].exploitation", "sightseeing")
		f.Set("legs[1].country", "ZZ")
		f.Set("legs[1].role", "destination")
		f.Set("transactions[0].amount", "12abc")
		f.Set("transactions[0].currency", "THB")
		f.Set("transactions[0].method", "cash")
		f.Set("counts[2].role", "migrant")
		f.Set("counts[2].count", "x")
		f.Set("bogus", "1")
		resp, body := rep.Post(t, "/incidents", f)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for path, text := range map[string]string{
			"reference":                       "required",
			"detected_on":                     "future",
			"place.lat":                       "number",
			"persons[0].age":                  "whole number",
			"persons[0].nationalities":        "country",
			"persons[1].sex":                  "",
			"persons[1].identifiers[0].value": "too long",
			"persons[1].exploitation":         "exploitation",
			"legs[1].country":                 "country",
			"transactions[0].amount":          "number",
			"counts[0].count":                 "whole number",
		} {
			wantFieldError(t, body, path, text)
		}
		// What the user typed stays, even what did not parse.
		if !strings.Contains(tagWithName(body, "persons[0].age"), `value="abc"`) || !strings.Contains(tagWithName(body, "persons[1].name"), `value="Mya Mya"`) {
			t.Error("the input is not kept")
		}
		if !strings.Contains(body, "<code>bogus</code>") {
			t.Error("the unknown field is not reported")
		}
		if !strings.Contains(body, `class="alert error-summary" role="alert"`) {
			t.Error("no error summary")
		}
	})

	t.Run("StoreErrorsNextToInputs", func(t *testing.T) {
		f := interception("TH-2025-001") // taken by CreateOK
		f.Set("legs[1].country", "MY")
		f.Set("legs[1].role", "interception") // a second interception
		f.Set("documents[0].type", "passport")
		f.Set("documents[0].holder", "p9")
		resp, body := rep.Post(t, "/incidents", f)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", resp.StatusCode)
		}
		wantFieldError(t, body, "legs[1].role", "one interception")
		wantFieldError(t, body, "documents[0].holder", "")
		f.Del("legs[1].country")
		f.Del("legs[1].role")
		f.Del("documents[0].type")
		f.Del("documents[0].holder")
		resp, body = rep.Post(t, "/incidents", f)
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("status %d", resp.StatusCode)
		}
		wantFieldError(t, body, "reference", "Already used")
	})

	t.Run("SectionErrorOnSection", func(t *testing.T) {
		f := interception("TH-2025-003")
		for k := range f {
			if strings.HasPrefix(k, "persons[") {
				delete(f, k)
			}
		}
		_, body := rep.Post(t, "/incidents", f)
		if !strings.Contains(body, `<p class="field-error" id="section-persons-error">`) || !strings.Contains(body, `href="#section-persons"`) {
			t.Error("an error about the persons as a whole is not on the section")
		}
	})

	t.Run("StrictParser", func(t *testing.T) {
		f := interception("TH-2025-004")
		f.Set(fmt.Sprintf("persons[%d].role", vrs.MaxPersons), "migrant")
		f["reference"] = []string{"A", "B"}
		resp, body := rep.Post(t, "/incidents", f)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if !strings.Contains(body, `id="section-persons-error">Too many rows`) {
			t.Error("an index out of range is not refused")
		}
		wantFieldError(t, body, "reference", "more than once")
	})

	t.Run("AddRowWithoutScript", func(t *testing.T) {
		f := interception("TH-2025-005")
		f.Set("op", "add:persons")
		resp, body := rep.Post(t, "/incidents", f)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if !strings.Contains(tagWithName(body, "persons[2].role"), "autofocus") || tagWithName(body, "persons[2].key") == "" {
			t.Error("no new, focused third person")
		}
		if !strings.Contains(tagWithName(body, "persons[2].key"), `value="p3"`) {
			t.Errorf("new person key: %s", tagWithName(body, "persons[2].key"))
		}
		if !strings.Contains(tagWithName(body, "persons[1].name"), `value="Mya Mya"`) || strings.Contains(body, "error-summary") {
			t.Error("input lost or errors shown on an add")
		}
		f.Set("op", "add:persons[1].identifiers")
		_, body = rep.Post(t, "/incidents", f)
		if tagWithName(body, "persons[1].identifiers[1].value") == "" {
			t.Error("no identifier added")
		}
		f.Set("op", "add:legs")
		_, body = rep.Post(t, "/incidents", f)
		if !strings.Contains(tagWithName(body, "legs[1].country"), "autofocus") {
			t.Error("no leg added")
		}
		if n := countIncidents(t, app, "reporter"); n != 1 {
			t.Errorf("an add saved something: %d incidents", n)
		}
	})

	t.Run("RemoveRowWithoutScript", func(t *testing.T) {
		f := interception("TH-2025-006")
		f.Set("op", "remove:persons:0")
		resp, body := rep.Post(t, "/incidents", f)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if !strings.Contains(tagWithName(body, "persons[0].name"), `value="Mya Mya"`) || tagWithName(body, "persons[1].name") != "" {
			t.Error("the first person is not removed")
		}
		if !strings.Contains(tagWithName(body, "persons[0].key"), `value="p2"`) {
			t.Error("the remaining person lost their key")
		}
		f.Set("op", "remove:legs:0")
		_, body = rep.Post(t, "/incidents", f)
		if tagWithName(body, "legs[0].country") != "" {
			t.Error("the leg is not removed")
		}
		f.Set("op", "remove:persons:x")
		resp, _ = rep.Post(t, "/incidents", f)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a bad op: status %d", resp.StatusCode)
		}
	})

	t.Run("RowFragment", func(t *testing.T) {
		resp, body := rep.Get(t, "/incidents/form/row?section=persons&index=2&key=p3")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if strings.Contains(body, "<html") || !strings.Contains(tagWithName(body, "persons[2].key"), `value="p3"`) ||
			!strings.Contains(tagWithName(body, "persons[2].role"), "autofocus") {
			t.Errorf("fragment: %.300s", body)
		}
		if !strings.Contains(body, `id="add-persons"`) || !strings.Contains(body, `hx-swap-oob="true"`) ||
			!strings.Contains(body, `index=3&amp;key=p4`) {
			t.Error("the add button is not replaced with the next index")
		}
		_, body = rep.Get(t, "/incidents/form/row?section=identifiers&person=1&index=2")
		if tagWithName(body, "persons[1].identifiers[2].value") == "" || !strings.Contains(body, `id="f-persons-1-add-identifier"`) {
			t.Errorf("identifier fragment: %.300s", body)
		}
		_, body = rep.Get(t, "/incidents/form/row?section=transactions&index=0")
		if !strings.Contains(tagWithName(body, "transactions[0].payer"), `data-refs="party"`) {
			t.Error("payer select not refreshed by the script")
		}
		for _, q := range []string{"section=nope&index=0", "section=persons&index=-1", fmt.Sprintf("section=persons&index=%d", vrs.MaxPersons), "section=identifiers&person=x&index=0"} {
			if resp, _ := rep.Get(t, "/incidents/form/row?"+q); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d", q, resp.StatusCode)
			}
		}
	})

	t.Run("EditAndUpdate", func(t *testing.T) {
		resp, body := rep.Get(t, fmt.Sprintf("/incidents/%d/edit", created))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if !strings.Contains(tagWithName(body, "persons[0].name"), `value="Aung Ko Ko"`) || !strings.Contains(body, `name="version" value="1"`) {
			t.Error("the form does not show the incident")
		}
		f := interception("TH-2025-001")
		f.Set("version", "1")
		f.Set("persons[0].name", "Aung Ko Ko Lwin")
		resp, _ = rep.Post(t, fmt.Sprintf("/incidents/%d", created), f)
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "flash=incident_form_saved") {
			t.Fatalf("status %d", resp.StatusCode)
		}
		inc, _ := app.DB.FindIncident(storetest.As(w.Users["reporter"]), created)
		if inc.Version != 2 || inc.Persons[0].Name != "Aung Ko Ko Lwin" {
			t.Errorf("version %d, name %q", inc.Version, inc.Persons[0].Name)
		}
	})

	t.Run("StaleEditKeepsInput", func(t *testing.T) {
		f := interception("TH-2025-001")
		f.Set("version", "1") // the current version is 2
		f.Set("narrative", "my own words")
		resp, body := rep.Post(t, fmt.Sprintf("/incidents/%d", created), f)
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if !strings.Contains(body, "has changed since you opened it") || !strings.Contains(body, fmt.Sprintf(`href="/incidents/%d/edit"`, created)) {
			t.Error("no conflict message with a link to reload")
		}
		if !strings.Contains(body, ">my own words</textarea>") || !strings.Contains(body, `name="version" value="1"`) {
			t.Error("the user's input is lost")
		}
	})

	t.Run("EditCannotMoveAgency", func(t *testing.T) {
		// The edit form does not offer the agency; one posted anyway is
		// refused unless it is the incident's own, never silently dropped.
		if _, body := rep.Get(t, fmt.Sprintf("/incidents/%d/edit", created)); tagWithName(body, "agency_id") != "" {
			t.Error("the edit form offers the agency")
		}
		f := interception("TH-2025-001")
		f.Set("version", "2")
		f.Set("narrative", "moved")
		f.Set("agency_id", fmt.Sprint(w.Agencies["th-immigration"].ID))
		resp, body := rep.Post(t, fmt.Sprintf("/incidents/%d", created), f)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "An incident stays with the agency that recorded it") {
			t.Fatalf("status %d\n%s", resp.StatusCode, excerpt(body))
		}
		inc, _ := app.DB.FindIncident(storetest.As(w.Users["reporter"]), created)
		if inc.Version != 2 || inc.AgencyID != w.Agencies["th-police"].ID || inc.Narrative == "moved" {
			t.Errorf("after a refused move: v%d agency %d", inc.Version, inc.AgencyID)
		}
		f.Set("agency_id", fmt.Sprint(w.Agencies["th-police"].ID))
		if resp, _ := rep.Post(t, fmt.Sprintf("/incidents/%d", created), f); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("its own agency: status %d", resp.StatusCode)
		}
	})

	t.Run("OtherAgencyCannotEdit", func(t *testing.T) {
		vn := app.SignIn(t, "vn-reporter")
		resp, _ := vn.Get(t, fmt.Sprintf("/incidents/%d/edit", created))
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET: status %d", resp.StatusCode)
		}
		f := interception("X")
		f.Set("version", "3")
		resp, _ = vn.Post(t, fmt.Sprintf("/incidents/%d", created), f)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST: status %d", resp.StatusCode)
		}
		rev := app.SignIn(t, "reviewer")
		if resp, _ := rev.Get(t, fmt.Sprintf("/incidents/%d/edit", created)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a reviewer: status %d", resp.StatusCode)
		}
	})
}

// countIncidents counts the incidents the user sees.
func countIncidents(t *testing.T, app *apptest.App, user string) int {
	t.Helper()
	page, err := app.DB.ListIncidents(storetest.As(app.World.Users[user]), vrs.IncidentFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Items)
}

func summaryOf(body string) string {
	if i := strings.Index(body, "error-summary"); i >= 0 {
		return body[i:min(len(body), i+2000)]
	}
	return ""
}
