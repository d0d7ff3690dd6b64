package sdmx

import (
	"strconv"
	"strings"
)

// Special codes of the SDMX cross-domain conventions. Every code list VRS
// publishes holds them, so that a key can say "all codes", "does not
// apply" and "not known" in the same way for every dimension.
const (
	Total         = "_T" // every code of the dimension added up
	NotApplicable = "_Z" // the dimension has no meaning for this measure
	Unknown       = "_U" // the records did not say
)

// ValidID reports whether s is an SDMX IDType: one or more of
// A-Z a-z 0-9 _ @ $ -. Maintainable artefacts, codes and the values of coded
// components must all be IDs.
func ValidID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !idByte(s[i]) {
			return false
		}
	}
	return true
}

// validComponentID reports whether s may name a component or concept: an
// ID that starts with a letter (SDMX NCNameIDType), because components
// become XML names in the structure-specific data formats.
func validComponentID(s string) bool {
	return ValidID(s) && (s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z')
}

func idByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '_' || c == '@' || c == '$' || c == '-'
}

// mapID turns a VRS code into an SDMX ID: a valid code is kept as it is;
// otherwise each byte outside the ID alphabet becomes '_', with "+" spelt
// "_PLUS" so that "50+" and "50-" stay apart, and a leading '_' is avoided
// because SDMX reserves it for the special codes above.
func mapID(code string) string {
	if ValidID(code) && code[0] != '_' {
		return code
	}
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '+':
			b.WriteString("_PLUS")
		case idByte(c):
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || s[0] == '_' {
		s = "X" + s
	}
	return s
}

// uniqueID returns id, or id with the smallest numeric suffix that is not
// yet taken, so that two codes that map to the same ID both survive.
func uniqueID(id string, taken map[string]bool) string {
	if !taken[id] {
		return id
	}
	for n := 2; ; n++ {
		if c := id + "_" + strconv.Itoa(n); !taken[c] {
			return c
		}
	}
}
