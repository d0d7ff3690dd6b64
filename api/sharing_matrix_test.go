package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vrs"
	"vrs/access"
	"vrs/storetest"
)

// TestSharingMatrix calls every endpoint as every user of a world of three
// countries (sharingWorld) and holds each answer to the reference rule,
// access.ReadIncident: a record the caller may not see never shows, not
// in a body, a list, a count, a header or an error message, and answers
// 404 byte for byte like an id that does not exist; a pseudonymised
// record never shows a name, alias, identifier, document number, account
// or exact coordinate of the original; agreements of other countries
// answer 404 like missing ones.
func TestSharingMatrix(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			w := newSharingWorld(t, dialect)
			sh := w.sharing(t)
			w.checkWorld(t, sh)
			for _, caller := range sharingCallers {
				t.Run(caller, func(t *testing.T) {
					v := w.view(t, sh, caller)
					t.Run("Records", func(t *testing.T) { w.checkRecords(t, caller, v) })
					t.Run("Lists", func(t *testing.T) { w.checkLists(t, caller, v) })
					t.Run("Search", func(t *testing.T) { w.checkSearch(t, caller, v) })
					t.Run("RecordWrites", func(t *testing.T) { w.checkRecordWrites(t, caller, v) })
					t.Run("Agreements", func(t *testing.T) { w.checkAgreements(t, caller, v) })
					t.Run("Groups", func(t *testing.T) { w.checkGroups(t, caller, v) })
					t.Run("Others", func(t *testing.T) { w.checkOthers(t, caller, v) })
				})
			}
			t.Run("RecordViews", func(t *testing.T) { w.checkRecordViews(t) })
			t.Run("Coverage", func(t *testing.T) { w.checkCoverage(t) })
		})
	}
}

// checkWorld makes sure the world exercises what the matrix is for:
// another country's records in full, pseudonymised and hidden, through a
// country, a group agency and the community.
func (w *sharingWorld) checkWorld(t *testing.T, sh *access.Sharing) {
	t.Helper()
	for _, c := range []struct {
		caller, record string
		want           vrs.Granularity
	}{
		{"vn-analyst", "th-community", vrs.GranFull},
		{"vn-analyst", "th-partners-vn", vrs.GranFull},
		{"vn-analyst", "th-trafficking", vrs.GranPseudonymised},
		{"vn-analyst", "th-group", vrs.GranNone},
		{"vn-analyst", "th-statistics", vrs.GranAggregate},
		{"vn-analyst", "th-fraud", vrs.GranNone},
		{"vn-border-analyst", "th-group", vrs.GranFull},
		{"analyst", "vn-community", vrs.GranFull},
		{"la-analyst", "th-partners-la", vrs.GranNone},
		{"la-analyst", "th-group", vrs.GranNone},
		{"regional_analyst", "la-community", vrs.GranPseudonymised},
		{"analyst", "th-agency", vrs.GranNone},
		{"analyst", "th-country", vrs.GranFull},
		{"reporter", "th-draft", vrs.GranFull},
		{"analyst", "th-draft", vrs.GranNone},
	} {
		if g := access.ReadIncident(w.users[c.caller], sh, access.RefOf(w.records[c.record].inc)); g != c.want {
			t.Fatalf("world: %s sees %s at %s, want %s", c.caller, c.record, g, c.want)
		}
	}
}

// call sends req as the caller, checks an error's shape and that no
// canary the caller may not see is anywhere in the answer.
func (w *sharingWorld) call(t *testing.T, caller string, v view, req request, purpose bool) response {
	t.Helper()
	req.token = w.e.tokens[caller]
	if purpose {
		if req.header == nil {
			req.header = map[string]string{}
		}
		req.header["VRS-Purpose"] = "investigation: matrix " + caller
	}
	w.hit[req.method+" "+req.path] = true
	resp := w.e.do(t, req)
	if resp.status >= 400 {
		errorBody(t, resp)
	}
	var head strings.Builder
	for k, vs := range resp.header {
		fmt.Fprintf(&head, "%s: %s\n", k, strings.Join(vs, ", "))
	}
	var leaks []string
	for canary, key := range v.forbidden(w, purpose) {
		if bytes.Contains(resp.body, []byte(canary)) || strings.Contains(head.String(), canary) {
			leaks = append(leaks, fmt.Sprintf("%q of %s (%s)", canary, key, v.gran[key]))
		}
	}
	if len(leaks) > 0 {
		slices.Sort(leaks)
		t.Errorf("%s %s as %s (purpose %v) reveals %s: %d %.300s", req.method, req.path, caller, purpose, strings.Join(leaks, ", "), resp.status, resp.body)
	}
	return resp
}

// missing sends req again with the id of the record or agreement replaced
// by one that does not exist, and fails unless the answers are identical.
func (w *sharingWorld) missing(t *testing.T, caller string, req request, id int64, resp response) {
	t.Helper()
	req.token = w.e.tokens[caller]
	req.path = strings.Replace(req.path, "/"+strconv.FormatInt(id, 10), "/987654321", 1)
	twin := w.e.do(t, req)
	if twin.status != resp.status || !bytes.Equal(twin.body, resp.body) {
		t.Errorf("%s %s as %s: hidden answers differently from missing:\n%d %s\n%d %s", req.method, req.path, caller, resp.status, resp.body, twin.status, twin.body)
	}
}

func wantStatus(t *testing.T, caller string, req request, resp response, want int) bool {
	t.Helper()
	if caller == "anonymous" && isWrite(req.method) && resp.status == http.StatusForbidden {
		want = http.StatusForbidden // no CSRF token, refused before the API
	}
	if resp.status != want {
		t.Errorf("%s %s as %s: %d, want %d: %s", req.method, req.path, caller, resp.status, want, resp.body)
		return false
	}
	return true
}

// refused is the status of a call the caller may not make: 401 without
// credentials, 404 when the object is hidden, else the given one.
func refused(v view, hidden bool, status int) int {
	switch {
	case v.u == nil:
		return http.StatusUnauthorized
	case hidden:
		return http.StatusNotFound
	}
	return status
}

func (w *sharingWorld) checkRecords(t *testing.T, caller string, v view) {
	for _, key := range w.keys {
		rec := w.records[key]
		for _, purpose := range []bool{false, true} {
			g := v.shown(w, key, purpose)
			for _, suffix := range []string{"", "/history?full=true"} {
				req := request{method: "GET", path: fmt.Sprintf("/api/v1/incidents/%d%s", rec.inc.ID, suffix)}
				resp := w.call(t, caller, v, req, purpose)
				if g < vrs.GranPseudonymised {
					if wantStatus(t, caller, req, resp, refused(v, true, 0)) && v.u != nil {
						w.missing(t, caller, request{method: req.method, path: req.path, header: req.header}, rec.inc.ID, resp)
					}
					continue
				}
				if !wantStatus(t, caller, req, resp, http.StatusOK) {
					continue
				}
				var incs []*vrs.Incident
				if suffix == "" {
					incs = append(incs, incidentOf(t, resp))
					if et := resp.header.Get("ETag"); (g == vrs.GranPseudonymised) != strings.HasSuffix(et, `-pseudonymised"`) {
						t.Errorf("%s as %s at %s: ETag %s", key, caller, g, et)
					}
				} else {
					var page struct {
						Items []struct{ Incident *vrs.Incident }
					}
					if err := json.Unmarshal(resp.body, &page); err != nil || len(page.Items) == 0 {
						t.Fatalf("history of %s: %v %s", key, err, resp.body)
					}
					for _, it := range page.Items {
						incs = append(incs, it.Incident)
					}
				}
				for _, inc := range incs {
					if inc.Granularity != g || inc.PurposeRequired != (v.gran[key] == vrs.GranFull && g < vrs.GranFull) {
						t.Errorf("%s%s as %s (purpose %v): granularity %s purpose_required %v, want %s", key, suffix, caller, purpose, inc.Granularity, inc.PurposeRequired, g)
					}
				}
			}
		}
	}
}

// summaries reads a list answer: the records by key, each with the
// granularity the list gives it, and the cursor of the next page.
func (w *sharingWorld) summaries(t *testing.T, resp response) (map[string]vrs.Granularity, string) {
	t.Helper()
	var page struct {
		Items []vrs.IncidentSummary
		Count int
		Next  string
	}
	if err := json.Unmarshal(resp.body, &page); err != nil {
		t.Fatalf("not a page: %v %s", err, resp.body)
	}
	if page.Count != len(page.Items) {
		t.Errorf("count %d for %d items", page.Count, len(page.Items))
	}
	byID := map[int64]string{}
	for key, r := range w.records {
		byID[r.inc.ID] = key
	}
	out := map[string]vrs.Granularity{}
	for _, s := range page.Items {
		key, ok := byID[s.ID]
		if !ok {
			continue // made by the matrix itself
		}
		if _, dup := out[key]; dup {
			t.Errorf("%s listed twice", key)
		}
		out[key] = s.Granularity
	}
	return out, page.Next
}

// wantListed fails unless the list holds exactly the records keep accepts
// among those the caller sees, each at the rule's granularity.
func (w *sharingWorld) wantListed(t *testing.T, what string, v view, got map[string]vrs.Granularity, keep func(key string) bool) {
	t.Helper()
	var want []string
	for _, key := range v.visible(w) {
		if keep(key) {
			want = append(want, key)
		}
	}
	keys := make([]string, 0, len(got))
	for key, g := range got {
		keys = append(keys, key)
		if g != v.gran[key] {
			t.Errorf("%s: %s listed at %s, want %s", what, key, g, v.gran[key])
		}
	}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Errorf("%s: listed %v, want %v", what, keys, want)
	}
}

func (w *sharingWorld) checkLists(t *testing.T, caller string, v view) {
	all := func(string) bool { return true }
	for _, c := range []struct {
		name, query string
		keep        func(key string) bool
	}{
		{"All", "limit=200", all},
		{"Thai", "limit=200&country=TH", func(key string) bool { return w.records[key].inc.Country == "TH" }},
		{"Trafficking", "limit=200&type=trafficking_in_persons", func(key string) bool { return w.records[key].inc.Type == vrs.TypeTrafficking }},
		{"Validated", "limit=200&status=validated&sort=reference", func(key string) bool { return w.records[key].inc.Status == vrs.StatusValidated }},
	} {
		req := request{method: "GET", path: "/api/v1/incidents?" + c.query}
		resp := w.call(t, caller, v, req, false)
		if !wantStatus(t, caller, req, resp, refused(v, false, http.StatusOK)) || v.u == nil {
			continue
		}
		got, _ := w.summaries(t, resp)
		w.wantListed(t, c.name, v, got, c.keep)
	}
	if v.u == nil {
		return
	}
	// Page by page, two at a time, through the Link header: the same
	// records, each once, and nothing of the others in any cursor.
	got := map[string]vrs.Granularity{}
	path := "/api/v1/incidents?limit=2"
	for pages := 0; path != ""; pages++ {
		if pages > 20 {
			t.Fatal("more pages than records")
		}
		resp := w.call(t, caller, v, request{method: "GET", path: path}, false)
		if resp.status != http.StatusOK {
			t.Fatalf("page %s: %d %s", path, resp.status, resp.body)
		}
		page, next := w.summaries(t, resp)
		for k, g := range page {
			if _, dup := got[k]; dup {
				t.Errorf("%s on two pages", k)
			}
			got[k] = g
		}
		path = ""
		if link := resp.header.Get("Link"); link != "" {
			path = strings.TrimPrefix(link[:strings.Index(link, ">")], "<")
		}
		if (next == "") != (path == "") {
			t.Errorf("next %q but Link %q", next, link(resp))
		}
	}
	w.wantListed(t, "Pages", v, got, func(string) bool { return true })
}

func link(r response) string { return r.header.Get("Link") }

// checkSearch searches for each record's personal values and narrative
// words, without and with a stated purpose: a record the caller may not
// see is never found; one it reads in full is found, another country's
// only with a purpose (a hit tells what the record holds). A
// pseudonymised record is never found by what it hides (finding it by a
// name tells the name): see hiddenFinds.
func (w *sharingWorld) checkSearch(t *testing.T, caller string, v view) {
	var hiddenFinds []string
	for _, key := range w.keys {
		foreign := v.u != nil && access.Foreign(v.u, access.RefOf(w.records[key].inc))
		search := func(what string, req request, purpose bool) {
			readable := v.gran[key] == vrs.GranFull && (purpose || !foreign)
			resp := w.call(t, caller, v, req, purpose)
			if !wantStatus(t, caller, req, resp, refused(v, false, http.StatusOK)) || v.u == nil {
				return
			}
			got, _ := w.summaries(t, resp)
			_, found := got[key]
			delete(got, key)
			w.wantListed(t, what, v, got, func(string) bool { return false })
			switch {
			case readable && !found:
				t.Errorf("%s as %s (purpose %v): %s not found", what, caller, purpose, key)
			case found && v.gran[key] < vrs.GranPseudonymised:
				t.Errorf("%s as %s: hidden %s found", what, caller, key)
			case found && !readable:
				hiddenFinds = append(hiddenFinds, fmt.Sprintf("%s (purpose %v) finds %s %s", what, purpose, v.gran[key], key))
			}
		}
		for _, purpose := range []bool{false, true} {
			for _, c := range []struct{ kind, value string }{
				{"name", "Name " + key}, {"name", "Alias " + key}, {"document_number", "Passport " + key},
			} {
				search("search "+c.value, request{method: "POST", path: "/api/v1/incidents/search",
					body: toJSON(t, map[string]any{"identifier_kind": c.kind, "identifier": c.value, "limit": 200})}, purpose)
			}
			word := "Narrative+" + strings.ReplaceAll(key, "-", "+")
			// Words find only records read in full, even where the narrative is shared.
			search("q="+word, request{method: "GET", path: "/api/v1/incidents?limit=200&q=" + word}, purpose)
		}
	}
	t.Run("NotByWhatItHides", func(t *testing.T) {
		if len(hiddenFinds) > 0 {
			t.Errorf("pseudonymised records found by what they hide: %s", strings.Join(hiddenFinds, "; "))
		}
	})
}

// checkRecordWrites changes records the caller does not work on: hidden
// ones answer 404 like missing ones, visible ones 403, and nothing
// changes. (TestIncidentMatrix covers those who work on them.)
func (w *sharingWorld) checkRecordWrites(t *testing.T, caller string, v view) {
	before := incidentSnapshot(t, w.e)
	for _, key := range w.keys {
		rec := w.records[key]
		if v.u != nil && access.ReadWorkingVersions(v.u, access.RefOf(rec.inc)) {
			continue
		}
		body := sharedIncident(rec.inc.AgencyID, recordSpec{key: key, dist: vrs.DistCountry})
		base := fmt.Sprintf("/api/v1/incidents/%d", rec.inc.ID)
		hidden := v.gran[key] < vrs.GranPseudonymised
		for _, req := range []request{
			{method: "PUT", path: base, body: toJSON(t, body)},
			{method: "POST", path: base + "/submit"},
			{method: "POST", path: base + "/withdraw"},
			{method: "POST", path: base + "/validate"},
			{method: "POST", path: base + "/return", body: `{"note":"Check it."}`},
			{method: "DELETE", path: base, body: `{"reason":"Matrix"}`},
		} {
			req.header = ifMatch(rec.inc.Version)
			resp := w.call(t, caller, v, req, false)
			if !hidden && v.u != nil {
				// The caller knows the record: refused for want of the
				// right (403), for its state (409), or, for another
				// country's, as if it were not there for writing (404).
				if !slices.Contains([]int{http.StatusForbidden, http.StatusConflict, http.StatusNotFound}, resp.status) {
					t.Errorf("%s %s as %s: %d %s", req.method, req.path, caller, resp.status, resp.body)
				}
				continue
			}
			if wantStatus(t, caller, req, resp, refused(v, hidden, 0)) && v.u != nil {
				w.missing(t, caller, request{method: req.method, path: req.path, body: req.body, header: req.header}, rec.inc.ID, resp)
			}
		}
	}
	if after := incidentSnapshot(t, w.e); after != before {
		t.Errorf("refused writes changed the records")
	}
}
