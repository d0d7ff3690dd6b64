package rules

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits that keep one expression cheap to parse and to check.
const (
	MaxExprLen   = 500 // characters
	maxDepth     = 32  // nested parentheses, operators and functions
	maxListItems = 50  // values of one "in (...)"
)

// ParseError is an expression that does not parse: Pos is the 1-based
// character at which the problem is, Key the catalogue key that explains
// it and Arg what was found there (a field name, a token).
type ParseError struct {
	Pos int
	Key string
	Arg string
}

func (e *ParseError) Error() string {
	if e.Arg == "" {
		return fmt.Sprintf("at character %d: %s", e.Pos, e.Key)
	}
	return fmt.Sprintf("at character %d: %s (%q)", e.Pos, e.Key, e.Arg)
}

// Parse-error keys, in i18n/messages/en/rules.json.
const (
	errEmpty        = "rule.expr.empty"
	errTooLong      = "rule.expr.too_long"
	errTooDeep      = "rule.expr.too_deep"
	errChar         = "rule.expr.bad_char"
	errString       = "rule.expr.unterminated_string"
	errNumber       = "rule.expr.bad_number"
	errUnexpected   = "rule.expr.unexpected"
	errEnd          = "rule.expr.unexpected_end"
	errCloseParen   = "rule.expr.close_paren"
	errUnknownField = "rule.expr.unknown_field"
	errUnknownSec   = "rule.expr.unknown_section"
	errUnknownFunc  = "rule.expr.unknown_function"
	errList         = "rule.expr.is_list"
	errNeedsNumber  = "rule.expr.needs_number"
	errNeedsField   = "rule.expr.needs_field"
	errMismatch     = "rule.expr.type_mismatch"
	errWhereCodes   = "rule.expr.where_on_codes"
	errTooMany      = "rule.expr.too_many_values"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tStr
	tIdent
	tOp // ( ) , + - * = == != <> < <= > >=
)

type token struct {
	kind tokKind
	text string // the identifier, the operator, the string's content or the number's digits
	pos  int    // 1-based character position
}

// lex splits an expression into tokens. Identifiers take dots, so that a
// path ("place.country", "legs.departed_on") is one token.
func lex(src string) ([]token, error) {
	if !utf8.ValidString(src) {
		return nil, &ParseError{Pos: 1, Key: errChar}
	}
	if utf8.RuneCountInString(src) > MaxExprLen {
		return nil, &ParseError{Pos: MaxExprLen + 1, Key: errTooLong}
	}
	var toks []token
	pos := 1 // in characters
	for i := 0; i < len(src); {
		c := src[i]
		start := pos
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			pos++
		case isLetter(c):
			j := i
			for j < len(src) && (isLetter(src[j]) || isDigit(src[j]) || src[j] == '.' && j+1 < len(src) && isLetter(src[j+1])) {
				j++
			}
			toks = append(toks, token{tIdent, src[i:j], start})
			pos += j - i
			i = j
		case isDigit(c):
			j := i
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '.' {
				j++
				if j >= len(src) || !isDigit(src[j]) {
					return nil, &ParseError{Pos: start, Key: errNumber, Arg: src[i:j]}
				}
				for j < len(src) && isDigit(src[j]) {
					j++
				}
			}
			if j < len(src) && (isLetter(src[j]) || src[j] == '.') {
				return nil, &ParseError{Pos: start, Key: errNumber, Arg: src[i : j+1]}
			}
			if j-i > 15 {
				return nil, &ParseError{Pos: start, Key: errNumber, Arg: src[i:j]}
			}
			toks = append(toks, token{tNum, src[i:j], start})
			pos += j - i
			i = j
		case c == '\'':
			var b strings.Builder
			j := i + 1
			p := pos + 1
			closed := false
			for j < len(src) {
				r, n := utf8.DecodeRuneInString(src[j:])
				if r == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' { // '' is a quote
						b.WriteByte('\'')
						j, p = j+2, p+2
						continue
					}
					closed = true
					j, p = j+1, p+1
					break
				}
				if r < 0x20 || r == 0x7f {
					return nil, &ParseError{Pos: p, Key: errChar}
				}
				b.WriteRune(r)
				j += n
				p++
			}
			if !closed {
				return nil, &ParseError{Pos: start, Key: errString}
			}
			toks = append(toks, token{tStr, b.String(), start})
			pos = p
			i = j
		default:
			op := ""
			if i+1 < len(src) {
				switch two := src[i : i+2]; two {
				case "==", "!=", "<>", "<=", ">=":
					op = two
				}
			}
			if op == "" && strings.IndexByte("(),+-*=<>", c) >= 0 {
				op = src[i : i+1]
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, &ParseError{Pos: start, Key: errChar, Arg: string(r)}
			}
			toks = append(toks, token{tOp, op, start})
			i += len(op)
			pos += len(op)
		}
	}
	return append(toks, token{tEOF, "", pos}), nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
