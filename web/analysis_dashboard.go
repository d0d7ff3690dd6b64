package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"vrs"
	"vrs/pivot"
	"vrs/refdata"
)

// dashMonths are the periods the dashboard offers, in months back from
// today; dashDefaultMonths is the one it opens with (three years show a
// trend and three seasons).
var dashMonths = []int{12, 24, 36, 60}

const (
	dashDefaultMonths = 36
	// dashMaxMonths bounds a period typed by hand: the trend draws one point
	// per month. Longer views belong to the pivot table.
	dashMaxMonths = 120
)

// dashFilter is the dashboard's query string: the permalink of the view.
type dashFilter struct {
	Months   int    // a choice of dashMonths, unless From or To were typed
	From, To string // the period counted, always both set once parsed
	Type     string // an incident type, "" for all
	Own      bool   // national view: the user's own country's records only
}

type dashboardData struct {
	Regional    bool
	Heading     string
	Intro       string
	Form        dashFilter
	MonthsOpts  []option
	Types       []option
	CountryName string
	Errs        map[string]string
	Ran         bool
	Figures     []dashFigure
	Charts      []*dashChart
	// Rows lays Charts out, one or two to a row.
	Rows [][]*dashChart
	// Protected says whether small values were withheld; Primary is "<k".
	Protected, Secondary bool
	Primary              string
	K                    int64
}

// dashFigure is one headline number: a total of one of the charts' tables.
type dashFigure struct {
	Label, Text string
	Withheld    bool
}

// dashQuery names the statistics queries the dashboard runs: six, run at
// once, each protected on its own by pivot.Run (the median fee with the
// number of fees behind it: seven calls of the store in all). The charts are drawn from
// their cells and margins, never from anything computed on withheld values.
type dashQuery int

const (
	qTrend  dashQuery = iota // incidents by month: trend and seasons
	qRoles                   // persons by month and role
	qNats                    // persons by nationality: top ten and map
	qRoutes                  // incidents by origin and destination by transit: Sankey; row totals: routes
	qFees                    // fees by origin and destination by year
	qPrices                  // median fee in US dollars, the same way
	qCount
)

// dashRoles are the roles the persons chart follows.
var dashRoles = []string{vrs.PersonMigrant, vrs.PersonSuspect, vrs.PersonVictim}

func dashQueries(f dashFilter, u *vrs.User) [qCount]vrs.StatQuery {
	base := func(m vrs.StatMeasure, rows, cols []vrs.StatDimension, extra map[vrs.StatDimension][]string) vrs.StatQuery {
		q := vrs.StatQuery{Measure: m, Rows: rows, Cols: cols, From: f.From, To: f.To}
		filters := map[vrs.StatDimension][]string{}
		if f.Type != "" {
			filters[vrs.DimType] = []string{f.Type}
		}
		if f.Own {
			filters[vrs.DimCountry] = []string{u.Country}
		}
		for d, vs := range extra {
			filters[d] = vs
		}
		if len(filters) > 0 {
			q.Filters = filters
		}
		return q
	}
	dims := func(ds ...vrs.StatDimension) []vrs.StatDimension { return ds }
	return [qCount]vrs.StatQuery{
		qTrend:  base(vrs.MeasureIncidents, dims(vrs.DimMonth), nil, nil),
		qRoles:  base(vrs.MeasurePersons, dims(vrs.DimMonth), dims(vrs.DimRole), map[vrs.StatDimension][]string{vrs.DimRole: dashRoles}),
		qNats:   base(vrs.MeasurePersons, dims(vrs.DimNationality), nil, nil),
		qRoutes: base(vrs.MeasureIncidents, dims(vrs.DimOrigin, vrs.DimDestination), dims(vrs.DimTransit), nil),
		qFees:   base(vrs.MeasureFeesCount, dims(vrs.DimOrigin, vrs.DimDestination), dims(vrs.DimYear), nil),
		qPrices: base(vrs.MeasureFeesMedianUSD, dims(vrs.DimOrigin, vrs.DimDestination), dims(vrs.DimYear), nil),
	}
}

// analysisDashboard is GET /analysis/dashboard: the national view for
// users who read their agency's or country's records, the regional view
// for those who read what the community shares.
func (s *Server) analysisDashboard(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !u.HasDataRole() {
		s.error(w, r, vrs.Forbidden())
		return
	}
	p := s.newPage(r, "dashboard.title")
	d := &dashboardData{Regional: u.ViewScope == vrs.ViewShared, Errs: map[string]string{}, CountryName: codeLabel("country", u.Country)}
	if d.Regional {
		d.Heading, d.Intro = p.T("dashboard.heading_regional"), p.T("dashboard.intro_regional")
	} else {
		d.Heading, d.Intro = p.T("dashboard.heading_national", d.CountryName), p.T("dashboard.intro_national", d.CountryName)
	}
	p.Data = d
	f, errs := s.dashFilter(r.URL.Query(), d.Regional || u.Country == "")
	d.Form = f
	s.dashOptions(p, d)
	fail := func(status int) {
		if p.Error == "" {
			p.Error = p.T("dashboard.bad_filter")
		}
		s.render(w, r, status, "analysis_dashboard", p)
	}
	for k, key := range errs {
		d.Errs[k] = p.T(key)
	}
	qs := dashQueries(f, u)
	if len(d.Errs) == 0 {
		// Each query checks the same filters: the first says what is wrong.
		if err := qs[qTrend].Validate(refdata.Checker{}); err != nil {
			_, fields := s.cat.Error(p.Lang, err)
			for field, msg := range fields {
				d.Errs[dashField(field)] = msg
			}
		}
	}
	if len(d.Errs) > 0 {
		fail(http.StatusBadRequest)
		return
	}
	settings, err := s.store.Settings(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	countries, err := s.store.ListCountries(r.Context(), vrs.CountryFilter{})
	if err != nil {
		s.error(w, r, err)
		return
	}
	// One threshold for the whole page, the highest any of its views
	// needs, so that "<k" means the same on every chart.
	var k int64
	for _, q := range qs {
		k = max(k, pivot.ViewMinCell(settings, countries, q))
	}
	var tables [qCount]*pivot.Table
	var errsRun [qCount]error
	var wg sync.WaitGroup
	for i := range qs {
		wg.Go(func() { tables[i], errsRun[i] = pivot.Run(r.Context(), s.store, u, qs[i], k) })
	}
	wg.Wait()
	for _, err := range errsRun {
		if err == nil {
			continue
		}
		if vrs.ErrorCode(err) == vrs.EINTERNAL {
			s.error(w, r, err)
			return
		}
		p.Error, _ = s.cat.Error(p.Lang, err)
		fail(Status(vrs.ErrorCode(err)))
		return
	}
	b := &dashBuilder{p: p, d: d, f: f, tables: tables, k: k}
	b.build()
	d.Ran = true
	s.render(w, r, http.StatusOK, "analysis_dashboard", p)
}

// dashField names the form field of a query's problem.
func dashField(field string) string {
	switch field {
	case "filters." + string(vrs.DimType):
		return "type"
	case "from", "to":
		return field
	}
	return "period"
}

// dashFilter reads the dashboard's parameters: months (a choice), or from
// and to (either may be left out: the period then runs to today, or spans
// the default number of months up to to), type, and scope=own for the
// user's country alone (not offered when regional). It returns problems
// as catalogue keys by field.
func (s *Server) dashFilter(v url.Values, noOwn bool) (dashFilter, map[string]string) {
	f := dashFilter{From: v.Get("from"), To: v.Get("to"), Type: v.Get("type"), Own: v.Get("scope") == "own" && !noOwn}
	errs := map[string]string{}
	today := s.cfg.Now().Format(time.DateOnly)
	if f.From == "" && f.To == "" {
		f.Months = dashDefaultMonths
		if m := v.Get("months"); m != "" {
			n, err := strconv.Atoi(m)
			if err != nil || !slices.Contains(dashMonths, n) {
				errs["months"] = "field.dashboard_months"
				return f, errs
			}
			f.Months = n
		}
		f.From, f.To = monthsBack(today, f.Months), today
		return f, errs
	}
	for name, val := range map[string]string{"from": f.From, "to": f.To} {
		if val == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, val); err != nil {
			errs[name] = "field.stats_date_malformed"
		}
	}
	if len(errs) > 0 {
		return f, errs
	}
	switch {
	case f.To == "":
		f.To = today
	case f.From == "":
		f.From = monthsBack(f.To, dashDefaultMonths)
	}
	if f.From <= f.To && monthIndex(f.To)-monthIndex(f.From) >= dashMaxMonths {
		errs["from"] = "field.dashboard_period_too_long"
	}
	return f, errs
}

// monthsBack is the first day of the month n-1 months before date's, so
// that the period holds n calendar months, the current one included.
func monthsBack(date string, n int) string {
	t, _ := time.Parse(time.DateOnly, date)
	return time.Date(t.Year(), t.Month()-time.Month(n-1), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// monthIndex counts months from year 0: "2025-03..." is 2025*12+2.
func monthIndex(date string) int {
	y, _ := strconv.Atoi(date[:4])
	m, _ := strconv.Atoi(date[5:7])
	return y*12 + m - 1
}

// monthKey is the period.month key of a month index.
func monthKey(i int) string {
	return time.Date(i/12, time.Month(i%12+1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// dashOptions fills the form's choices.
func (s *Server) dashOptions(p *page, d *dashboardData) {
	for _, n := range dashMonths {
		d.MonthsOpts = append(d.MonthsOpts, option{Value: strconv.Itoa(n), Label: p.T("dashboard.months_n", n), Selected: d.Form.Months == n})
	}
	d.Types = []option{{Value: "", Label: p.T("dashboard.all_types"), Selected: d.Form.Type == ""}}
	if l, ok := refdata.LookupCodeList("incident_type"); ok {
		for _, c := range l.Entries {
			d.Types = append(d.Types, option{Value: c.Code, Label: c.Label, Selected: c.Code == d.Form.Type})
		}
	}
}

// pivotLink is the pivot page of q: the chart's "open as table".
func pivotLink(q vrs.StatQuery) string { return "/analysis/pivot?" + pivot.Values(q).Encode() }

// DashboardQueries are the statistics queries the dashboard runs for u by
// default (the last dashDefaultMonths months to today, every type), for
// measuring them on a large store (vrs bench analysis).
func DashboardQueries(today string, u *vrs.User) []vrs.StatQuery {
	qs := dashQueries(dashFilter{Months: dashDefaultMonths, From: monthsBack(today, dashDefaultMonths), To: today}, u)
	return qs[:]
}
