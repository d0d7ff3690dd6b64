package api

import (
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"vrs"
)

func loadDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(OpenAPIJSON(), &doc); err != nil {
		t.Fatalf("document is not valid JSON: %v", err)
	}
	return doc
}

func TestOpenAPIValid(t *testing.T) {
	doc := loadDoc(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	for _, k := range []string{"info", "servers", "paths", "components", "security"} {
		if doc[k] == nil {
			t.Errorf("document lacks %s", k)
		}
	}
	comps := doc["components"].(map[string]any)
	schemes := comps["securitySchemes"].(map[string]any)
	for _, k := range []string{"bearerToken", "sessionCookie", "csrfHeader"} {
		if schemes[k] == nil {
			t.Errorf("securitySchemes lacks %s", k)
		}
	}
	for _, k := range []string{"User", "Agency", "Unit", "Country", "AuditEntry", "Error", "UserList", "AgencyList", "CountryList", "AuditList"} {
		if comps["schemas"].(map[string]any)[k] == nil {
			t.Errorf("schemas lack %s", k)
		}
	}

	// Every $ref resolves.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if resolve(doc, ref) == nil {
					t.Errorf("unresolved $ref %s", ref)
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)

	// Every operation declares its path parameters, answers success and
	// errors with the Error schema, and has a unique operationId.
	ids := map[string]bool{}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			op := op.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: missing or repeated operationId %q", method, path, id)
			}
			ids[id] = true
			declared := map[string]bool{}
			if ps, ok := op["parameters"].([]any); ok {
				for _, p := range ps {
					p := p.(map[string]any)
					if p["in"] == "path" {
						declared[p["name"].(string)] = true
					}
				}
			}
			for _, m := range param.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s %s: path parameter %s undeclared", method, path, m[1])
				}
			}
			rs := op["responses"].(map[string]any)
			var success bool
			for code := range rs {
				success = success || strings.HasPrefix(code, "2")
			}
			if !success {
				t.Errorf("%s %s: no success response", method, path)
			}
			if _, public := op["security"]; !public && rs["401"] == nil {
				t.Errorf("%s %s: no 401 response", method, path)
			}
			if op["requestBody"] != nil && (rs["400"] == nil || rs["413"] == nil || rs["415"] == nil) {
				t.Errorf("%s %s: a body but not its errors", method, path)
			}
		}
	}
}

func resolve(doc map[string]any, ref string) any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// TestOpenAPIRoutes holds the document and the registered routes equal.
func TestOpenAPIRoutes(t *testing.T) {
	a := New(Config{})
	a.Register(http.NewServeMux())
	registered := map[string]bool{}
	for _, r := range a.Routes() {
		key := r.Method + " " + r.Pattern
		if registered[key] {
			t.Errorf("route %s registered twice", key)
		}
		registered[key] = true
	}
	documented := map[string]bool{}
	doc := loadDoc(t)
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			key := strings.ToUpper(method) + " " + path
			documented[key] = true
			_, public := op.(map[string]any)["security"]
			r := strings.SplitN(key, " ", 2)
			if reg := publicRoutes[Route{r[0], r[1]}]; public != reg {
				t.Errorf("%s: documented public %v, registered public %v", key, public, reg)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(registered)) {
		if !documented[k] {
			t.Errorf("route %s is not documented", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(documented)) {
		if !registered[k] {
			t.Errorf("documented %s is not a route", k)
		}
	}
	if len(registered) < 14 {
		t.Errorf("only %d routes", len(registered))
	}
}

// TestOpenAPISchemasMatchTypes holds each schema's properties equal to the
// JSON fields of the Go type it describes, so that a field added to a
// type is a failing test until it is documented.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	schemas := loadDoc(t)["components"].(map[string]any)["schemas"].(map[string]any)
	for name, v := range map[string]any{
		"User": vrs.User{}, "Agency": vrs.Agency{}, "Unit": vrs.Unit{}, "Country": vrs.Country{}, "AuditEntry": vrs.AuditEntry{},
		"AgencyCreate": agencyCreateRequest{}, "AgencyUpdate": vrs.AgencyUpdate{}, "UnitCreate": unitCreateRequest{},
		"UserCreate": userCreateRequest{}, "UserUpdate": vrs.UserUpdate{},
		"SharingAgreement": vrs.SharingAgreement{}, "AgreementProposal": agreementRequest{}, "AgreementReason": reasonRequest{},
		"SharingGroup": vrs.SharingGroup{}, "SharingGroupInput": sharingGroupRequest{}, "RecordView": vrs.RecordView{},
	} {
		t.Run(name, func(t *testing.T) {
			s, ok := schemas[name].(map[string]any)
			if !ok {
				t.Fatalf("no schema %s", name)
			}
			props := slices.Sorted(maps.Keys(s["properties"].(map[string]any)))
			fields := slices.Sorted(maps.Keys(structFields(reflect.TypeOf(v))))
			if !slices.Equal(props, fields) {
				t.Errorf("schema properties %v, type fields %v", props, fields)
			}
			if req, ok := s["required"].([]any); ok {
				for _, r := range req {
					if !slices.Contains(props, r.(string)) {
						t.Errorf("required %v is not a property", r)
					}
				}
			}
		})
	}
}
