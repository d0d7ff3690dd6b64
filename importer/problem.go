package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"vrs"
	"vrs/i18n"
)

// Problem is one reason a row is rejected: where (row, column, value) and
// why (a catalogue key with its arguments).
type Problem struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	// Field is the incident field at fault, when the store found it.
	Field   string          `json:"field,omitempty"`
	Value   string          `json:"value,omitempty"`
	Message string          `json:"message"`
	Args    vrs.MessageArgs `json:"args,omitempty"`
}

// Problems are a rejected incident's reasons.
type Problems []Problem

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, q := range p {
		parts[i] = fmt.Sprintf("row %d %s: %s", q.Row, q.Column, q.Message)
	}
	return strings.Join(parts, "; ")
}

// origin remembers where an incident's parts came from in the file, to
// turn the store's field errors back into rows and columns.
type origin struct {
	rows    []int             // the incident's rows
	persons []int             // row of each person
	docs    []int             // row of each document
	trans   []int             // row of each transaction
	columns map[string]string // field path -> source column
}

var indexRE = regexp.MustCompile(`\[(\d+)\]`)

// locate turns a field path of a validation error ("persons[1].age") into
// the row and column it came from.
func (o *origin) locate(path string) (row int, column string) {
	row = o.rows[0]
	if o.columns == nil {
		// JSON Lines: the field path is the column.
		return row, path
	}
	generic := indexRE.ReplaceAllString(path, "[]")
	if m := indexRE.FindStringSubmatch(path); m != nil {
		i, _ := strconv.Atoi(m[1])
		var rows []int
		switch {
		case strings.HasPrefix(path, "persons["):
			rows = o.persons
		case strings.HasPrefix(path, "documents["):
			rows = o.docs
		case strings.HasPrefix(path, "transactions["):
			rows = o.trans
		}
		if i < len(rows) {
			row = rows[i]
		}
	}
	// "persons[].nationalities[]" is the column of "persons[].nationalities".
	for p := generic; p != ""; {
		if c, ok := o.columns[p]; ok {
			return row, c
		}
		cut := strings.LastIndexAny(p, ".[")
		if cut < 0 {
			break
		}
		p = p[:cut]
	}
	return row, ""
}

// problemsOf turns a store rejection into problems located in the file.
func problemsOf(err error, o *origin) Problems {
	if p, ok := err.(Problems); ok {
		return p
	}
	e := vrs.AsError(err)
	if len(e.Fields) == 0 {
		return Problems{{Row: o.rows[0], Message: e.Message, Args: e.Args}}
	}
	out := make(Problems, 0, len(e.Fields))
	for path, key := range e.Fields {
		row, col := o.locate(path)
		out = append(out, Problem{Row: row, Column: col, Field: path, Message: key})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Row != out[j].Row {
			return out[i].Row < out[j].Row
		}
		return out[i].Field < out[j].Field
	})
	return out
}

// ProblemText says a problem in words: where, and why.
func ProblemText(cat *i18n.Catalog, lang string, p Problem) string {
	why := cat.T(lang, p.Message, p.Args...)
	switch {
	case strings.HasPrefix(p.Message, "import.error."):
		return why // the reader's own messages say where
	case p.Column != "" && p.Value != "":
		return cat.T(lang, "import.problem.row_column_value", p.Row, p.Column, p.Value, why)
	case p.Column != "":
		return cat.T(lang, "import.problem.row_column", p.Row, p.Column, why)
	case p.Field != "":
		return cat.T(lang, "import.problem.row_field", p.Row, p.Field, why)
	}
	return cat.T(lang, "import.problem.row", p.Row, why)
}
