package api

import (
	"net/http"
	"strconv"
	"strings"

	"vrs"
)

// The sharing part of the OpenAPI document: agreements, sharing groups and
// the record views, added by addSharingAPI.

func sharingSchemas() obj {
	grants := obj{"type": "string", "enum": []string{vrs.GranAggregate.String(), vrs.GranPseudonymised.String(), vrs.GranFull.String()},
		"description": "What each country may see of the other's covered records: aggregate (counted in statistics only), " +
			"pseudonymised (records with names, identifiers and document numbers replaced by stable pseudonyms, dates of birth as years, coordinates coarsened, " +
			"the narrative only where the owner marked it shareable), full (whole records; each full read of another country's record needs a stated purpose, " + PurposeHeader + ")."}
	types := func(desc string) obj {
		o := arrayOf(enum(vrs.IncidentTypes, ""), desc)
		o["uniqueItems"] = true
		return o
	}
	day := func(desc string) obj { return obj{"type": "string", "format": "date", "description": desc} }
	alpha2 := obj{"type": "string", "pattern": "^[A-Z]{2}$"}
	return obj{
		"SharingAgreement": object("A mutual agreement between two countries: each shares with the other its validated records of the given types, "+
			"detected within the data period, at the granularity, on the days it is in force, when the record's distribution includes the other country. "+
			"Absent optional fields are empty.", obj{
			"id":          integer("Agreement id."),
			"proposer":    withDesc(alpha2, "The country whose focal point proposed it."),
			"partner":     withDesc(alpha2, "The country it is addressed to, whose focal point accepts or declines it."),
			"types":       types("Incident types covered, sorted."),
			"granularity": grants,
			"data_from":   day("First detection date of the records covered; absent: open."),
			"data_to":     day("Last detection date of the records covered; absent: open."),
			"starts":      day("First day in force."),
			"ends":        day("Last day in force; absent: no end."),
			"status": enum([]vrs.AgreementStatus{vrs.AgreementProposed, vrs.AgreementActive, vrs.AgreementDeclined, vrs.AgreementRevoked},
				"proposed (waiting for the partner), active (accepted; in force from starts to ends), declined, or revoked (ended or withdrawn by either party, effective from the very next request)."),
			"note":        str("The proposer's note."),
			"proposed_by": integer("User who proposed it."),
			"proposed_at": dateTime("When it was proposed."),
			"decided_by":  integer("User who accepted or declined it; absent before."),
			"decided_at":  dateTime("When it was accepted or declined; absent before."),
			"revoked_by":  integer("User who revoked it; absent unless revoked."),
			"revoked_at":  dateTime("When it was revoked; absent unless revoked."),
			"reason":      str("Why it was declined or revoked."),
		}, "id", "proposer", "partner", "types", "granularity", "starts", "status", "proposed_by", "proposed_at"),
		"AgreementProposal": object("A proposal from your country (you are its focal point) to another. All problems are answered at once, by field.", obj{
			"partner":     obj{"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2 code of the other country; not your own."},
			"types":       types("Incident types covered; at least one."),
			"granularity": grants,
			"data_from":   day("First detection date covered (YYYY-MM-DD); absent or empty: open."),
			"data_to":     day("Last detection date covered; not before data_from; absent or empty: open."),
			"starts":      day("First day in force; absent or empty: today (UTC)."),
			"ends":        day("Last day in force; not before starts; absent or empty: no end."),
			"note":        text(vrs.MaxNoteLen, "A note for the other country."),
		}, "partner", "types", "granularity"),
		"AgreementReason": object("Why an agreement is declined or revoked; the other country reads it.", obj{
			"reason": text(vrs.MaxNoteLen, "Reason; required to revoke an active agreement."),
		}),
		"AgreementList": listOf("SharingAgreement", "Agreements, newest proposal first."),

		"SharingGroup": object("A named set of countries and agencies to which records may be distributed, with a statement of what may be released to it. "+
			"The focal points of the owner country manage it.", obj{
			"id":            integer("Group id: what a record's share_groups names."),
			"name":          str("Name, unique."),
			"releasability": str("What may be released to the group, and on which terms."),
			"owner":         withDesc(alpha2, "The creator's country."),
			"countries":     arrayOf(alpha2, "Member countries, sorted: users with a country view there receive what is distributed to the group, through an agreement with the owner of each record."),
			"agency_ids":    arrayOf(obj{"type": "integer", "format": "int64"}, "Member agencies, sorted: their data users receive what is distributed to the group, through an agreement."),
			"created_by":    integer("User who created it."),
			"created_at":    dateTime("When it was created."),
			"updated_at":    dateTime("When it last changed."),
		}, "id", "name", "releasability", "owner", "countries", "agency_ids", "created_by", "created_at", "updated_at"),
		"SharingGroupInput": object("A group as its owner's focal point writes it. PUT replaces the whole group: members left out are removed; the owner never changes.", obj{
			"name":          text(200, "Name, unique."),
			"releasability": text(vrs.MaxNoteLen, "What may be released to the group; required."),
			"countries":     obj{"type": "array", "items": obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}, "description": "Member countries (ISO 3166-1 alpha-2)."},
			"agency_ids":    obj{"type": "array", "items": obj{"type": "integer", "format": "int64", "minimum": 1}, "description": "Member agencies."},
		}, "name", "releasability"),
		"SharingGroupList": listOf("SharingGroup", "Every group, by owner and name."),

		"RecordView": object("One read of one of your country's records by a user of another country, from the audit log.", obj{
			"at":             dateTime("When."),
			"incident_id":    integer("The record read."),
			"viewer":         str("The reader's user name."),
			"viewer_country": withDesc(alpha2, "The reader's country."),
			"viewer_agency":  str("The reader's agency."),
			"action":         str("What was read: incident.read (the record), incident.history (its versions)."),
			"granularity":    str("How much the reader saw: pseudonymised or full."),
			"purpose":        str("The purpose stated for a full read."),
			"detail":         str("The audit entry's detail, JSON: viewer_country, viewer_agency, granularity, and for a full read the purpose stated."),
		}, "at", "incident_id", "viewer", "viewer_country", "viewer_agency", "action", "granularity", "detail"),
		"RecordViewList": listOf("RecordView", "Reads, newest first."),
	}
}

func withDesc(o obj, desc string) obj {
	c := obj{}
	for k, v := range o {
		c[k] = v
	}
	c["description"] = desc
	return c
}

func sharingResponses() obj {
	return obj{
		"AgreementConflict": errorResponse("The step does not fit the agreement (code conflict): it overlaps a live agreement between the same countries " +
			"(a common type, data period and days in force), it is no longer a proposal, its last day has passed, or it is already declined or revoked. Nothing was changed."),
		"SharingGroupConflict": errorResponse("Another group has this name (code conflict). Nothing was changed."),
	}
}

func sharingOperations() []struct {
	method, path string
	op           obj
} {
	const (
		focal    = "Focal points of your country only (403 otherwise, with the reason); the change is in both countries' audit logs."
		hidden   = "An agreement between other countries answers exactly like one that does not exist."
		groupers = "Focal points of the group's owner country (403 otherwise)."
	)
	type entry struct {
		method, path string
		pathParams   []string
		op           operation
	}
	step := func(id, summary, desc, body string) operation {
		return operation{id: id, tag: "sharing", summary: summary, body: body, status: 200, result: "SharingAgreement", description: desc + " " + hidden,
			errs: []string{"400", "403", "409"}}
	}
	entries := []entry{
		{"GET", "/agreements", nil, operation{id: "listAgreements", tag: "sharing", summary: "List your country's agreements", status: 200, result: "AgreementList",
			description: "The agreements your country proposed or was offered, whatever their status (administrators: every country's). Users of a country read its agreements; " +
				"focal points decide on them.",
			query: []obj{
				queryParam("status", enum(agreementStatuses, ""), "Only agreements in this status."),
				queryParam("country", obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}, "Only agreements with this country as either party."),
			}}},
		{"POST", "/agreements", nil, operation{id: "proposeAgreement", tag: "sharing", summary: "Propose an agreement to another country", body: "AgreementProposal",
			status: 201, result: "SharingAgreement", created: true,
			description: focal + " An agreement that overlaps a live one between the same countries is refused (409).", errs: []string{"403", "409"}}},
		{"GET", "/agreements/{id}", []string{"id"}, operation{id: "getAgreement", tag: "sharing", summary: "One agreement of your country", status: 200, result: "SharingAgreement",
			description: hidden}},
		{"POST", "/agreements/{id}/accept", []string{"id"}, step("acceptAgreement", "Accept a proposal addressed to your country",
			"Focal points of the partner country; it applies from starts. No body, or an empty object.", "")},
		{"POST", "/agreements/{id}/decline", []string{"id"}, step("declineAgreement", "Decline a proposal addressed to your country",
			"Focal points of the partner country, with an optional reason the proposer reads.", "AgreementReason")},
		{"POST", "/agreements/{id}/revoke", []string{"id"}, step("revokeAgreement", "Revoke an agreement or withdraw a proposal",
			"Focal points of either party. Revoking an active agreement needs a reason, which the other country reads; it applies to the very next request of anyone, "+
				"pages, exports and API calls already under way included.", "AgreementReason")},

		{"GET", "/sharing-groups", nil, operation{id: "listSharingGroups", tag: "sharing", summary: "List the sharing groups", status: 200, result: "SharingGroupList",
			description: "Every signed-in user: reporters choose groups when they distribute a record."}},
		{"POST", "/sharing-groups", nil, operation{id: "createSharingGroup", tag: "sharing", summary: "Create a sharing group owned by your country", body: "SharingGroupInput",
			status: 201, result: "SharingGroup", created: true, description: "Focal points (403 otherwise).", errs: []string{"403", "409"}}},
		{"GET", "/sharing-groups/{id}", []string{"id"}, operation{id: "getSharingGroup", tag: "sharing", summary: "One sharing group", status: 200, result: "SharingGroup"}},
		{"PUT", "/sharing-groups/{id}", []string{"id"}, operation{id: "replaceSharingGroup", tag: "sharing", summary: "Replace a group's name, statement and members",
			body: "SharingGroupInput", status: 200, result: "SharingGroup", description: groupers, errs: []string{"403", "409"}}},
		{"DELETE", "/sharing-groups/{id}", []string{"id"}, operation{id: "deleteSharingGroup", tag: "sharing", summary: "Delete a sharing group", status: 204,
			description: groupers + " Records distributed to it reach nobody through it from then on.", errs: []string{"403"}}},

		{"GET", "/record-views", nil, operation{id: "listRecordViews", tag: "sharing", summary: "Who in other countries read your country's records",
			status: 200, result: "RecordViewList",
			description: "Every read of one of the country's records by a user of another country, with the granularity and, for full reads, the stated purpose. " +
				"Focal points for their own country, administrators for any (403 otherwise).",
			query: []obj{
				queryParam("country", obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}, "The owner country; default your own."),
				queryParam("limit", obj{"type": "integer", "minimum": 1, "maximum": maxRecordViews, "default": defaultRecordViews}, "Reads to list."),
			}, errs: []string{"403"}}},
	}
	var out []struct {
		method, path string
		op           obj
	}
	for _, e := range entries {
		o := e.op.build(e.pathParams, false)
		rs := o["responses"].(obj)
		switch {
		case e.method == http.MethodDelete:
			rs[strconv.Itoa(e.op.status)] = obj{"description": "Deleted."}
		case strings.HasPrefix(e.path, "/agreements") && e.method == http.MethodPost:
			rs["409"] = responseRef("AgreementConflict")
		case strings.HasPrefix(e.path, "/sharing-groups") && e.method != http.MethodGet:
			rs["409"] = responseRef("SharingGroupConflict")
		}
		if strings.HasPrefix(e.path, "/agreements/{id}/") {
			// The body of a step is optional; accept takes none, but an
			// empty object is accepted and anything else refused.
			for _, s := range []string{"400", "413", "415"} {
				rs[s] = responseRef(statusName[s])
			}
			if body, ok := o["requestBody"].(obj); ok {
				body["required"] = false
			}
		}
		out = append(out, struct {
			method, path string
			op           obj
		}{e.method, e.path, o})
	}
	return out
}

// addSharingAPI adds the sharing endpoints, schemas and responses to doc.
func addSharingAPI(doc obj) {
	paths := doc["paths"].(obj)
	for _, e := range sharingOperations() {
		p := Prefix + e.path
		if paths[p] == nil {
			paths[p] = obj{}
		}
		paths[p].(obj)[strings.ToLower(e.method)] = e.op
	}
	comps := doc["components"].(obj)
	for k, v := range sharingSchemas() {
		comps["schemas"].(obj)[k] = v
	}
	for k, v := range sharingResponses() {
		comps["responses"].(obj)[k] = v
	}
	doc["tags"] = append(doc["tags"].([]obj), obj{"name": "sharing"})
}
