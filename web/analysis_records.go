package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"vrs"
	"vrs/pivot"
	"vrs/refdata"
)

// recordsLimit is how many records the drill-down lists.
const recordsLimit = 100

// recordsData is the page of the records behind one cell of a pivot.
type recordsData struct {
	Measure string
	// Cell names the cell: one line per dimension, then the filters.
	Cell, Filters []recordsFact
	From, To      string
	// Value is the cell's value as the pivot page shows it ("<5" when
	// withheld); Withheld marks it so.
	Value    string
	Withheld bool
	Explain  string
	Total    int
	Rows     []incidentRow
	// Unlisted are records counted here that the incident list did not
	// return in the pages it reads (see recordSummaries): shown by number.
	Unlisted []int64
	Table    string
	Ran      bool
}

type recordsFact struct{ Label, Value string }

// analysisRecords is GET /analysis/records?<pivot query>&cell=k1,k2: the
// records counted in one cell (keys in the order of the rows then the
// columns; no cell parameter for the grand total) that the user may open.
func (s *Server) analysisRecords(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !u.HasDataRole() {
		s.error(w, r, vrs.Forbidden())
		return
	}
	v := r.URL.Query()
	q := pivotQuery(v)
	p := s.newPage(r, "dashboard.records.title")
	d := &recordsData{Table: pivotLink(q), From: q.From, To: q.To}
	p.Data = d
	fail := func(err error) {
		if vrs.ErrorCode(err) == vrs.EINTERNAL {
			s.error(w, r, err)
			return
		}
		p.Error, p.Fields = s.cat.Error(p.Lang, err)
		s.render(w, r, Status(vrs.ErrorCode(err)), "analysis_records", p)
	}
	keys, err := cellKeys(v, q)
	if err == nil {
		err = q.Validate(refdata.Checker{})
	}
	var cq vrs.StatQuery
	if err == nil {
		cq, err = q.CellQuery(keys)
	}
	if err == nil {
		err = cellProblem(cq.Validate(refdata.Checker{}), q)
	}
	if err != nil {
		fail(err)
		return
	}
	d.Measure = p.T(q.Measure.Label())
	for i, dim := range q.Dimensions() {
		d.Cell = append(d.Cell, recordsFact{p.T(dim.Label()), keyLabel(p, []vrs.StatDimension{dim}, keys[i:i+1])})
	}
	for _, dim := range vrs.StatDimensions {
		if vs, ok := q.Filters[dim]; ok && !slices.Contains(q.Dimensions(), dim) {
			labels := make([]string, len(vs))
			for i, x := range vs {
				labels[i] = keyLabel(p, []vrs.StatDimension{dim}, []string{x})
			}
			d.Filters = append(d.Filters, recordsFact{p.T(dim.Label()), strings.Join(labels, ", ")})
		}
	}
	rec, err := s.store.StatsRecords(r.Context(), q, keys, recordsLimit)
	if err != nil {
		fail(err)
		return
	}
	// The cell's value as the pivot page shows it: from the same table,
	// protected the same way, so that a cell withheld there stays so here.
	k, err := s.viewMinCell(r, q)
	if err != nil {
		s.error(w, r, err)
		return
	}
	t, err := pivot.Run(r.Context(), s.store, u, q, k)
	if err != nil {
		fail(err)
		return
	}
	e := cellEntry(t, keys)
	if val, ok := e.Shown(); ok {
		d.Value = fmtNum(val)
	} else {
		d.Withheld = true
		d.Value, d.Explain = p.T("suppress.label", t.MinCell), p.T("suppress.explain.primary", t.MinCell)
		if e.Withheld.String() == "secondary" {
			d.Value, d.Explain = p.T("pivot.secondary_mark"), p.T("suppress.explain.secondary")
		}
	}
	found, err := s.recordSummaries(r.Context(), rec.IDs)
	if err != nil {
		fail(err)
		return
	}
	var items []*vrs.IncidentSummary
	for _, id := range rec.IDs {
		if it, ok := found[id]; ok {
			items = append(items, it)
		} else {
			d.Unlisted = append(d.Unlisted, id)
		}
	}
	d.Rows, d.Total, d.Ran = s.incidentRows(r, items), rec.Total, true
	s.render(w, r, http.StatusOK, "analysis_records", p)
}

// cellKeys reads cell: one key per dimension of q, comma-separated (keys
// are codes, periods or agency numbers, never holding a comma; an empty
// key is "not recorded"). The grand total has no dimension and no cell.
func cellKeys(v map[string][]string, q vrs.StatQuery) ([]string, error) {
	cell, ok := v["cell"]
	bad := vrs.FieldErrors(map[string]string{"cell": "field.stats_cell_keys"})
	switch {
	case len(cell) > 1:
		return nil, bad
	case len(q.Dimensions()) == 0:
		if ok && cell[0] != "" {
			return nil, bad
		}
		return nil, nil
	case !ok:
		return nil, bad
	}
	return strings.Split(cell[0], ","), nil
}

// cellProblem names the cell as the field of a key that is no value of
// its dimension (the cell's keys are filters of its query).
func cellProblem(err error, q vrs.StatQuery) error {
	if err == nil || len(vrs.AsError(err).Fields) == 0 {
		return err
	}
	fields := map[string]string{}
	for f, key := range vrs.AsError(err).Fields {
		for _, d := range q.Dimensions() {
			if f == "filters."+string(d) {
				f = "cell"
			}
		}
		fields[f] = key
	}
	return vrs.FieldErrors(fields)
}

// cellEntry finds the cell or margin with the keys in t: a margin when t's
// query has only rows or only columns, as the drill links of a total ask.
func cellEntry(t *pivot.Table, keys []string) pivot.Entry {
	nr := len(t.Query.Rows)
	if len(keys) == 0 {
		return t.Total
	}
	for i, rk := range t.RowKeys {
		if !slices.Equal(rk, keys[:nr]) {
			continue
		}
		for j, ck := range t.ColKeys {
			if slices.Equal(ck, keys[nr:]) {
				return t.Cells[i][j]
			}
		}
	}
	return pivot.Entry{}
}

// recordSummaries reads the list rows of the given incidents through the
// incident list, which applies the access rule (every id StatsRecords
// gives is one the user may read, at pseudonymised granularity or finer,
// as the list shows them).
func (s *Server) recordSummaries(ctx context.Context, ids []int64) (map[int64]*vrs.IncidentSummary, error) {
	out := map[int64]*vrs.IncidentSummary{}
	if len(ids) == 0 {
		return out, nil
	}
	svc, err := s.incidentService()
	if err != nil {
		return nil, err
	}
	page, err := svc.ListIncidents(ctx, vrs.IncidentFilter{IDs: ids, Sort: "-detected", Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	for _, it := range page.Items {
		out[it.ID] = it
	}
	return out, nil
}
