package web_test

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vrs/internal/apptest"
	"vrs/storetest"
)

var (
	recordRowRE  = regexp.MustCompile(`<a href="/incidents/(\d+)">([^<]+)</a>`)
	recordsTable = regexp.MustCompile(`(?s)<table class="incidents" id="records">.*?</table>`)
)

// listedRecords returns the references the records page lists, sorted,
// and the paths of their links.
func listedRecords(body string) (refs, paths []string) {
	for _, m := range recordRowRE.FindAllStringSubmatch(recordsTable.FindString(body), -1) {
		refs = append(refs, m[2])
		paths = append(paths, "/incidents/"+m[1])
	}
	slices.Sort(refs)
	return refs, paths
}

func refsOf(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, prefix+string(rune('0'+i/10))+string(rune('0'+i%10)))
	}
	return out
}

func TestRecordsPage(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { testRecordsPage(t, dialect) })
	}
}

func testRecordsPage(t *testing.T, dialect string) {
	app, _ := dashApp(t, dialect)
	clients := map[string]*apptest.Client{}
	for _, key := range []string{"analyst", "regional_analyst", "vn-reporter"} {
		clients[key] = app.SignIn(t, key)
	}
	for _, tc := range []struct {
		name, user, query string
		status            int
		refs              []string // exactly the records listed
		want, lacks       []string
	}{
		// Cambodians: two in a record shared with the community, one in a
		// record for statistics only, which is counted and never listed.
		{"SharedCounted", "analyst", "measure=persons&rows=nationality&cell=KH", 200, []string{"VN-D-SHARED"},
			[]string{"1 record you may open", `id="cell-value">&lt;5`, "<dd>Cambodia</dd>"}, []string{"VN-D-STATS"}},
		{"NoneOpen", "analyst", "measure=incidents&rows=origin_country&cell=LA", 200, nil,
			[]string{`id="records-none"`, "counted in statistics, but their owners have not shared them"}, []string{"VN-D-STATS"}},
		{"Month", "analyst", "measure=incidents&rows=period.month&filter.country=TH&cell=2025-04", 200, refsOf("TH-D-", 9, 15),
			[]string{"6 records you may open", `id="cell-value">6`}, nil},
		{"TwoDimensions", "analyst", "measure=incidents&rows=origin_country&cols=destination_country&filter.country=TH&cell=MM,SG", 200, refsOf("TH-D-", 0, 6),
			[]string{"<dd>Singapore</dd>", "<dd>Myanmar</dd>"}, nil},
		{"NotRecorded", "analyst", "measure=incidents&rows=destination_country&cell=", 200, []string{"VN-D-SHARED"},
			[]string{"<dd>Not recorded</dd>"}, nil},
		{"GrandTotal", "analyst", "measure=incidents&filter.country=VN", 200, []string{"VN-D-SHARED"}, nil, nil},
		{"Regional", "regional_analyst", "measure=incidents&rows=origin_country&cell=MM", 200, refsOf("TH-D-", 0, 20), []string{"20 records you may open"}, nil},
		// A Vietnamese reporter reads their agency's records alone.
		{"OtherCountry", "vn-reporter", "measure=incidents&rows=origin_country&cell=MM", 200, nil, []string{`id="records-none"`}, []string{"TH-D-"}},
		{"ErrUnknownKey", "analyst", "measure=incidents&rows=origin_country&cell=XX", 400, nil, []string{"<strong>cell</strong>", "not in its code list"}, []string{`id="records"`}},
		{"ErrTooManyKeys", "analyst", "measure=incidents&rows=origin_country&cell=KH,MM", 400, nil, []string{"This cell is not part of the table"}, nil},
		{"ErrNoCell", "analyst", "measure=incidents&rows=origin_country", 400, nil, []string{"This cell is not part of the table"}, nil},
		{"ErrOutsideFilter", "analyst", "measure=incidents&rows=origin_country&filter.origin_country=KH&cell=MM", 400, nil, []string{"This cell is not part of the table"}, nil},
		{"ErrCellOfTotal", "analyst", "measure=incidents&cell=MM", 400, nil, []string{"This cell is not part of the table"}, nil},
		{"ErrMeasure", "analyst", "measure=cats&rows=origin_country&cell=MM", 400, nil, []string{"not a measure VRS counts"}, nil},
		{"ErrDimension", "analyst", "measure=incidents&rows=colour&cell=red", 400, nil, []string{"not a dimension VRS breaks statistics down by"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clients[tc.user]
			resp, body := c.Get(t, "/analysis/records?"+tc.query)
			wantBody(t, resp, body, tc.status, tc.want, tc.lacks...)
			refs, paths := listedRecords(body)
			if !slices.Equal(refs, tc.refs) {
				t.Errorf("lists %v, want %v", refs, tc.refs)
			}
			// Whatever the page lists, the user may open.
			for _, p := range paths {
				if resp, _ := c.Get(t, p); resp.StatusCode != http.StatusOK {
					t.Errorf("%s lists %s, which answers %d", tc.user, p, resp.StatusCode)
				}
			}
		})
	}

	t.Run("PivotLinks", func(t *testing.T) {
		c := clients["analyst"]
		// Thailand alone: nothing withheld, every value links to its records.
		_, body := c.Get(t, "/analysis/pivot?measure=incidents&rows=period.month&cols=destination_country&filter.country=TH")
		links := regexp.MustCompile(`<a href="(/analysis/records\?[^"]+)">(\d+)</a>`).FindAllStringSubmatch(body, -1)
		// Four months and destinations that count something (April and May
		// have no Singapore), three months, two destinations, the total.
		if len(links) != 4+3+2+1 {
			t.Fatalf("%d links to records:\n%s", len(links), tableRE.FindString(body))
		}
		for _, l := range links {
			_, page := c.Get(t, html.UnescapeString(l[1]))
			refs, _ := listedRecords(page)
			if got := len(refs); got != atoi(t, l[2]) {
				t.Errorf("%s: %d records for the value %s", l[1], got, l[2])
			}
		}
		// The view with Viet Nam's records: withheld values link nowhere.
		_, body = c.Get(t, "/analysis/pivot?measure=persons&rows=nationality")
		table := tableRE.FindString(body)
		if !strings.Contains(table, `withheld">&lt;5</td>`) {
			t.Fatalf("no withheld value:\n%s", table)
		}
		if strings.Contains(table, "cell=KH") {
			t.Error("a withheld value links to its records")
		}
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
