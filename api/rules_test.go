package api_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vrs"
	"vrs/api"
	"vrs/rules"
	"vrs/storetest"
)

// validRule is a rule an administrator may add: at most two persons
// recorded one by one.
const validRule = `{"name":"%s","description":"Test rule.","types":["migrant_smuggling"],"left":"count(persons)","op":"<=","right":"2",` +
	`"field":"persons","message":"At most two persons may be recorded in this test."}`

func ruleBody(name string) string { return strings.Replace(validRule, "%s", name, 1) }

// ruleList reads GET /validation-rules as caller.
func (e *env) ruleList(t testing.TB, caller string) ([]rules.Rule, response) {
	t.Helper()
	resp := e.do(t, request{method: "GET", path: "/api/v1/validation-rules", token: e.tokens[caller]})
	if resp.status != http.StatusOK {
		t.Fatalf("list as %s: %d %s", caller, resp.status, resp.body)
	}
	var l struct {
		Items []rules.Rule `json:"items"`
		Count int          `json:"count"`
	}
	if err := json.Unmarshal(resp.body, &l); err != nil || l.Count != len(l.Items) {
		t.Fatalf("list shape: %v: %s", err, resp.body)
	}
	return l.Items, resp
}

// createRule adds a rule as the administrator and returns it.
func (e *env) createRule(t testing.TB, body string) rules.Rule {
	t.Helper()
	resp := e.do(t, request{method: "POST", path: "/api/v1/validation-rules", token: e.tokens["admin"], body: body})
	if resp.status != http.StatusCreated {
		t.Fatalf("create rule: %d %s", resp.status, resp.body)
	}
	var r rules.Rule
	if err := json.Unmarshal(resp.body, &r); err != nil || r.ID <= 0 {
		t.Fatalf("created rule: %v: %s", err, resp.body)
	}
	if loc := resp.header.Get("Location"); loc != "/api/v1/validation-rules/"+itoa(r.ID) {
		t.Errorf("Location = %q", loc)
	}
	return r
}

// rulesState is what a refused rule write must not change: the rules and
// the head of the audit log.
func rulesState(t testing.TB, e *env) string {
	t.Helper()
	rs, err := e.app.DB.ListValidationRules(storetest.System())
	if err != nil {
		t.Fatal(err)
	}
	audit, err := e.app.DB.ListAudit(storetest.System(), vrs.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal([]any{rs, audit})
	return string(b)
}

// TestRuleAccess: everyone signed in reads the rules, only administrators
// change them, and a refusal changes nothing.
func TestRuleAccess(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			rows := []struct {
				name, method, path, body string
				want                     want
			}{
				{"List", "GET", "/api/v1/validation-rules", "", want{"*": 200}},
				{"Get", "GET", "/api/v1/validation-rules/{rule}", "", want{"*": 200}},
				{"GetMissing", "GET", "/api/v1/validation-rules/{missing}", "", want{"*": 404}},
				{"Create", "POST", "/api/v1/validation-rules", ruleBody("by.{caller}"), want{"*": 403, "admin": 201}},
				// An invalid rule from someone who may not write is 403, not a list of problems.
				{"CreateInvalid", "POST", "/api/v1/validation-rules", `{"name":"x","left":"(","op":"?","right":"","field":"","message":""}`,
					want{"*": 403, "admin": 400}},
				{"Update", "PUT", "/api/v1/validation-rules/{rule}", ruleBody("shared.rule"), want{"*": 403, "admin": 200}},
				{"UpdateMissing", "PUT", "/api/v1/validation-rules/{missing}", ruleBody("missing.rule"), want{"*": 403, "admin": 404}},
				{"Delete", "DELETE", "/api/v1/validation-rules/{own}", "", want{"*": 403, "admin": 204}},
				{"DeleteMissing", "DELETE", "/api/v1/validation-rules/{missing}", "", want{"*": 403, "admin": 404}},
				// A malformed id is no address at all: 404 before anything else.
				{"DeleteMalformed", "DELETE", "/api/v1/validation-rules/01", "", want{"*": 404}},
				{"WrongMethod", "PATCH", "/api/v1/validation-rules/{rule}", `{}`, want{"*": 405, "anonymous": 405}},
			}
			shared := e.createRule(t, ruleBody("shared.rule"))
			for _, row := range rows {
				t.Run(row.name, func(t *testing.T) {
					for _, caller := range callers {
						t.Run(caller, func(t *testing.T) {
							own := e.createRule(t, ruleBody("own."+strings.ReplaceAll(caller, "-", "_")+"."+strings.ToLower(row.name)))
							path := strings.NewReplacer("{rule}", itoa(shared.ID), "{own}", itoa(own.ID), "{missing}", "987654321").Replace(row.path)
							body := strings.ReplaceAll(row.body, "{caller}", strings.ReplaceAll(caller, "-", "_"))
							before := rulesState(t, e)
							resp := e.do(t, request{method: row.method, path: path, token: e.tokens[caller], body: body})
							wantStatus := row.want.of(caller)
							if caller == "anonymous" && isWrite(row.method) && resp.status == http.StatusForbidden {
								wantStatus = http.StatusForbidden // refused for want of a CSRF token
							}
							if resp.status != wantStatus {
								t.Fatalf("%s %s as %s: %d, want %d: %s", row.method, path, caller, resp.status, wantStatus, resp.body)
							}
							if resp.status >= 300 || !isWrite(row.method) {
								if after := rulesState(t, e); after != before {
									t.Errorf("answered %d but changed the rules", resp.status)
								}
							}
							if resp.status >= 400 {
								errorBody(t, resp)
							}
							// Clean up so that names stay free for the next caller.
							e.do(t, request{method: "DELETE", path: "/api/v1/validation-rules/" + itoa(own.ID), token: e.tokens["admin"]})
							if resp.status == http.StatusCreated {
								var r rules.Rule
								json.Unmarshal(resp.body, &r)
								e.do(t, request{method: "DELETE", path: "/api/v1/validation-rules/" + itoa(r.ID), token: e.tokens["admin"]})
							}
						})
					}
				})
			}
		})
	}
}

// TestRuleValidation: each problem is answered 400 (or 409) under its
// field, an unreadable expression with where it stops being readable, and
// nothing is stored.
func TestRuleValidation(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		status int
		fields map[string]string // field → a part of its message
	}{
		{"NameFormat", `{"name":"X","left":"1","op":"<","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"name": "lower-case"}},
		{"NameBuiltIn", `{"name":"occurred_before_detected","left":"1","op":"<","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"name": "built-in"}},
		{"NameTaken", ruleBody("taken.rule"), 409, map[string]string{"name": "Another rule"}},
		{"NameTakenOtherCase", strings.Replace(ruleBody("taken.rule"), "taken.rule", " Taken.Rule ", 1), 409, map[string]string{"name": "Another rule"}},
		{"OpUnknown", `{"name":"op.bad","left":"1","op":"=","right":"2","field":"persons","message":"m"}`, 400, map[string]string{"op": "operator"}},
		{"FieldUnknown", `{"name":"field.bad","left":"1","op":"<","right":"2","field":"nowhere","message":"m"}`, 400, map[string]string{"field": "not a field"}},
		{"FieldMissing", `{"name":"field.none","left":"1","op":"<","right":"2","message":"m"}`, 400, map[string]string{"field": "Name the field"}},
		{"MessageMissing", `{"name":"msg.none","left":"1","op":"<","right":"2","field":"persons"}`, 400, map[string]string{"message": "required"}},
		{"MessageTooLong", `{"name":"msg.long","left":"1","op":"<","right":"2","field":"persons","message":"` + strings.Repeat("x", rules.MaxMessage+1) + `"}`, 400,
			map[string]string{"message": "300"}},
		{"TypeUnknown", `{"name":"type.bad","types":["smuggling"],"left":"1","op":"<","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"types": "incident types"}},
		{"KindsDiffer", `{"name":"kinds","left":"detected_on","op":"<","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"right": "cannot be compared"}},

		// Expressions that cannot be read: the position is counted in the
		// expression as sent, leading spaces included.
		{"ExprUnknownField", `{"name":"expr.field","left":"occured_on","op":"<=","right":"detected_on","field":"occurred_on","message":"m"}`, 400,
			map[string]string{"left": "At character 1 of the expression: There is no such field."}},
		{"ExprUnclosed", `{"name":"expr.paren","left":"  count(persons","op":"<=","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"left": "At character 16 of the expression: A closing parenthesis is missing."}},
		{"ExprEndsEarly", `{"name":"expr.end","left":"1","op":"<=","right":"persons_involved +","field":"persons","message":"m"}`, 400,
			map[string]string{"right": "At character 19 of the expression:"}},
		{"ExprBadChar", `{"name":"expr.char","left":"x@y","op":"<=","right":"2 * (3","field":"persons","message":"m"}`, 400,
			map[string]string{"left": "At character 2 of the expression:", "right": "At character 7 of the expression:"}},
		{"ExprNeedsNumber", `{"name":"expr.num","left":"detected_on + 1","op":"<=","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"left": "At character 13 of the expression: Only numbers"}},
		{"ExprEmpty", `{"name":"expr.empty","left":"","op":"<=","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"left": "At character 1 of the expression: Write an expression."}},

		// The body is decoded strictly.
		{"UnknownField", `{"name":"u.f","left":"1","op":"<","right":"2","field":"persons","message":"m","severity":"high"}`, 400,
			map[string]string{"severity": "Unknown field"}},
		{"ReadOnlyID", `{"id":5,"name":"u.id","left":"1","op":"<","right":"2","field":"persons","message":"m"}`, 400, map[string]string{"id": "Unknown field"}},
		{"ReadOnlyBuiltIn", `{"built_in":true,"name":"u.b","left":"1","op":"<","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"built_in": "Unknown field"}},
		{"WrongCase", `{"Name":"u.c","left":"1","op":"<","right":"2","field":"persons","message":"m"}`, 400, map[string]string{"Name": "Unknown field"}},
		{"Repeated", `{"name":"r.a","name":"r.b","left":"1","op":"<","right":"2","field":"persons","message":"m"}`, 400, map[string]string{"name": "more than once"}},
		{"TypesNotList", `{"name":"t.s","types":"migrant_smuggling","left":"1","op":"<","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"types": ""}},
		{"DisabledNotBool", `{"name":"d.s","disabled":"yes","left":"1","op":"<","right":"2","field":"persons","message":"m"}`, 400,
			map[string]string{"disabled": ""}},
		{"NotObject", `[]`, 400, nil},
		{"Trailing", ruleBody("trail.ing") + `{}`, 400, nil},
	}
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			taken := e.createRule(t, ruleBody("taken.rule"))
			other := e.createRule(t, ruleBody("other.rule"))
			for _, tc := range cases {
				for _, method := range []string{"POST", "PUT"} {
					t.Run(tc.name+"/"+method, func(t *testing.T) {
						path := "/api/v1/validation-rules"
						if method == "PUT" {
							path += "/" + itoa(other.ID) // taken.rule is another rule's name
						}
						before := rulesState(t, e)
						resp := e.do(t, request{method: method, path: path, token: e.tokens["admin"], body: tc.body})
						if after := rulesState(t, e); after != before {
							t.Errorf("refused %s changed the rules", method)
						}
						if resp.status != tc.status {
							t.Fatalf("status %d, want %d: %s", resp.status, tc.status, resp.body)
						}
						eb := errorBody(t, resp)
						for f, part := range tc.fields {
							if m, ok := eb.Fields[f]; !ok || !strings.Contains(m, part) {
								t.Errorf("fields[%s] = %q, want it to contain %q (fields %v)", f, m, part, eb.Fields)
							}
						}
					})
				}
			}
			// A rule may keep its own name.
			resp := e.do(t, request{method: "PUT", path: "/api/v1/validation-rules/" + itoa(taken.ID), token: e.tokens["admin"], body: ruleBody("taken.rule")})
			if resp.status != http.StatusOK {
				t.Errorf("PUT with its own name: %d %s", resp.status, resp.body)
			}
			// Wrong media type.
			resp = e.do(t, request{method: "POST", path: "/api/v1/validation-rules", token: e.tokens["admin"], body: ruleBody("media.type"),
				header: map[string]string{"Content-Type": "text/plain"}})
			if resp.status != http.StatusUnsupportedMediaType {
				t.Errorf("text/plain body: %d %s", resp.status, resp.body)
			}
		})
	}
}

// TestRuleEnforced: a rule added through the API refuses the next incident
// saved through the API, with its field and message; disabled it does not;
// deleted it is gone.
func TestRuleEnforced(t *testing.T) {
	const msg = "At most two persons may be recorded in this test."
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			police := e.app.World.Agencies["th-police"].ID
			e.createIncident(t, "reporter", interception(police, "R-BEFORE")) // three persons: fine without the rule

			r := e.createRule(t, ruleBody("two.persons"))
			id := itoa(r.ID)
			steps := []struct {
				name   string
				change func(t *testing.T)
				typ    vrs.IncidentType
				want   int
			}{
				{"Enforced", nil, vrs.TypeMigrantSmuggling, 400},
				{"OtherType", nil, vrs.TypeIrregularMigration, 201},
				{"Disabled", func(t *testing.T) {
					body := strings.Replace(ruleBody("two.persons"), `"field"`, `"disabled":true,"field"`, 1)
					resp := e.do(t, request{method: "PUT", path: "/api/v1/validation-rules/" + id, token: e.tokens["admin"], body: body})
					var got rules.Rule
					if resp.status != 200 || json.Unmarshal(resp.body, &got) != nil || !got.Disabled || got.ID != r.ID {
						t.Fatalf("disable: %d %s", resp.status, resp.body)
					}
				}, vrs.TypeMigrantSmuggling, 201},
				{"AllTypes", func(t *testing.T) {
					body := strings.Replace(ruleBody("two.persons"), `"types":["migrant_smuggling"],`, "", 1)
					resp := e.do(t, request{method: "PUT", path: "/api/v1/validation-rules/" + id, token: e.tokens["admin"], body: body})
					if resp.status != 200 {
						t.Fatalf("enable: %d %s", resp.status, resp.body)
					}
				}, vrs.TypeIrregularMigration, 400},
				{"Deleted", func(t *testing.T) {
					resp := e.do(t, request{method: "DELETE", path: "/api/v1/validation-rules/" + id, token: e.tokens["admin"]})
					if resp.status != http.StatusNoContent || len(resp.body) != 0 {
						t.Fatalf("delete: %d %s", resp.status, resp.body)
					}
					if resp := e.do(t, request{method: "GET", path: "/api/v1/validation-rules/" + id, token: e.tokens["admin"]}); resp.status != 404 {
						t.Errorf("GET after delete: %d", resp.status)
					}
				}, vrs.TypeMigrantSmuggling, 201},
			}
			for _, s := range steps {
				t.Run(s.name, func(t *testing.T) {
					if s.change != nil {
						s.change(t)
					}
					inc := interception(police, "R-"+s.name)
					inc.Type = s.typ
					resp := e.do(t, request{method: "POST", path: "/api/v1/incidents", token: e.tokens["reporter"], body: toJSON(t, inc)})
					if resp.status != s.want {
						t.Fatalf("incident create: %d, want %d: %s", resp.status, s.want, resp.body)
					}
					if s.want == 400 {
						if eb := errorBody(t, resp); eb.Fields["persons"] != msg {
							t.Errorf("fields = %v, want persons: %q", eb.Fields, msg)
						}
					}
				})
			}
		})
	}
}

// TestRuleList: the built-in rules, marked, then the installation's by
// name; the ETag changes with the list and answers 304 while it holds.
func TestRuleList(t *testing.T) {
	e := newEnv(t, "sqlite")
	items, first := e.ruleList(t, "reporter")
	defaults := rules.Defaults()
	if len(items) != len(defaults) {
		t.Fatalf("fresh installation lists %d rules, want the %d built-in", len(items), len(defaults))
	}
	for i, r := range items {
		if !r.BuiltIn || r.ID != 0 || r.Name != defaults[i].Name || r.Message != defaults[i].Message {
			t.Errorf("item %d = %+v, want built-in %s", i, r, defaults[i].Name)
		}
	}
	etag := first.header.Get("ETag")
	if etag == "" || first.header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("headers %v", first.header)
	}
	cases := []struct {
		name, ifNoneMatch string
		want              int
	}{
		{"Same", etag, 304},
		{"Weak", "W/" + etag, 304},
		{"Among", `"other", ` + etag, 304},
		{"Star", "*", 304},
		{"Other", `"other"`, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.do(t, request{method: "GET", path: "/api/v1/validation-rules", token: e.tokens["analyst"], header: map[string]string{"If-None-Match": tc.ifNoneMatch}})
			if resp.status != tc.want || resp.header.Get("ETag") != etag {
				t.Fatalf("status %d ETag %q, want %d %q", resp.status, resp.header.Get("ETag"), tc.want, etag)
			}
			if tc.want == 304 && len(resp.body) != 0 {
				t.Errorf("304 with a body")
			}
		})
	}
	if resp := e.do(t, request{method: "GET", path: "/api/v1/validation-rules?all=1", token: e.tokens["analyst"]}); resp.status != 400 {
		t.Errorf("unknown query parameter: %d", resp.status)
	}

	e.createRule(t, ruleBody("zz.last"))
	e.createRule(t, strings.Replace(ruleBody("aa.first"), `"field"`, `"disabled":true,"field"`, 1))
	items, resp := e.ruleList(t, "vn-reporter")
	if resp.header.Get("ETag") == etag {
		t.Errorf("ETag unchanged after a change")
	}
	var names []string
	for _, r := range items[len(defaults):] {
		names = append(names, r.Name)
		if r.BuiltIn || r.ID <= 0 || r.UpdatedAt.IsZero() {
			t.Errorf("installation rule %+v", r)
		}
	}
	if !slices.Equal(names, []string{"aa.first", "zz.last"}) || !items[len(defaults)].Disabled {
		t.Errorf("installation rules %v", items[len(defaults):])
	}
	got := e.do(t, request{method: "GET", path: "/api/v1/validation-rules/" + itoa(items[len(defaults)].ID), token: e.tokens["vn-reporter"]})
	var one rules.Rule
	if got.status != 200 || json.Unmarshal(got.body, &one) != nil || !reflect.DeepEqual(one, items[len(defaults)]) {
		t.Errorf("GET one: %d %s", got.status, got.body)
	}
}

// jsonNames are the JSON names of a struct type's fields.
func jsonNames(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// TestRuleSchema holds ValidationRule's properties equal to rules.Rule's
// JSON fields, and ValidationRuleInput's to those less the read-only ones;
// the input schema's fields are all accepted by the API.
func TestRuleSchema(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(api.OpenAPIJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	out := schemas["ValidationRule"].(map[string]any)["properties"].(map[string]any)
	in := schemas["ValidationRuleInput"].(map[string]any)["properties"].(map[string]any)
	fields := jsonNames(reflect.TypeFor[rules.Rule]())
	if got := slices.Sorted(maps.Keys(out)); !slices.Equal(got, fields) {
		t.Errorf("ValidationRule properties %v, rules.Rule fields %v", got, fields)
	}
	var writable []string
	for _, f := range fields {
		if ro, _ := out[f].(map[string]any)["readOnly"].(bool); !ro {
			writable = append(writable, f)
		}
	}
	if got := slices.Sorted(maps.Keys(in)); !slices.Equal(got, writable) {
		t.Errorf("ValidationRuleInput properties %v, writable fields of rules.Rule %v", got, writable)
	}
	for name, s := range map[string]map[string]any{"ValidationRule": out, "ValidationRuleInput": in} {
		req, _ := schemas[name].(map[string]any)["required"].([]any)
		for _, r := range req {
			if s[r.(string)] == nil {
				t.Errorf("%s: required %v is not a property", name, r)
			}
		}
	}
	// The documented operators and fields are the ones a rule takes.
	ops := in["op"].(map[string]any)["enum"].([]any)
	if len(ops) != len(rules.Ops) {
		t.Errorf("op enum %v, rules.Ops %v", ops, rules.Ops)
	}
	targets := in["field"].(map[string]any)["enum"].([]any)
	for _, f := range rules.Fields() {
		if !slices.Contains(targets, any(f)) {
			t.Errorf("field enum lacks %s", f)
		}
	}

	// A body with every documented input field is accepted.
	e := newEnv(t, "sqlite")
	body := map[string]any{}
	json.Unmarshal([]byte(ruleBody("every.field")), &body)
	body["disabled"] = true
	for k := range in {
		if _, ok := body[k]; !ok {
			t.Errorf("test body lacks %s", k)
		}
	}
	b, _ := json.Marshal(body)
	r := e.createRule(t, string(b))
	if !r.Disabled || r.Description != "Test rule." || !slices.Equal(r.Types, []vrs.IncidentType{vrs.TypeMigrantSmuggling}) {
		t.Errorf("created %+v", r)
	}
}
