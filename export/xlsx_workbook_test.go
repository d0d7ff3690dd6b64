package export

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestWorkbookSheetNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"persons", true},
		{"Case Sheet", true},
		{"ผู้เสียหาย", true},
		{strings.Repeat("a", 31), true},
		{strings.Repeat("ก", 31), true},
		{"", false},
		{strings.Repeat("a", 32), false},
		{"a/b", false},
		{"a:b", false},
		{"a[1]", false},
		{"what?", false},
		{"'quoted'", false},
		{"Persons", false}, // the same as "persons" to Excel
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewWorkbook(&bytes.Buffer{})
			defer b.Discard()
			if _, err := b.AddSheet("persons", []string{"a"}); err != nil {
				t.Fatal(err)
			}
			_, err := b.AddSheet(tc.name, []string{"a"})
			if tc.name == "persons" {
				tc.ok = false // the second of the name
			}
			if (err == nil) != tc.ok {
				t.Errorf("AddSheet(%q): %v, want ok %v", tc.name, err, tc.ok)
			}
		})
	}
}

// TestWorkbookContinuationNames: the name of a continuation stays within
// Excel's 31 characters, and its rows follow on.
func TestWorkbookContinuationNames(t *testing.T) {
	var out bytes.Buffer
	b := NewWorkbook(&out)
	b.maxRows = 2
	long := strings.Repeat("x", 30) + "ก"
	i, err := b.AddSheet(long, []string{"n", "text"})
	if err != nil {
		t.Fatal(err)
	}
	for n := range 11 {
		if err := b.Row(i, []any{n, "=row"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Row(i, []any{1}); err == nil {
		t.Error("a row written after Close")
	}
	tabs, names := readXLSXPlain(t, out.Bytes())
	if len(names) != 11 || names[0] != long || names[1] != strings.Repeat("x", 27)+" (2)" || names[10] != strings.Repeat("x", 26)+" (11)" {
		t.Fatalf("sheets %q", names)
	}
	for k, name := range names {
		want := [][]string{{"n", "text"}, {strconv.Itoa(k), "'=row"}}
		if got := tabs[name]; !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("sheet %s: %q, want %q", name, got, want)
		}
	}
}

func TestWorkbookNoSheet(t *testing.T) {
	if err := NewWorkbook(&bytes.Buffer{}).Close(); err == nil {
		t.Error("a workbook without sheets closed")
	}
}
