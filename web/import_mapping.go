package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"vrs"
	"vrs/importer"
	"vrs/refdata"
)

// Bounds of the mapping page: rows read for the sample and the distinct
// values, rows shown, values offered per code column.
const (
	mappingPreviewRows = 200
	mappingSampleRows  = 8
	mappingMaxValues   = 60
)

// Value choices of a value map besides codes: keep the cell as written,
// or empty it.
const (
	valueKeep  = ""
	valueEmpty = "~"
)

type mappingData struct {
	Job        *vrs.ImportJob
	CSV        bool
	Sheet      string
	Delimiters []option
	Encodings  []option
	Decimals   []option
	Multi      string
	Dates      string
	Columns    []*mappingColumn
	Header     []string
	Rows       [][]string
	ReadError  string
}

type mappingColumn struct {
	Index   int
	Source  string
	Samples string
	Fields  []option
	Error   string
	List    string
	Values  []mappingValue
}

type mappingValue struct {
	Index   int
	From    string
	Suggest []option
	Codes   []option
}

// importMapping shows the mapping page of an uploaded file: the job's
// mapping, or a draft from the file's header.
func (s *Server) importMapping(w http.ResponseWriter, r *http.Request) {
	s.renderMapping(w, r, http.StatusOK, nil, nil)
}

// importMappingPost reads the mapping form: "refresh" shows it again (the
// file read with the chosen delimiter, encoding or sheet), "download"
// saves it as JSON, and anything else runs a dry run with it.
func (s *Server) importMappingPost(w http.ResponseWriter, r *http.Request) {
	mgr, id, ok := s.importPost(w, r)
	if !ok {
		return
	}
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	m := mappingFromForm(r.PostForm)
	switch r.PostFormValue("action") {
	case "refresh":
		s.renderMapping(w, r, http.StatusOK, m, nil)
		return
	case "download":
		if err := m.Validate(); err != nil {
			s.renderMapping(w, r, http.StatusBadRequest, m, err)
			return
		}
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			s.error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="vrs-mapping-%d.json"`, id))
		w.Header().Set("Cache-Control", "no-store")
		w.Write(buf.Bytes())
		return
	}
	job, err := mgr.Run(r.Context(), id, m, false)
	if err != nil {
		if e := vrs.AsError(err); e.Code == vrs.EINVALID {
			s.renderMapping(w, r, http.StatusBadRequest, m, err)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/imports/jobs/"+strconv.FormatInt(job.ID, 10), "")
}

// importMappingLoad shows the page with a saved mapping (JSON) uploaded.
func (s *Server) importMappingLoad(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.importPost(w, r); !ok {
		return
	}
	var m *importer.Mapping
	_, err := s.readUpload(r, "mapping", func(_ map[string]string, _ string, f io.Reader) error {
		var err error
		m, err = importer.LoadMapping(f)
		return err
	})
	if err == nil && m == nil {
		err = vrs.FieldErrors(map[string]string{"mapping": "import.ui.error.no_file"})
	}
	if err != nil {
		if c := vrs.ErrorCode(err); c == vrs.EFORBIDDEN || c == vrs.EUNAUTHORIZED {
			s.error(w, r, err)
			return
		}
		s.renderMapping(w, r, Status(vrs.ErrorCode(err)), nil, err)
		return
	}
	s.renderMapping(w, r, http.StatusOK, m, nil)
}

// mappingFromForm reads the mapping page's form. It does not validate:
// Validate (or the run) says what is wrong.
func mappingFromForm(f url.Values) *importer.Mapping {
	m := &importer.Mapping{Sheet: strings.TrimSpace(f.Get("sheet")), Encoding: f.Get("encoding"), Decimal: f.Get("decimal"),
		MultiSeparator: strings.TrimSpace(f.Get("multi")), Columns: []importer.Column{}}
	m.Delimiter = f.Get("delimiter")
	if m.Delimiter == "tab" {
		m.Delimiter = "\t"
	}
	for _, l := range strings.Split(f.Get("dates"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			m.DateFormats = append(m.DateFormats, l)
		}
	}
	n, _ := strconv.Atoi(f.Get("columns"))
	n = min(max(n, 0), importer.MaxColumns)
	for i := range n {
		p := "c" + strconv.Itoa(i)
		c := importer.Column{Source: f.Get(p + ".source"), Field: f.Get(p + ".field")}
		nv, _ := strconv.Atoi(f.Get(p + ".values"))
		nv = min(max(nv, 0), importer.MaxValueMap)
		for j := range nv {
			q := p + ".v" + strconv.Itoa(j)
			from, to := f.Get(q+".from"), f.Get(q+".to")
			if from == "" || to == valueKeep {
				continue
			}
			if to == valueEmpty {
				to = ""
			}
			if c.Values == nil {
				c.Values = map[string]string{}
			}
			c.Values[from] = to
		}
		if c.Source != "" {
			m.Columns = append(m.Columns, c)
		}
	}
	return m
}

var columnErrRE = regexp.MustCompile(`^columns\[(\d+)\]`)

// renderMapping shows the mapping page with m (nil: the job's mapping, or
// a draft from the header) and the failure of the last attempt.
func (s *Server) renderMapping(w http.ResponseWriter, r *http.Request, status int, m *importer.Mapping, failure error) {
	p := s.newPage(r, "import.ui.mapping.title")
	if err := MayUseTemplates(p.User); err != nil {
		s.error(w, r, err)
		return
	}
	mgr, err := s.imports()
	if err != nil {
		s.error(w, r, err)
		return
	}
	id, err := jobID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	st, err := mgr.Status(ctx, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	job := st.Job
	if job.Format == importer.FormatJSONL {
		seeOther(w, r, "/imports/jobs/"+strconv.FormatInt(id, 10), "")
		return
	}
	if m == nil {
		if m, err = importer.MappingOf(job); err != nil {
			s.error(w, r, err)
			return
		}
	}
	header, rows, rerr := mgr.Preview(ctx, id, m, mappingPreviewRows)
	if m == nil {
		m = &importer.Mapping{Columns: []importer.Column{}}
		if rerr == nil {
			m = importer.SuggestMapping(header)
		}
		m.DateFormats = []string{"2006-01-02", importer.DateExcel}
	}
	d := &mappingData{Job: job, CSV: job.Format == importer.FormatCSV, Sheet: m.Sheet, Multi: m.MultiSeparator, Dates: strings.Join(m.DateFormats, "\n")}
	if d.Multi == "" {
		d.Multi = importer.DefaultMultiSeparator
	}
	delim := m.Delimiter
	if delim == "\t" {
		delim = "tab"
	}
	for _, o := range [][2]string{{"", "import.ui.mapping.detect"}, {",", "import.ui.mapping.comma"}, {";", "import.ui.mapping.semicolon"},
		{"tab", "import.ui.mapping.tab"}, {"|", "import.ui.mapping.bar"}} {
		d.Delimiters = append(d.Delimiters, option{Value: o[0], Label: p.T(o[1]), Selected: o[0] == delim})
	}
	for _, o := range [][2]string{{"", "import.ui.mapping.detect"}, {"utf-8", "UTF-8"}, {"utf-16", "UTF-16"}, {"windows-1252", "Windows-1252"}, {"tis-620", "TIS-620"}} {
		label := o[1]
		if o[0] == "" {
			label = p.T(label)
		}
		d.Encodings = append(d.Encodings, option{Value: o[0], Label: label, Selected: strings.EqualFold(o[0], m.Encoding)})
	}
	for _, o := range [][2]string{{".", "import.ui.mapping.point"}, {",", "import.ui.mapping.comma"}} {
		d.Decimals = append(d.Decimals, option{Value: o[0], Label: p.T(o[1]), Selected: o[0] == m.Decimal || (o[0] == "." && m.Decimal == "")})
	}
	if rerr != nil {
		d.ReadError, _ = s.cat.Error(p.Lang, rerr)
	}
	d.Header = header
	d.Rows = rows[:min(len(rows), mappingSampleRows)]
	d.Columns = mappingColumns(p, m, header, rows)
	if failure != nil {
		p.Error, p.Fields = s.cat.Error(p.Lang, failure)
		// Name the column rather than its index in the mapping.
		for k, v := range p.Fields {
			if sm := columnErrRE.FindStringSubmatch(k); sm != nil {
				i, _ := strconv.Atoi(sm[1])
				if i < len(m.Columns) {
					delete(p.Fields, k)
					p.Fields[p.T("import.ui.mapping.column_named", m.Columns[i].Source)] = v
					for _, c := range d.Columns {
						if normName(c.Source) == normName(m.Columns[i].Source) {
							c.Error = v
						}
					}
				}
			}
		}
	}
	p.Title = p.T("import.ui.mapping.heading", job.FileName)
	p.Data = d
	s.render(w, r, status, "import_mapping", p)
}

func normName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.TrimPrefix(s, "\ufeff")), " "))
}

// mappingColumns lays out one entry per named header column (and per
// mapped column the file lacks): its field and, for code fields, the
// values seen in the sample that are not codes yet, with their mapping.
func mappingColumns(p *page, m *importer.Mapping, header []string, rows [][]string) []*mappingColumn {
	byName := map[string]importer.Column{}
	for _, c := range m.Columns {
		byName[normName(c.Source)] = c
	}
	sep := m.MultiSeparator
	if sep == "" {
		sep = importer.DefaultMultiSeparator
	}
	var out []*mappingColumn
	seen := map[string]bool{}
	add := func(src string, cells func(func(string))) {
		k := normName(src)
		if k == "" || seen[k] {
			return
		}
		seen[k] = true
		mc := byName[k]
		col := &mappingColumn{Index: len(out), Source: strings.TrimPrefix(src, "\ufeff")}
		col.Fields = append(col.Fields, option{Value: "", Label: p.T("import.ui.mapping.ignore"), Selected: mc.Field == ""})
		for _, f := range importer.Fields {
			col.Fields = append(col.Fields, option{Value: f.Path, Label: f.Path, Selected: f.Path == mc.Field})
		}
		f, _ := importer.LookupField(mc.Field)
		var samples, values []string
		cells(func(v string) {
			if v = strings.TrimSpace(v); v == "" {
				return
			}
			if len(samples) < 3 && !slices.Contains(samples, v) {
				samples = append(samples, v)
			}
			if f.Kind != importer.KindCode {
				return
			}
			parts := []string{v}
			if f.Multi {
				parts = strings.Split(v, sep)
			}
			for _, x := range parts {
				if x = strings.TrimSpace(x); x != "" && !refdata.HasCode(f.List, x) && !slices.Contains(values, x) && len(values) < mappingMaxValues {
					values = append(values, x)
				}
			}
		})
		col.Samples = strings.Join(samples, " · ")
		if f.Kind == importer.KindCode {
			col.List = f.List
			for from := range mc.Values {
				if !slices.Contains(values, from) {
					values = append(values, from)
				}
			}
			slices.Sort(values)
			for j, v := range values {
				col.Values = append(col.Values, valueChoice(p, f, j, v, mc.Values))
			}
		}
		out = append(out, col)
	}
	for i, h := range header {
		add(h, func(fn func(string)) {
			for _, row := range rows {
				if i < len(row) {
					fn(row[i])
				}
			}
		})
	}
	for _, c := range m.Columns {
		add(c.Source, func(func(string)) {})
	}
	return out
}

// valueChoice offers the codes for one source value: the mapping's choice
// or else a confident suggestion preselected, suggestions first.
func valueChoice(p *page, f importer.Field, j int, v string, mapped map[string]string) mappingValue {
	choice, ok := mapped[v]
	if ok && choice == "" {
		choice = valueEmpty
	}
	sugg := importer.SuggestCodes(f.List, v)
	if !ok && len(sugg) > 0 && sugg[0].Score >= importer.Confident {
		choice = sugg[0].Value
	}
	mv := mappingValue{Index: j, From: v}
	mv.Suggest = []option{{Value: valueKeep, Label: p.T("import.ui.mapping.keep"), Selected: choice == valueKeep},
		{Value: valueEmpty, Label: p.T("import.ui.mapping.empty"), Selected: choice == valueEmpty}}
	picked := choice == valueKeep || choice == valueEmpty
	for _, sg := range sugg {
		mv.Suggest = append(mv.Suggest, option{Value: sg.Value, Label: sg.Value + " – " + sg.Label, Selected: !picked && sg.Value == choice})
		picked = picked || sg.Value == choice
	}
	if l, ok := refdata.LookupCodeList(f.List); ok {
		for _, e := range l.Entries {
			mv.Codes = append(mv.Codes, option{Value: e.Code, Label: e.Code + " – " + e.Label, Selected: !picked && e.Code == choice})
		}
	}
	return mv
}
