package importer

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"vrs/refdata"
)

// Suggestion is a likely target for a source column name (Value is a
// field path) or a source value (Value is a code), with a score from 0 to
// 1. Scores at or above Confident come from an exact form (the code, an
// alpha-3 code, an official or common name written the same way, ignoring
// case, accents and spacing); lower scores are guesses by similarity that
// a person must confirm.
type Suggestion struct {
	Value string  `json:"value"`
	Label string  `json:"label,omitempty"`
	Score float64 `json:"score"`
	// Reason says how it was found: "code", "alpha3", "numeric", "name",
	// "alias", "words" or "similar".
	Reason string `json:"reason"`
}

// Confident is the score from which a suggestion may be applied without
// asking.
const Confident = 0.9

// Scores of the kinds of match.
const (
	scoreCode    = 1.0
	scoreName    = 0.95
	scoreWords   = 0.8 // every word of the value is a word of the name
	scoreSimilar = 0.88
	minScore     = 0.75
	maxSuggest   = 5
)

// SuggestFields returns the fields a source column name likely maps to,
// best first.
func SuggestFields(column string) []Suggestion {
	if len(column) > 4*MaxNameLen {
		return nil
	}
	n := fieldNorm(column)
	if n == "" {
		return nil
	}
	nc := strings.ReplaceAll(n, " ", "")
	nr, nw := []rune(nc), sortedWords(n)
	var out []Suggestion
	for _, f := range Fields {
		best := Suggestion{Value: f.Path}
		for _, name := range allFieldNames[f.Path] {
			var s Suggestion
			switch {
			case name.norm == n:
				s = Suggestion{Score: scoreCode, Reason: "name"}
			case name.compact == nc || (len(nw) > 1 && slices.Equal(name.words, nw)):
				s = Suggestion{Score: scoreName, Reason: "name"}
			default:
				s = Suggestion{Score: scoreSimilar * jaroWinklerRunes(nr, name.runes), Reason: "similar"}
			}
			if name.guess && s.Score > scoreWords {
				s = Suggestion{Score: scoreWords, Reason: "words"}
			}
			if s.Score > best.Score {
				best.Score, best.Reason = s.Score, s.Reason
			}
		}
		if best.Score >= minScore {
			out = append(out, best)
		}
	}
	return rank(out)
}

// SuggestCodes returns the codes of a code list that a source value
// likely means, best first: "Viet Nam", "Vietnam", "VNM" and "VN" all
// give VN with a confident score.
func SuggestCodes(list, value string) []Suggestion {
	idx := listIndex(list)
	v := strings.TrimSpace(value)
	if idx == nil || v == "" || len(v) > 256 {
		return nil
	}
	label := func(code string) string { return refdata.CodeLabel(list, code) }
	if hasCode(list, v) {
		return []Suggestion{{Value: v, Label: label(v), Score: scoreCode, Reason: "code"}}
	}
	if list == "country" {
		if c, ok := refdata.LookupCountry(v); ok {
			reason := "alpha3"
			if len(v) == 2 {
				reason = "code"
			} else if v[0] >= '0' && v[0] <= '9' {
				reason = "numeric"
			}
			return []Suggestion{{Value: c.Alpha2, Label: c.Name, Score: scoreCode, Reason: reason}}
		}
	}
	n := normalize(v)
	if n == "" {
		return nil
	}
	if code, ok := idx.byCode[n]; ok {
		return []Suggestion{{Value: code, Label: label(code), Score: scoreCode, Reason: "code"}}
	}
	if codes := idx.byName[n]; len(codes) > 0 {
		out := make([]Suggestion, 0, len(codes))
		score := scoreName
		if len(codes) > 1 {
			score = scoreWords // the same name for several codes: ask
		}
		for _, c := range codes {
			out = append(out, Suggestion{Value: c, Label: label(c), Score: score, Reason: idx.reason[n+"\x00"+c]})
		}
		return rank(out)
	}
	words := strings.Fields(spaced(v))
	nr := []rune(n)
	var out []Suggestion
	for _, e := range idx.entries {
		best := Suggestion{Value: e.code, Label: label(e.code)}
		for _, name := range e.names {
			s := scoreSimilar * jaroWinklerRunes(nr, name.runes)
			reason := "similar"
			if len(n) < 4 {
				s *= 0.9 // short values are too easily similar
			}
			if len(words) > 0 && allLongWordsIn(words, name.words) && scoreWords > s {
				s, reason = scoreWords, "words"
			}
			if s > best.Score {
				best.Score, best.Reason = s, reason
			}
		}
		if best.Score >= minScore {
			out = append(out, best)
		}
	}
	return rank(out)
}

// SuggestValues is SuggestCodes for the code list of a field path; it
// returns nil for a field that takes no codes.
func SuggestValues(field, value string) []Suggestion {
	f, ok := LookupField(field)
	if !ok || f.Kind != KindCode {
		return nil
	}
	return SuggestCodes(f.List, value)
}

// SuggestMapping drafts a mapping for a header row: each column goes to
// its confident field suggestion, or is ignored. A single-valued field
// goes to the column that matches it best (the first on a tie), so that
// the draft always validates; a person reviews it before use.
func SuggestMapping(header []string) *Mapping {
	m := &Mapping{Columns: []Column{}}
	type pick struct {
		col   int
		score float64
	}
	taken := map[string]pick{}
	seen := map[string]bool{}
	for _, h := range header {
		h = strings.TrimPrefix(h, "\ufeff")
		k := normHeader(h)
		if k == "" || seen[k] || len([]rune(h)) > MaxNameLen || len(m.Columns) >= MaxColumns {
			continue
		}
		seen[k] = true
		c := Column{Source: h}
		if s := SuggestFields(h); len(s) > 0 && s[0].Score >= Confident {
			f, _ := LookupField(s[0].Value)
			p, dup := taken[f.Path]
			switch {
			case f.Multi || !dup:
				c.Field = f.Path
				taken[f.Path] = pick{len(m.Columns), s[0].Score}
			case s[0].Score > p.score:
				m.Columns[p.col].Field = ""
				c.Field = f.Path
				taken[f.Path] = pick{len(m.Columns), s[0].Score}
			}
		}
		m.Columns = append(m.Columns, c)
	}
	return m
}

func rank(s []Suggestion) []Suggestion {
	slices.SortStableFunc(s, func(a, b Suggestion) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.Value, b.Value)
	})
	if len(s) > maxSuggest {
		s = s[:maxSuggest]
	}
	return s
}

// allLongWordsIn reports whether every word of at least 4 letters of the
// value is a word of the name, and there is one.
func allLongWordsIn(words, name []string) bool {
	found := false
	for _, w := range words {
		if len(w) < 4 {
			continue
		}
		if !slices.Contains(name, w) {
			return false
		}
		found = true
	}
	return found
}

// codeIndex holds, for one list, every name a code goes by.
type codeIndex struct {
	byCode  map[string]string   // normalize(code) -> code
	byName  map[string][]string // normalize(name or alias) -> codes
	reason  map[string]string   // name + "\x00" + code -> "name" or "alias"
	entries []indexEntry
}

type indexEntry struct {
	code  string
	names []indexName
}

type indexName struct {
	compact string   // normalize(name)
	runes   []rune   // compact, as runes
	words   []string // spaced(name), split
}

var indexes sync.Map // list name -> *codeIndex

// listIndex returns the index of a code list, or nil for an unknown list.
func listIndex(list string) *codeIndex {
	if v, ok := indexes.Load(list); ok {
		return v.(*codeIndex)
	}
	l, ok := refdata.LookupCodeList(list)
	if !ok {
		return nil
	}
	idx := &codeIndex{byCode: map[string]string{}, byName: map[string][]string{}, reason: map[string]string{}}
	add := func(e *indexEntry, name, reason string) {
		n := normalize(name)
		if n == "" {
			return
		}
		if !slices.Contains(idx.byName[n], e.code) {
			idx.byName[n] = append(idx.byName[n], e.code)
			idx.reason[n+"\x00"+e.code] = reason
		}
		for _, x := range e.names {
			if x.compact == n {
				return
			}
		}
		e.names = append(e.names, indexName{compact: n, runes: []rune(n), words: strings.Fields(spaced(name))})
	}
	for _, c := range l.Entries {
		e := indexEntry{code: c.Code}
		idx.byCode[normalize(c.Code)] = c.Code
		add(&e, c.Label, "name")
		if i := strings.IndexByte(c.Label, '('); i > 0 { // "Bolivia (Plurinational State of)"
			add(&e, c.Label[:i], "name")
		}
		if c.Code != strings.ToUpper(c.Code) { // word codes: "migrant_smuggling"
			add(&e, c.Code, "name")
		}
		for _, a := range aliases[list][c.Code] {
			add(&e, a, "alias")
		}
		idx.entries = append(idx.entries, e)
	}
	v, _ := indexes.LoadOrStore(list, idx)
	return v.(*codeIndex)
}

// aliases are common names that the code lists' labels do not give.
var aliases = map[string]map[string][]string{
	"country": {
		"VN": {"Vietnam", "Vietnamese"}, "LA": {"Laos", "Lao", "Laotian"}, "KR": {"South Korea"}, "KP": {"North Korea", "DPRK"},
		"IR": {"Iran", "Persia", "Iranian"}, "SY": {"Syria", "Syrian"}, "RU": {"Russia", "Russian"}, "BO": {"Bolivia"},
		"GB": {"United Kingdom", "UK", "Great Britain", "Britain", "England", "British"}, "US": {"United States", "USA", "US", "America", "American"},
		"TZ": {"Tanzania"}, "CI": {"Ivory Coast", "Cote d'Ivoire"}, "MM": {"Burma", "Burmese"}, "CZ": {"Czech Republic"},
		"TR": {"Turkey", "Turkiye", "Turkish"}, "MD": {"Moldova"}, "VE": {"Venezuela"}, "BN": {"Brunei", "Bruneian"},
		"TL": {"East Timor", "Timor Leste"}, "MK": {"Macedonia"}, "CV": {"Cape Verde"}, "SZ": {"Swaziland"},
		"VA": {"Vatican"}, "FM": {"Micronesia"}, "PS": {"Palestine"}, "CD": {"DR Congo", "DRC", "Congo-Kinshasa"},
		"CG": {"Congo-Brazzaville", "Republic of the Congo", "Congo Republic"}, "AE": {"UAE", "Emirates"}, "TW": {"Taiwan"}, "HK": {"Hong Kong"},
		"MO": {"Macau", "Macao"}, "PH": {"Philippines", "Filipino", "Filipina"}, "NL": {"Holland"},

		// Nationalities as files often write them; only those that name
		// one country ("Korean", "Guinean", "Congolese" do not).
		"AF": {"Afghan"}, "AU": {"Australian"}, "BD": {"Bangladeshi"}, "BT": {"Bhutanese"},
		"KH": {"Cambodian", "Khmer"}, "CN": {"Chinese"}, "FJ": {"Fijian"}, "IN": {"Indian"}, "ID": {"Indonesian"},
		"IQ": {"Iraqi"}, "JP": {"Japanese"}, "JO": {"Jordanian"}, "KI": {"I-Kiribati"},
		"MY": {"Malaysian"}, "MV": {"Maldivian"}, "MN": {"Mongolian"},
		"NP": {"Nepali", "Nepalese"}, "NZ": {"New Zealander"}, "PK": {"Pakistani"},
		"PG": {"Papua New Guinean"}, "SB": {"Solomon Islander"}, "SG": {"Singaporean"}, "LK": {"Sri Lankan"},
		"TH": {"Thai"}, "TO": {"Tongan"}, "VU": {"Ni-Vanuatu"}, "WS": {"Samoan"},
		"SO": {"Somali"}, "ER": {"Eritrean"}, "ET": {"Ethiopian"}, "SD": {"Sudanese"}, "SS": {"South Sudanese"},
		"NG": {"Nigerian"}, "EG": {"Egyptian"}, "LY": {"Libyan"}, "MA": {"Moroccan"}, "TN": {"Tunisian"}, "DZ": {"Algerian"},
		"FR": {"French"}, "DE": {"German"}, "IT": {"Italian"}, "ES": {"Spanish"}, "UA": {"Ukrainian"},
		"YE": {"Yemeni"}, "LB": {"Lebanese"}, "SA": {"Saudi"}, "UZ": {"Uzbek"}, "TJ": {"Tajik"}, "KG": {"Kyrgyz"},
	},
	"sex": {
		"male": {"M", "Man", "Men", "Masculine", "Boy"}, "female": {"F", "Woman", "Women", "Feminine", "Girl"},
		"unknown":        {"Unknown", "U", "Not known", "Not specified", "Unspecified"},
		"non_conforming": {"Non-binary"},
	},
	"incident_type": {
		"migrant_smuggling":      {"Smuggling", "Smuggling of migrants", "SOM"},
		"trafficking_in_persons": {"Trafficking", "Human trafficking", "TIP", "THB", "Trafficking in human beings"},
		"irregular_migration":    {"Illegal migration", "Irregular entry", "Illegal entry"},
		"document_fraud":         {"Fraudulent document", "False document", "Forged document"},
	},
	"person_role": {
		"suspect": {"Smuggler", "Trafficker", "Perpetrator", "Offender", "Accused"},
		"victim":  {"Trafficked person", "Victim of trafficking", "VoT"},
		"migrant": {"Smuggled migrant", "Irregular migrant"},
	},
}

// normalize folds a value for comparison: lower case, accents removed,
// everything but letters and digits dropped ("Viet Nam" and "viet-nam"
// both read "vietnam").
func normalize(s string) string {
	return strings.ReplaceAll(spaced(s), " ", "")
}

// spaced folds like normalize but keeps word boundaries as one space.
func spaced(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if f, ok := foldRune[r]; ok {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(f)
			continue
		}
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'' || r == '’':
			// combining marks and apostrophes join: "d’Ivoire" -> "divoire"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// fieldNorm is spaced without bare numbers and filler words, for column
// names ("Nationality 2", "Date of detection").
func fieldNorm(s string) string {
	var out []string
	for _, w := range strings.Fields(spaced(s)) {
		if w == "of" || w == "the" || strings.Trim(w, "0123456789") == "" {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

var foldRune = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'þ': "th", 'ł': "l", 'ı': "i"}
	for _, g := range []struct{ to, from string }{
		{"a", "àáâãäåāăąạảấầẩẫậắằẳẵặ"}, {"c", "çćĉċč"}, {"d", "ď"}, {"e", "èéêëēĕėęěẹẻẽếềểễệ"},
		{"g", "ĝğġģ"}, {"h", "ĥħ"}, {"i", "ìíîïĩīĭįỉị"}, {"j", "ĵ"}, {"k", "ķ"}, {"l", "ĺļľŀ"},
		{"n", "ñńņňŉ"}, {"o", "òóôõöōŏőơọỏốồổỗộớờởỡợ"}, {"r", "ŕŗř"}, {"s", "śŝşšș"}, {"t", "ţťŧț"},
		{"u", "ùúûüũūŭůűųưụủứừửữự"}, {"w", "ŵ"}, {"y", "ýÿŷỳỵỷỹ"}, {"z", "źżž"},
	} {
		for _, r := range g.from {
			m[r] = g.to
		}
	}
	return m
}()

// fieldSynonyms are the names agencies' files commonly give each field,
// besides the field's own name.
var fieldSynonyms = map[string][]string{
	"reference":        {"ref", "case number", "case no", "case id", "file number", "incident id", "record id", "id", "agency reference", "case reference", "reference number"},
	"type":             {"incident type", "case type", "category", "offence type", "crime type", "type of incident", "type of case"},
	"occurred_on":      {"date occurred", "occurrence date", "date of incident", "incident date", "event date", "date of occurrence"},
	"detected_on":      {"date detected", "detection date", "date of detection", "interception date", "date intercepted", "date of interception", "apprehension date", "date apprehended", "arrest date", "date"},
	"reported_on":      {"date reported", "report date", "reporting date", "date of report"},
	"place.country":    {"country", "country of detection", "detection country", "country of incident", "incident country", "location country"},
	"place.admin_area": {"province", "state", "region", "district", "admin area", "administrative area"},
	"place.name":       {"place", "location", "city", "town", "site", "place name", "location name"},
	"place.kind":       {"place type", "location type", "type of place"},
	"place.lat":        {"latitude", "lat"},
	"place.lon":        {"longitude", "lon", "lng", "long"},
	"narrative":        {"description", "summary", "details", "remarks", "notes", "comments", "circumstances"},
	"source":           {"information source", "source of information"},
	"offence_codes":    {"offence", "offense", "offences", "offenses", "charges", "charge", "iccs", "offence code", "crime"},
	"proceedings":      {"proceeding stage", "prosecution stage", "case status", "legal status", "court stage"},
	"persons_involved": {"number of persons", "total persons", "people involved", "number of people", "persons", "pax", "total"},

	"persons[].key":                 {"person key", "person id", "person number"},
	"persons[].role":                {"role", "person role", "person type", "category of person"},
	"persons[].perpetrator_roles":   {"perpetrator role", "role in process", "suspect role", "role in the process"},
	"persons[].sex":                 {"sex", "gender", "sex gender", "sex of person", "gender of person"},
	"persons[].age":                 {"age", "age years", "age in years"},
	"persons[].age_group":           {"age group", "age range", "age band", "age category"},
	"persons[].nationalities":       {"nationality", "nationalities", "citizenship", "country of citizenship", "country of nationality", "citizen of"},
	"persons[].status":              {"person status", "status"},
	"persons[].trafficking_status":  {"trafficking status", "victim status"},
	"persons[].exploitation":        {"exploitation", "type of exploitation", "exploitation type", "form of exploitation"},
	"persons[].sex_exploitation":    {"sexual exploitation type", "type of sexual exploitation", "sexual exploitation"},
	"persons[].labour_sector":       {"labour sector", "labor sector", "industry", "sector", "forced labour industry"},
	"persons[].control_methods":     {"control methods", "methods of control", "control method"},
	"persons[].recruitment_methods": {"recruitment method", "method of recruitment", "recruitment methods"},
	"persons[].name":                {"name", "full name", "person name", "name of person"},
	"persons[].aliases":             {"alias", "aliases", "aka", "also known as", "other names"},
	"persons[].date_of_birth":       {"date of birth", "dob", "birth date", "birthdate", "born on"},

	"transactions[].amount":   {"amount", "fee", "amount paid", "sum paid", "payment amount"},
	"transactions[].currency": {"currency"},
	"transactions[].date":     {"payment date", "transaction date", "date of payment"},
	"transactions[].method":   {"payment method", "method of payment"},
	"transactions[].purpose":  {"payment purpose", "purpose of payment", "purpose"},
}

// fieldName is one name of a field, prepared for comparison.
type fieldName struct {
	norm    string   // fieldNorm
	compact string   // without spaces
	runes   []rune   // compact, as runes
	words   []string // sorted
	// guess: the last part of a path alone ("date" of
	// transactions[].date) that no synonym repeats: never confident.
	guess bool
}

var allFieldNames = func() map[string][]fieldName {
	m := map[string][]fieldName{}
	for _, f := range Fields {
		names := fieldNames(f.Path)
		for i, n := range names {
			c := strings.ReplaceAll(n, " ", "")
			m[f.Path] = append(m[f.Path], fieldName{
				norm: n, compact: c, runes: []rune(c), words: sortedWords(n),
				guess: i == 1 && n != names[0] && !slices.Contains(names[2:], n),
			})
		}
	}
	return m
}()

func sortedWords(s string) []string {
	w := strings.Fields(s)
	slices.Sort(w)
	return w
}

// fieldNames returns the normalised names of a field: its path, the last
// segment of its path, then its synonyms.
func fieldNames(path string) []string {
	names := []string{fieldNorm(path), fieldNorm(path[strings.LastIndexByte(path, '.')+1:])}
	for _, s := range fieldSynonyms[path] {
		names = append(names, fieldNorm(s))
	}
	return names
}

// jaroWinkler is the Jaro-Winkler similarity of two strings, from 0
// (nothing in common) to 1 (equal), on runes. When one string is more
// than four times as long as the other it answers, without comparing,
// the highest similarity they could have (under 0.85): too low to be
// suggested either way.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	return jaroWinklerRunes([]rune(a), []rune(b))
}

func jaroWinklerRunes(ra, rb []rune) float64 {
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	if lo, hi := min(len(ra), len(rb)), max(len(ra), len(rb)); 4*lo < hi {
		// At most lo matches: Jaro-Winkler stays under 0.8, too far
		// to be suggested; skip the work.
		return jaroBound(lo, hi)
	}
	if len(ra) > 256 {
		ra = ra[:256]
	}
	if len(rb) > 256 {
		rb = rb[:256]
	}
	window := max(len(ra), len(rb))/2 - 1
	window = max(window, 0)
	var fa, fb [256]bool // on the stack: no allocation a comparison
	ma, mb := fa[:len(ra)], fb[:len(rb)]
	matches := 0
	for i, r := range ra {
		lo, hi := max(0, i-window), min(len(rb), i+window+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && rb[j] == r {
				ma[i], mb[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, j := 0, 0
	for i := range ra {
		if !ma[i] {
			continue
		}
		for !mb[j] {
			j++
		}
		if ra[i] != rb[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(ra)) + m/float64(len(rb)) + (m-float64(transpositions)/2)/m) / 3
	prefix := 0
	for prefix < min(4, len(ra), len(rb)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// jaroBound is the highest Jaro-Winkler similarity two strings of lengths
// lo <= hi can reach: every rune of the shorter one matching, in order,
// with a common prefix of 4.
func jaroBound(lo, hi int) float64 {
	jaro := (2 + float64(lo)/float64(hi)) / 3
	return jaro + 0.4*(1-jaro)
}
