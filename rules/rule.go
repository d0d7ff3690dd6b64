// Package rules holds VRS's cross-field validation rules as data, as DHIS2
// validation rules are: a left expression, an operator and a right
// expression over the fields of an incident, with the message to show on
// one field when the rule does not hold. VRS ships a few built-in rules
// (defaults.json); an installation adds its own through the
// administration pages, and the store checks both on every write.
//
// Like DHIS2's SKIP_IF_ANY_VALUE_MISSING, a comparison whose side is
// missing (an empty date or text, a number not given, the min or max of
// an empty section) is not evaluated; the pair operators exist to test
// presence itself.
package rules

import (
	_ "embed"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"vrs"
)

// Operators.
const (
	OpEq = "=="
	OpNe = "!="
	OpLt = "<"
	OpLe = "<="
	OpGt = ">"
	OpGe = ">="
	// OpCompulsoryPair holds when both sides are present or both absent.
	OpCompulsoryPair = "compulsory_pair"
	// OpExclusivePair holds unless both sides are present.
	OpExclusivePair = "exclusive_pair"
)

// Ops lists the operators in display order.
var Ops = []string{OpEq, OpNe, OpLt, OpLe, OpGt, OpGe, OpCompulsoryPair, OpExclusivePair}

// Limits on a rule's texts.
const (
	MaxDescription = 500
	MaxMessage     = 300
)

// Rule is one cross-field rule: where Left Op Right does not hold, Message
// is shown on Field.
type Rule struct {
	ID          int64  `json:"id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Types limits the rule to incidents of these types; empty is all.
	Types []vrs.IncidentType `json:"types,omitempty"`
	Left  string             `json:"left"`
	Op    string             `json:"op"`
	Right string             `json:"right"`
	// Field is the incident field path the message is attached to
	// ("detected_on", "persons_involved", "legs").
	Field string `json:"field"`
	// Message is a catalogue key (built-in rules) or a plain sentence
	// (rules an installation adds); the catalogue shows a sentence that is
	// not a key as it is.
	Message   string    `json:"message"`
	Disabled  bool      `json:"disabled,omitempty"`
	BuiltIn   bool      `json:"built_in,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Normalize tidies what an administrator typed.
func (r *Rule) Normalize() {
	r.Name = strings.ToLower(strings.TrimSpace(r.Name))
	r.Description = strings.TrimSpace(strings.ReplaceAll(r.Description, "\r\n", "\n"))
	r.Left, r.Right = strings.TrimSpace(r.Left), strings.TrimSpace(r.Right)
	r.Op = strings.TrimSpace(r.Op)
	r.Field = strings.TrimSpace(r.Field)
	r.Message = strings.Join(strings.Fields(r.Message), " ")
	var types []vrs.IncidentType
	for _, t := range vrs.IncidentTypes { // in display order, once each
		if slices.Contains(r.Types, t) {
			types = append(types, t)
		}
	}
	for _, t := range r.Types { // unknown ones stay, for Validate to refuse
		if !slices.Contains(vrs.IncidentTypes, t) && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	r.Types = types
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,63}$`)

// Validate checks the rule and answers one catalogue key per offending
// field. An expression that does not parse is named by the key of its
// reason; Parse gives the position.
func (r *Rule) Validate() error {
	if _, fields := compile(r); len(fields) > 0 {
		return vrs.FieldErrors(fields)
	}
	return nil
}

// compiled is a rule ready to check.
type compiled struct {
	Rule
	left, right *Expr
	cmp         cmpOp
	pair        bool
}

// compile parses and checks r, answering the problems by field.
func compile(r *Rule) (*compiled, map[string]string) {
	fields := map[string]string{}
	switch {
	case !nameRE.MatchString(r.Name):
		fields["name"] = "rule.name_format"
	case !r.BuiltIn && slices.ContainsFunc(defaults(), func(d Rule) bool { return d.Name == r.Name }):
		fields["name"] = "rule.name_builtin"
	}
	text := func(name, s string, max int, key string) {
		switch {
		case !utf8.ValidString(s):
			fields[name] = "field.utf8"
		case utf8.RuneCountInString(s) > max:
			fields[name] = key
		case strings.ContainsFunc(s, func(c rune) bool { return c < 0x20 && c != '\n' && c != '\t' || c == 0x7f }):
			fields[name] = "field.control_chars"
		}
	}
	text("description", r.Description, MaxDescription, "rule.description_too_long")
	if r.Message == "" {
		fields["message"] = "field.required"
	}
	text("message", r.Message, MaxMessage, "rule.message_too_long")
	for _, t := range r.Types {
		if !slices.Contains(vrs.IncidentTypes, t) {
			fields["types"] = "rule.types_unknown"
		}
	}
	sc := incidentSchema()
	switch _, isSection := sc.sections[r.Field]; {
	case r.Field == "":
		fields["field"] = "rule.field_required"
	case sc.fields[r.Field] == nil && !isSection:
		fields["field"] = "rule.field_unknown"
	}
	c := &compiled{Rule: *r}
	c.Types = slices.Clone(r.Types)
	switch r.Op {
	case OpCompulsoryPair, OpExclusivePair:
		c.pair = true
	default:
		var ok bool
		if c.cmp, ok = cmpOps[r.Op]; !ok || r.Op == "=" || r.Op == "<>" {
			fields["op"] = "rule.op_unknown"
		}
	}
	var err error
	if c.left, err = Parse(r.Left); err != nil {
		fields["left"] = parseKey(err)
	}
	if c.right, err = Parse(r.Right); err != nil {
		fields["right"] = parseKey(err)
	}
	if c.left != nil && c.right != nil && !c.pair && fields["op"] == "" && c.left.kind != c.right.kind {
		fields["right"] = "rule.type_mismatch"
	}
	return c, fields
}

func parseKey(err error) string {
	if pe, ok := err.(*ParseError); ok {
		return pe.Key
	}
	return errUnexpected
}

//go:embed defaults.json
var defaultsJSON []byte

var defaults = sync.OnceValue(func() []Rule {
	var rs []Rule
	if err := json.Unmarshal(defaultsJSON, &rs); err != nil {
		panic("rules: defaults.json: " + err.Error())
	}
	for i := range rs {
		rs[i].BuiltIn = true
	}
	return rs
})

// Defaults returns the built-in rules, which every installation checks.
func Defaults() []Rule {
	rs := slices.Clone(defaults())
	for i := range rs {
		rs[i].Types = slices.Clone(rs[i].Types)
	}
	return rs
}
