package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"vrs"
	"vrs/access"
	"vrs/refdata"
	"vrs/rules"
)

// ruleStore is what the validation-rules page needs from the store; the
// store's *DB implements it (package rules sits above vrs, so vrs.Store
// cannot name it).
type ruleStore interface {
	ListValidationRules(ctx context.Context) ([]*rules.Rule, error)
	CreateValidationRule(ctx context.Context, r *rules.Rule) error
	UpdateValidationRule(ctx context.Context, id int64, r *rules.Rule) error
	DeleteValidationRule(ctx context.Context, id int64) error
}

// ruleFields are the form's fields, in the order shown.
var ruleFields = []string{"name", "description", "types", "left", "op", "right", "field", "message"}

type ruleRow struct {
	rules.Rule
	Types   string // labels, or "all types"
	OpLabel string
	Text    string // the message as a user reads it
	Invalid bool
}

type ruleForm struct {
	Name, Description, Left, Op, Right, Field, Message string
	Types                                              []string
	Disabled                                           bool
}

// exprMark shows where an expression stops parsing.
type exprMark struct {
	Before, At, After string
}

type rulesData struct {
	BuiltIn   []ruleRow
	Installed []ruleRow
	// EditID is the rule the form changes; 0 adds one.
	EditID   int64
	EditName string
	Form     ruleForm
	Types    []option
	Ops      []option
	Errs     map[string]string
	Marks    map[string]*exprMark
	Fields   []string
	Sections []sectionHelp
}

type sectionHelp struct {
	Name   string
	Fields string
}

// adminRules checks that the user administers the installation and that
// the store keeps rules.
func (s *Server) adminRules(r *http.Request) (ruleStore, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	if err := access.ManageInstallation(u); err != nil {
		return nil, err
	}
	rs, ok := s.store.(ruleStore)
	if !ok {
		return nil, vrs.NotFound("page")
	}
	return rs, nil
}

// ruleSubmit is a failed submission to show again.
type ruleSubmit struct {
	id   int64
	form ruleForm
	fail *formFailure
}

func (s *Server) ruleList(w http.ResponseWriter, r *http.Request) {
	var sub *ruleSubmit
	if e := r.URL.Query().Get("edit"); e != "" {
		id, err := strconv.ParseInt(e, 10, 64)
		if err != nil || id <= 0 {
			s.error(w, r, vrs.NotFound("rule"))
			return
		}
		sub = &ruleSubmit{id: id}
	}
	s.renderRules(w, r, sub)
}

// renderRules shows the built-in and installation rules and the form,
// which adds a rule or, with sub.id, changes one; a failed submission
// refills it.
func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, sub *ruleSubmit) {
	store, err := s.adminRules(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	installed, err := store.ListValidationRules(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &rulesData{Errs: map[string]string{}, Marks: map[string]*exprMark{}, Fields: rules.Fields()}
	for _, x := range rules.Defaults() {
		d.BuiltIn = append(d.BuiltIn, s.ruleRow(r, x))
	}
	for _, x := range installed {
		d.Installed = append(d.Installed, s.ruleRow(r, *x))
	}
	secs := rules.Sections()
	for _, name := range sortedKeys(secs) {
		d.Sections = append(d.Sections, sectionHelp{Name: name, Fields: strings.Join(secs[name], ", ")})
	}
	d.Form.Op = rules.OpLe
	if sub != nil && sub.id != 0 {
		i := slices.IndexFunc(installed, func(x *rules.Rule) bool { return x.ID == sub.id })
		if i < 0 {
			s.error(w, r, vrs.NotFound("rule"))
			return
		}
		x := installed[i]
		d.EditID, d.EditName = x.ID, x.Name
		d.Form = ruleForm{Name: x.Name, Description: x.Description, Left: x.Left, Op: x.Op, Right: x.Right, Field: x.Field,
			Message: x.Message, Disabled: x.Disabled}
		for _, t := range x.Types {
			d.Form.Types = append(d.Form.Types, string(t))
		}
	}
	p := s.newPage(r, "admin.rules.title")
	p.Flash = s.flash(r)
	status := http.StatusOK
	if sub != nil && sub.fail != nil {
		d.Form = sub.form
		status = sub.fail.status()
		d.Errs = sub.fail.show(p, ruleFields...)
		for _, side := range []string{"left", "right"} {
			src := map[string]string{"left": d.Form.Left, "right": d.Form.Right}[side]
			if _, err := rules.Parse(src); d.Errs[side] != "" && err != nil {
				var pe *rules.ParseError
				if errors.As(err, &pe) {
					d.Marks[side] = markExpr(src, pe)
				}
			}
		}
	}
	for _, t := range vrs.IncidentTypes {
		d.Types = append(d.Types, option{Value: string(t), Label: typeLabel(t), Selected: slices.Contains(d.Form.Types, string(t))})
	}
	for _, op := range rules.Ops {
		d.Ops = append(d.Ops, option{Value: op, Label: s.opLabel(r, op), Selected: op == d.Form.Op})
	}
	p.Data = d
	s.render(w, r, status, "admin_rules", p)
}

func (s *Server) ruleRow(r *http.Request, x rules.Rule) ruleRow {
	row := ruleRow{Rule: x, OpLabel: s.opLabel(r, x.Op), Text: s.tr(r, x.Message), Invalid: !x.BuiltIn && x.Validate() != nil}
	if len(x.Types) == 0 {
		row.Types = s.tr(r, "admin.rules.all_types")
	} else {
		labels := make([]string, len(x.Types))
		for i, t := range x.Types {
			labels[i] = typeLabel(t)
		}
		row.Types = strings.Join(labels, ", ")
	}
	return row
}

func typeLabel(t vrs.IncidentType) string {
	if l := refdata.CodeLabel("incident_type", string(t)); l != "" {
		return l
	}
	return string(t)
}

func (s *Server) opLabel(r *http.Request, op string) string {
	switch op {
	case rules.OpCompulsoryPair, rules.OpExclusivePair:
		return s.tr(r, "admin.rules.op."+op)
	}
	return op
}

// markExpr splits an expression around the place a parse error points at.
func markExpr(src string, pe *rules.ParseError) *exprMark {
	runes := []rune(src)
	at := min(max(pe.Pos-1, 0), len(runes))
	n := utf8.RuneCountInString(pe.Arg)
	if n == 0 || !strings.HasPrefix(string(runes[at:]), pe.Arg) {
		n = min(1, len(runes)-at)
	}
	m := &exprMark{Before: string(runes[:at]), At: string(runes[at : at+n]), After: string(runes[at+n:])}
	if m.At == "" {
		m.At = " " // the end: mark the place where something is missing
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ruleFromForm reads the rule form.
func ruleFromForm(r *http.Request) (ruleForm, *rules.Rule) {
	f := ruleForm{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Left: r.PostFormValue("left"),
		Op: r.PostFormValue("op"), Right: r.PostFormValue("right"), Field: r.PostFormValue("field"), Message: r.PostFormValue("message"),
		Types: r.PostForm["types"]}
	x := &rules.Rule{Name: f.Name, Description: f.Description, Left: f.Left, Op: f.Op, Right: f.Right, Field: f.Field, Message: f.Message}
	for _, t := range f.Types {
		x.Types = append(x.Types, vrs.IncidentType(t))
	}
	return f, x
}

// rulePost reads what every POST of the page needs.
func (s *Server) rulePost(w http.ResponseWriter, r *http.Request, withID bool) (ruleStore, int64, bool) {
	store, err := s.adminRules(r)
	var id int64
	if err == nil && withID {
		id, err = pathID(r, "id")
	}
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		s.error(w, r, err)
		return nil, 0, false
	}
	return store, id, true
}

func (s *Server) ruleCreate(w http.ResponseWriter, r *http.Request) {
	store, _, ok := s.rulePost(w, r, false)
	if !ok {
		return
	}
	f, x := ruleFromForm(r)
	if err := store.CreateValidationRule(r.Context(), x); err != nil {
		if fail := s.asFormFailure(r, err); fail != nil {
			s.renderRules(w, r, &ruleSubmit{form: f, fail: fail})
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/rules", "rule_created")
}

// ruleUpdate changes a rule from the form, or, when the request carries
// only "disabled" (the list's enable and disable buttons), turns it off
// or on.
func (s *Server) ruleUpdate(w http.ResponseWriter, r *http.Request) {
	store, id, ok := s.rulePost(w, r, true)
	if !ok {
		return
	}
	list, err := store.ListValidationRules(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	i := slices.IndexFunc(list, func(x *rules.Rule) bool { return x.ID == id })
	if i < 0 {
		s.error(w, r, vrs.NotFound("rule"))
		return
	}
	cur := list[i]
	var f ruleForm
	var x *rules.Rule
	if _, full := r.PostForm["name"]; full {
		f, x = ruleFromForm(r)
		x.Disabled = cur.Disabled
	} else {
		x = cur
		x.Disabled = r.PostFormValue("disabled") == "on"
	}
	if err := store.UpdateValidationRule(r.Context(), id, x); err != nil {
		if fail := s.asFormFailure(r, err); fail != nil {
			if _, full := r.PostForm["name"]; !full {
				// A stored rule that no longer validates can only be
				// turned off or on once it is corrected: say so on its form.
				f = ruleForm{Name: cur.Name, Description: cur.Description, Left: cur.Left, Op: cur.Op, Right: cur.Right, Field: cur.Field, Message: cur.Message}
				for _, t := range cur.Types {
					f.Types = append(f.Types, string(t))
				}
			}
			s.renderRules(w, r, &ruleSubmit{id: id, form: f, fail: fail})
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/rules", "rule_saved")
}

func (s *Server) ruleDelete(w http.ResponseWriter, r *http.Request) {
	store, id, ok := s.rulePost(w, r, true)
	if !ok {
		return
	}
	if err := store.DeleteValidationRule(r.Context(), id); err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/rules", "rule_deleted")
}
