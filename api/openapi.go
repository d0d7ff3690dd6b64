package api

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"vrs"
)

// The OpenAPI 3.1 description of the API, built as Go data so that the
// enumerations (roles, agency kinds, error codes) come from the root
// package. A test holds it equal to the registered routes and to the JSON
// fields of the types it describes.

type obj = map[string]any

// OpenAPIVersion is the version of the OpenAPI specification the document follows.
const OpenAPIVersion = "3.1.0"

var (
	openAPIOnce  sync.Once
	openAPIBytes []byte
)

// OpenAPIJSON returns the document, encoded once.
func OpenAPIJSON() []byte {
	openAPIOnce.Do(func() {
		b, err := json.MarshalIndent(OpenAPI(), "", "  ")
		if err != nil {
			panic("api: encode OpenAPI document: " + err.Error())
		}
		openAPIBytes = append(b, '\n')
	})
	return openAPIBytes
}

// openAPI serves the document; it is public, so that clients can be
// generated before anyone has an account.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	w.Write(OpenAPIJSON())
}

func schemaRef(name string) obj   { return obj{"$ref": "#/components/schemas/" + name} }
func responseRef(name string) obj { return obj{"$ref": "#/components/responses/" + name} }

func str(desc string) obj { return obj{"type": "string", "description": desc} }
func integer(desc string) obj {
	return obj{"type": "integer", "format": "int64", "description": desc}
}
func boolean(desc string) obj { return obj{"type": "boolean", "description": desc} }
func dateTime(desc string) obj {
	return obj{"type": "string", "format": "date-time", "description": desc}
}
func arrayOf(items obj, desc string) obj {
	return obj{"type": "array", "items": items, "description": desc}
}
func enum[T ~string](values []T, desc string) obj {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return obj{"type": "string", "enum": out, "description": desc}
}

// withDefault returns a copy of schema o with a default value.
func withDefault(o obj, v any) obj {
	c := maps.Clone(o)
	c["default"] = v
	return c
}

// nullable returns an enum schema's values and null.
func nullable(enum obj) []any {
	var out []any
	for _, v := range enum["enum"].([]string) {
		out = append(out, v)
	}
	return append(out, nil)
}

func object(desc string, props obj, required ...string) obj {
	o := obj{"type": "object", "description": desc, "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func listOf(item, desc string) obj {
	return object(desc, obj{
		"items": arrayOf(schemaRef(item), ""),
		"count": obj{"type": "integer", "description": "Number of items."},
	}, "items", "count")
}

var viewScopes = []vrs.ViewScope{vrs.ViewAgency, vrs.ViewCountry, vrs.ViewShared, vrs.ViewNone}

// errorCodes are the values of Error.code.
var errorCodes = []string{vrs.EINVALID, vrs.ENOTFOUND, vrs.EFORBIDDEN, vrs.ECONFLICT, vrs.EUNAUTHORIZED,
	vrs.ETOOMANY, vrs.ETOOLARGE, vrs.EINTERNAL, codeMethodNotAllowed}

func schemas() obj {
	role := enum(vrs.Roles, "A role.")
	kind := enum(vrs.AgencyKinds, "What the agency does.")
	scope := enum(viewScopes, "Whose records the user may read before sharing applies.")
	// An agency's default cannot name partners: those are chosen per record.
	defaultDist := enum(slices.DeleteFunc(slices.Clone(vrs.Distributions), func(d vrs.Distribution) bool { return d == vrs.DistPartners }),
		"Distribution of the agency's new records unless the record says otherwise (partners are chosen per record).")
	defaultTLP := enum(vrs.TLPs, "TLP 2.0 label of the agency's new records unless the record says otherwise.")
	return obj{
		"Error": object("The one error body of the API. Nothing was changed.", obj{
			"code":    enum(errorCodes, "What kind of error; decides the HTTP status."),
			"message": str("What is wrong and what to do, in the user's language."),
			"fields":  obj{"type": "object", "additionalProperties": obj{"type": "string"}, "description": "For invalid input: field (or query parameter) name → what is wrong with it."},
		}, "code", "message"),
		"User": object("A person who signs in. Never carries a password or second-factor secret.", obj{
			"id":                 integer("User id."),
			"name":               str("User name, used to sign in."),
			"full_name":          str("Full name."),
			"email":              str("E-mail address; may be empty."),
			"agency_id":          integer("The user's agency."),
			"agency_name":        str("The agency's name."),
			"country":            str("The agency's country (ISO 3166-1 alpha-2)."),
			"roles":              arrayOf(role, "Roles, sorted."),
			"capture_agency_ids": arrayOf(obj{"type": "integer", "format": "int64"}, "Agencies for which the user may enter data; empty means the user's own."),
			"view_scope":         scope,
			"disabled":           boolean("A disabled user cannot sign in or use tokens."),
			"totp_enabled":       boolean("Whether the user signs in with a second factor."),
			"created_at":         dateTime("When the user was created."),
			"updated_at":         dateTime("When the user last changed."),
		}, "id", "name", "full_name", "email", "agency_id", "agency_name", "country", "roles", "capture_agency_ids", "view_scope", "disabled", "totp_enabled", "created_at", "updated_at"),
		"Unit": object("A subdivision of an agency.", obj{
			"id":         integer("Unit id."),
			"agency_id":  integer("The agency."),
			"name":       str("Name, unique within the agency."),
			"created_at": dateTime("When the unit was created."),
		}, "id", "agency_id", "name", "created_at"),
		"Agency": object("A national authority or partner organisation of one country.", obj{
			"id":         integer("Agency id."),
			"country":    str("ISO 3166-1 alpha-2 code."),
			"name":       str("Name, unique within the country."),
			"kind":       kind,
			"disabled":   boolean("A disabled agency takes no new data."),
			"units":      obj{"type": []string{"array", "null"}, "items": schemaRef("Unit"), "description": "The agency's units; null in lists, which do not load them."},
			"created_at": dateTime("When the agency was created."),
			"updated_at": dateTime("When the agency last changed."),

			"default_distribution": defaultDist,
			"default_tlp":          defaultTLP,
		}, "id", "country", "name", "kind", "disabled", "units", "created_at", "updated_at", "default_distribution", "default_tlp"),
		"Country": object("An ISO 3166-1 country with its UN M49 region.", obj{
			"alpha2":     str("ISO 3166-1 alpha-2 code."),
			"alpha3":     str("ISO 3166-1 alpha-3 code."),
			"numeric":    str("ISO 3166-1 numeric code."),
			"name":       str("English short name."),
			"region":     str("UN M49 region."),
			"sub_region": str("UN M49 sub-region."),
			"member":     boolean("Whether the country belongs to the reporting community."),
		}, "alpha2", "alpha3", "numeric", "name", "region", "sub_region", "member"),
		"AuditEntry": object("One entry of the append-only, hash-chained audit log. Detail names fields, never personal data.", obj{
			"seq":         integer("Sequence number, from 1, without gaps."),
			"at":          dateTime("When it happened."),
			"actor_id":    integer("Acting user (0 for the installation itself)."),
			"actor_name":  str("Acting user's name."),
			"action":      str("What happened, e.g. agency.create."),
			"object_type": str("Kind of object acted on."),
			"object_id":   str("Id of the object acted on."),
			"country":     str("Country the entry belongs to."),
			"detail":      str("JSON with field names and codes."),
			"client_ip":   str("Client address."),
			"via":         str("Door the request came in by: web, api, cli."),
			"prev_hash":   str("Hash of the previous entry."),
			"hash":        str("SHA-256 over prev_hash and this entry."),
		}, "seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "country", "detail", "client_ip", "via", "prev_hash", "hash"),

		"AgencyCreate": object("A new agency.", obj{
			"country":  str("ISO 3166-1 alpha-2 code of a country you manage."),
			"name":     str("Name, 1–200 characters, unique within the country."),
			"kind":     kind,
			"disabled": boolean("Create it disabled (default false)."),

			"default_distribution": withDefault(defaultDist, string(vrs.DefaultDistribution)),
			"default_tlp":          withDefault(defaultTLP, string(vrs.DefaultTLP)),
		}, "country", "name", "kind"),
		"AgencyUpdate": object("Fields to change; absent or null fields stay as they are.", obj{
			"name":     obj{"type": []string{"string", "null"}, "description": "New name."},
			"kind":     obj{"type": []string{"string", "null"}, "enum": nullable(kind), "description": "New kind."},
			"disabled": obj{"type": []string{"boolean", "null"}, "description": "Disable or enable."},

			"default_distribution": obj{"type": []string{"string", "null"}, "enum": append(nullable(defaultDist), ""),
				"description": "New default distribution of the agency's new records; empty: the installation's (" + string(vrs.DefaultDistribution) + ")."},
			"default_tlp": obj{"type": []string{"string", "null"}, "enum": append(nullable(defaultTLP), ""),
				"description": "New default TLP label of the agency's new records; empty: the installation's (" + string(vrs.DefaultTLP) + ")."},
		}),
		"UnitCreate": object("A new unit.", obj{
			"name": str("Name, 1–200 characters, unique within the agency."),
		}, "name"),
		"UserCreate": object("A new user.", obj{
			"name":               str("User name: 2–64 of a-z 0-9 . _ @ -, starting with a letter or digit."),
			"full_name":          str("Full name."),
			"email":              str("E-mail address."),
			"agency_id":          integer("Agency of a country you manage."),
			"roles":              arrayOf(role, "At least one role. Focal points may not give admin or regional_analyst."),
			"capture_agency_ids": arrayOf(obj{"type": "integer", "format": "int64"}, "Agencies of the same country for which the user may enter data."),
			"view_scope":         obj{"type": "string", "enum": append(scope["enum"].([]string), ""), "description": "Defaults from the roles."},
			"disabled":           boolean("Create it disabled (default false)."),
			"password":           obj{"type": "string", "format": "password", "writeOnly": true, "minLength": 12, "description": "At least 12 characters, at most 256 bytes, not the user name. Never returned."},
		}, "name", "agency_id", "roles", "password"),
		"UserUpdate": object("Fields to change; absent or null fields stay as they are.", obj{
			"full_name":          obj{"type": []string{"string", "null"}, "description": "New full name."},
			"email":              obj{"type": []string{"string", "null"}, "description": "New e-mail address."},
			"roles":              obj{"type": []string{"array", "null"}, "items": role, "description": "New roles (replaces all)."},
			"capture_agency_ids": obj{"type": []string{"array", "null"}, "items": obj{"type": "integer", "format": "int64"}, "description": "New capture scope."},
			"view_scope":         obj{"type": []string{"string", "null"}, "enum": nullable(scope), "description": "New view scope."},
			"disabled":           obj{"type": []string{"boolean", "null"}, "description": "Disable (ends the user's sessions) or enable. Not yourself."},
			"version":            obj{"type": []string{"string", "null"}, "format": "date-time", "description": "The user's updated_at this change is based on; if the user changed since, the answer is 409 conflict instead of an overwrite."},
		}),

		"CodeListSummary": object("One code list in the index.", obj{
			"name":    str("Name, used in /api/v1/codelists/{name} and by the fields that take its codes."),
			"version": str("Version of the list: the publication it follows (iso4217-2024-06-25+xcg, iccs-1.0, htcds-2.0) or the VRS release that defined it (vrs-2026.11)."),
			"title":   str("English title."),
			"source":  str("Where the codes come from and what the attributes mean."),
			"count":   obj{"type": "integer", "description": "Number of codes."},
		}, "name", "version", "title", "source", "count"),
		"Code": object("One code of a list.", obj{
			"code":   str("The code, as stored and accepted in records."),
			"label":  str("English label."),
			"parent": str("Enclosing code in a hierarchical list (ICCS offences); absent at the top."),
			"attrs": obj{"type": "object", "additionalProperties": obj{"type": "string"},
				"description": "Further columns of the list, absent when empty: e.g. alpha3, numeric, region, sub_region, bali_process, min_lat, min_lon, max_lat, max_lon for countries (min_lon > max_lon: the box crosses the antimeridian); numeric, minor_units, fund for currencies; alpha2 for languages; htcds (the Human Trafficking Case Data Standard 2.0 value); min and max for age groups."},
		}, "code", "label"),
		"CodeList": object("A whole versioned code list.", obj{
			"name":    str("Name."),
			"version": str("Version; the ETag changes with it."),
			"title":   str("English title."),
			"source":  str("Where the codes come from and what the attributes mean."),
			"entries": arrayOf(schemaRef("Code"), "The codes, in the list's order."),
		}, "name", "version", "title", "source", "entries"),
		"CodeListIndex": listOf("CodeListSummary", "Code lists, by name."),

		"UserList":    listOf("User", "Users."),
		"AgencyList":  listOf("Agency", "Agencies, by country and name."),
		"CountryList": listOf("Country", "Countries, by name."),
		"AuditList":   listOf("AuditEntry", "Audit entries, newest first."),
	}
}

func errorResponse(desc string) obj {
	return obj{"description": desc, "content": obj{"application/json": obj{"schema": schemaRef("Error")}}}
}

func responses() obj {
	return obj{
		"BadRequest":           errorResponse("Invalid input (code invalid): malformed JSON, unknown or repeated field, wrong type, invalid UTF-8, trailing data, a bad query parameter, or fields that fail validation (see fields). Nothing was changed."),
		"Unauthorized":         errorResponse("No valid credentials (code unauthorized): no token or session, or a revoked, expired or unknown token."),
		"Forbidden":            errorResponse("Not allowed (code forbidden), or a cookie-authenticated write without the X-CSRF-Token header. Nothing was changed."),
		"NotFound":             errorResponse("No such object (code not_found), or one you may not know exists; the two answers are identical."),
		"MethodNotAllowed":     errorResponse("The path exists but not with this method (code method_not_allowed); the Allow header lists the methods."),
		"Conflict":             errorResponse("A name is already taken (code conflict). Nothing was changed."),
		"TooLarge":             errorResponse("The body is larger than 1 MiB (code too_large). Nothing was changed."),
		"UnsupportedMediaType": errorResponse("The body is not sent as application/json in UTF-8 (code invalid). Nothing was changed."),
		"Internal":             errorResponse("An unexpected error (code internal); it was logged. Nothing was half-done."),
	}
}

// operation describes one method of one path.
type operation struct {
	id, summary, description string
	tag                      string
	query                    []obj  // query parameters
	body                     string // request schema
	status                   int    // success status
	result                   string // response schema
	created                  bool   // answers 201 with Location
	cached                   bool   // answers with ETag, honours If-None-Match with 304
	errs                     []string
}

func queryParam(name string, schema obj, desc string) obj {
	return obj{"name": name, "in": "query", "required": false, "schema": schema, "description": desc}
}

func pathParam(name string) obj {
	if name == "name" {
		return obj{"name": "name", "in": "path", "required": true, "description": "Code list name, as in the index (e.g. currency); an unknown name answers 404.",
			"schema": obj{"type": "string"}}
	}
	if name == "code" {
		return obj{"name": "code", "in": "path", "required": true, "description": "ISO 3166-1 alpha-2 code, either case.",
			"schema": obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}}
	}
	return obj{"name": name, "in": "path", "required": true, "description": "Numeric id; a malformed id answers 404.",
		"schema": obj{"type": "integer", "format": "int64", "minimum": 1}}
}

var statusName = map[string]string{
	"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound",
	"405": "MethodNotAllowed", "409": "Conflict", "413": "TooLarge", "415": "UnsupportedMediaType",
}

func (op operation) build(pathParams []string, public bool) obj {
	o := obj{"operationId": op.id, "summary": op.summary, "tags": []string{op.tag}}
	if op.description != "" {
		o["description"] = op.description
	}
	var params []obj
	for _, p := range pathParams {
		params = append(params, pathParam(p))
	}
	params = append(params, op.query...)
	if len(params) > 0 {
		o["parameters"] = params
	}
	if op.body != "" {
		o["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": schemaRef(op.body)}}}
	}
	ok := obj{"description": "OK", "content": obj{"application/json": obj{"schema": schemaRef(op.result)}}}
	if op.created {
		ok["description"] = "Created"
		ok["headers"] = obj{"Location": obj{"description": "Address of the created object.", "schema": obj{"type": "string"}}}
	}
	rs := obj{strconv.Itoa(op.status): ok, "default": responseRef("Internal")}
	if op.cached {
		ok["headers"] = obj{
			"ETag":          obj{"description": "Changes with the version of the list(s).", "schema": obj{"type": "string"}},
			"Cache-Control": obj{"description": codeListCacheControl, "schema": obj{"type": "string"}},
		}
		rs["304"] = obj{"description": "Not modified: If-None-Match named the current ETag."}
		params = append(params, obj{"name": "If-None-Match", "in": "header", "required": false,
			"schema": obj{"type": "string"}, "description": "ETag(s) of a copy you hold; if one is current the answer is 304 without a body."})
		o["parameters"] = params
	}
	errs := op.errs
	if !public {
		errs = append([]string{"401"}, errs...)
	}
	if op.body != "" {
		errs = append(errs, "400", "413", "415")
	}
	if len(op.query) > 0 {
		errs = append(errs, "400")
	}
	if len(pathParams) > 0 {
		errs = append(errs, "404")
	}
	for _, e := range errs {
		rs[e] = responseRef(statusName[e])
	}
	o["responses"] = rs
	if public {
		o["security"] = []obj{}
	}
	return o
}

const codeListCaching = "Code lists are embedded in the installation and versioned. The answer carries an ETag that changes with the version(s) and " +
	"Cache-Control: " + codeListCacheControl + "; send the ETag back in If-None-Match to get 304 Not Modified."

// OpenAPI returns the document as Go data.
func OpenAPI() obj {
	type entry struct {
		method, path string
		pathParams   []string
		op           operation
	}
	auditQuery := []obj{
		queryParam("action", obj{"type": "string"}, "Exact action, or a prefix ending in a dot (agency.)."),
		queryParam("actor", obj{"type": "string"}, "Acting user's name."),
		queryParam("object_type", obj{"type": "string"}, "Kind of object."),
		queryParam("object_id", obj{"type": "string"}, "Id of the object."),
		queryParam("since", obj{"type": "string"}, "From this RFC 3339 time or date (UTC), inclusive."),
		queryParam("until", obj{"type": "string"}, "Before this RFC 3339 time (exclusive); a date includes that whole day (UTC)."),
		queryParam("before", obj{"type": "integer", "format": "int64", "minimum": 1}, "Entries with seq below this: the next page is ?before=<last seq>."),
		queryParam("limit", obj{"type": "integer", "minimum": 1, "maximum": maxAuditLimit, "default": defaultAuditLimit}, "Entries per page."),
	}
	entries := []entry{
		{"GET", "/me", nil, operation{id: "getMe", tag: "account", summary: "The calling user", result: "User", status: 200}},

		{"GET", "/countries", nil, operation{id: "listCountries", tag: "countries", summary: "List ISO 3166-1 countries", status: 200, result: "CountryList",
			query: []obj{queryParam("member", obj{"type": "boolean"}, "true: only members of the reporting community.")}}},
		{"GET", "/countries/{code}", []string{"code"}, operation{id: "getCountry", tag: "countries", summary: "One country", status: 200, result: "Country"}},

		{"GET", "/codelists", nil, operation{id: "listCodeLists", tag: "codelists", summary: "List the code lists with their versions", status: 200, result: "CodeListIndex",
			description: codeListCaching, cached: true}},
		{"GET", "/codelists/{name}", []string{"name"}, operation{id: "getCodeList", tag: "codelists", summary: "One whole code list", status: 200, result: "CodeList",
			description: codeListCaching, cached: true}},

		{"GET", "/agencies", nil, operation{id: "listAgencies", tag: "agencies", summary: "List agencies (without units)", status: 200, result: "AgencyList",
			description: "The directory of agencies is open to every signed-in user.",
			query: []obj{
				queryParam("country", obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}, "ISO 3166-1 alpha-2 code."),
				queryParam("kind", enum(vrs.AgencyKinds, ""), "Agency kind."),
			}}},
		{"POST", "/agencies", nil, operation{id: "createAgency", tag: "agencies", summary: "Create an agency", body: "AgencyCreate", status: 201, result: "Agency", created: true,
			description: "Administrators, and focal points for their own country.", errs: []string{"403", "409"}}},
		{"GET", "/agencies/{id}", []string{"id"}, operation{id: "getAgency", tag: "agencies", summary: "One agency with its units", status: 200, result: "Agency"}},
		{"PATCH", "/agencies/{id}", []string{"id"}, operation{id: "updateAgency", tag: "agencies", summary: "Change an agency", body: "AgencyUpdate", status: 200, result: "Agency",
			description: "Administrators, and focal points for their own country.", errs: []string{"403", "409"}}},
		{"POST", "/agencies/{id}/units", []string{"id"}, operation{id: "createUnit", tag: "agencies", summary: "Add a unit to an agency", body: "UnitCreate", status: 201, result: "Unit", created: true,
			description: "Units have no address of their own: Location names the agency.", errs: []string{"403", "409"}}},

		{"GET", "/users", nil, operation{id: "listUsers", tag: "users", summary: "List the users you may read", status: 200, result: "UserList",
			description: "Administrators see all users, focal points their country's, everyone else only themselves.",
			query: []obj{
				queryParam("agency_id", obj{"type": "integer", "format": "int64", "minimum": 1}, "Agency id."),
				queryParam("role", enum(vrs.Roles, ""), "Only users with this role."),
				queryParam("country", obj{"type": "string", "pattern": "^[A-Za-z]{2}$"}, "ISO 3166-1 alpha-2 code."),
			}}},
		{"POST", "/users", nil, operation{id: "createUser", tag: "users", summary: "Create a user", body: "UserCreate", status: 201, result: "User", created: true,
			description: "Administrators, and focal points for their own country (not the admin or regional_analyst roles).", errs: []string{"403", "409"}}},
		{"GET", "/users/{id}", []string{"id"}, operation{id: "getUser", tag: "users", summary: "One user", status: 200, result: "User",
			description: "A user you may not read answers exactly like one that does not exist."}},
		{"PATCH", "/users/{id}", []string{"id"}, operation{id: "updateUser", tag: "users", summary: "Change a user", body: "UserUpdate", status: 200, result: "User",
			description: "Administrators, and focal points for their own country's users other than administrators.", errs: []string{"403", "409"}}},

		{"GET", "/audit", nil, operation{id: "listAudit", tag: "audit", summary: "Read the audit log", status: 200, result: "AuditList",
			description: "Administrators read all of it, focal points their own country's entries.", query: auditQuery, errs: []string{"403"}}},
	}
	paths := obj{}
	for _, e := range entries {
		p := Prefix + e.path
		if paths[p] == nil {
			paths[p] = obj{}
		}
		paths[p].(obj)[strings.ToLower(e.method)] = e.op.build(e.pathParams, false)
	}
	paths[Prefix+"/openapi.json"] = obj{"get": obj{
		"operationId": "getOpenAPI", "summary": "This document", "tags": []string{"meta"}, "security": []obj{},
		"responses": obj{"200": obj{"description": "The OpenAPI 3.1 document.", "content": obj{"application/json": obj{"schema": obj{"type": "object"}}}},
			"401": responseRef("Unauthorized")},
		"description": "Public: needs no credentials (a revoked token is still refused).",
	}}

	doc := obj{
		"openapi":           OpenAPIVersion,
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": obj{
			"title":   "VRS API",
			"version": "1.0.0",
			"summary": "JSON API of the Voluntary Reporting System.",
			"description": "Every answer is JSON. Lists are {\"items\": [...], \"count\": N}; a created object answers 201 with a Location header; " +
				"every error is {\"code\", \"message\", \"fields\"} and changes nothing. Request bodies are strict: Content-Type application/json, UTF-8, " +
				"one object, known fields spelt exactly, each once, of the documented types, at most 1 MiB. Unknown or repeated query parameters are refused.",
		},
		"servers": []obj{{"url": "/", "description": "This installation."}},
		"tags": []obj{
			{"name": "account"}, {"name": "countries"}, {"name": "codelists"}, {"name": "agencies"}, {"name": "users"}, {"name": "audit"}, {"name": "meta"},
		},
		"security": []obj{{"bearerToken": []string{}}, {"sessionCookie": []string{}, "csrfHeader": []string{}}},
		"paths":    paths,
		"components": obj{
			"securitySchemes": obj{
				"bearerToken": obj{"type": "http", "scheme": "bearer",
					"description": "An API token from the account page, sent as 'Authorization: Bearer <token>'. Acts with its user's rights; needs no CSRF header."},
				"sessionCookie": obj{"type": "apiKey", "in": "cookie", "name": "vrs_session",
					"description": "The browser session of a user who signed in (password and, where required, second factor)."},
				"csrfHeader": obj{"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
					"description": "With a session cookie, every POST, PATCH, PUT or DELETE must carry the session's CSRF token in this header; GET needs none."},
			},
			"schemas":   schemas(),
			"responses": responses(),
		},
	}
	addIncidentAPI(doc)
	addRulesAPI(doc)
	addSharingAPI(doc)
	addExportAPI(doc)
	addTemplateAPI(doc)
	addImportAPI(doc)
	addStatsAPI(doc)
	return doc
}
