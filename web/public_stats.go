package web

import (
	"bytes"
	"context"
	"net/http"
	"slices"

	"vrs"
	"vrs/access"
	"vrs/pivot"
	"vrs/refdata"
	"vrs/sdmx"
)

// The public statistics page: what countries chose to publish, counted
// without signing in, every view protected against small cells
// (docs/public-statistics.md).

// publicStatsPath is the page, its custom view and its downloads.
const publicStatsPath = "/public/statistics"

// publicCacheControl lets browsers and shared caches keep an anonymous
// answer for a minute: the page is the same for everyone, and a country
// that stops publishing leaves it within that minute.
const publicCacheControl = "public, max-age=60"

// publicRoutes registers the public page, and the country's choice to
// publish on its sharing page.
func (s *Server) publicRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+publicStatsPath, s.publicStatistics)
	m.HandleFunc("POST /sharing/publishing", s.sharingPublishing)
}

// publicStatStore is what the page needs beyond vrs.Store; the store's
// *DB implements it (until vrs.StatService names it).
type publicStatStore interface {
	StatsPublic(ctx context.Context, q vrs.StatQuery) (*vrs.StatResult, error)
}

func (s *Server) publicCounter() (pivot.Counter, error) {
	ps, ok := s.store.(publicStatStore)
	if !ok {
		return nil, vrs.Errorf(vrs.EINTERNAL, "error.internal")
	}
	return ps.StatsPublic, nil
}

type publicCountry struct {
	Name    string
	MinCell int
}

type publicStatsData struct {
	Countries []publicCountry
	K         int64
	Fixed     []*publicTable
	// The form of a view of one's own, and its table once asked.
	Measures, RowDims, ColDims []option
	Errs                       map[string]string
	Custom                     *publicTable
	SignedIn                   bool
}

// publicFixed are the views the page always shows.
var publicFixed = []struct {
	id, title, intro string
	q                vrs.StatQuery
}{
	{"by-year", "public_stats.fixed.by_year", "public_stats.fixed.by_year_intro",
		vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: []vrs.StatDimension{vrs.DimYear}, Cols: []vrs.StatDimension{vrs.DimCountry}}},
	{"by-nationality", "public_stats.fixed.by_nationality", "public_stats.fixed.by_nationality_intro",
		vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: []vrs.StatDimension{vrs.DimNationality}}},
	{"by-exploitation", "public_stats.fixed.by_exploitation", "public_stats.fixed.by_exploitation_intro",
		vrs.StatQuery{Measure: vrs.MeasureVictims, Rows: []vrs.StatDimension{vrs.DimExploitation}}},
}

// publicStatistics is GET /public/statistics: the publishing countries,
// the fixed tables, the form of a view of one's own and its table, or a
// table's download with format=csv|xlsx|sdmx-csv. No sign-in.
func (s *Server) publicStatistics(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	count, err := s.publicCounter()
	if err != nil {
		s.error(w, r, err)
		return
	}
	// Every country's threshold counts, publishing or not: one that starts
	// publishing between this read and the count is then protected all
	// the same (pivot.ViewMinCell).
	all, err := s.store.ListCountries(ctx, vrs.CountryFilter{})
	if err != nil {
		s.error(w, r, err)
		return
	}
	settings, err := s.store.Settings(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v := r.URL.Query()
	p := s.newPage(r, "public_stats.title")
	format := v.Get("format")
	asked := v.Get("measure") != "" || v.Get("rows") != "" || v.Get("cols") != "" || format != ""
	var q vrs.StatQuery
	var problem error
	if asked {
		q = pivot.ParseQuery(v)
		problem = q.Validate(refdata.Checker{})
		if problem == nil {
			problem = access.PublicQuery(q)
		}
		if problem == nil && format != "" && format != "csv" && format != "xlsx" && format != "sdmx-csv" {
			problem = vrs.FieldErrors(map[string]string{"format": "field.public_stats_format"})
		}
		if problem == nil {
			// The form shows the table as it is laid out.
			q = pivot.CanonicalPublic(q)
		}
	}
	d := s.publicForm(p, q)
	d.SignedIn = p.User != nil
	d.K = pivot.ViewMinCell(settings, all, vrs.StatQuery{})
	for _, c := range all {
		if c.PublishStats {
			d.Countries = append(d.Countries, publicCountry{Name: c.Name, MinCell: c.StatsMinCell})
		}
	}
	p.Data = d
	if problem != nil {
		s.publicFail(w, r, p, d, problem)
		return
	}
	k := func(q vrs.StatQuery) int64 { return pivot.ViewMinCell(settings, all, q) }
	if format != "" {
		t, err := pivot.RunPublic(ctx, count, q, k(q))
		if err != nil {
			s.publicFail(w, r, p, d, err)
			return
		}
		s.publicDownload(w, r, p, d, t, format)
		return
	}
	for _, f := range publicFixed {
		t, err := pivot.RunPublic(ctx, count, f.q, k(f.q))
		if err != nil {
			s.error(w, r, err)
			return
		}
		d.Fixed = append(d.Fixed, s.publicTableOf(p, f.id, p.T(f.title), p.T(f.intro), t))
	}
	for _, t := range d.Fixed {
		if t.ID == "by-nationality" && t.Chart != nil {
			// Where the persons come from reads best on a map.
			t.MapChart, t.Chart = publicMap(t), nil
		}
	}
	if asked {
		t, err := pivot.RunPublic(ctx, count, q, k(q))
		if err != nil {
			s.publicFail(w, r, p, d, err)
			return
		}
		d.Custom = s.publicTableOf(p, "custom", p.T(q.Measure.Label()), "", t)
	}
	s.renderPublic(w, r, http.StatusOK, p)
}

// publicFail shows the form with the problem next to its field (400), or
// the error page for what is not the asker's doing.
func (s *Server) publicFail(w http.ResponseWriter, r *http.Request, p *page, d *publicStatsData, err error) {
	if code := vrs.ErrorCode(err); code != vrs.EINVALID {
		s.error(w, r, err)
		return
	}
	p.Error, d.Errs = s.cat.Error(p.Lang, err)
	shown := map[string]string{"measure": "measure", "rows": "rows", "cols": "cols", "format": "format",
		"rows[0]": "rows", "rows[1]": "rows", "cols[0]": "cols", "cols[1]": "cols"}
	for f, msg := range d.Errs {
		if m, ok := shown[f]; ok {
			if d.Errs[m] == "" {
				d.Errs[m] = msg
			}
			continue
		}
		// A problem the form has no field for (a parameter typed in the
		// address) is listed under the message.
		if p.Fields == nil {
			p.Fields = map[string]string{}
		}
		p.Fields[f] = msg
	}
	s.renderPublic(w, r, http.StatusBadRequest, p)
}

// publicForm fills the form of a view of one's own with q.
func (s *Server) publicForm(p *page, q vrs.StatQuery) *publicStatsData {
	first := func(ds []vrs.StatDimension) vrs.StatDimension {
		if len(ds) == 0 {
			return ""
		}
		return ds[0]
	}
	rows, cols := first(q.Rows), first(q.Cols)
	d := &publicStatsData{}
	for _, m := range access.PublicMeasures {
		d.Measures = append(d.Measures, option{Value: string(m), Label: p.T(m.Label()), Selected: q.Measure == m})
	}
	d.ColDims = []option{{Value: "", Label: p.T("pivot.none")}}
	for _, dim := range access.PublicDimensions {
		d.RowDims = append(d.RowDims, option{Value: string(dim), Label: p.T(dim.Label()), Selected: rows == dim})
		d.ColDims = append(d.ColDims, option{Value: string(dim), Label: p.T(dim.Label()), Selected: cols == dim})
	}
	return d
}

// publicDownload writes a table as CSV, XLSX or SDMX-CSV.
func (s *Server) publicDownload(w http.ResponseWriter, r *http.Request, p *page, d *publicStatsData, t *pivot.Table, format string) {
	var b bytes.Buffer
	var err error
	var ctype, name string
	switch format {
	case "csv":
		err, ctype, name = t.WriteCSV(&b), "text/csv; charset=utf-8", "vrs-public-statistics.csv"
	case "xlsx":
		err, ctype, name = t.WriteXLSX(&b), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "vrs-public-statistics.xlsx"
	default:
		err, ctype, name = t.WriteSDMX(&b), sdmx.ContentType, "vrs-public-statistics.sdmx.csv"
		if err != nil && vrs.AsError(err).Message == "pivot.error.sdmx_period" {
			// The pivot page's advice names dates, which a published view
			// has not.
			err = vrs.FieldErrors(map[string]string{"format": "field.public_stats_sdmx_period"})
		}
	}
	if err != nil {
		s.publicFail(w, r, p, d, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	s.publicCache(w, r)
	_, _ = w.Write(b.Bytes())
}

// publicCache marks an anonymous answer cacheable; a signed-in user's
// page carries their name and token, and is never stored.
func (s *Server) publicCache(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Add("Vary", "Cookie")
	if st := stateOf(r); st.user == nil && st.session == nil && st.pending == nil {
		h.Set("Cache-Control", publicCacheControl)
	} else {
		h.Set("Cache-Control", "no-store")
	}
}

// renderPublic is render with the page's own cache policy (render
// forbids storing every page).
func (s *Server) renderPublic(w http.ResponseWriter, r *http.Request, status int, p *page) {
	var buf bytes.Buffer
	if err := s.pages["public_stats"].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "template", "public_stats", "err", err)
		http.Error(w, s.cat.T(p.Lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if status == http.StatusOK {
		s.publicCache(w, r)
	} else {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// HasChart reports whether any table of the page draws a chart, so that
// the page loads the chart scripts only then.
func (d *publicStatsData) HasChart() bool {
	return slices.ContainsFunc(append(slices.Clone(d.Fixed), d.Custom), func(t *publicTable) bool {
		return t != nil && (t.Chart != nil || t.MapChart != nil)
	})
}
