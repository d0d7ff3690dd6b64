package web

import (
	"net/http"
	"strconv"
	"strings"
)

// The readable names of an incident's fields, for the detail page and the
// history's table of changes. Paths are those of the JSON form and of the
// validation errors ("persons[1].sex"), without their indexes.

// fieldInfo names a field and the code list its values come from.
type fieldInfo struct {
	Key  string // catalogue key of the field's label
	List string // code list of its values; "" for free text
}

var incidentFields = map[string]fieldInfo{
	"reference":        {"incident.view.f.reference", ""},
	"type":             {"incident.view.f.type", "incident_type"},
	"agency_id":        {"incident.view.f.agency", ""},
	"occurred_on":      {"incident.view.f.occurred_on", ""},
	"detected_on":      {"incident.view.f.detected_on", ""},
	"reported_on":      {"incident.view.f.reported_on", ""},
	"place.country":    {"incident.view.f.place_country", "country"},
	"place.admin_area": {"incident.view.f.place_admin_area", ""},
	"place.name":       {"incident.view.f.place_name", ""},
	"place.kind":       {"incident.view.f.place_kind", "place_kind"},
	"place.lat":        {"incident.view.f.place_lat", ""},
	"place.lon":        {"incident.view.f.place_lon", ""},
	"narrative":        {"incident.view.f.narrative", ""},
	"source":           {"incident.view.f.source", "information_source"},
	"offence_codes":    {"incident.view.f.offence_codes", "offence"},
	"proceedings":      {"incident.view.f.proceedings", "proceeding_stage"},
	"persons_involved": {"incident.view.f.persons_involved", ""},

	"persons.key":                 {"incident.view.f.key", ""},
	"persons.role":                {"incident.view.f.role", "person_role"},
	"persons.perpetrator_roles":   {"incident.view.f.perpetrator_roles", "perpetrator_role"},
	"persons.sex":                 {"incident.view.f.sex", "sex"},
	"persons.age":                 {"incident.view.f.age", ""},
	"persons.age_group":           {"incident.view.f.age_group", "age_group"},
	"persons.nationalities":       {"incident.view.f.nationalities", "country"},
	"persons.status":              {"incident.view.f.person_status", "person_status"},
	"persons.trafficking_status":  {"incident.view.f.trafficking_status", "trafficking_status"},
	"persons.exploitation":        {"incident.view.f.exploitation", "exploitation_form"},
	"persons.sex_exploitation":    {"incident.view.f.sex_exploitation", "sex_exploitation_type"},
	"persons.labour_sector":       {"incident.view.f.labour_sector", "isic_section"},
	"persons.control_methods":     {"incident.view.f.control_methods", "control_method"},
	"persons.recruitment_methods": {"incident.view.f.recruitment_methods", "recruitment_method"},
	"persons.name":                {"incident.view.f.name", ""},
	"persons.aliases":             {"incident.view.f.aliases", ""},
	"persons.date_of_birth":       {"incident.view.f.date_of_birth", ""},
	"persons.identifiers.kind":    {"incident.view.f.identifier_kind", "identifier_kind"},
	"persons.identifiers.value":   {"incident.view.f.identifier_value", ""},
	"persons.identifiers.country": {"incident.view.f.identifier_country", "country"},

	"legs.country":     {"incident.view.f.country", "country"},
	"legs.place":       {"incident.view.f.leg_place", ""},
	"legs.role":        {"incident.view.f.leg_role", "leg_role"},
	"legs.mode":        {"incident.view.f.mode", "transport_mode"},
	"legs.departed_on": {"incident.view.f.departed_on", ""},
	"legs.arrived_on":  {"incident.view.f.arrived_on", ""},

	"organisations.key":          {"incident.view.f.key", ""},
	"organisations.name":         {"incident.view.f.org_name", ""},
	"organisations.kind":         {"incident.view.f.kind", "organisation_kind"},
	"organisations.country":      {"incident.view.f.country", "country"},
	"organisations.registration": {"incident.view.f.registration", ""},

	"vehicles.key":          {"incident.view.f.key", ""},
	"vehicles.kind":         {"incident.view.f.kind", "vehicle_kind"},
	"vehicles.name":         {"incident.view.f.vehicle_name", ""},
	"vehicles.registration": {"incident.view.f.registration", ""},
	"vehicles.flag":         {"incident.view.f.flag", "country"},
	"vehicles.description":  {"incident.view.f.description", ""},

	"documents.type":            {"incident.view.f.document_type", "document_type"},
	"documents.issuing_country": {"incident.view.f.issuing_country", "country"},
	"documents.fraud_type":      {"incident.view.f.fraud_type", "fraud_type"},
	"documents.holder":          {"incident.view.f.holder", ""},
	"documents.number":          {"incident.view.f.document_number", ""},

	"transactions.payer":         {"incident.view.f.payer", ""},
	"transactions.payee":         {"incident.view.f.payee", ""},
	"transactions.amount":        {"incident.view.f.amount", ""},
	"transactions.currency":      {"incident.view.f.currency", "currency"},
	"transactions.date":          {"incident.view.f.date", ""},
	"transactions.method":        {"incident.view.f.method", "payment_method"},
	"transactions.purpose":       {"incident.view.f.purpose", "payment_purpose"},
	"transactions.payer_account": {"incident.view.f.payer_account", ""},
	"transactions.payee_account": {"incident.view.f.payee_account", ""},

	"counts.role":        {"incident.view.f.role", "person_role"},
	"counts.nationality": {"incident.view.f.nationality", "country"},
	"counts.sex":         {"incident.view.f.sex", "sex"},
	"counts.age_group":   {"incident.view.f.age_group", "age_group"},
	"counts.status":      {"incident.view.f.person_status", "person_status"},
	"counts.count":       {"incident.view.f.count", ""},
}

// incidentItems name one entry of a repeatable section: "Person %d".
var incidentItems = map[string]string{
	"persons":       "incident.view.item.persons",
	"identifiers":   "incident.view.item.identifiers",
	"legs":          "incident.view.item.legs",
	"organisations": "incident.view.item.organisations",
	"vehicles":      "incident.view.item.vehicles",
	"documents":     "incident.view.item.documents",
	"transactions":  "incident.view.item.transactions",
	"counts":        "incident.view.item.counts",
}

// splitPath cuts "persons[1].identifiers[0].value" into its segments
// with their indexes (-1 where a segment has none), and returns the path
// without indexes ("persons.identifiers.value").
func splitPath(path string) (names []string, idx []int, bare string) {
	for _, seg := range strings.Split(path, ".") {
		i := -1
		if open := strings.IndexByte(seg, '['); open > 0 && strings.HasSuffix(seg, "]") {
			if n, err := strconv.Atoi(seg[open+1 : len(seg)-1]); err == nil {
				i = n
				seg = seg[:open]
			}
		}
		names = append(names, seg)
		idx = append(idx, i)
	}
	return names, idx, strings.Join(names, ".")
}

// fieldLabel reads a field path: "persons[1].sex" → "Person 2 · Sex".
func (s *Server) fieldLabel(r *http.Request, path string) string {
	names, idx, bare := splitPath(path)
	var parts []string
	for i, n := range names {
		if idx[i] >= 0 {
			if key, ok := incidentItems[n]; ok {
				parts = append(parts, s.tr(r, key, idx[i]+1))
				continue
			}
		}
		if i == len(names)-1 {
			if f, ok := incidentFields[bare]; ok {
				parts = append(parts, s.tr(r, f.Key))
				continue
			}
		}
		if idx[i] >= 0 {
			n += " " + strconv.Itoa(idx[i]+1)
		}
		parts = append(parts, n)
	}
	return strings.Join(parts, " · ")
}

// fieldValue reads a value as the diff shows it ("MM, TH" for lists):
// codes become their labels.
func fieldValue(path, v string) string {
	if v == "" {
		return ""
	}
	_, _, bare := splitPath(path)
	f, ok := incidentFields[bare]
	if !ok || f.List == "" {
		return v
	}
	parts := strings.Split(v, ", ")
	for i, c := range parts {
		parts[i] = codeText(f.List, c)
	}
	return strings.Join(parts, ", ")
}

// codeText shows a code with its label: countries as "Thailand (TH)",
// offences as "08051 Smuggling of migrants", others by label alone.
func codeText(list, code string) string {
	l := codeLabel(list, code)
	switch {
	case l == code:
		return code
	case list == "country":
		return l + " (" + code + ")"
	case list == "offence":
		return code + " " + l
	}
	return l
}
