package storetest

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"vrs"
	"vrs/rules"
	"vrs/store"
)

// testValidationRules: administrators add, change, disable and delete
// installation rules, audited; everyone signed in reads them; the
// compiled set follows every change at once.
func testValidationRules(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	admin, focal, reporter := As(w.Users["admin"]), As(w.Users["focal_point"]), As(w.Users["reporter"])
	victims := func() *rules.Rule {
		return &rules.Rule{Name: "victims_within_total", Description: "Victims fit in the total.",
			Types: []vrs.IncidentType{vrs.TypeTrafficking}, Left: "count(persons where role = 'victim')", Op: rules.OpLe,
			Right: "persons_involved", Field: "persons", Message: "More victims than persons involved."}
	}
	count := func() int {
		rs, err := db.ListValidationRules(System())
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	builtIn := len(rules.Defaults())
	if set, err := db.IncidentRules(context.Background()); err != nil || set.Len() != builtIn {
		t.Fatalf("rules of an empty store: %v, %v", set, err)
	}

	var created *rules.Rule
	cases := []struct {
		name string
		ctx  context.Context
		edit func(r *rules.Rule)
		code string
	}{
		{"OK", admin, func(r *rules.Rule) { r.Name = " Victims_Within_Total " }, ""},
		{"ErrDuplicate", admin, func(r *rules.Rule) {}, vrs.ECONFLICT},
		{"ErrFocalPoint", focal, func(r *rules.Rule) { r.Name = "other" }, vrs.EFORBIDDEN},
		{"ErrReporter", reporter, func(r *rules.Rule) { r.Name = "other" }, vrs.EFORBIDDEN},
		{"ErrAnonymous", context.Background(), func(r *rules.Rule) { r.Name = "other" }, vrs.EUNAUTHORIZED},
		{"ErrExpression", admin, func(r *rules.Rule) { r.Name, r.Left = "other", "count(persons where rol = 'victim')" }, vrs.EINVALID},
		{"ErrBuiltInName", admin, func(r *rules.Rule) { r.Name = rules.Defaults()[0].Name }, vrs.EINVALID},
	}
	for _, tc := range cases {
		t.Run("Create"+tc.name, func(t *testing.T) {
			before := count()
			r := victims()
			tc.edit(r)
			err := db.CreateValidationRule(tc.ctx, r)
			wantCode(t, err, tc.code)
			if tc.code != "" {
				if after := count(); after != before {
					t.Errorf("a refused rule changed the count from %d to %d", before, after)
				}
				return
			}
			created = r
			if r.ID == 0 || r.Name != "victims_within_total" || r.UpdatedAt.IsZero() {
				t.Errorf("created %+v", r)
			}
			if e := lastAudit(t, db); e.Action != vrs.ActRuleCreate || e.ObjectType != "validation_rule" || e.ActorName != "admin" {
				t.Errorf("audit = %+v", e)
			}
		})
	}
	if created == nil {
		t.Fatal("no rule created")
	}
	t.Run("ConflictNamesTheField", func(t *testing.T) {
		err := db.CreateValidationRule(admin, victims())
		if e := vrs.AsError(err); e.Fields["name"] != "rule.name_taken" {
			t.Errorf("conflict = %#v", e)
		}
	})
	t.Run("ListRoundTrip", func(t *testing.T) {
		rs, err := db.ListValidationRules(reporter)
		if err != nil || len(rs) != 1 {
			t.Fatalf("list = %v, %v", rs, err)
		}
		got, want := rs[0], victims()
		if got.ID != created.ID || got.BuiltIn || got.Left != want.Left || got.Op != want.Op || got.Right != want.Right ||
			got.Field != want.Field || got.Message != want.Message || got.Description != want.Description ||
			!slices.Equal(got.Types, want.Types) || !got.UpdatedAt.Equal(created.UpdatedAt) {
			t.Errorf("read back %+v", got)
		}
		_, err = db.ListValidationRules(context.Background())
		wantCode(t, err, vrs.EUNAUTHORIZED)
	})

	total := 1
	inc := &vrs.Incident{Type: vrs.TypeTrafficking, DetectedOn: "2024-03-02", ReportedOn: "2024-03-02", PersonsInvolved: &total,
		Persons: []vrs.Person{{Key: "p1", Role: "victim"}, {Key: "p2", Role: "victim"}}}
	checks := func(t *testing.T) map[string]string {
		t.Helper()
		set, err := db.IncidentRules(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return set.Check(inc, "2024-03-10")
	}
	t.Run("RuleChecked", func(t *testing.T) {
		got := checks(t)
		if got["persons_involved"] != "rule.persons_exceed_total" || got["persons"] != "More victims than persons involved." {
			t.Errorf("checks = %v", got)
		}
		set, _ := db.IncidentRules(context.Background())
		if set.Len() != builtIn+1 {
			t.Errorf("%d rules, want %d", set.Len(), builtIn+1)
		}
		if again, _ := db.IncidentRules(context.Background()); again != set {
			t.Error("the compiled rules are not cached")
		}
	})

	t.Run("Update", func(t *testing.T) {
		r := victims()
		r.Disabled = true
		wantCode(t, db.UpdateValidationRule(focal, created.ID, r), vrs.EFORBIDDEN)
		wantCode(t, db.UpdateValidationRule(admin, 999999, r), vrs.ENOTFOUND)
		bad := victims()
		bad.Op = "≤"
		wantCode(t, db.UpdateValidationRule(admin, created.ID, bad), vrs.EINVALID)
		if err := db.UpdateValidationRule(admin, created.ID, r); err != nil {
			t.Fatal(err)
		}
		if e := lastAudit(t, db); e.Action != vrs.ActRuleUpdate || e.ObjectID != itoa(created.ID) || e.Detail != `{"changed":["disabled"],"disabled":true,"name":"victims_within_total"}` {
			t.Errorf("audit = %+v", e)
		}
		if got := checks(t); got["persons"] != "" {
			t.Errorf("a disabled rule is still checked: %v", got)
		}
		// Saving without a change writes nothing to the log.
		seq := lastAudit(t, db).Seq
		if err := db.UpdateValidationRule(admin, created.ID, victims2(r)); err != nil {
			t.Fatal(err)
		}
		if lastAudit(t, db).Seq != seq {
			t.Error("an unchanged rule was logged")
		}
		other := victims()
		other.Name = "second_rule"
		if err := db.CreateValidationRule(admin, other); err != nil {
			t.Fatal(err)
		}
		other.Name = "victims_within_total"
		wantCode(t, db.UpdateValidationRule(admin, other.ID, other), vrs.ECONFLICT)
	})

	t.Run("Delete", func(t *testing.T) {
		wantCode(t, db.DeleteValidationRule(focal, created.ID), vrs.EFORBIDDEN)
		if err := db.DeleteValidationRule(admin, created.ID); err != nil {
			t.Fatal(err)
		}
		if e := lastAudit(t, db); e.Action != vrs.ActRuleDelete || e.ObjectID != itoa(created.ID) || e.Detail != `{"name":"victims_within_total"}` {
			t.Errorf("audit = %+v", e)
		}
		wantCode(t, db.DeleteValidationRule(admin, created.ID), vrs.ENOTFOUND)
		rs, _ := db.ListValidationRules(reporter)
		if len(rs) != 1 || rs[0].Name != "second_rule" {
			t.Errorf("left %v", rs)
		}
		set, _ := db.IncidentRules(context.Background())
		if set.Len() != builtIn+1 {
			t.Errorf("%d rules after delete, want %d", set.Len(), builtIn+1)
		}
	})
}

// victims2 is r as saved again, unchanged but for white space.
func victims2(r *rules.Rule) *rules.Rule {
	c := *r
	c.Name, c.Left = "  "+c.Name, c.Left+" "
	return &c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
