package vrs

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// CodeChecker answers code-list membership and country bounds; package
// refdata implements it over the embedded, versioned code lists.
type CodeChecker interface {
	HasCode(list, code string) bool
	// InCountryBounds reports whether a point lies in the country's
	// bounding box widened by margin degrees; known is false when the
	// country has no recorded shape.
	InCountryBounds(country string, lat, lon, margin float64) (inside, known bool)
}

// Limits on what one incident may hold, so that one request cannot
// exhaust memory or make a page unreadable.
const (
	MaxPersons      = 500
	MaxLegs         = 50
	MaxSubItems     = 200
	MaxNarrative    = 20000
	MaxShortText    = 200
	MaxListValues   = 20
	MaxAggregateSum = 1_000_000
)

// Coordinates are checked against a country's box widened by this margin
// (degrees): on land a little for coarse shapes, at sea enough for the
// exclusive economic zone (200 nautical miles ≈ 3.3°).
const (
	boundsMarginLand = 0.5
	boundsMarginSea  = 4.0
)

// Normalize tidies what a person typed: trims text, upper-cases country
// and currency codes, names persons p1, p2... and derives age groups.
func (inc *Incident) Normalize() {
	inc.Reference = strings.TrimSpace(inc.Reference)
	inc.Narrative = strings.TrimSpace(strings.ReplaceAll(inc.Narrative, "\r\n", "\n"))
	inc.Place.Country = upperCode(inc.Place.Country)
	inc.Place.AdminArea = oneLine(inc.Place.AdminArea)
	inc.Place.Name = oneLine(inc.Place.Name)
	inc.OffenceCodes = codeSet(inc.OffenceCodes, false)
	inc.ShareCountries = codeSet(inc.ShareCountries, true)
	slices.Sort(inc.ShareGroups)
	inc.ShareGroups = slices.Compact(inc.ShareGroups)
	inc.TLP = TLP(strings.ToUpper(strings.TrimSpace(string(inc.TLP))))
	for _, d := range []*string{&inc.OccurredOn, &inc.DetectedOn, &inc.ReportedOn} {
		*d = strings.TrimSpace(*d)
	}
	used := map[string]bool{}
	for i := range inc.Persons {
		p := &inc.Persons[i]
		p.Key = strings.TrimSpace(p.Key)
		used[p.Key] = true
	}
	next := 1
	for i := range inc.Persons {
		p := &inc.Persons[i]
		if p.Key == "" {
			for used[fmt.Sprintf("p%d", next)] {
				next++
			}
			p.Key = fmt.Sprintf("p%d", next)
			used[p.Key] = true
		}
		p.Nationalities = codeSet(p.Nationalities, true)
		p.PerpetratorRoles = codeSet(p.PerpetratorRoles, false)
		p.Exploitation = codeSet(p.Exploitation, false)
		p.SexExploitation = codeSet(p.SexExploitation, false)
		p.ControlMethods = codeSet(p.ControlMethods, false)
		p.RecruitmentMethods = codeSet(p.RecruitmentMethods, false)
		p.LabourSector = strings.ToUpper(strings.TrimSpace(p.LabourSector))
		if p.Age != nil && p.AgeGroup == "" {
			p.AgeGroup = AgeGroupOf(*p.Age)
		}
		p.Name = oneLine(p.Name)
		p.DateOfBirth = strings.TrimSpace(p.DateOfBirth)
		var aliases []string
		for _, a := range p.Aliases {
			if a = oneLine(a); a != "" && !slices.Contains(aliases, a) {
				aliases = append(aliases, a)
			}
		}
		p.Aliases = aliases
		ids := p.Identifiers[:0]
		for _, id := range p.Identifiers {
			id.Value, id.Country = oneLine(id.Value), upperCode(id.Country)
			if id.Value != "" || id.Kind != "" {
				ids = append(ids, id)
			}
		}
		p.Identifiers = ids
	}
	for i := range inc.Legs {
		l := &inc.Legs[i]
		l.Country, l.Place = upperCode(l.Country), oneLine(l.Place)
	}
	for i := range inc.Organisations {
		o := &inc.Organisations[i]
		o.Name, o.Country, o.Registration = oneLine(o.Name), upperCode(o.Country), oneLine(o.Registration)
		if o.Key == "" {
			o.Key = fmt.Sprintf("o%d", i+1)
		}
	}
	for i := range inc.Vehicles {
		v := &inc.Vehicles[i]
		v.Name, v.Registration, v.Flag = oneLine(v.Name), oneLine(v.Registration), upperCode(v.Flag)
		if v.Key == "" {
			v.Key = fmt.Sprintf("v%d", i+1)
		}
	}
	for i := range inc.Documents {
		d := &inc.Documents[i]
		d.IssuingCountry, d.Number = upperCode(d.IssuingCountry), oneLine(d.Number)
	}
	for i := range inc.Transactions {
		t := &inc.Transactions[i]
		t.Currency = upperCode(t.Currency)
		t.PayerAccount, t.PayeeAccount = oneLine(t.PayerAccount), oneLine(t.PayeeAccount)
	}
	for i := range inc.Counts {
		c := &inc.Counts[i]
		c.Nationality = upperCode(c.Nationality)
	}
}

// Validate checks every field of the incident and answers one message per
// offending field, named by its path ("persons[1].sex"). today is the
// reporting agency's date (YYYY-MM-DD): nothing may happen after it.
// Cross-field rules that an installation may change (date order, totals)
// are data, checked by package rules.
func (inc *Incident) Validate(codes CodeChecker, today string) error {
	v := &validator{lists: codes, today: today, fields: map[string]string{}}
	if inc.AgencyID <= 0 {
		v.set("agency_id", "field.required")
	}
	v.text("reference", inc.Reference, true, 64)
	if !slices.Contains(IncidentTypes, inc.Type) {
		v.set("type", "field.incident_type")
	}
	v.date("occurred_on", inc.OccurredOn, false)
	v.date("detected_on", inc.DetectedOn, true)
	v.date("reported_on", inc.ReportedOn, true)
	v.code("place.country", "country", inc.Place.Country, true)
	v.text("place.admin_area", inc.Place.AdminArea, false, MaxShortText)
	v.text("place.name", inc.Place.Name, false, MaxShortText)
	v.code("place.kind", "place_kind", inc.Place.Kind, false)
	v.coordinates(inc.Place)
	v.text("narrative", inc.Narrative, false, MaxNarrative)
	v.sharing(inc)
	v.code("source", "information_source", inc.Source, false)
	v.codes("offence_codes", "offence", inc.OffenceCodes)
	v.code("proceedings", "proceeding_stage", inc.Proceedings, false)
	if inc.PersonsInvolved != nil && (*inc.PersonsInvolved < 0 || *inc.PersonsInvolved > MaxAggregateSum) {
		v.set("persons_involved", "field.count_range")
	}
	v.limit("persons", len(inc.Persons), MaxPersons)
	v.limit("legs", len(inc.Legs), MaxLegs)
	for name, n := range map[string]int{"organisations": len(inc.Organisations), "vehicles": len(inc.Vehicles),
		"documents": len(inc.Documents), "transactions": len(inc.Transactions), "counts": len(inc.Counts)} {
		v.limit(name, n, MaxSubItems)
	}
	keys := v.persons(inc.Persons)
	v.legs(inc.Legs)
	for i, o := range inc.Organisations {
		p := fmt.Sprintf("organisations[%d]", i)
		v.key(p+".key", o.Key, keys)
		v.text(p+".name", o.Name, true, MaxShortText)
		v.code(p+".kind", "organisation_kind", o.Kind, true)
		v.code(p+".country", "country", o.Country, false)
		v.text(p+".registration", o.Registration, false, 64)
	}
	for i, ve := range inc.Vehicles {
		p := fmt.Sprintf("vehicles[%d]", i)
		v.key(p+".key", ve.Key, keys)
		v.code(p+".kind", "vehicle_kind", ve.Kind, true)
		v.text(p+".name", ve.Name, false, MaxShortText)
		v.text(p+".registration", ve.Registration, false, 64)
		v.code(p+".flag", "country", ve.Flag, false)
		v.text(p+".description", ve.Description, false, 1000)
	}
	for i, d := range inc.Documents {
		p := fmt.Sprintf("documents[%d]", i)
		v.code(p+".type", "document_type", d.Type, true)
		v.code(p+".issuing_country", "country", d.IssuingCountry, false)
		v.code(p+".fraud_type", "fraud_type", d.FraudType, false)
		v.text(p+".number", d.Number, false, 64)
		v.ref(p+".holder", d.HolderKey, keys, "person")
	}
	for i, t := range inc.Transactions {
		p := fmt.Sprintf("transactions[%d]", i)
		switch {
		case math.IsNaN(t.Amount) || math.IsInf(t.Amount, 0) || t.Amount < 0 || t.Amount > 1e12:
			v.set(p+".amount", "field.amount")
		case t.Amount == 0:
			v.set(p+".amount", "field.required")
		}
		v.code(p+".currency", "currency", t.Currency, true)
		v.date(p+".date", t.Date, false)
		v.code(p+".method", "payment_method", t.Method, true)
		v.code(p+".purpose", "payment_purpose", t.Purpose, false)
		v.ref(p+".payer", t.PayerKey, keys, "")
		v.ref(p+".payee", t.PayeeKey, keys, "")
		v.text(p+".payer_account", t.PayerAccount, false, 64)
		v.text(p+".payee_account", t.PayeeAccount, false, 64)
	}
	seen := map[AggregateCount]bool{}
	for i, c := range inc.Counts {
		p := fmt.Sprintf("counts[%d]", i)
		v.code(p+".role", "person_role", c.Role, true)
		v.code(p+".nationality", "country", c.Nationality, false)
		v.code(p+".sex", "sex", c.Sex, false)
		v.code(p+".age_group", "age_group", c.AgeGroup, false)
		v.code(p+".status", "person_status", c.Status, false)
		if c.Count <= 0 || c.Count > MaxAggregateSum {
			v.set(p+".count", "field.count_range")
		}
		cell := c
		cell.Count = 0
		if seen[cell] {
			v.set(p, "field.count_duplicate")
		}
		seen[cell] = true
	}
	v.required(inc)
	if len(v.fields) > 0 {
		return FieldErrors(v.fields)
	}
	return nil
}

// required checks what each type of incident must contain.
func (v *validator) required(inc *Incident) {
	has := func(roles ...string) bool {
		for _, p := range inc.Persons {
			if slices.Contains(roles, p.Role) {
				return true
			}
		}
		for _, c := range inc.Counts {
			if slices.Contains(roles, c.Role) && c.Count > 0 {
				return true
			}
		}
		return false
	}
	switch inc.Type {
	case TypeIrregularMigration, TypeMigrantSmuggling:
		if !has(PersonMigrant) {
			v.set("persons", "field.needs_migrant")
		}
	case TypeTrafficking:
		if !has(PersonVictim) {
			v.set("persons", "field.needs_victim")
		}
	case TypeDocumentFraud:
		fraud := false
		for _, d := range inc.Documents {
			fraud = fraud || (d.FraudType != "" && d.FraudType != "none")
		}
		if !fraud {
			v.set("documents", "field.needs_fraudulent_document")
		}
	case TypeRelatedConduct:
		if len(inc.OffenceCodes) == 0 {
			v.set("offence_codes", "field.needs_offence")
		}
	}
}

func (v *validator) persons(persons []Person) map[string]string {
	keys := map[string]string{} // key -> "person" | "organisation" | "vehicle"
	for i, p := range persons {
		path := fmt.Sprintf("persons[%d]", i)
		v.key(path+".key", p.Key, keys)
		keys[p.Key] = "person"
		v.code(path+".role", "person_role", p.Role, true)
		v.codes(path+".perpetrator_roles", "perpetrator_role", p.PerpetratorRoles)
		v.code(path+".sex", "sex", p.Sex, false)
		if p.Age != nil && (*p.Age < 0 || *p.Age > 120) {
			v.set(path+".age", "field.age")
		}
		v.code(path+".age_group", "age_group", p.AgeGroup, false)
		if p.Age != nil && p.AgeGroup != "" && p.AgeGroup != AgeGroupOf(*p.Age) {
			v.set(path+".age_group", "field.age_group_mismatch")
		}
		v.codes(path+".nationalities", "country", p.Nationalities)
		v.code(path+".status", "person_status", p.Status, false)
		v.code(path+".trafficking_status", "trafficking_status", p.TraffickingStatus, false)
		v.codes(path+".exploitation", "exploitation_form", p.Exploitation)
		v.codes(path+".sex_exploitation", "sex_exploitation_type", p.SexExploitation)
		v.code(path+".labour_sector", "isic_section", p.LabourSector, false)
		v.codes(path+".control_methods", "control_method", p.ControlMethods)
		v.codes(path+".recruitment_methods", "recruitment_method", p.RecruitmentMethods)
		v.text(path+".name", p.Name, false, MaxShortText)
		if len(p.Aliases) > MaxListValues {
			v.set(path+".aliases", "field.too_many")
		}
		for j, a := range p.Aliases {
			v.text(fmt.Sprintf("%s.aliases[%d]", path, j), a, false, MaxShortText)
		}
		v.date(path+".date_of_birth", p.DateOfBirth, false)
		if p.DateOfBirth != "" && p.Age != nil && v.fields[path+".date_of_birth"] == "" {
			if born, err := time.Parse(time.DateOnly, p.DateOfBirth); err == nil {
				now, _ := time.Parse(time.DateOnly, v.today)
				if a := yearsBetween(born, now); a-*p.Age > 1 || *p.Age-a > 1 {
					v.set(path+".age", "field.age_dob_mismatch")
				}
			}
		}
		if len(p.Identifiers) > MaxListValues {
			v.set(path+".identifiers", "field.too_many")
		}
		for j, id := range p.Identifiers {
			ip := fmt.Sprintf("%s.identifiers[%d]", path, j)
			v.code(ip+".kind", "identifier_kind", id.Kind, true)
			v.text(ip+".value", id.Value, true, MaxShortText)
			v.code(ip+".country", "country", id.Country, false)
		}
	}
	return keys
}

// legs checks that the route reads as a journey: the origin first, the
// destination last, one interception at most, and dates that never go back.
func (v *validator) legs(legs []RouteLeg) {
	last := ""
	for i, l := range legs {
		p := fmt.Sprintf("legs[%d]", i)
		v.code(p+".country", "country", l.Country, true)
		v.text(p+".place", l.Place, false, MaxShortText)
		v.code(p+".role", "leg_role", l.Role, true)
		v.code(p+".mode", "transport_mode", l.Mode, false)
		v.date(p+".departed_on", l.DepartedOn, false)
		v.date(p+".arrived_on", l.ArrivedOn, false)
		switch l.Role {
		case LegOrigin:
			if i != 0 {
				v.set(p+".role", "field.leg_origin_first")
			}
		case LegDestination:
			if i != len(legs)-1 {
				v.set(p+".role", "field.leg_destination_last")
			}
		}
		if i == 0 && l.Role != LegOrigin && len(legs) > 1 && v.fields[p+".role"] == "" {
			v.set(p+".role", "field.leg_starts_with_origin")
		}
		if l.Role == LegInterception {
			for _, o := range legs[:i] {
				if o.Role == LegInterception {
					v.set(p+".role", "field.leg_one_interception")
				}
			}
		}
		if l.DepartedOn != "" && l.ArrivedOn != "" && l.ArrivedOn < l.DepartedOn {
			v.set(p+".arrived_on", "field.leg_arrives_before_departure")
		}
		first := l.DepartedOn
		if first == "" {
			first = l.ArrivedOn
		}
		if first != "" && last != "" && first < last {
			v.set(p+".departed_on", "field.leg_before_previous")
		}
		if l.ArrivedOn != "" {
			last = l.ArrivedOn
		} else if l.DepartedOn != "" {
			last = l.DepartedOn
		}
		if i > 0 && l.Country == legs[i-1].Country && l.Place == legs[i-1].Place && l.Role == legs[i-1].Role {
			v.set(p, "field.leg_repeated")
		}
	}
}

type validator struct {
	lists  CodeChecker
	today  string
	fields map[string]string
}

func (v *validator) set(field, key string) {
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = key
	}
}

func (v *validator) limit(field string, n, max int) {
	if n > max {
		v.set(field, "field.too_many")
	}
}

func (v *validator) text(field, s string, required bool, max int) {
	switch {
	case s == "":
		if required {
			v.set(field, "field.required")
		}
	case !utf8.ValidString(s):
		v.set(field, "field.utf8")
	case utf8.RuneCountInString(s) > max:
		v.set(field, "field.text_too_long")
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }):
		v.set(field, "field.control_chars")
	}
}

func (v *validator) code(field, list, code string, required bool) {
	if code == "" {
		if required {
			v.set(field, "field.required")
		}
		return
	}
	if !v.lists.HasCode(list, code) {
		v.set(field, "field.code_"+list)
	}
}

func (v *validator) codes(field, list string, codes []string) {
	if len(codes) > MaxListValues {
		v.set(field, "field.too_many")
		return
	}
	for _, c := range codes {
		v.code(field, list, c, false)
	}
}

func (v *validator) date(field, s string, required bool) {
	if s == "" {
		if required {
			v.set(field, "field.required")
		}
		return
	}
	d, err := time.Parse(time.DateOnly, s)
	switch {
	case err != nil:
		v.set(field, "field.date")
	case s > v.today:
		v.set(field, "field.date_future")
	case d.Year() < 1900:
		v.set(field, "field.date_too_old")
	}
}

// key checks a local key ("p1") is well formed and unique in the incident.
func (v *validator) key(field, key string, keys map[string]string) {
	if key == "" || len(key) > 32 || strings.ContainsFunc(key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) {
		v.set(field, "field.key")
		return
	}
	if _, dup := keys[key]; dup {
		v.set(field, "field.key_duplicate")
	}
	keys[key] = "other"
}

// ref checks a reference to a person (or, with kind "", to any keyed item).
func (v *validator) ref(field, key string, keys map[string]string, kind string) {
	if key == "" {
		return
	}
	k, ok := keys[key]
	if !ok || (kind != "" && k != kind) {
		v.set(field, "field.ref_unknown")
	}
}

func (v *validator) coordinates(p Place) {
	if (p.Lat == nil) != (p.Lon == nil) {
		v.set("place.lat", "field.coordinates_pair")
		return
	}
	if p.Lat == nil {
		return
	}
	lat, lon := *p.Lat, *p.Lon
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		v.set("place.lat", "field.latitude")
		return
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		v.set("place.lon", "field.longitude")
		return
	}
	if p.Country == "" || v.fields["place.country"] != "" {
		return
	}
	margin := boundsMarginLand
	if p.Kind == PlaceAtSea {
		margin = boundsMarginSea
	}
	if inside, known := v.lists.InCountryBounds(p.Country, lat, lon, margin); known && !inside {
		v.set("place.lat", "field.coordinates_outside_country")
	}
}

func yearsBetween(from, to time.Time) int {
	y := to.Year() - from.Year()
	if to.YearDay() < from.YearDay() {
		y--
	}
	return y
}

func upperCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// oneLine trims and collapses white space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// codeSet trims, optionally upper-cases, drops empties and duplicates,
// keeping the order given (the first nationality is the main one).
func codeSet(in []string, upper bool) []string {
	var out []string
	for _, c := range in {
		c = strings.TrimSpace(c)
		if upper {
			c = strings.ToUpper(c)
		}
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// MaxSharePartners bounds the partner countries and groups of a record.
const MaxSharePartners = 100

// sharing checks the distribution: empty takes the agency's default;
// partners and groups go with DistPartners and it needs at least one.
func (v *validator) sharing(inc *Incident) {
	if inc.Distribution != "" && !inc.Distribution.Valid() {
		v.set("distribution", "field.distribution")
	}
	if inc.TLP != "" && !inc.TLP.Valid() {
		v.set("tlp", "field.tlp")
	}
	partners := len(inc.ShareCountries) + len(inc.ShareGroups)
	switch {
	case inc.Distribution == DistPartners && partners == 0:
		v.set("share_countries", "field.partners_required")
	case inc.Distribution != DistPartners && partners > 0:
		v.set("share_countries", "field.partners_unused")
	case partners > MaxSharePartners:
		v.set("share_countries", "field.too_many")
	}
	for i, c := range inc.ShareCountries {
		v.code(fmt.Sprintf("share_countries[%d]", i), "country", c, true)
	}
	for i, g := range inc.ShareGroups {
		if g <= 0 {
			v.set(fmt.Sprintf("share_groups[%d]", i), "field.group_unknown")
		}
	}
}
