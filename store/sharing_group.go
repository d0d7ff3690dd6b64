package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"vrs"
	"vrs/access"
)

const groupColumns = `id, name, releasability, owner, created_by, created_at, updated_at`

func scanGroup(sc scanner) (*vrs.SharingGroup, error) {
	g := &vrs.SharingGroup{Countries: []string{}, AgencyIDs: []int64{}}
	var created, updated int64
	err := sc.Scan(&g.ID, &g.Name, &g.Releasability, &g.Owner, &g.CreatedBy, &created, &updated)
	g.CreatedAt, g.UpdatedAt = fromMicros(created), fromMicros(updated)
	return g, err
}

func groupExistsError() error {
	return &vrs.Error{Code: vrs.ECONFLICT, Message: "error.sharing_group_exists", Fields: map[string]string{"name": "field.sharing_group_exists"}}
}

// checkMembers refuses countries and agencies that do not exist, naming
// the first unknown of each.
func (t *tx) checkMembers(g *vrs.SharingGroup) error {
	f := map[string]string{}
	for i, c := range g.Countries {
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM countries WHERE alpha2 = $1`, c).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			f[fmt.Sprintf("countries[%d]", i)] = "field.country_unknown"
			break
		}
	}
	for i, id := range g.AgencyIDs {
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM agencies WHERE id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			f[fmt.Sprintf("agency_ids[%d]", i)] = "field.agency_unknown"
			break
		}
	}
	if len(f) > 0 {
		return vrs.FieldErrors(f)
	}
	return nil
}

func (t *tx) writeMembers(g *vrs.SharingGroup) error {
	if _, err := t.exec(`DELETE FROM sharing_group_members WHERE group_id = $1`, g.ID); err != nil {
		return err
	}
	for _, c := range g.Countries {
		if _, err := t.exec(`INSERT INTO sharing_group_members (group_id, country, agency_id) VALUES ($1, $2, 0)`, g.ID, c); err != nil {
			return err
		}
	}
	for _, id := range g.AgencyIDs {
		if _, err := t.exec(`INSERT INTO sharing_group_members (group_id, country, agency_id) VALUES ($1, '', $2)`, g.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// A group's change is logged for its owner and for every member country,
// before and after (others: its members' records may travel by it, and a
// record may name a group its country is a member of).
func (t *tx) auditGroup(action string, g *vrs.SharingGroup, d map[string]any, before ...*vrs.SharingGroup) error {
	d["name"], d["countries"], d["agency_ids"] = g.Name, g.Countries, g.AgencyIDs
	countries := []string{g.Owner}
	for _, x := range append([]*vrs.SharingGroup{g}, before...) {
		countries = append(countries, x.Countries...)
		for _, id := range x.AgencyIDs {
			var c string
			if err := t.queryRow(`SELECT country FROM agencies WHERE id = $1`, id).Scan(&c); err == nil {
				countries = append(countries, c)
			}
		}
	}
	slices.Sort(countries)
	for _, c := range slices.Compact(countries) {
		err := t.audit(&vrs.AuditEntry{Action: action, ObjectType: "sharing_group", ObjectID: strconv.FormatInt(g.ID, 10),
			Country: c, Detail: detail(d)})
		if err != nil {
			return err
		}
	}
	return nil
}

// CreateSharingGroup creates a group owned by the focal point's country
// (the installation names the owner).
func (db *DB) CreateSharingGroup(ctx context.Context, g *vrs.SharingGroup) error {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	g.Normalize()
	if !u.System {
		g.Owner = u.Country
	} else {
		g.Owner = strings.ToUpper(strings.TrimSpace(g.Owner))
		if g.Owner == "" {
			return vrs.FieldErrors(map[string]string{"owner": "field.required"})
		}
	}
	if err := access.ManageSharing(u, g.Owner); err != nil {
		return err
	}
	if err := g.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM countries WHERE alpha2 = $1`, g.Owner).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return vrs.FieldErrors(map[string]string{"owner": "field.country_unknown"})
		}
		if err := t.checkMembers(g); err != nil {
			return err
		}
		g.CreatedBy, g.CreatedAt, g.UpdatedAt = u.ID, t.now, t.now
		err := t.queryRow(`INSERT INTO sharing_groups (name, releasability, owner, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, g.Name, g.Releasability, g.Owner, u.ID, micros(t.now)).Scan(&g.ID)
		if isUniqueViolation(err) {
			return groupExistsError()
		}
		if err != nil {
			return err
		}
		if err := t.writeMembers(g); err != nil {
			return err
		}
		return t.auditGroup(vrs.ActGroupCreate, g, map[string]any{})
	})
}

// UpdateSharingGroup changes a group's name, statement and members (the
// members given replace the old). Its owner does not change.
func (db *DB) UpdateSharingGroup(ctx context.Context, g *vrs.SharingGroup) error {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	old, err := db.FindSharingGroup(ctx, g.ID)
	if err != nil {
		return err
	}
	if err := access.ManageSharingGroup(u, old); err != nil {
		return err
	}
	g.Normalize()
	g.Owner, g.CreatedBy, g.CreatedAt = old.Owner, old.CreatedBy, old.CreatedAt
	if err := g.Validate(); err != nil {
		return err
	}
	var changed []string
	if g.Name != old.Name {
		changed = append(changed, "name")
	}
	if g.Releasability != old.Releasability {
		changed = append(changed, "releasability")
	}
	if !slices.Equal(g.Countries, old.Countries) {
		changed = append(changed, "countries")
	}
	if !slices.Equal(g.AgencyIDs, old.AgencyIDs) {
		changed = append(changed, "agency_ids")
	}
	if len(changed) == 0 {
		g.UpdatedAt = old.UpdatedAt
		return nil
	}
	return db.write(ctx, func(t *tx) error {
		if err := t.checkMembers(g); err != nil {
			return err
		}
		g.UpdatedAt = t.now
		res, err := t.exec(`UPDATE sharing_groups SET name = $1, releasability = $2, updated_at = $3 WHERE id = $4`,
			g.Name, g.Releasability, micros(t.now), g.ID)
		if isUniqueViolation(err) {
			return groupExistsError()
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vrs.NotFound("sharing_group") // deleted meanwhile
		}
		if err := t.writeMembers(g); err != nil {
			return err
		}
		return t.auditGroup(vrs.ActGroupUpdate, g, map[string]any{"changed": changed}, old)
	})
}

// DeleteSharingGroup deletes a group and its place in every record's
// distribution, in one transaction: a record distributed to it reaches
// nobody through it from then on.
func (db *DB) DeleteSharingGroup(ctx context.Context, id int64) error {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	g, err := db.FindSharingGroup(ctx, id)
	if err != nil {
		return err
	}
	if err := access.ManageSharingGroup(u, g); err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		// The owner learns how many of its own records lose the group,
		// never how many other countries' records named it.
		var records int
		err := t.queryRow(`SELECT COUNT(*) FROM incident_share_groups sg JOIN incidents i ON i.id = sg.incident_id
			WHERE sg.group_id = $1 AND i.country = $2`, id, g.Owner).Scan(&records)
		if err != nil {
			return err
		}
		// The records that named the group lose it: their statistics
		// units too, or a group that later took the same id would reach
		// them through the cube.
		named, err := t.ids(`SELECT incident_id FROM incident_share_groups WHERE group_id = $1 ORDER BY incident_id`, id)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM incident_share_groups WHERE group_id = $1`, `DELETE FROM sharing_group_members WHERE group_id = $1`} {
			if _, err := t.exec(q, id); err != nil {
				return err
			}
		}
		for _, inc := range named {
			if err := t.statRebuild(inc); err != nil {
				return err
			}
		}
		res, err := t.exec(`DELETE FROM sharing_groups WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vrs.NotFound("sharing_group")
		}
		return t.auditGroup(vrs.ActGroupDelete, g, map[string]any{"records": records})
	})
}

// FindSharingGroup returns a group with its members.
func (db *DB) FindSharingGroup(ctx context.Context, id int64) (*vrs.SharingGroup, error) {
	if err := access.ReadSharingGroups(vrs.UserFromContext(ctx)); err != nil {
		return nil, err
	}
	g, err := scanGroup(db.reader.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM sharing_groups WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, vrs.NotFound("sharing_group")
	}
	if err != nil {
		return nil, err
	}
	return g, db.loadMembers(ctx, map[int64]*vrs.SharingGroup{g.ID: g}, `WHERE group_id = $1`, id)
}

// ListSharingGroups returns every group with its members, by owner and name.
func (db *DB) ListSharingGroups(ctx context.Context) ([]*vrs.SharingGroup, error) {
	if err := access.ReadSharingGroups(vrs.UserFromContext(ctx)); err != nil {
		return nil, err
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+groupColumns+` FROM sharing_groups ORDER BY owner, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.SharingGroup
	byID := map[int64]*vrs.SharingGroup{}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
		byID[g.ID] = g
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.loadMembers(ctx, byID, ``)
}

// loadMembers fills in the members of the groups, in the order Normalize
// gives them.
func (db *DB) loadMembers(ctx context.Context, groups map[int64]*vrs.SharingGroup, where string, args ...any) error {
	rows, err := db.reader.QueryContext(ctx, `SELECT group_id, country, agency_id FROM sharing_group_members `+where+`
		ORDER BY group_id, country, agency_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, agency int64
		var country string
		if err := rows.Scan(&id, &country, &agency); err != nil {
			return err
		}
		g := groups[id]
		switch {
		case g == nil:
		case country != "":
			g.Countries = append(g.Countries, country)
		default:
			g.AgencyIDs = append(g.AgencyIDs, agency)
		}
	}
	return rows.Err()
}
