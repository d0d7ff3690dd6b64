package api

import (
	"net/http"
	"strconv"
	"strings"

	"vrs"
	"vrs/refdata"
)

// The incident part of the OpenAPI document: schemas, responses and paths,
// added to the document by addIncidentAPI. Codes of small code lists are
// enumerated from the embedded lists; larger ones name their list.

// smallCodeList is the size up to which a code list is spelt out as an enum.
const smallCodeList = 12

// code describes a field that takes a code of the named list.
func code(list, desc string) obj {
	o := obj{"type": "string", "x-codelist": list,
		"description": strings.TrimSpace(desc + " A code of the list " + list + " (" + Prefix + "/codelists/" + list + ").")}
	if l, ok := refdata.LookupCodeList(list); ok && len(l.Entries) <= smallCodeList {
		values := make([]string, len(l.Entries))
		for i, e := range l.Entries {
			values[i] = e.Code
		}
		o["enum"] = values
	}
	return o
}

func codes(list, desc string) obj {
	return obj{"type": "array", "items": code(list, ""), "maxItems": vrs.MaxListValues, "description": desc}
}

func text(max int, desc string) obj {
	return obj{"type": "string", "maxLength": max, "description": desc}
}

func date(desc string) obj {
	return obj{"type": "string", "format": "date", "description": desc + " (YYYY-MM-DD, not in the future)."}
}

func readOnly(o obj) obj {
	o["readOnly"] = true
	return o
}

// personal marks a field as personal data.
func personal(o obj) obj {
	o["description"] = o["description"].(string) + " Personal data: encrypted at rest, every read audited."
	return o
}

func count(desc string) obj {
	return obj{"type": "integer", "minimum": 0, "maximum": vrs.MaxAggregateSum, "description": desc}
}

func incidentSchemas() obj {
	typ := enum(vrs.IncidentTypes, "Kind of conduct recorded.")
	status := enum(vrs.IncidentStatuses, "Where the incident stands in review: draft → submitted → validated, or returned with the reviewer's reasons.")
	key := obj{"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"}
	granularity := obj{"type": "string", "enum": []string{vrs.GranPseudonymised.String(), vrs.GranFull.String()}}
	withDesc := func(o obj, desc string) obj {
		c := obj{}
		for k, v := range o {
			c[k] = v
		}
		c["description"] = desc
		return c
	}
	return obj{
		"Incident": object("What one agency detected: the unit of reporting. Server-managed fields (readOnly) may be sent back as GET answered them but are ignored; "+
			"an id other than the address's, or on replacement an agency_id other than the incident's, is refused.", obj{
			"id":               readOnly(integer("Incident id.")),
			"agency_id":        integer("Reporting agency: one in your capture scope. On create, defaults to your only capture agency; on replacement leave it out or send the incident's own: an incident stays with its agency, and another is refused (400)."),
			"agency_name":      readOnly(str("The reporting agency's name.")),
			"country":          readOnly(str("The reporting agency's country (ISO 3166-1 alpha-2).")),
			"reference":        text(64, "The agency's own reference, unique within the agency."),
			"type":             typ,
			"status":           readOnly(status),
			"version":          readOnly(obj{"type": "integer", "minimum": 1, "description": "Version, from 1, one more with every saved change; the ETag is this number in quotes."}),
			"occurred_on":      date("When it happened, if known"),
			"detected_on":      date("When it was detected"),
			"reported_on":      date("When it was reported"),
			"place":            schemaRef("Place"),
			"narrative":        text(vrs.MaxNarrative, "What happened, in words."),
			"source":           code("information_source", "Where the information comes from."),
			"offence_codes":    codes("offence", "Offences (ICCS codes)."),
			"proceedings":      code("proceeding_stage", "How far criminal proceedings went."),
			"persons_involved": count("Total number of persons involved as reported, when known; persons recorded one by one and counts must fit in it."),
			"persons":          obj{"type": "array", "items": schemaRef("Person"), "maxItems": vrs.MaxPersons, "description": "Persons recorded one by one."},
			"legs":             obj{"type": "array", "items": schemaRef("RouteLeg"), "maxItems": vrs.MaxLegs, "description": "Route, in order: origin first, destination last."},
			"organisations":    obj{"type": "array", "items": schemaRef("Organisation"), "maxItems": vrs.MaxSubItems, "description": "Organisations involved."},
			"vehicles":         obj{"type": "array", "items": schemaRef("Vehicle"), "maxItems": vrs.MaxSubItems, "description": "Vessels and vehicles used."},
			"documents":        obj{"type": "array", "items": schemaRef("Document"), "maxItems": vrs.MaxSubItems, "description": "Travel or identity documents involved."},
			"transactions":     obj{"type": "array", "items": schemaRef("Transaction"), "maxItems": vrs.MaxSubItems, "description": "Payments: fees, bribes, debts."},
			"counts":           obj{"type": "array", "items": schemaRef("AggregateCount"), "maxItems": vrs.MaxSubItems, "description": "Persons not recorded one by one."},
			"review_note":      readOnly(str("The reviewer's reasons, while the incident is returned.")),
			"created_by":       readOnly(integer("User who created it.")),
			"created_at":       readOnly(dateTime("When it was created.")),
			"updated_by":       readOnly(integer("User who saved this version.")),
			"updated_at":       readOnly(dateTime("When this version was saved.")),
			"updated_by_name":  readOnly(str("Name of the user who saved this version.")),

			"distribution": withDesc(enum(vrs.Distributions, ""), "How far the record may travel: agency (the owning agency only), country (every agency of its country), "+
				"partners (its country and the countries and sharing groups named in share_countries and share_groups), community (its country and every member of the reporting community), "+
				"statistics (counted in statistics, never shown as a record outside the owning agency). A ceiling: a record leaves its country only once validated, "+
				"and only to countries with a sharing agreement in force with its own. Empty or absent: the agency's default_distribution."),
			"tlp": withDesc(enum(vrs.TLPs, ""), "Traffic Light Protocol 2.0 label: what recipients may do with the record. Empty or absent: the agency's default_tlp."),
			"share_countries": obj{"type": "array", "items": obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}, "maxItems": vrs.MaxListValues,
				"description": "With distribution partners: the partner countries (ISO 3166-1 alpha-2), not the record's own. Refused with any other distribution."},
			"share_groups": obj{"type": "array", "items": obj{"type": "integer", "format": "int64", "minimum": 1}, "maxItems": vrs.MaxListValues,
				"description": "With distribution partners: ids of sharing groups (" + Prefix + "/sharing-groups). Refused with any other distribution."},
			"narrative_shareable": boolean("Whether pseudonymised copies keep the narrative (default false: withheld)."),
			"granularity": readOnly(withDesc(granularity, "How much of the record you see: full, or pseudonymised (names, aliases, identifiers, document numbers and accounts replaced by stable pseudonyms, "+
				"dates of birth as years, coordinates coarsened, the narrative withheld unless shareable).")),
			"purpose_required": readOnly(boolean("Another country's record you may read in full once you state a purpose: send the header VRS-Purpose. Until then it is pseudonymised. Absent when false.")),
		}, "reference", "type", "detected_on", "reported_on", "place"),
		"Place": object("Where the incident happened or was detected.", obj{
			"country":    code("country", "Country."),
			"admin_area": text(vrs.MaxShortText, "Administrative area."),
			"name":       text(vrs.MaxShortText, "Named place: a port, a border crossing, a town."),
			"kind":       code("place_kind", "Kind of place."),
			"lat":        obj{"type": "number", "minimum": -90, "maximum": 90, "description": "Latitude (WGS 84), with lon; within the country's bounds (wider at sea)."},
			"lon":        obj{"type": "number", "minimum": -180, "maximum": 180, "description": "Longitude (WGS 84), with lat."},
		}, "country"),
		"Person": object("One person recorded individually. Trafficking fields take the values of the Human Trafficking Case Data Standard 2.0.", obj{
			"key":                 withDesc(key, "Names the person inside the incident (p1, p2...; given when absent) so that documents and transactions can refer to them."),
			"role":                code("person_role", "Role in the incident."),
			"perpetrator_roles":   codes("perpetrator_role", "Roles in the process, for suspects."),
			"sex":                 code("sex", "Sex."),
			"age":                 obj{"type": "integer", "minimum": 0, "maximum": 120, "description": "Age in years."},
			"age_group":           code("age_group", "Age group; derived from age when absent."),
			"nationalities":       codes("country", "Nationalities, the main one first."),
			"status":              code("person_status", "What became of the person."),
			"trafficking_status":  code("trafficking_status", "Trafficking status."),
			"exploitation":        codes("exploitation_form", "Forms of exploitation."),
			"sex_exploitation":    codes("sex_exploitation_type", "Types of sexual exploitation."),
			"labour_sector":       code("isic_section", "Sector of labour exploitation (ISIC section)."),
			"control_methods":     codes("control_method", "Methods of control."),
			"recruitment_methods": codes("recruitment_method", "Methods of recruitment."),
			"name":                personal(text(vrs.MaxShortText, "Name.")),
			"aliases":             personal(obj{"type": "array", "items": text(vrs.MaxShortText, ""), "maxItems": vrs.MaxListValues, "description": "Other names and spellings."}),
			"date_of_birth":       personal(date("Date of birth")),
			"identifiers":         personal(obj{"type": "array", "items": schemaRef("Identifier"), "maxItems": vrs.MaxListValues, "description": "Documents, phones, accounts, addresses."}),
		}, "key", "role"),
		"Identifier": object("A value that identifies a person.", obj{
			"kind":    code("identifier_kind", "Kind of identifier."),
			"value":   personal(text(vrs.MaxShortText, "The value.")),
			"country": code("country", "Issuing or registering country."),
		}, "kind", "value"),
		"RouteLeg": object("One step of the journey.", obj{
			"country":     code("country", "Country."),
			"place":       text(vrs.MaxShortText, "Place."),
			"role":        code("leg_role", "Role in the journey."),
			"mode":        code("transport_mode", "Means of transport."),
			"departed_on": date("Departure"),
			"arrived_on":  date("Arrival"),
		}, "country", "role"),
		"Organisation": object("A recruitment agency, employer, transport company...", obj{
			"key":          withDesc(key, "Names it inside the incident (o1...; given when absent)."),
			"name":         text(vrs.MaxShortText, "Name."),
			"kind":         code("organisation_kind", "Kind of organisation."),
			"country":      code("country", "Country of registration."),
			"registration": text(64, "Registration number."),
		}, "key", "name", "kind"),
		"Vehicle": object("A vessel, car, truck or aircraft used.", obj{
			"key":          withDesc(key, "Names it inside the incident (v1...; given when absent)."),
			"kind":         code("vehicle_kind", "Kind of vessel or vehicle."),
			"name":         text(vrs.MaxShortText, "Name."),
			"registration": text(64, "Registration or plate."),
			"flag":         code("country", "Flag or country of registration."),
			"description":  text(1000, "Description."),
		}, "key", "kind"),
		"Document": object("A travel or identity document involved.", obj{
			"type":            code("document_type", "Type of document."),
			"issuing_country": code("country", "Issuing country."),
			"fraud_type":      code("fraud_type", "Type of fraud, or none."),
			"holder":          withDesc(key, "Key of the person who held it."),
			"number":          personal(text(64, "Document number.")),
		}, "type"),
		"Transaction": object("A payment.", obj{
			"payer":         withDesc(key, "Key of the paying person, organisation or vehicle."),
			"payee":         withDesc(key, "Key of the person, organisation or vehicle paid."),
			"amount":        obj{"type": "number", "exclusiveMinimum": 0, "maximum": 1e12, "description": "Amount in the currency's units."},
			"currency":      code("currency", "ISO 4217 currency."),
			"date":          date("Date of payment"),
			"method":        code("payment_method", "How it was paid."),
			"purpose":       code("payment_purpose", "What it paid for."),
			"payer_account": personal(text(64, "Payer's account.")),
			"payee_account": personal(text(64, "Payee's account.")),
		}, "amount", "currency", "method"),
		"AggregateCount": object("Persons not recorded one by one: one cell of role × nationality × sex × age group × status.", obj{
			"role":        code("person_role", "Role."),
			"nationality": code("country", "Nationality."),
			"sex":         code("sex", "Sex."),
			"age_group":   code("age_group", "Age group."),
			"status":      code("person_status", "Status."),
			"count":       obj{"type": "integer", "minimum": 1, "maximum": vrs.MaxAggregateSum, "description": "Number of persons."},
		}, "role", "count"),
		"IncidentSummary": object("A row of the incident list: no personal data.", obj{
			"id":            integer("Incident id."),
			"agency_id":     integer("Reporting agency."),
			"agency_name":   str("Its name."),
			"country":       str("Its country."),
			"reference":     str("The agency's reference."),
			"type":          typ,
			"status":        status,
			"version":       obj{"type": "integer", "minimum": 1, "description": "Current version."},
			"detected_on":   obj{"type": "string", "format": "date", "description": "When it was detected."},
			"place_country": str("Country of the place."),
			"place_name":    str("Name of the place."),
			"persons":       obj{"type": "integer", "description": "Persons recorded one by one plus those counted."},
			"updated_at":    dateTime("When the current version was saved."),
			"granularity":   withDesc(granularity, "How much of the record you may open: full or pseudonymised."),
			"tlp":           withDesc(enum(vrs.TLPs, ""), "Traffic Light Protocol 2.0 label of the record."),
		}, "id", "agency_id", "agency_name", "country", "reference", "type", "status", "version", "detected_on", "place_country", "persons", "updated_at"),
		"IncidentPage": object("One page of incidents. The Link header (rel=\"next\") and next give the following page.", obj{
			"items": arrayOf(schemaRef("IncidentSummary"), "Incidents on this page."),
			"count": obj{"type": "integer", "description": "Number of items on this page."},
			"next":  str("Cursor of the next page, for after (the query parameter of GET /incidents, the field of POST /incidents/search); absent on the last page."),
		}, "items", "count"),
		"IncidentSearch": object("An exact identifier search, with the list's filters (the same names and values as GET /incidents's query parameters) and paging.", obj{
			"identifier_kind": obj{"type": "string", "default": "name",
				"description": "name (names and aliases, the default), date_of_birth, or a code of the list identifier_kind (" + Prefix + "/codelists/identifier_kind)."},
			"identifier": personal(obj{"type": "string", "minLength": 1, "maxLength": maxIncidentQuery,
				"description": "The value, compared once normalised (case, accents, spaces and punctuation do not count; names in any word order) through a keyed blind index: the whole value must match."}),
			"type":          obj{"type": "array", "items": enum(vrs.IncidentTypes, ""), "description": "Incident types."},
			"status":        obj{"type": "array", "items": enum(vrs.IncidentStatuses, ""), "description": "Statuses."},
			"from":          obj{"type": "string", "format": "date", "description": "Detected on or after (YYYY-MM-DD)."},
			"to":            obj{"type": "string", "format": "date", "description": "Detected on or before (YYYY-MM-DD); not before from."},
			"country":       obj{"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "Country of the reporting agency."},
			"agency_id":     obj{"type": "integer", "format": "int64", "minimum": 1, "description": "Reporting agency."},
			"nationality":   obj{"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "Nationality of any person, recorded one by one or counted."},
			"route_country": obj{"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "Country of any route leg or of the place."},
			"q":             obj{"type": "string", "maxLength": maxIncidentQuery, "description": "Words of the reference, place or narrative (every word, as a prefix)."},
			"sort":          obj{"type": "string", "enum": []string{"-updated", "updated", "-detected", "detected", "reference", "id"}, "default": "-updated", "description": "Order; - for descending."},
			"after":         obj{"type": "string", "description": "Cursor: the next of the previous page."},
			"limit":         obj{"type": "integer", "minimum": 1, "maximum": maxIncidentLimit, "default": 50, "description": "Incidents per page."},
		}, "identifier"),
		"Change": object("One field that differs from the version before.", obj{
			"path": str("Field, as in validation errors: persons[1].sex."),
			"old":  str("Value before, as text; empty when the field was not set."),
			"new":  str("Value after, as text; empty when the field was removed."),
		}, "path", "old", "new"),
		"IncidentVersion": object("One saved version of an incident.", obj{
			"version":     obj{"type": "integer", "minimum": 1, "description": "Version."},
			"status":      status,
			"action":      obj{"type": "string", "enum": []string{"create", "update", "submit", "withdraw", "return", "validate"}, "description": "What made this version."},
			"author_id":   integer("Who saved it."),
			"author_name": str("Their user name."),
			"at":          dateTime("When."),
			"note":        str("The note given with a review step (the reasons of a return); absent in a pseudonymised history, since it is free text."),
			"changes":     arrayOf(schemaRef("Change"), "What changed from the version before (for version 1, everything set)."),
			"incident":    obj{"$ref": "#/components/schemas/Incident", "description": "The whole incident as it was; only with ?full=true."},
		}, "version", "status", "action", "author_id", "author_name", "at", "changes"),
		"IncidentHistory": listOf("IncidentVersion", "Every version, oldest first."),
		"TransitionRequest": object("A note for a review step: required to return (the reporter reads it), optional otherwise.", obj{
			"note": text(2000, "Note."),
		}),
		"DeleteRequest": object("Why a draft is deleted: kept in the audit log.", obj{
			"reason": text(2000, "Reason."),
		}, "reason"),
	}
}

func incidentResponses() obj {
	return obj{
		"PreconditionRequired": errorResponse("The change needs If-Match with the ETag of the version it is based on (code invalid); If-Match: * is not enough. Nothing was changed."),
		"PreconditionFailed":   errorResponse("The incident has changed since the version If-Match names (code conflict): read it again, check the changes and make yours again. Nothing was changed."),
		"IncidentConflict":     errorResponse("The change does not fit the incident's state (code conflict): the reference is taken, the incident is in review, the step does not apply to its status, or only drafts can be deleted. Nothing was changed."),
	}
}

var (
	etagHeader   = obj{"ETag": obj{"description": "The incident's version in quotes (\"3\"): send it in If-Match to change it. A pseudonymised copy has its own (\"3-pseudonymised\").", "schema": obj{"type": "string"}}}
	ifMatchParam = obj{"name": "If-Match", "in": "header", "required": true, "schema": obj{"type": "string", "pattern": `^"[1-9][0-9]*"$`},
		"description": "The ETag of the version this change is based on, as GET answered it (\"3\"). Missing: 428; stale: 412."}
	ifNoneMatchParam = obj{"name": "If-None-Match", "in": "header", "required": false, "schema": obj{"type": "string"},
		"description": "ETag(s) of a copy you hold; if one is current the answer is 304 without a body (the read is still audited)."}
	purposeParam = obj{"name": PurposeHeader, "in": "header", "required": false,
		"schema": obj{"type": "string", "maxLength": maxPurpose, "pattern": "^(" + strings.Join(vrs.Purposes, "|") + ")(:.*)?$"},
		"description": "Why you read another country's record: one of " + strings.Join(vrs.Purposes, ", ") + ", optionally a colon and a few words " +
			"(\"investigation: case 2025/114\"), at most 200 characters. Logged with the read, for the owner country to see. " +
			"Without it, another country's record that an agreement lets you read in full comes back pseudonymised with purpose_required true. " +
			"Ignored for your own country's records. An unknown purpose answers 400 naming the header."}
)

// incidentOperations lists the incident endpoints: path (under Prefix),
// method, and the finished operation object.
func incidentOperations() []struct {
	method, path string
	op           obj
} {
	listQuery := []obj{
		queryParam("type", obj{"type": "array", "items": enum(vrs.IncidentTypes, "")}, "Incident types: repeat the parameter or separate with commas."),
		queryParam("status", obj{"type": "array", "items": enum(vrs.IncidentStatuses, "")}, "Statuses: repeat the parameter or separate with commas."),
		queryParam("from", obj{"type": "string", "format": "date"}, "Detected on or after (YYYY-MM-DD)."),
		queryParam("to", obj{"type": "string", "format": "date"}, "Detected on or before (YYYY-MM-DD); not before from."),
		queryParam("country", obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}, "Country of the reporting agency."),
		queryParam("agency_id", obj{"type": "integer", "format": "int64", "minimum": 1}, "Reporting agency."),
		queryParam("nationality", obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}, "Nationality of any person, recorded one by one or counted."),
		queryParam("route_country", obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}, "Country of any route leg or of the place."),
		queryParam("q", obj{"type": "string", "maxLength": maxIncidentQuery}, "Words of the reference, place or narrative (every word, as a prefix)."),
		queryParam("sort", obj{"type": "string", "enum": []string{"-updated", "updated", "-detected", "detected", "reference", "id"}, "default": "-updated"}, "Order; - for descending."),
		queryParam("after", obj{"type": "string"}, "Cursor: the next of the previous page."),
		queryParam("limit", obj{"type": "integer", "minimum": 1, "maximum": maxIncidentLimit, "default": 50}, "Incidents per page."),
	}
	changeErrs := []string{"403", "409"}
	transition := func(id, summary, desc string) operation {
		return operation{id: id, tag: "incidents", summary: summary, body: "TransitionRequest", status: 200, result: "Incident", description: desc, errs: changeErrs}
	}
	type entry struct {
		method, path string
		pathParams   []string
		op           operation
	}
	entries := []entry{
		{"GET", "/incidents", nil, operation{id: "listIncidents", tag: "incidents", summary: "List the incidents you may see", status: 200, result: "IncidentPage",
			description: "One page, without personal data, newest change first unless sort says otherwise. Reporters and reviewers see every incident of the agencies they work for; " +
				"users with a data role see validated incidents within their view scope, and other countries' validated incidents that a sharing agreement and the record's distribution let them see, " +
				"each with the granularity at which it may be opened (full or pseudonymised; a record counted only in statistics is not listed). The Link header names the next page. " +
				"To find incidents by a personal identifier use POST /incidents/search: identifier and identifier_kind in this query are refused (400), so that personal values stay out of addresses and logs.", query: listQuery}},
		{"POST", "/incidents/search", nil, operation{id: "searchIncidents", tag: "incidents", summary: "Find the incidents that hold a personal identifier",
			body: "IncidentSearch", status: 200, result: "IncidentPage",
			description: "Exact search on a name, date of birth, document number, phone, account or other identifier, with the list's filters. " +
				"The value travels in the body so that it never appears in an address, where proxy logs and browser history would keep it " +
				"(GET /incidents refuses identifier and identifier_kind with 400). The answer is the list's, without personal data; " +
				"for the next page send the same body with after set to next (no Link header). The search is audited (its kind, never its value)."}},
		{"POST", "/incidents", nil, operation{id: "createIncident", tag: "incidents", summary: "Record an incident (a draft, version 1)", body: "Incident", status: 201, result: "Incident", created: true,
			description: "Reporters, for an agency of their capture scope. Every field is checked; all problems are answered at once, each under its path (persons[0].sex).", errs: changeErrs}},
		{"GET", "/incidents/{id}", []string{"id"}, operation{id: "getIncident", tag: "incidents", summary: "One incident with its personal data", status: 200, result: "Incident",
			description: "The read is audited. An incident you may not see answers exactly like one that does not exist. " +
				"Another country's record comes at the granularity its sharing agreement grants (granularity); in full only with the purpose stated in " + PurposeHeader + "."}},
		{"PUT", "/incidents/{id}", []string{"id"}, operation{id: "replaceIncident", tag: "incidents", summary: "Replace an incident's content (a new version)", body: "Incident", status: 200, result: "Incident",
			description: "Reporters of the incident's agency, while it is not in review. Correcting a validated incident sends it back to draft.", errs: changeErrs}},
		{"DELETE", "/incidents/{id}", []string{"id"}, operation{id: "deleteIncident", tag: "incidents", summary: "Delete a draft, with a reason", status: 204,
			description: "Only drafts. The reason goes in the JSON body, which the audit log keeps; ?reason= in the address is refused (400), since addresses end up in proxy and access logs.", errs: changeErrs}},
		{"POST", "/incidents/{id}/submit", []string{"id"}, transition("submitIncident", "Submit for review", "Reporters; a draft or returned incident becomes submitted.")},
		{"POST", "/incidents/{id}/withdraw", []string{"id"}, transition("withdrawIncident", "Withdraw from review", "Reporters; a submitted incident goes back to draft.")},
		{"POST", "/incidents/{id}/return", []string{"id"}, transition("returnIncident", "Return to the reporter with reasons",
			"Reviewers of the incident's agency, not on a version they saved themselves; the note is required.")},
		{"POST", "/incidents/{id}/validate", []string{"id"}, transition("validateIncident", "Validate",
			"Reviewers of the incident's agency, not on a version they saved themselves.")},
		{"GET", "/incidents/{id}/history", []string{"id"}, operation{id: "getIncidentHistory", tag: "incidents", summary: "Every version, with what changed", status: 200, result: "IncidentHistory",
			description: "The read is audited; changes show personal data too, pseudonymised as the record is (see " + PurposeHeader + "). Another country's record shows only its validated versions.",
			query:       []obj{queryParam("full", obj{"type": "boolean"}, "true: each version carries the whole incident.")}}},
	}
	var out []struct {
		method, path string
		op           obj
	}
	for _, e := range entries {
		o := e.op.build(e.pathParams, false)
		rs := o["responses"].(obj)
		ok := strconv.Itoa(e.op.status)
		if e.op.result != "" {
			rs[ok].(obj)["headers"] = mergeObj(rs[ok].(obj)["headers"], etagHeader)
		} else {
			rs[ok] = obj{"description": "Deleted."}
		}
		params, _ := o["parameters"].([]obj)
		switch {
		case e.method == http.MethodGet && e.path == "/incidents/{id}/history":
			params = append(params, purposeParam)
		case e.method == http.MethodGet && e.path == "/incidents/{id}":
			params = append(params, ifNoneMatchParam, purposeParam)
			rs["304"] = obj{"description": "Not modified: If-None-Match named the current ETag.", "headers": etagHeader}
		case e.method != http.MethodGet && e.pathParams != nil:
			params = append(params, ifMatchParam)
			rs["409"] = responseRef("IncidentConflict")
			rs["412"] = responseRef("PreconditionFailed")
			rs["428"] = responseRef("PreconditionRequired")
		case e.method == http.MethodPost && e.path == "/incidents":
			rs["409"] = responseRef("IncidentConflict")
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if e.op.body == "TransitionRequest" {
			o["requestBody"].(obj)["required"] = false
		}
		if e.method == http.MethodDelete {
			o["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": schemaRef("DeleteRequest")}}}
			for _, s := range []string{"400", "413", "415"} {
				rs[s] = responseRef(statusName[s])
			}
		}
		out = append(out, struct {
			method, path string
			op           obj
		}{e.method, e.path, o})
	}
	return out
}

func mergeObj(a any, b obj) obj {
	out := obj{}
	if m, ok := a.(obj); ok {
		for k, v := range m {
			out[k] = v
		}
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// addIncidentAPI adds the incident endpoints, schemas and responses to doc.
func addIncidentAPI(doc obj) {
	paths := doc["paths"].(obj)
	for _, e := range incidentOperations() {
		p := Prefix + e.path
		if paths[p] == nil {
			paths[p] = obj{}
		}
		paths[p].(obj)[strings.ToLower(e.method)] = e.op
	}
	comps := doc["components"].(obj)
	for k, v := range incidentSchemas() {
		comps["schemas"].(obj)[k] = v
	}
	for k, v := range incidentResponses() {
		comps["responses"].(obj)[k] = v
	}
	doc["tags"] = append(doc["tags"].([]obj), obj{"name": "incidents"})
}
