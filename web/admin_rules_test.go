package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vrs"
	"vrs/internal/apptest"
	"vrs/rules"
	"vrs/storetest"
)

func ruleForm(name, left, op, right string) url.Values {
	return url.Values{"name": {name}, "description": {"Victims fit in the total."}, "types": {"trafficking_in_persons"},
		"left": {left}, "op": {op}, "right": {right}, "field": {"persons"}, "message": {"More victims than persons involved."}}
}

func TestAdminRules(t *testing.T) {
	app := apptest.New(t, "sqlite")
	admin := app.SignIn(t, "admin")
	ctx := storetest.System()
	const good = "count(persons where role = 'victim')"

	t.Run("OnlyAdministrators", func(t *testing.T) {
		for _, key := range []string{"focal_point", "reporter"} {
			c := app.SignIn(t, key)
			if resp, _ := c.Get(t, "/admin/rules"); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET: %d", key, resp.StatusCode)
			}
			if resp, _ := c.Post(t, "/admin/rules", ruleForm("mine", good, "<=", "persons_involved")); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST: %d", key, resp.StatusCode)
			}
		}
		if resp, _ := app.NewClient().Get(t, "/admin/rules"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous GET: %d", resp.StatusCode)
		}
	})
	t.Run("ListShowsBuiltIn", func(t *testing.T) {
		resp, body := admin.Get(t, "/admin/rules")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, want := range []string{"occurred_before_detected", "The date it happened is after the date it was detected",
			`href="/admin/rules"`, "This installation has added no rules yet.", `value="trafficking_in_persons"`, "Trafficking in persons",
			`<option value="&lt;=" selected>`, "both or neither present"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
	t.Run("ErrExpressionShowsWhere", func(t *testing.T) {
		admin.Get(t, "/admin/rules")
		resp, body := admin.Post(t, "/admin/rules", ruleForm("victims_within_total", "count(persons where rol = 'victim')", "<=", "persons_involved"))
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", resp.StatusCode)
		}
		body = html.UnescapeString(body)
		for _, want := range []string{`id="rule-left-error">There is no such field.`, "<code>count(persons where <mark>rol</mark> = 'victim')</code>",
			`value="count(persons where rol = 'victim')"`, `value="trafficking_in_persons" checked`, `aria-invalid="true"`} {
			if !strings.Contains(body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
		if rs, _ := app.DB.ListValidationRules(ctx); len(rs) != 0 {
			t.Errorf("a refused form stored %v", rs)
		}
	})
	t.Run("ErrSeveralFields", func(t *testing.T) {
		admin.Get(t, "/admin/rules")
		f := ruleForm("Bad Name", good, "=<", "")
		f.Set("field", "nowhere")
		_, body := admin.Post(t, "/admin/rules", f)
		for _, want := range []string{`id="rule-name-error"`, `id="rule-op-error">Choose an operator`, `id="rule-right-error">Write an expression.`,
			`id="rule-field-error">This is not a field of an incident.`} {
			if !strings.Contains(body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
	})
	t.Run("ErrTypeMismatch", func(t *testing.T) {
		admin.Get(t, "/admin/rules")
		_, body := admin.Post(t, "/admin/rules", ruleForm("victims_within_total", good, "<=", "detected_on"))
		if !strings.Contains(body, `id="rule-right-error">The two sides cannot be compared`) {
			t.Errorf("no mismatch message\n%s", excerpt(body))
		}
	})

	var id int64
	t.Run("Create", func(t *testing.T) {
		admin.Get(t, "/admin/rules")
		resp, _ := admin.Post(t, "/admin/rules", ruleForm("victims_within_total", good, "<=", "persons_involved"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/rules?flash=rule_created" {
			t.Fatalf("status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		rs, _ := app.DB.ListValidationRules(ctx)
		if len(rs) != 1 || rs[0].Left != good || len(rs[0].Types) != 1 || rs[0].Types[0] != vrs.TypeTrafficking {
			t.Fatalf("stored %+v", rs)
		}
		id = rs[0].ID
		_, body := admin.Get(t, "/admin/rules?flash=rule_created")
		for _, want := range []string{"The rule has been added.", "victims_within_total", "More victims than persons involved.", `badge on`} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		resp, body = admin.Post(t, "/admin/rules", ruleForm("victims_within_total", good, "<=", "persons_involved"))
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="rule-name-error">Another rule already has this name.`) {
			t.Errorf("duplicate: %d", resp.StatusCode)
		}
	})
	t.Run("EditForm", func(t *testing.T) {
		resp, body := admin.Get(t, fmt.Sprintf("/admin/rules?edit=%d", id))
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`action="/admin/rules/%d"`, id)) ||
			!strings.Contains(body, `value="victims_within_total"`) {
			t.Fatalf("edit form: %d", resp.StatusCode)
		}
		if resp, _ := admin.Get(t, "/admin/rules?edit=999999"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown rule: %d", resp.StatusCode)
		}
	})
	t.Run("Update", func(t *testing.T) {
		path := fmt.Sprintf("/admin/rules/%d", id)
		f := ruleForm("victims_within_total", good, "<", "persons_involved")
		f["types"] = nil
		resp, _ := admin.Post(t, path, f)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", resp.StatusCode)
		}
		rs, _ := app.DB.ListValidationRules(ctx)
		if rs[0].Op != rules.OpLt || len(rs[0].Types) != 0 {
			t.Errorf("after update %+v", rs[0])
		}
		f.Set("right", "persons_involved +")
		resp, body := admin.Post(t, path, f)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="rule-right-error">The expression ends too early.`) ||
			!strings.Contains(body, fmt.Sprintf(`action="/admin/rules/%d"`, id)) {
			t.Errorf("bad update: %d", resp.StatusCode)
		}
	})
	t.Run("DisableEnable", func(t *testing.T) {
		path := fmt.Sprintf("/admin/rules/%d", id)
		admin.Get(t, "/admin/rules")
		if resp, _ := admin.Post(t, path, url.Values{"disabled": {"on"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable: %d", resp.StatusCode)
		}
		rs, _ := app.DB.ListValidationRules(ctx)
		if !rs[0].Disabled || rs[0].Left != good {
			t.Errorf("after disable %+v", rs[0])
		}
		_, body := admin.Get(t, "/admin/rules")
		if !strings.Contains(body, `badge off`) || !strings.Contains(body, ">Enable</button>") {
			t.Error("list does not show the rule disabled")
		}
		admin.Post(t, path, url.Values{"disabled": {"off"}})
		if rs, _ := app.DB.ListValidationRules(ctx); rs[0].Disabled {
			t.Error("rule not enabled again")
		}
		es, _ := app.DB.ListAudit(ctx, vrs.AuditFilter{Action: vrs.ActRuleUpdate})
		if len(es) != 3 {
			t.Errorf("%d update entries in the audit log, want 3", len(es))
		}
	})
	t.Run("Delete", func(t *testing.T) {
		path := fmt.Sprintf("/admin/rules/%d/delete", id)
		admin.Get(t, "/admin/rules")
		if resp, _ := app.SignIn(t, "focal_point").Post(t, path, url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("focal point delete: %d", resp.StatusCode)
		}
		resp, _ := admin.Post(t, path, url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/rules?flash=rule_deleted" {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if rs, _ := app.DB.ListValidationRules(ctx); len(rs) != 0 {
			t.Errorf("left %v", rs)
		}
		if resp, _ := admin.Post(t, path, url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("second delete: %d", resp.StatusCode)
		}
	})
	t.Run("NavLink", func(t *testing.T) {
		_, body := admin.Get(t, "/")
		if !strings.Contains(body, `<a href="/admin/rules">Validation rules</a>`) {
			t.Error("administrators have no link to the rules")
		}
		_, body = app.SignIn(t, "focal_point").Get(t, "/")
		if strings.Contains(body, `href="/admin/rules"`) {
			t.Error("a focal point is offered the rules page")
		}
	})
}
