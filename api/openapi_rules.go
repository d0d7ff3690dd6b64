package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"vrs"
	"vrs/rules"
)

// The validation-rules part of the OpenAPI document, added by addRulesAPI.

const ruleExpressionHelp = "An expression over the incident: fields by their JSON names (detected_on, persons_involved, place.country); " +
	"texts and dates in single quotes ('2024-01-31', 'migrant'); numbers; today (the reporting agency's date); + - * on numbers; parentheses; " +
	"count, sum, min and max over a section, with an optional where: count(persons where role = 'migrant'), " +
	"sum(counts.count where status in ('deceased', 'missing')), min(legs.departed_on). At most 500 characters."

// ruleTargets are the names a rule's field may take: the incident fields
// rules can read and the repeatable sections.
func ruleTargets() []string {
	out := rules.Fields()
	for s := range rules.Sections() {
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func ruleSchemas() obj {
	ops := enum(rules.Ops, "How the two sides compare: the rule holds when left op right. "+
		"compulsory_pair holds when both sides are present or both absent, exclusive_pair unless both are present. "+
		"A comparison with a missing side (an empty date, a number not given) is not evaluated.")
	types := func(desc string) obj {
		o := arrayOf(enum(vrs.IncidentTypes, ""), desc)
		o["uniqueItems"] = true
		return o
	}
	return obj{
		"ValidationRule": object("A cross-field rule checked on every incident save: where left op right does not hold, message is answered on field and the incident is not saved.", obj{
			"id":          readOnly(integer("Rule id; absent for built-in rules.")),
			"name":        str("Unique name: 3 to 64 of a-z 0-9 . _ -, starting with a letter."),
			"description": str("What the rule checks; absent when empty."),
			"types":       types("Incident types the rule applies to; absent: every type."),
			"left":        str("Left expression. " + ruleExpressionHelp),
			"op":          ops,
			"right":       str("Right expression, of the same kind as the left (number, or text and date) unless op is a pair operator."),
			"field":       str("The incident field or section the message is answered on, as in an incident's error fields."),
			"message":     str("What the person recording the incident reads. For built-in rules a catalogue key that is answered translated; for an installation's rules the sentence itself."),
			"disabled":    boolean("A disabled rule is not checked; absent when false."),
			"built_in":    readOnly(boolean("A rule every installation checks; it cannot be changed. Absent for an installation's rules.")),
			"updated_at":  readOnly(dateTime("When the rule last changed; absent for built-in rules.")),
		}, "name", "left", "op", "right", "field", "message"),
		"ValidationRuleInput": object("A rule as an administrator writes it. PUT replaces the whole rule: a field left out is empty (disabled false).", obj{
			"name":        obj{"type": "string", "pattern": "^[a-z][a-z0-9_.-]{2,63}$", "description": "Unique name, not a built-in rule's; taken in lower case, spaces around it dropped."},
			"description": obj{"type": "string", "maxLength": rules.MaxDescription, "description": "What the rule checks."},
			"types":       types("Incident types the rule applies to; empty or absent: every type."),
			"left":        obj{"type": "string", "maxLength": 500, "description": ruleExpressionHelp + " An expression that cannot be read is answered 400 with, under left, the character where reading stops."},
			"op":          ops,
			"right":       obj{"type": "string", "maxLength": 500, "description": "Right expression, as left."},
			"field":       obj{"type": "string", "enum": ruleTargets(), "description": "The incident field or section the message is answered on."},
			"message":     obj{"type": "string", "minLength": 1, "maxLength": rules.MaxMessage, "description": "The sentence the person recording the incident reads when the rule does not hold: what is wrong and what to check."},
			"disabled":    boolean("Store it without checking it (default false)."),
		}, "name", "left", "op", "right", "field", "message"),
		"ValidationRuleList": listOf("ValidationRule", "The built-in rules, then the installation's by name."),
	}
}

// rulesETagHeaders describe the list's caching.
var rulesETagHeaders = obj{
	"ETag":          obj{"description": "Changes with the list: send it in If-None-Match to learn cheaply whether a rule changed.", "schema": obj{"type": "string"}},
	"Cache-Control": obj{"description": ruleCacheControl, "schema": obj{"type": "string"}},
}

func ruleOperations() []struct {
	method, path string
	op           obj
} {
	const admins = "Administrators only; a change applies to every incident saved from then on."
	type entry struct {
		method, path string
		pathParams   []string
		op           operation
	}
	entries := []entry{
		{"GET", "/validation-rules", nil, operation{id: "listValidationRules", tag: "validation-rules", summary: "List the validation rules", status: 200, result: "ValidationRuleList",
			description: "Every signed-in user: the rules explain why an incident is refused. The built-in rules (built_in true) come first, then the installation's by name, disabled ones included. " +
				"Unknown query parameters are refused.", errs: []string{"400"}}},
		{"POST", "/validation-rules", nil, operation{id: "createValidationRule", tag: "validation-rules", summary: "Add a rule", body: "ValidationRuleInput", status: 201, result: "ValidationRule", created: true,
			description: admins + " Problems are answered 400 by field; a name already taken 409.", errs: []string{"403", "409"}}},
		{"GET", "/validation-rules/{id}", []string{"id"}, operation{id: "getValidationRule", tag: "validation-rules", summary: "One of the installation's rules", status: 200, result: "ValidationRule",
			description: "Every signed-in user. Built-in rules have no id."}},
		{"PUT", "/validation-rules/{id}", []string{"id"}, operation{id: "replaceValidationRule", tag: "validation-rules", summary: "Replace one of the installation's rules", body: "ValidationRuleInput", status: 200, result: "ValidationRule",
			description: admins + " Problems are answered 400 by field; a name another rule has 409.", errs: []string{"403", "409"}}},
		{"DELETE", "/validation-rules/{id}", []string{"id"}, operation{id: "deleteValidationRule", tag: "validation-rules", summary: "Delete one of the installation's rules", status: 204,
			description: admins, errs: []string{"403"}}},
	}
	var out []struct {
		method, path string
		op           obj
	}
	for _, e := range entries {
		o := e.op.build(e.pathParams, false)
		rs := o["responses"].(obj)
		ok := strconv.Itoa(e.op.status)
		switch {
		case e.method == http.MethodDelete:
			rs[ok] = obj{"description": "Deleted."}
		case e.method == http.MethodGet && e.pathParams == nil:
			rs[ok].(obj)["headers"] = rulesETagHeaders
			rs["304"] = obj{"description": "Not modified: If-None-Match named the current ETag.", "headers": rulesETagHeaders}
			o["parameters"] = append(slices.Clone(asObjs(o["parameters"])), obj{"name": "If-None-Match", "in": "header", "required": false,
				"schema": obj{"type": "string"}, "description": "ETag(s) of a list you hold; if one is current the answer is 304 without a body."})
		}
		out = append(out, struct {
			method, path string
			op           obj
		}{e.method, e.path, o})
	}
	return out
}

func asObjs(v any) []obj {
	o, _ := v.([]obj)
	return o
}

// addRulesAPI adds the validation-rule endpoints and schemas to doc.
func addRulesAPI(doc obj) {
	paths := doc["paths"].(obj)
	for _, e := range ruleOperations() {
		p := Prefix + e.path
		if paths[p] == nil {
			paths[p] = obj{}
		}
		paths[p].(obj)[strings.ToLower(e.method)] = e.op
	}
	for k, v := range ruleSchemas() {
		doc["components"].(obj)["schemas"].(obj)[k] = v
	}
	doc["tags"] = append(doc["tags"].([]obj), obj{"name": "validation-rules"})
}
