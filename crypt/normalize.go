package crypt

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kinds of personal data that Normalize and BlindIndex know.
const (
	KindName           = "name"
	KindAlias          = "alias"
	KindDocumentNumber = "document_number"
	KindPhone          = "phone"
	KindAccount        = "account"
	KindAddress        = "address"
	KindEmail          = "email"
	KindSocialMedia    = "social_media"
	KindDateOfBirth    = "date_of_birth"
)

// Kinds lists every kind Normalize knows.
var Kinds = []string{KindName, KindAlias, KindDocumentNumber, KindPhone, KindAccount, KindAddress, KindEmail, KindSocialMedia, KindDateOfBirth}

// Normalize returns the form of value that exact search compares, so that
// spellings a person would call the same match:
//
//   - name, alias: accents and case dropped ("Nguyễn Văn Đức" → "nguyen van
//     duc"), punctuation to spaces, and the words sorted, because the order of
//     family and given names varies ("Van Duc Nguyen" matches too);
//   - address: as a name, but the words keep their order;
//   - document_number, account: ASCII letters (upper-cased) and digits only;
//   - phone: digits only, an international "00" prefix dropped, so that
//     "+66 81-234 5678" and "0066812345678" match (a national trunk "0" is
//     kept: without a country it cannot be told from a number's own digits);
//   - email: lower-cased and trimmed; social_media likewise, without a
//     leading "@";
//   - date_of_birth (YYYY-MM-DD) and any unknown kind: trimmed.
//
// Normalize is idempotent and its result is valid UTF-8.
func Normalize(kind, value string) string {
	switch kind {
	case KindName, KindAlias:
		return words(value, true)
	case KindAddress:
		return words(value, false)
	case KindDocumentNumber, KindAccount:
		return alnumUpper(value)
	case KindPhone:
		return phone(value)
	case KindEmail:
		return strings.TrimSpace(strings.ToLower(strings.ToValidUTF8(value, "\uFFFD")))
	case KindSocialMedia:
		v := strings.ToLower(strings.ToValidUTF8(value, "\uFFFD"))
		v = strings.TrimLeftFunc(v, func(r rune) bool { return r == '@' || unicode.IsSpace(r) })
		return strings.TrimRightFunc(v, unicode.IsSpace)
	default:
		return strings.ToValidUTF8(strings.TrimSpace(value), "\uFFFD")
	}
}

// special maps letters that have no Unicode decomposition to the ASCII a
// reader would type for them.
var special = map[rune]string{
	'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'ł': "l", 'Ł': "l",
	'ø': "o", 'Ø': "o",
	'ß': "ss", 'ẞ': "ss",
	'æ': "ae", 'Æ': "ae",
	'œ': "oe", 'Œ': "oe",
	'ı': "i", 'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t",
}

// diacritic reports whether r is a combining mark that only accents a
// letter (the Combining Diacritical Marks blocks). Other scripts' marks,
// such as Thai vowel signs, are part of the word and stay.
func diacritic(r rune) bool {
	return (r >= 0x0300 && r <= 0x036F) || (r >= 0x1AB0 && r <= 0x1AFF) ||
		(r >= 0x1DC0 && r <= 0x1DFF) || (r >= 0x20D0 && r <= 0x20FF) || (r >= 0xFE20 && r <= 0xFE2F)
}

// words folds value to lower-case letters, digits and marks without
// accents, split into words at anything else; sorted puts the words in
// order.
func words(value string, sorted bool) string {
	s := value
	// One pass almost always suffices; a letter whose lower case decomposes
	// again needs a second. Stop at the fixed point so that Normalize is
	// idempotent.
	for range 4 {
		next := foldWords(s, sorted)
		if next == s {
			break
		}
		s = next
	}
	return s
}

func foldWords(value string, sorted bool) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(value) {
		if diacritic(r) {
			continue
		}
		if m, ok := special[r]; ok {
			b.WriteString(m)
			continue
		}
		r = unicode.ToLower(r)
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	w := strings.Fields(norm.NFC.String(b.String()))
	if sorted {
		slices.Sort(w)
	}
	return strings.Join(w, " ")
}

// alnumUpper keeps the ASCII letters (upper-cased) and digits of value,
// after folding compatibility forms (full-width "Ａ１" → "A1").
func alnumUpper(value string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(value) {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		}
	}
	return b.String()
}

// phone keeps the ASCII digits of value and drops an international "00"
// prefix ("+" is dropped as punctuation).
func phone(value string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(value) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	for strings.HasPrefix(s, "00") {
		s = s[2:]
	}
	return s
}
