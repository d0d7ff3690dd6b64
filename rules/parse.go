package rules

import (
	"reflect"
	"strconv"
	"strings"
)

// The expression language, by example:
//
//	occurred_on                       a field of the incident ('' and no number are missing)
//	place.country, persons_involved   nested fields by their JSON names
//	'2020-01-01', 'migrant', 12, 1.5  literals; dates are 'YYYY-MM-DD' texts and compare as texts
//	today                             the reporting agency's date
//	count(persons) + 2 * 3            + - * on numbers, parentheses
//	count(persons where role = 'migrant' and status in ('deceased', 'missing'))
//	sum(counts.count where role = 'victim'), min(legs.departed_on), max(legs.arrived_on)
//	count(offence_codes)              a list of codes counts too
//
// Grammar:
//
//	expr    = term {("+" | "-") term}
//	term    = unary {"*" unary}
//	unary   = "-" unary | primary
//	primary = number | string | "today" | path | agg "(" section ["." field] ["where" cond] ")" | "(" expr ")"
//	agg     = "count" | "sum" | "min" | "max"
//	cond    = and {"or" and}
//	and     = atom {"and" atom}
//	atom    = "not" atom | "(" cond ")" | field cmp literal | field ["not"] "in" "(" literal {"," literal} ")"
//	cmp     = "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//	literal = string | number | "-" number | "today"

// evalFn computes a value from the incident (a reflect.Value of a
// vrs.Incident) and today's date.
type evalFn func(inc reflect.Value, today string) value

// condFn tests one item of a section.
type condFn func(item reflect.Value, today string) bool

// Expr is a parsed, type-checked expression.
type Expr struct {
	src  string
	kind kind
	eval evalFn
}

// String returns the expression as written.
func (e *Expr) String() string { return e.src }

// Numeric reports whether the expression is a number (otherwise a text
// or a date).
func (e *Expr) Numeric() bool { return e.kind == kindNum }

// Parse reads an expression; its error is a *ParseError.
func Parse(src string) (*Expr, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	if toks[0].kind == tEOF {
		return nil, &ParseError{Pos: 1, Key: errEmpty}
	}
	p := &parser{toks: toks, sc: incidentSchema()}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.fail(t, errUnexpected)
	}
	return &Expr{src: src, kind: n.kind, eval: n.eval}, nil
}

type node struct {
	kind kind
	eval evalFn
}

type parser struct {
	toks  []token
	i     int
	depth int
	sc    *schema
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) fail(t token, key string) error {
	if t.kind == tEOF && key == errUnexpected {
		key = errEnd
	}
	arg := t.text
	if t.kind == tStr {
		arg = "'" + arg + "'"
	}
	return &ParseError{Pos: t.pos, Key: key, Arg: arg}
}

// enter counts nesting so that a hostile expression cannot exhaust the stack.
func (p *parser) enter(at token) error {
	p.depth++
	if p.depth > maxDepth {
		return &ParseError{Pos: at.pos, Key: errTooDeep}
	}
	return nil
}

func (p *parser) isOp(text string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == text
}

func (p *parser) isWord(word string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, word)
}

func (p *parser) expect(text, key string) error {
	if !p.isOp(text) {
		return p.fail(p.peek(), key)
	}
	p.next()
	return nil
}

func (p *parser) expr() (node, error) {
	l, err := p.term()
	if err != nil {
		return l, err
	}
	for p.isOp("+") || p.isOp("-") {
		op := p.next()
		r, err := p.term()
		if err != nil {
			return r, err
		}
		if l, err = arith(op, l, r); err != nil {
			return l, err
		}
	}
	return l, nil
}

func (p *parser) term() (node, error) {
	l, err := p.unary()
	if err != nil {
		return l, err
	}
	for p.isOp("*") {
		op := p.next()
		r, err := p.unary()
		if err != nil {
			return r, err
		}
		if l, err = arith(op, l, r); err != nil {
			return l, err
		}
	}
	return l, nil
}

func (p *parser) unary() (node, error) {
	if !p.isOp("-") {
		return p.primary()
	}
	op := p.next()
	if err := p.enter(op); err != nil {
		return node{}, err
	}
	defer func() { p.depth-- }()
	n, err := p.unary()
	if err != nil {
		return n, err
	}
	if n.kind != kindNum {
		return n, &ParseError{Pos: op.pos, Key: errNeedsNumber, Arg: "-"}
	}
	f := n.eval
	return node{kindNum, func(inc reflect.Value, today string) value {
		v := f(inc, today)
		v.n = -v.n
		return v
	}}, nil
}

func arith(op token, l, r node) (node, error) {
	if l.kind != kindNum || r.kind != kindNum {
		return l, &ParseError{Pos: op.pos, Key: errNeedsNumber, Arg: op.text}
	}
	lf, rf := l.eval, r.eval
	var combine func(a, b float64) float64
	switch op.text {
	case "+":
		combine = func(a, b float64) float64 { return a + b }
	case "-":
		combine = func(a, b float64) float64 { return a - b }
	default:
		combine = func(a, b float64) float64 { return a * b }
	}
	return node{kindNum, func(inc reflect.Value, today string) value {
		a := lf(inc, today)
		if a.k == kindNone {
			return a
		}
		b := rf(inc, today)
		if b.k == kindNone {
			return b
		}
		return value{k: kindNum, n: combine(a.n, b.n)}
	}}, nil
}

func constant(v value) node {
	return node{v.k, func(reflect.Value, string) value { return v }}
}

func todayNode() node {
	return node{kindStr, func(_ reflect.Value, today string) value {
		if today == "" {
			return value{}
		}
		return value{k: kindStr, s: today}
	}}
}

func (p *parser) primary() (node, error) {
	t := p.peek()
	switch t.kind {
	case tNum:
		p.next()
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return node{}, p.fail(t, errNumber)
		}
		return constant(value{k: kindNum, n: n}), nil
	case tStr:
		p.next()
		if t.text == "" {
			return node{kindStr, func(reflect.Value, string) value { return value{} }}, nil
		}
		return constant(value{k: kindStr, s: t.text}), nil
	case tOp:
		if t.text != "(" {
			return node{}, p.fail(t, errUnexpected)
		}
		p.next()
		if err := p.enter(t); err != nil {
			return node{}, err
		}
		n, err := p.expr()
		if err != nil {
			return n, err
		}
		p.depth--
		return n, p.expect(")", errCloseParen)
	case tIdent:
		p.next()
		word := strings.ToLower(t.text)
		if p.isOp("(") {
			switch word {
			case "count", "sum", "min", "max":
				return p.aggregate(t, word)
			}
			return node{}, p.fail(t, errUnknownFunc)
		}
		switch word {
		case "today":
			return todayNode(), nil
		case "and", "or", "not", "in", "where":
			return node{}, p.fail(t, errUnexpected)
		}
		if f, ok := p.sc.fields[t.text]; ok {
			return node{f.kind, func(inc reflect.Value, _ string) value { return f.get(inc) }}, nil
		}
		sec, _, _ := strings.Cut(t.text, ".")
		if _, ok := p.sc.sections[sec]; ok {
			return node{}, p.fail(t, errList)
		}
		return node{}, p.fail(t, errUnknownField)
	}
	return node{}, p.fail(t, errUnexpected)
}

// aggregate parses count(...), sum(...), min(...) or max(...) after its name.
func (p *parser) aggregate(fn token, word string) (node, error) {
	if err := p.enter(p.next()); err != nil { // (
		return node{}, err
	}
	defer func() { p.depth-- }()
	t := p.peek()
	if t.kind != tIdent {
		return node{}, p.fail(t, errUnexpected)
	}
	p.next()
	secName, fieldName, dotted := strings.Cut(t.text, ".")
	sec, ok := p.sc.sections[secName]
	if !ok {
		if _, scalar := p.sc.fields[t.text]; scalar {
			return node{}, &ParseError{Pos: t.pos, Key: errUnknownSec, Arg: t.text}
		}
		return node{}, &ParseError{Pos: t.pos, Key: errUnknownSec, Arg: secName}
	}
	var f *field
	if dotted {
		if f = sec.fields[fieldName]; f == nil {
			return node{}, &ParseError{Pos: t.pos + len(secName) + 1, Key: errUnknownField, Arg: fieldName}
		}
	}
	switch {
	case word != "count" && f == nil:
		return node{}, &ParseError{Pos: t.pos, Key: errNeedsField, Arg: t.text}
	case word == "sum" && f.kind != kindNum:
		return node{}, &ParseError{Pos: t.pos, Key: errNeedsNumber, Arg: t.text}
	}
	var cond condFn
	if p.isWord("where") {
		w := p.next()
		if sec.fields == nil {
			return node{}, p.fail(w, errWhereCodes)
		}
		c, err := p.cond(sec)
		if err != nil {
			return node{}, err
		}
		cond = c
	}
	if err := p.expect(")", errCloseParen); err != nil {
		return node{}, err
	}
	idx := sec.index
	if sec.fields == nil { // a list of codes
		return node{kindNum, func(inc reflect.Value, _ string) value {
			return value{k: kindNum, n: float64(inc.Field(idx).Len())}
		}}, nil
	}
	switch word {
	case "count":
		return node{kindNum, func(inc reflect.Value, today string) value {
			s := inc.Field(idx)
			c := 0
			for i := range s.Len() {
				item := s.Index(i)
				if (f == nil || f.get(item).k != kindNone) && (cond == nil || cond(item, today)) {
					c++
				}
			}
			return value{k: kindNum, n: float64(c)}
		}}, nil
	case "sum":
		return node{kindNum, func(inc reflect.Value, today string) value {
			s := inc.Field(idx)
			total := 0.0
			for i := range s.Len() {
				item := s.Index(i)
				if cond != nil && !cond(item, today) {
					continue
				}
				if v := f.get(item); v.k == kindNum {
					total += v.n
				}
			}
			return value{k: kindNum, n: total}
		}}, nil
	}
	want := -1 // min: keep values that compare below the best
	if word == "max" {
		want = 1
	}
	return node{f.kind, func(inc reflect.Value, today string) value {
		s := inc.Field(idx)
		var best value
		for i := range s.Len() {
			item := s.Index(i)
			if cond != nil && !cond(item, today) {
				continue
			}
			v := f.get(item)
			if v.k != kindNone && (best.k == kindNone || compare(v, best) == want) {
				best = v
			}
		}
		return best
	}}, nil
}

// cond parses a where condition over the items of sec.
func (p *parser) cond(sec *section) (condFn, error) {
	l, err := p.and(sec)
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		p.next()
		r, err := p.and(sec)
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(item reflect.Value, today string) bool { return a(item, today) || b(item, today) }
	}
	return l, nil
}

func (p *parser) and(sec *section) (condFn, error) {
	l, err := p.atom(sec)
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		p.next()
		r, err := p.atom(sec)
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(item reflect.Value, today string) bool { return a(item, today) && b(item, today) }
	}
	return l, nil
}

func (p *parser) atom(sec *section) (condFn, error) {
	if err := p.enter(p.peek()); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if p.isWord("not") {
		p.next()
		c, err := p.atom(sec)
		if err != nil {
			return nil, err
		}
		return func(item reflect.Value, today string) bool { return !c(item, today) }, nil
	}
	if p.isOp("(") {
		p.next()
		c, err := p.cond(sec)
		if err != nil {
			return nil, err
		}
		return c, p.expect(")", errCloseParen)
	}
	t := p.peek()
	if t.kind != tIdent {
		return nil, p.fail(t, errUnexpected)
	}
	p.next()
	f := sec.fields[t.text]
	if f == nil {
		return nil, p.fail(t, errUnknownField)
	}
	negate := false
	if p.isWord("not") {
		p.next()
		negate = true
		if !p.isWord("in") {
			return nil, p.fail(p.peek(), errUnexpected)
		}
	}
	if p.isWord("in") {
		p.next()
		if err := p.expect("(", errUnexpected); err != nil {
			return nil, err
		}
		var set []value
		for {
			lit, err := p.literal(f.kind)
			if err != nil {
				return nil, err
			}
			if len(set) == maxListItems {
				return nil, p.fail(p.peek(), errTooMany)
			}
			set = append(set, lit)
			if !p.isOp(",") {
				break
			}
			p.next()
		}
		if err := p.expect(")", errCloseParen); err != nil {
			return nil, err
		}
		return func(item reflect.Value, _ string) bool {
			v := f.get(item)
			if v.k == kindNone {
				return false // missing is in no list, nor outside one
			}
			for _, s := range set {
				if v.k == s.k && compare(v, s) == 0 {
					return !negate
				}
			}
			return negate
		}, nil
	}
	opTok := p.peek()
	op, ok := cmpOps[opTok.text]
	if opTok.kind != tOp || !ok {
		return nil, p.fail(opTok, errUnexpected)
	}
	p.next()
	if p.isWord("today") {
		p.next()
		if f.kind != kindStr {
			return nil, &ParseError{Pos: opTok.pos, Key: errMismatch, Arg: "today"}
		}
		return func(item reflect.Value, today string) bool {
			v := f.get(item)
			return v.k != kindNone && today != "" && op.holds(compare(v, value{k: kindStr, s: today}))
		}, nil
	}
	lit, err := p.literal(f.kind)
	if err != nil {
		return nil, err
	}
	return func(item reflect.Value, _ string) bool {
		v := f.get(item)
		return v.k != kindNone && lit.k != kindNone && op.holds(compare(v, lit))
	}, nil
}

// literal reads a value to compare a field of kind k with.
func (p *parser) literal(k kind) (value, error) {
	t := p.next()
	neg := false
	if t.kind == tOp && t.text == "-" {
		neg = true
		t = p.next()
	}
	var v value
	switch {
	case t.kind == tStr && !neg:
		v = value{k: kindStr, s: t.text}
	case t.kind == tNum:
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return v, p.fail(t, errNumber)
		}
		if neg {
			n = -n
		}
		v = value{k: kindNum, n: n}
	default:
		return v, p.fail(t, errUnexpected)
	}
	if v.k != k {
		return v, &ParseError{Pos: t.pos, Key: errMismatch, Arg: t.text}
	}
	if v.k == kindStr && v.s == "" {
		v.k = kindNone
	}
	return v, nil
}

// compare orders two values of the same kind: -1, 0 or 1.
func compare(a, b value) int {
	if a.k == kindNum {
		switch {
		case a.n < b.n:
			return -1
		case a.n > b.n:
			return 1
		}
		return 0
	}
	return strings.Compare(a.s, b.s)
}

// cmpOp is a comparison: the results of compare for which it holds.
type cmpOp struct{ lt, eq, gt bool }

func (o cmpOp) holds(c int) bool {
	switch c {
	case -1:
		return o.lt
	case 0:
		return o.eq
	}
	return o.gt
}

var cmpOps = map[string]cmpOp{
	"=": {eq: true}, "==": {eq: true}, "!=": {lt: true, gt: true}, "<>": {lt: true, gt: true},
	"<": {lt: true}, "<=": {lt: true, eq: true}, ">": {gt: true}, ">=": {gt: true, eq: true},
}
