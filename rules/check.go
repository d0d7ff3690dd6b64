package rules

import (
	"errors"
	"reflect"
	"slices"

	"vrs"
)

// Set is a list of compiled rules, ready to check incidents. It is
// immutable and safe for concurrent use.
type Set struct {
	rules []*compiled
}

// RuleError is the error Compile returns for a rule that does not compile.
type RuleError struct {
	Name string
	Err  error
}

func (e *RuleError) Error() string { return "rule " + e.Name + ": " + e.Err.Error() }
func (e *RuleError) Unwrap() error { return e.Err }

// Compile parses every rule once. Rules are checked in the order given, so
// that for each field the first failing rule's message is the one shown.
func Compile(rs []Rule) (*Set, error) {
	s := &Set{rules: make([]*compiled, 0, len(rs))}
	var errs []error
	for i := range rs {
		c, fields := compile(&rs[i])
		if len(fields) > 0 {
			errs = append(errs, &RuleError{Name: rs[i].Name, Err: vrs.FieldErrors(fields)})
			continue
		}
		s.rules = append(s.rules, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// Rules returns the set's rules.
func (s *Set) Rules() []Rule {
	out := make([]Rule, len(s.rules))
	for i, c := range s.rules {
		out[i] = c.Rule
		out[i].Types = slices.Clone(c.Types)
	}
	return out
}

// Len is the number of rules in the set.
func (s *Set) Len() int { return len(s.rules) }

// Check returns, for each field where a rule that applies to the incident
// does not hold, the first such rule's message (a catalogue key or a
// sentence). It returns nil when every rule holds. today is the reporting
// agency's date, YYYY-MM-DD.
func (s *Set) Check(inc *vrs.Incident, today string) map[string]string {
	var out map[string]string
	s.CheckInto(inc, today, &out)
	return out
}

// CheckInto adds the messages of failing rules to *fields, allocating the
// map when needed, and leaves fields that already have a message alone:
// a field the incident's own validation refused needs no second message.
func (s *Set) CheckInto(inc *vrs.Incident, today string, fields *map[string]string) {
	if s == nil || inc == nil {
		return
	}
	v := reflect.ValueOf(inc).Elem()
	for _, c := range s.rules {
		if c.Disabled || len(c.Types) > 0 && !slices.Contains(c.Types, inc.Type) {
			continue
		}
		if _, done := (*fields)[c.Field]; done {
			continue
		}
		if !c.holds(v, today) {
			if *fields == nil {
				*fields = map[string]string{}
			}
			(*fields)[c.Field] = c.Message
		}
	}
}

// Holds reports whether the rule holds for the incident; a rule that does
// not compile holds (it is refused when saved, not when checked).
func (r *Rule) Holds(inc *vrs.Incident, today string) bool {
	c, fields := compile(r)
	return len(fields) > 0 || c.holds(reflect.ValueOf(inc).Elem(), today)
}

func (c *compiled) holds(v reflect.Value, today string) bool {
	l := c.left.eval(v, today)
	if c.pair {
		r := c.right.eval(v, today)
		if c.Op == OpCompulsoryPair {
			return (l.k == kindNone) == (r.k == kindNone)
		}
		return l.k == kindNone || r.k == kindNone
	}
	if l.k == kindNone {
		return true
	}
	r := c.right.eval(v, today)
	if r.k != l.k {
		return true
	}
	return c.cmp.holds(compare(l, r))
}

// Check checks inc against rs, compiling them on each call: for a single
// use. Rules that do not compile are left out; use Compile to learn why,
// and a Set to check many incidents.
func Check(inc *vrs.Incident, rs []Rule, today string) map[string]string {
	s := &Set{}
	for i := range rs {
		if c, fields := compile(&rs[i]); len(fields) == 0 {
			s.rules = append(s.rules, c)
		}
	}
	return s.Check(inc, today)
}

func reflectOf(inc *vrs.Incident) reflect.Value { return reflect.ValueOf(inc).Elem() }
