package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"

	"vrs"
	"vrs/access"
	"vrs/rules"
)

// Validation rules an installation adds to the built-in ones (package
// rules). The name and the disabled flag are columns; the rest of the rule
// is its JSON in definition.

// rulesTTL bounds how long a server trusts its compiled rules. A change
// made through this DB invalidates them at once; on PostgreSQL, another
// server's change reaches this one within rulesTTL. Checking a version
// row on every incident write would cost a query per write for changes
// made a few times a year; a few seconds of the old rules is harmless
// (the rules only refuse bad incidents, and the next save checks again).
const rulesTTL = 10 * time.Second

// ruleCache is the compiled set of rules and when it was loaded. A change
// stores a fresh empty cache, so that a load that began before the change
// cannot put back what it read (its CompareAndSwap fails).
type ruleCache struct {
	set    *rules.Set
	loaded time.Time
}

// ruleDefinition is what the definition column holds.
type ruleDefinition struct {
	Description string             `json:"description,omitempty"`
	Types       []vrs.IncidentType `json:"types,omitempty"`
	Left        string             `json:"left"`
	Op          string             `json:"op"`
	Right       string             `json:"right"`
	Field       string             `json:"field"`
	Message     string             `json:"message"`
}

func definitionOf(r *rules.Rule) string {
	b, _ := json.Marshal(ruleDefinition{Description: r.Description, Types: r.Types, Left: r.Left, Op: r.Op, Right: r.Right, Field: r.Field, Message: r.Message})
	return string(b)
}

// ListValidationRules returns the installation's rules (not the built-in
// ones: rules.Defaults), by name. Every signed-in user may read them:
// they explain why an incident is refused.
func (db *DB) ListValidationRules(ctx context.Context) ([]*rules.Rule, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	return db.listRules(ctx)
}

func (db *DB) listRules(ctx context.Context) ([]*rules.Rule, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, name, definition, disabled, updated_at FROM validation_rules ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*rules.Rule
	for rows.Next() {
		r := &rules.Rule{}
		var def string
		var updated int64
		if err := rows.Scan(&r.ID, &r.Name, &def, &r.Disabled, &updated); err != nil {
			return nil, err
		}
		var d ruleDefinition
		if err := json.Unmarshal([]byte(def), &d); err != nil {
			// A definition this version cannot read stays listed, and
			// fails validation, so that an administrator sees and fixes it.
			d = ruleDefinition{}
		}
		r.Description, r.Types, r.Left, r.Op, r.Right, r.Field, r.Message = d.Description, d.Types, d.Left, d.Op, d.Right, d.Field, d.Message
		r.UpdatedAt = fromMicros(updated)
		out = append(out, r)
	}
	return out, rows.Err()
}

// prepareRule checks the actor and the rule before a change.
func prepareRule(ctx context.Context, r *rules.Rule) error {
	if err := access.ManageInstallation(vrs.UserFromContext(ctx)); err != nil {
		return err
	}
	r.BuiltIn = false
	r.Normalize()
	return r.Validate()
}

func ruleNameTaken() error {
	return &vrs.Error{Code: vrs.ECONFLICT, Message: "rule.name_taken", Fields: map[string]string{"name": "rule.name_taken"}}
}

// CreateValidationRule adds an installation rule (administrators only).
func (db *DB) CreateValidationRule(ctx context.Context, r *rules.Rule) error {
	if err := prepareRule(ctx, r); err != nil {
		return err
	}
	defer db.invalidateRules()
	return db.write(ctx, func(t *tx) error {
		r.UpdatedAt = t.now
		err := t.queryRow(`INSERT INTO validation_rules (name, definition, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, r.Name, definitionOf(r), r.Disabled, micros(t.now)).Scan(&r.ID)
		if isUniqueViolation(err) {
			return ruleNameTaken()
		}
		if err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActRuleCreate, ObjectType: "validation_rule", ObjectID: strconv.FormatInt(r.ID, 10),
			Detail: detail(map[string]any{"name": r.Name, "disabled": r.Disabled})})
	})
}

// UpdateValidationRule replaces an installation rule (administrators only).
func (db *DB) UpdateValidationRule(ctx context.Context, id int64, r *rules.Rule) error {
	if err := prepareRule(ctx, r); err != nil {
		return err
	}
	defer db.invalidateRules()
	return db.write(ctx, func(t *tx) error {
		var oldName, oldDef string
		var oldDisabled bool
		err := t.queryRow(`SELECT name, definition, disabled FROM validation_rules WHERE id = $1`, id).Scan(&oldName, &oldDef, &oldDisabled)
		if err == sql.ErrNoRows {
			return vrs.NotFound("rule")
		}
		if err != nil {
			return err
		}
		def := definitionOf(r)
		var changed []string
		if oldName != r.Name {
			changed = append(changed, "name")
		}
		if oldDef != def {
			changed = append(changed, "definition")
		}
		if oldDisabled != r.Disabled {
			changed = append(changed, "disabled")
		}
		r.ID = id
		if len(changed) == 0 {
			return nil
		}
		r.UpdatedAt = t.now
		_, err = t.exec(`UPDATE validation_rules SET name = $1, definition = $2, disabled = $3, updated_at = $4 WHERE id = $5`,
			r.Name, def, r.Disabled, micros(t.now), id)
		if isUniqueViolation(err) {
			return ruleNameTaken()
		}
		if err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActRuleUpdate, ObjectType: "validation_rule", ObjectID: strconv.FormatInt(id, 10),
			Detail: detail(map[string]any{"name": r.Name, "changed": changed, "disabled": r.Disabled})})
	})
}

// DeleteValidationRule removes an installation rule (administrators only).
func (db *DB) DeleteValidationRule(ctx context.Context, id int64) error {
	if err := access.ManageInstallation(vrs.UserFromContext(ctx)); err != nil {
		return err
	}
	defer db.invalidateRules()
	return db.write(ctx, func(t *tx) error {
		var name string
		err := t.queryRow(`DELETE FROM validation_rules WHERE id = $1 RETURNING name`, id).Scan(&name)
		if err == sql.ErrNoRows {
			return vrs.NotFound("rule")
		}
		if err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActRuleDelete, ObjectType: "validation_rule", ObjectID: strconv.FormatInt(id, 10),
			Detail: detail(map[string]string{"name": name})})
	})
}

// IncidentRules returns the rules every incident write checks: the
// built-in ones, then the installation's enabled ones by name, compiled
// once and cached (see rulesTTL). An installation rule that no longer
// compiles (a field a later version renamed) is left out rather than
// blocking every write; the administration page shows it as invalid.
func (db *DB) IncidentRules(ctx context.Context) (*rules.Set, error) {
	cur := db.rulesCache.Load()
	if cur != nil && cur.set != nil && time.Since(cur.loaded) < rulesTTL {
		return cur.set, nil
	}
	installed, err := db.listRules(ctx)
	if err != nil {
		return nil, err
	}
	rs := rules.Defaults()
	for _, r := range installed {
		if !r.Disabled && r.Validate() == nil {
			rs = append(rs, *r)
		}
	}
	set, err := rules.Compile(rs)
	if err != nil {
		return nil, err
	}
	db.rulesCache.CompareAndSwap(cur, &ruleCache{set: set, loaded: time.Now()})
	return set, nil
}

// invalidateRules drops the compiled rules after a change.
func (db *DB) invalidateRules() { db.rulesCache.Store(&ruleCache{}) }
