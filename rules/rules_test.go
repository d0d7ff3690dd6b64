package rules

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"vrs"
	"vrs/i18n"
)

func intp(n int) *int { return &n }

// interception is a typical smuggling interception: five persons, two
// counts, three legs, two payments, one forged passport.
func interception() *vrs.Incident {
	return &vrs.Incident{
		Type: vrs.TypeMigrantSmuggling, OccurredOn: "2024-03-01", DetectedOn: "2024-03-02", ReportedOn: "2024-03-04",
		Place:           vrs.Place{Country: "TH", Kind: "land_border"},
		PersonsInvolved: intp(20),
		Persons: []vrs.Person{
			{Key: "p1", Role: "migrant", Sex: "m", Status: "intercepted", Age: intp(24)},
			{Key: "p2", Role: "migrant", Sex: "f", Status: "intercepted"},
			{Key: "p3", Role: "migrant", Status: "deceased"},
			{Key: "p4", Role: "suspect", Sex: "m", Status: "detained"},
			{Key: "p5", Role: "witness"},
		},
		Counts: []vrs.AggregateCount{
			{Role: "migrant", Nationality: "MM", Count: 10},
			{Role: "migrant", Nationality: "MM", Status: "missing", Count: 2},
		},
		Legs: []vrs.RouteLeg{
			{Country: "MM", Role: "origin", DepartedOn: "2024-02-20"},
			{Country: "TH", Role: "transit", ArrivedOn: "2024-02-25", DepartedOn: "2024-02-28"},
			{Country: "TH", Role: "interception", ArrivedOn: "2024-03-01"},
		},
		Transactions: []vrs.Transaction{
			{Amount: 1500, Currency: "USD", Method: "cash"},
			{Amount: 20000, Currency: "THB", Method: "bank"},
		},
		Documents:    []vrs.Document{{Type: "passport", FraudType: "counterfeit"}, {Type: "visa", FraudType: "none"}},
		OffenceCodes: []string{"08051"},
	}
}

const today = "2024-03-10"

func TestEval(t *testing.T) {
	cases := []struct {
		name, expr string
		want       any // float64, string or nil for missing
	}{
		{"Number", "12", 12.0},
		{"Decimal", "1.5", 1.5},
		{"String", "'it''s'", "it's"},
		{"EmptyStringMissing", "''", nil},
		{"Today", "today", today},
		{"Field", "detected_on", "2024-03-02"},
		{"NestedField", "place.country", "TH"},
		{"Type", "type", "migrant_smuggling"},
		{"MissingText", "source", nil},
		{"PointerNumber", "persons_involved", 20.0},
		{"Arithmetic", "1 + 2 * 3 - 4", 3.0},
		{"Parentheses", "(1 + 2) * 3", 9.0},
		{"Negative", "-persons_involved + 1", -19.0},
		{"CountPersons", "count(persons)", 5.0},
		{"CountWhere", "count(persons where role = 'migrant')", 3.0},
		{"CountWhereEq2", "count(persons where role == 'migrant')", 3.0},
		{"CountIn", "count(persons where status in ('deceased','missing'))", 1.0},
		{"CountNotIn", "count(persons where status not in ('deceased','missing'))", 3.0}, // p5 has no status
		{"CountAndOr", "count(persons where role = 'migrant' and (sex = 'f' or status = 'deceased'))", 2.0},
		{"CountNot", "count(persons where not role = 'migrant')", 2.0},
		{"CountFieldPresent", "count(persons.sex)", 3.0},
		{"CountNumberField", "count(persons where age >= 18)", 1.0},
		{"Sum", "sum(counts.count)", 12.0},
		{"SumWhere", "sum(counts.count where status = 'missing')", 2.0},
		{"SumEmpty", "sum(counts.count where role = 'victim')", 0.0},
		{"CountLegs", "count(legs where role = 'origin')", 1.0},
		{"SumAmount", "sum(transactions.amount where currency = 'USD')", 1500.0},
		{"Min", "min(legs.departed_on)", "2024-02-20"},
		{"Max", "max(legs.arrived_on)", "2024-03-01"},
		{"MinNumber", "min(transactions.amount)", 1500.0},
		{"MinEmpty", "min(legs.departed_on where role = 'destination')", nil},
		{"FraudDocs", "count(documents where fraud_type != 'none')", 1.0},
		{"CountTransactions", "count(transactions)", 2.0},
		{"CountCodes", "count(offence_codes)", 1.0},
		{"WhereToday", "count(legs where arrived_on < today)", 2.0},
		{"MissingPropagates", "count(persons) + persons_involved", 25.0},
		{"KeywordsAnyCase", "COUNT(persons WHERE role IN ('migrant'))", 3.0},
	}
	inc := interception()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(tc.expr)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.expr, err)
			}
			got := e.eval(reflectOf(inc), today)
			var g any
			switch got.k {
			case kindNum:
				g = got.n
			case kindStr:
				g = got.s
			}
			if g != tc.want {
				t.Errorf("%s = %v, want %v", tc.expr, g, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, expr string
		pos        int
		key, arg   string
	}{
		{"ErrEmpty", "  ", 1, errEmpty, ""},
		{"ErrUnknownField", "detected_at", 1, errUnknownField, "detected_at"},
		{"ErrUnknownFieldLater", "1 + plce.country", 5, errUnknownField, "plce.country"},
		{"ErrPersonalField", "count(persons where name = 'x')", 21, errUnknownField, "name"},
		{"ErrNarrative", "narrative", 1, errUnknownField, "narrative"},
		{"ErrUnknownSectionField", "sum(counts.cnt)", 12, errUnknownField, "cnt"},
		{"ErrUnknownSection", "count(people)", 7, errUnknownSec, "people"},
		{"ErrScalarAsSection", "count(detected_on)", 7, errUnknownSec, "detected_on"},
		{"ErrUnknownFunction", "avg(counts.count)", 1, errUnknownFunc, "avg"},
		{"ErrSectionBare", "persons", 1, errList, "persons"},
		{"ErrSectionFieldBare", "legs.departed_on", 1, errList, "legs.departed_on"},
		{"ErrSumText", "sum(persons.role)", 5, errNeedsNumber, "persons.role"},
		{"ErrSumNoField", "sum(persons)", 5, errNeedsField, "persons"},
		{"ErrAddDates", "detected_on + 1", 13, errNeedsNumber, "+"},
		{"ErrNegText", "-type", 1, errNeedsNumber, "-"},
		{"ErrUnclosedParen", "(1 + 2", 7, errCloseParen, ""},
		{"ErrUnclosedCall", "count(persons", 14, errCloseParen, ""},
		{"ErrTrailing", "1 2", 3, errUnexpected, "2"},
		{"ErrTrailingParen", "1)", 2, errUnexpected, ")"},
		{"ErrEndsEarly", "1 +", 4, errEnd, ""},
		{"ErrUnterminated", "'abc", 1, errString, ""},
		{"ErrBadChar", "1 / 2", 3, errChar, "/"},
		{"ErrBadNumber", "1.", 1, errNumber, "1."},
		{"ErrNumberLetters", "12abc", 1, errNumber, "12a"},
		{"ErrWhereMismatch", "count(persons where age = 'old')", 27, errMismatch, "old"},
		{"ErrWhereMismatchNumber", "count(persons where role = 1)", 28, errMismatch, "1"},
		{"ErrWhereOnCodes", "count(offence_codes where x = 1)", 21, errWhereCodes, "where"},
		{"ErrWhereNoOp", "count(persons where role)", 25, errUnexpected, ")"},
		{"ErrKeywordAsValue", "and", 1, errUnexpected, "and"},
		{"ErrTooLong", strings.Repeat("1+", 300) + "1", MaxExprLen + 1, errTooLong, ""},
		{"ErrTooDeep", strings.Repeat("(", 40) + "1" + strings.Repeat(")", 40), 33, errTooDeep, ""},
		{"ErrTooDeepUnary", strings.Repeat("-", 40) + "1", 33, errTooDeep, ""},
		{"ErrControlInString", "'a\x01'", 3, errChar, ""},
		{"ErrInvalidUTF8", "'\xff'", 1, errChar, ""},
		{"PositionInCharacters", "'éé' + x", 8, errUnknownField, "x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.expr)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, want a *ParseError", tc.expr, err)
			}
			if pe.Pos != tc.pos || pe.Key != tc.key || pe.Arg != tc.arg {
				t.Errorf("Parse(%q) = {%d %s %q}, want {%d %s %q}", tc.expr, pe.Pos, pe.Key, pe.Arg, tc.pos, tc.key, tc.arg)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Rule{Name: "victims_need_total", Left: "count(persons where role = 'victim')", Op: "<=", Right: "persons_involved",
		Field: "persons_involved", Message: "More victims than persons involved.", Types: []vrs.IncidentType{vrs.TypeTrafficking}}
	cases := []struct {
		name string
		edit func(r *Rule)
		want map[string]string
	}{
		{"OK", func(r *Rule) {}, nil},
		{"OKPair", func(r *Rule) { r.Op, r.Left, r.Right = OpCompulsoryPair, "place.lat", "place.lon" }, nil},
		{"OKPairMixedKinds", func(r *Rule) { r.Op, r.Left, r.Right = OpExclusivePair, "persons_involved", "source" }, nil},
		{"OKSectionField", func(r *Rule) { r.Field = "legs" }, nil},
		{"ErrNameFormat", func(r *Rule) { r.Name = "Victims need total!" }, map[string]string{"name": "rule.name_format"}},
		{"ErrNameEmpty", func(r *Rule) { r.Name = "" }, map[string]string{"name": "rule.name_format"}},
		{"ErrNameBuiltIn", func(r *Rule) { r.Name = "occurred_before_detected" }, map[string]string{"name": "rule.name_builtin"}},
		{"ErrOp", func(r *Rule) { r.Op = "=<" }, map[string]string{"op": "rule.op_unknown"}},
		{"ErrOpSQLStyle", func(r *Rule) { r.Op = "<>" }, map[string]string{"op": "rule.op_unknown"}},
		{"ErrLeft", func(r *Rule) { r.Left = "count(persons where rol = 'victim')" }, map[string]string{"left": errUnknownField}},
		{"ErrRight", func(r *Rule) { r.Right = "" }, map[string]string{"right": errEmpty}},
		{"ErrTypeMismatch", func(r *Rule) { r.Right = "detected_on" }, map[string]string{"right": "rule.type_mismatch"}},
		{"ErrTypes", func(r *Rule) { r.Types = []vrs.IncidentType{"labour_inspection"} }, map[string]string{"types": "rule.types_unknown"}},
		{"ErrFieldEmpty", func(r *Rule) { r.Field = "" }, map[string]string{"field": "rule.field_required"}},
		{"ErrFieldUnknown", func(r *Rule) { r.Field = "total" }, map[string]string{"field": "rule.field_unknown"}},
		{"ErrMessageEmpty", func(r *Rule) { r.Message = "" }, map[string]string{"message": "field.required"}},
		{"ErrMessageLong", func(r *Rule) { r.Message = strings.Repeat("x", MaxMessage+1) }, map[string]string{"message": "rule.message_too_long"}},
		{"ErrDescriptionControl", func(r *Rule) { r.Description = "a\x00b" }, map[string]string{"description": "field.control_chars"}},
		{"ErrSeveral", func(r *Rule) { r.Name, r.Op = "", "" }, map[string]string{"name": "rule.name_format", "op": "rule.op_unknown"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ok
			tc.edit(&r)
			r.Normalize()
			err := r.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var e *vrs.Error
			if !errors.As(err, &e) || e.Code != vrs.EINVALID || !maps.Equal(e.Fields, tc.want) {
				t.Fatalf("Validate = %#v, want fields %v", err, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	r := Rule{Name: " My_Rule ", Types: []vrs.IncidentType{vrs.TypeTrafficking, vrs.TypeIrregularMigration, vrs.TypeTrafficking},
		Left: " a ", Message: "  two\n lines "}
	r.Normalize()
	if r.Name != "my_rule" || r.Left != "a" || r.Message != "two lines" ||
		len(r.Types) != 2 || r.Types[0] != vrs.TypeIrregularMigration {
		t.Errorf("Normalize = %+v", r)
	}
}

func TestCheck(t *testing.T) {
	set, err := Compile(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(inc *vrs.Incident)
		want map[string]string
	}{
		{"OK", func(inc *vrs.Incident) {}, nil},
		{"OKSameDay", func(inc *vrs.Incident) { inc.OccurredOn, inc.DetectedOn, inc.ReportedOn = today, today, today }, nil},
		{"OKOccurredUnknown", func(inc *vrs.Incident) { inc.OccurredOn = "" }, nil},
		{"OKTotalUnknown", func(inc *vrs.Incident) { inc.PersonsInvolved = nil }, nil},
		{"OKTotalExact", func(inc *vrs.Incident) { *inc.PersonsInvolved = 17 }, nil},
		{"OKNoLegs", func(inc *vrs.Incident) { inc.Legs = nil }, nil},
		{"OKLegsWithoutDates", func(inc *vrs.Incident) {
			for i := range inc.Legs {
				inc.Legs[i].DepartedOn, inc.Legs[i].ArrivedOn = "", ""
			}
		}, nil},
		{"ErrDetectedBeforeOccurred", func(inc *vrs.Incident) { inc.OccurredOn = "2024-03-03" },
			map[string]string{"occurred_on": "rule.occurred_after_detected"}},
		{"ErrReportedBeforeDetected", func(inc *vrs.Incident) { inc.ReportedOn = "2024-03-01" },
			map[string]string{"detected_on": "rule.detected_after_reported"}},
		{"ErrPersonsExceedTotal", func(inc *vrs.Incident) { *inc.PersonsInvolved = 16 },
			map[string]string{"persons_involved": "rule.persons_exceed_total"}},
		{"ErrJourneyAfterDetection", func(inc *vrs.Incident) {
			inc.Legs[0].DepartedOn, inc.Legs[1].ArrivedOn, inc.Legs[1].DepartedOn = "2024-03-03", "2024-03-04", "2024-03-05"
		},
			map[string]string{"legs": "rule.journey_after_detection"}},
		{"ErrSeveral", func(inc *vrs.Incident) {
			inc.OccurredOn, inc.ReportedOn, *inc.PersonsInvolved = "2024-03-03", "2024-03-01", 0
		},
			map[string]string{"occurred_on": "rule.occurred_after_detected", "detected_on": "rule.detected_after_reported",
				"persons_involved": "rule.persons_exceed_total"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inc := interception()
			tc.edit(inc)
			got := set.Check(inc, today)
			if !maps.Equal(got, tc.want) {
				t.Errorf("Check = %v, want %v", got, tc.want)
			}
			if got2 := Check(inc, Defaults(), today); !maps.Equal(got2, tc.want) {
				t.Errorf("rules.Check = %v, want %v", got2, tc.want)
			}
		})
	}
}

func TestCheckOperators(t *testing.T) {
	inc := interception()
	cases := []struct {
		name              string
		left, op, right   string
		types             []vrs.IncidentType
		disabled, holding bool
	}{
		{"Eq", "count(legs)", OpEq, "3", nil, false, true},
		{"ErrEq", "count(legs)", OpEq, "2", nil, false, false},
		{"Ne", "place.country", OpNe, "'MY'", nil, false, true},
		{"ErrNe", "place.country", OpNe, "'TH'", nil, false, false},
		{"Lt", "sum(counts.count)", OpLt, "persons_involved", nil, false, true},
		{"Gt", "max(legs.arrived_on)", OpGt, "'2024-01-01'", nil, false, true},
		{"ErrGe", "count(persons where role = 'victim')", OpGe, "1", nil, false, false},
		{"SkipMissingLeft", "source", OpEq, "'media'", nil, false, true},
		{"SkipMissingRight", "'media'", OpEq, "source", nil, false, true},
		{"SkipMissingMin", "min(legs.departed_on where role = 'destination')", OpGt, "today", nil, false, true},
		{"CompulsoryPairBoth", "occurred_on", OpCompulsoryPair, "detected_on", nil, false, true},
		{"CompulsoryPairNeither", "source", OpCompulsoryPair, "proceedings", nil, false, true},
		{"ErrCompulsoryPairOne", "persons_involved", OpCompulsoryPair, "source", nil, false, false},
		{"ExclusivePairOne", "persons_involved", OpExclusivePair, "source", nil, false, true},
		{"ErrExclusivePairBoth", "occurred_on", OpExclusivePair, "detected_on", nil, false, false},
		{"OtherTypeSkipped", "count(legs)", OpEq, "2", []vrs.IncidentType{vrs.TypeTrafficking}, false, true},
		{"ErrTypeApplies", "count(legs)", OpEq, "2", []vrs.IncidentType{vrs.TypeTrafficking, vrs.TypeMigrantSmuggling}, false, false},
		{"DisabledSkipped", "count(legs)", OpEq, "2", nil, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Rule{Name: "test_rule", Left: tc.left, Op: tc.op, Right: tc.right, Field: "legs", Message: "Broken.", Types: tc.types, Disabled: tc.disabled}
			if err := r.Validate(); err != nil {
				t.Fatal(err)
			}
			got := Check(inc, []Rule{r}, today)
			if holds := got == nil; holds != tc.holding {
				t.Errorf("%s %s %s: holds = %v, want %v", tc.left, tc.op, tc.right, holds, tc.holding)
			}
		})
	}
}

func TestFirstFailingRulePerField(t *testing.T) {
	rs := []Rule{
		{Name: "first", Left: "1", Op: OpEq, Right: "2", Field: "legs", Message: "First."},
		{Name: "second", Left: "1", Op: OpEq, Right: "3", Field: "legs", Message: "Second."},
	}
	if got := Check(interception(), rs, today); got["legs"] != "First." {
		t.Errorf("legs = %q", got["legs"])
	}
	s, _ := Compile(rs)
	fields := map[string]string{"legs": "field.leg_origin_first"}
	s.CheckInto(interception(), today, &fields)
	if fields["legs"] != "field.leg_origin_first" {
		t.Errorf("CheckInto replaced an existing message: %q", fields["legs"])
	}
}

func TestCompileErrors(t *testing.T) {
	rs := append(Defaults(), Rule{Name: "bad", Left: "x", Op: "<", Right: "1", Field: "legs", Message: "m"})
	s, err := Compile(rs)
	var re *RuleError
	if s != nil || !errors.As(err, &re) || re.Name != "bad" || vrs.ErrorCode(err) != vrs.EINVALID {
		t.Errorf("Compile = %v, %v", s, err)
	}
}

// TestDefaults: the built-in rules compile, hold for a good incident and
// speak to the user in the catalogue.
func TestDefaults(t *testing.T) {
	ds := Defaults()
	if len(ds) < 4 || len(ds) > 6 {
		t.Errorf("%d built-in rules", len(ds))
	}
	cat := i18n.MustLoad()
	seen := map[string]bool{}
	for _, r := range ds {
		if !r.BuiltIn || seen[r.Name] {
			t.Errorf("%s: built in %v, seen %v", r.Name, r.BuiltIn, seen[r.Name])
		}
		seen[r.Name] = true
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
		if !strings.HasPrefix(r.Message, "rule.") || !cat.Has(i18n.Fallback, r.Message) {
			t.Errorf("%s: message %q is not a catalogue key", r.Name, r.Message)
		}
	}
	ds[0].Types = append(ds[0].Types, vrs.TypeTrafficking)
	ds[0].Name = "changed"
	if Defaults()[0].Name == "changed" || len(Defaults()[0].Types) != 0 {
		t.Error("Defaults shares its slice with callers")
	}
}

// TestKeysExist: every key Validate and Parse answer is in the catalogue.
func TestKeysExist(t *testing.T) {
	cat := i18n.MustLoad()
	keys := []string{errEmpty, errTooLong, errTooDeep, errChar, errString, errNumber, errUnexpected, errEnd, errCloseParen,
		errUnknownField, errUnknownSec, errUnknownFunc, errList, errNeedsNumber, errNeedsField, errMismatch, errWhereCodes, errTooMany,
		"rule.name_format", "rule.name_builtin", "rule.name_taken", "rule.description_too_long", "rule.message_too_long",
		"rule.types_unknown", "rule.field_required", "rule.field_unknown", "rule.op_unknown", "rule.type_mismatch",
		"field.required", "field.utf8", "field.control_chars"}
	for _, k := range keys {
		if !cat.Has(i18n.Fallback, k) {
			t.Errorf("key %q is not in the English catalogue", k)
		}
	}
}

func TestSchema(t *testing.T) {
	fields := Fields()
	for _, want := range []string{"occurred_on", "detected_on", "reported_on", "persons_involved", "place.country", "place.kind", "type", "source", "proceedings"} {
		if _, ok := incidentSchema().fields[want]; !ok {
			t.Errorf("field %s missing from %v", want, fields)
		}
	}
	secs := Sections()
	for sec, want := range map[string][]string{
		"persons": {"role", "status", "sex", "age"}, "counts": {"count", "role", "status"}, "legs": {"departed_on", "arrived_on", "role"},
		"transactions": {"amount", "currency"}, "documents": {"fraud_type"},
	} {
		for _, f := range want {
			if !strings.Contains(" "+strings.Join(secs[sec], " ")+" ", " "+f+" ") {
				t.Errorf("section %s lacks %s: %v", sec, f, secs[sec])
			}
		}
	}
	for _, personal := range []string{"name", "date_of_birth", "aliases"} {
		for _, f := range secs["persons"] {
			if f == personal {
				t.Errorf("personal field persons.%s is readable by rules", personal)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"occurred_on", "count(persons where role = 'migrant') + sum(counts.count where role in ('migrant','victim'))",
		"min(legs.departed_on)", "-(1 + 2) * 3", "count(persons where not (role = 'x' or age >= 18) and status not in ('a'))",
		"'it''s'", "sum(transactions.amount where currency = 'USD')", "((((", "1.5.2", "today", "count(offence_codes)",
	} {
		f.Add(s)
	}
	inc := interception()
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %T %v is not a *ParseError", src, err, err)
			}
			if pe.Pos < 1 || pe.Pos > len([]rune(src))+1 || !strings.HasPrefix(pe.Key, "rule.expr.") {
				t.Fatalf("Parse(%q) = %+v: position or key out of range", src, pe)
			}
			return
		}
		e.eval(reflectOf(inc), today) // must not panic
		r := Rule{Name: "fuzz", Left: src, Op: OpLe, Right: src, Field: "legs", Message: "m"}
		if err := r.Validate(); err != nil && vrs.ErrorCode(err) != vrs.EINVALID {
			t.Fatalf("Validate: %v", err)
		}
	})
}

// BenchmarkCheck measures one rule against an incident with five persons.
func BenchmarkCheck(b *testing.B) {
	inc := interception()
	for _, bc := range []struct{ name, left, right string }{
		{"Dates", "occurred_on", "detected_on"},
		{"Aggregates", "count(persons where role in ('migrant','victim')) + sum(counts.count where role in ('migrant','victim'))", "persons_involved"},
		{"MinLegs", "min(legs.departed_on)", "detected_on"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s, err := Compile([]Rule{{Name: "bench", Left: bc.left, Op: OpLe, Right: bc.right, Field: "legs", Message: "m"}})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if s.Check(inc, today) != nil {
					b.Fatal("rule fails")
				}
			}
		})
	}
	b.Run("Defaults", func(b *testing.B) {
		s, _ := Compile(Defaults())
		b.ReportAllocs()
		for b.Loop() {
			if s.Check(inc, today) != nil {
				b.Fatal("rule fails")
			}
		}
	})
}
