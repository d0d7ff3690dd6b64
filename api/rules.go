package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"vrs"
	"vrs/i18n"
	"vrs/rules"
	"vrs/web"
)

// Validation rules: every signed-in user may read them (they explain why
// an incident is refused); administrators add, change and delete the
// installation's own, which the store checks. The built-in rules are
// listed, marked built_in, and cannot be changed.

// ruleStore is what these endpoints need from the store; the store's *DB
// implements it (package rules sits above vrs, so vrs.Store cannot name it).
type ruleStore interface {
	ListValidationRules(ctx context.Context) ([]*rules.Rule, error)
	CreateValidationRule(ctx context.Context, r *rules.Rule) error
	UpdateValidationRule(ctx context.Context, id int64, r *rules.Rule) error
	DeleteValidationRule(ctx context.Context, id int64) error
}

// ruleCacheControl lets a client keep the list but ask again each time: a
// change applies at once, and an unchanged list answers 304.
const ruleCacheControl = "private, no-cache"

func ruleURL(id int64) string { return Prefix + "/validation-rules/" + strconv.FormatInt(id, 10) }

// ruleRequest is the body of POST and PUT: the rule as an administrator
// writes it. PUT replaces the whole rule; a field left out is empty.
type ruleRequest struct {
	Name        string             `json:"name"`
	Description string             `json:"description"`
	Types       []vrs.IncidentType `json:"types"`
	Left        string             `json:"left"`
	Op          string             `json:"op"`
	Right       string             `json:"right"`
	Field       string             `json:"field"`
	Message     string             `json:"message"`
	Disabled    bool               `json:"disabled"`
}

func (q *ruleRequest) rule() *rules.Rule {
	return &rules.Rule{Name: q.Name, Description: q.Description, Types: slices.Clone(q.Types), Left: q.Left, Op: q.Op,
		Right: q.Right, Field: q.Field, Message: q.Message, Disabled: q.Disabled}
}

// rules answers the store's rules methods, or 404 for a store without them.
func (a *API) rules() (ruleStore, error) {
	if rs, ok := a.store.(ruleStore); ok {
		return rs, nil
	}
	return nil, vrs.Errorf(vrs.ENOTFOUND, "api.error.no_route")
}

// ruleOut is a rule as answered: a copy that shares nothing with the store's.
func ruleOut(r rules.Rule) rules.Rule {
	r.Types = slices.Clone(r.Types)
	return r
}

// ruleList answers the built-in rules, then the installation's by name,
// with an ETag of the answer.
func (a *API) ruleList(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	store, err := a.rules()
	if err != nil {
		a.error(w, r, err)
		return
	}
	installed, err := store.ListValidationRules(r.Context())
	if err != nil {
		a.error(w, r, err)
		return
	}
	var items []rules.Rule
	for _, x := range rules.Defaults() {
		items = append(items, ruleOut(x))
	}
	for _, x := range installed {
		items = append(items, ruleOut(*x))
	}
	if items == nil {
		items = []rules.Rule{}
	}
	body := encodeJSON(list[rules.Rule]{Items: items, Count: len(items)})
	sum := sha256.Sum256(body)
	c := cachedBody{etag: `"rules-` + hex.EncodeToString(sum[:])[:16] + `"`, body: body}
	h := w.Header()
	h.Set("ETag", c.etag)
	h.Set("Cache-Control", ruleCacheControl)
	if etagMatches(r.Header.Values("If-None-Match"), c.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(c.body)
	}
}

// findRule answers the installation rule id (built-in rules have none).
func findRule(ctx context.Context, store ruleStore, id int64) (*rules.Rule, error) {
	list, err := store.ListValidationRules(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(list, func(x *rules.Rule) bool { return x.ID == id })
	if i < 0 {
		return nil, vrs.NotFound("rule")
	}
	return list[i], nil
}

func (a *API) ruleGet(w http.ResponseWriter, r *http.Request) {
	store, err := a.rules()
	var id int64
	if err == nil {
		id, err = pathID(r, "id", "rule")
	}
	var x *rules.Rule
	if err == nil {
		x, err = findRule(r.Context(), store, id)
	}
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, ruleOut(*x))
}

func (a *API) ruleCreate(w http.ResponseWriter, r *http.Request) {
	store, err := a.rules()
	var req ruleRequest
	if err == nil {
		err = decodeJSON(r, &req)
	}
	if err != nil {
		a.error(w, r, err)
		return
	}
	x := req.rule()
	if err := store.CreateValidationRule(r.Context(), x); err != nil {
		a.ruleError(w, r, &req, err)
		return
	}
	writeCreated(w, ruleURL(x.ID), ruleOut(*x))
}

func (a *API) ruleUpdate(w http.ResponseWriter, r *http.Request) {
	store, err := a.rules()
	var id int64
	if err == nil {
		id, err = pathID(r, "id", "rule")
	}
	var req ruleRequest
	if err == nil {
		err = decodeJSON(r, &req)
	}
	if err != nil {
		a.error(w, r, err)
		return
	}
	if err := store.UpdateValidationRule(r.Context(), id, req.rule()); err != nil {
		a.ruleError(w, r, &req, err)
		return
	}
	// Answer what is stored (an unchanged rule keeps its updated_at).
	x, err := findRule(r.Context(), store, id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, ruleOut(*x))
}

func (a *API) ruleDelete(w http.ResponseWriter, r *http.Request) {
	store, err := a.rules()
	var id int64
	if err == nil {
		id, err = pathID(r, "id", "rule")
	}
	if err == nil {
		err = store.DeleteValidationRule(r.Context(), id)
	}
	if err != nil {
		a.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// ruleError answers a refused write. An expression that does not parse
// is named, under its field, with the character where it stops being
// readable, counted in the expression as sent.
func (a *API) ruleError(w http.ResponseWriter, r *http.Request, req *ruleRequest, err error) {
	e, ok := errors.AsType[*vrs.Error](err)
	if !ok || len(e.Fields) == 0 {
		a.error(w, r, err)
		return
	}
	pos := map[string]int{}
	for side, src := range map[string]string{"left": req.Left, "right": req.Right} {
		if e.Fields[side] == "" {
			continue
		}
		if _, perr := rules.Parse(src); perr != nil {
			if pe, ok := errors.AsType[*rules.ParseError](perr); ok && pe.Key == e.Fields[side] {
				pos[side] = pe.Pos
			}
		}
	}
	if len(pos) == 0 {
		a.error(w, r, err)
		return
	}
	web.WriteError(w, r, ruleCatalog{a.cfg.Catalog, pos}, err)
}

// ruleCatalog translates an error as the catalogue does, and puts the
// position of an expression's problem in front of its field's message.
type ruleCatalog struct {
	*i18n.Catalog
	pos map[string]int
}

func (c ruleCatalog) Error(lang string, err error) (string, map[string]string) {
	msg, fields := c.Catalog.Error(lang, err)
	for side, p := range c.pos {
		if m, ok := fields[side]; ok {
			fields[side] = c.T(lang, "api.rules.expr_at", p, m)
		}
	}
	return msg, fields
}
