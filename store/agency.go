package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"vrs"
	"vrs/access"
)

// signedIn returns the acting user or EUNAUTHORIZED.
func signedIn(ctx context.Context) (*vrs.User, error) {
	u := vrs.UserFromContext(ctx)
	if u == nil {
		return nil, vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	return u, nil
}

// CreateAgency adds an agency to a country the actor manages.
func (db *DB) CreateAgency(ctx context.Context, a *vrs.Agency) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if err := access.ManageCountry(u, a.Country); err != nil {
		return err
	}
	if _, err := db.FindCountry(ctx, a.Country); err != nil {
		return vrs.FieldErrors(map[string]string{"country": "field.country_unknown"})
	}
	return db.write(ctx, func(t *tx) error {
		a.CreatedAt, a.UpdatedAt = t.now, t.now
		err := t.queryRow(`INSERT INTO agencies (country, name, kind, disabled, created_at, updated_at, default_distribution, default_tlp)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING id`,
			a.Country, a.Name, string(a.Kind), a.Disabled, micros(t.now), string(a.DefaultDistribution), string(a.DefaultTLP)).Scan(&a.ID)
		if isUniqueViolation(err) {
			return &vrs.Error{Code: vrs.ECONFLICT, Message: "error.agency_exists", Fields: map[string]string{"name": "field.agency_exists"}}
		}
		if err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActAgencyCreate, ObjectType: "agency", ObjectID: strconv.FormatInt(a.ID, 10),
			Country: a.Country, Detail: detail(map[string]string{"kind": string(a.Kind),
				"default_distribution": string(a.DefaultDistribution), "default_tlp": string(a.DefaultTLP)})})
	})
}

const agencyColumns = `id, country, name, kind, disabled, created_at, updated_at, default_distribution, default_tlp`

func scanAgency(sc interface{ Scan(...any) error }) (*vrs.Agency, error) {
	a := &vrs.Agency{}
	var kind, dist, tlp string
	var created, updated int64
	err := sc.Scan(&a.ID, &a.Country, &a.Name, &kind, &a.Disabled, &created, &updated, &dist, &tlp)
	a.Kind, a.CreatedAt, a.UpdatedAt = vrs.AgencyKind(kind), fromMicros(created), fromMicros(updated)
	a.DefaultDistribution, a.DefaultTLP = vrs.Distribution(dist), vrs.TLP(tlp)
	return a, err
}

// FindAgencyByID returns an agency with its units. The directory of
// agencies is open to every signed-in user: sharing needs to name them.
func (db *DB) FindAgencyByID(ctx context.Context, id int64) (*vrs.Agency, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	a, err := scanAgency(db.reader.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, vrs.NotFound("agency")
	}
	if err != nil {
		return nil, err
	}
	return a, db.loadUnits(ctx, a)
}

// FindAgencyByName returns an agency by its country and exact name.
func (db *DB) FindAgencyByName(ctx context.Context, country, name string) (*vrs.Agency, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	a, err := scanAgency(db.reader.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE country = $1 AND name = $2`,
		strings.ToUpper(country), strings.Join(strings.Fields(name), " ")))
	if err == sql.ErrNoRows {
		return nil, vrs.NotFound("agency")
	}
	if err != nil {
		return nil, err
	}
	return a, db.loadUnits(ctx, a)
}

func (db *DB) loadUnits(ctx context.Context, a *vrs.Agency) error {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, agency_id, name, created_at FROM units WHERE agency_id = $1 ORDER BY name`, a.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	a.Units = []*vrs.Unit{}
	for rows.Next() {
		u := &vrs.Unit{}
		var created int64
		if err := rows.Scan(&u.ID, &u.AgencyID, &u.Name, &created); err != nil {
			return err
		}
		u.CreatedAt = fromMicros(created)
		a.Units = append(a.Units, u)
	}
	return rows.Err()
}

// ListAgencies returns agencies sorted by country and name.
func (db *DB) ListAgencies(ctx context.Context, f vrs.AgencyFilter) ([]*vrs.Agency, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	q := `SELECT ` + agencyColumns + ` FROM agencies WHERE ($1 = '' OR country = $1) AND ($2 = '' OR kind = $2) ORDER BY country, name`
	rows, err := db.reader.QueryContext(ctx, q, strings.ToUpper(f.Country), string(f.Kind))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.Agency
	for rows.Next() {
		a, err := scanAgency(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateAgency changes an agency of a country the actor manages.
func (db *DB) UpdateAgency(ctx context.Context, id int64, upd vrs.AgencyUpdate) (*vrs.Agency, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	a, err := db.FindAgencyByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := access.ManageCountry(u, a.Country); err != nil {
		return nil, err
	}
	var changed []string
	if upd.Name != nil && *upd.Name != a.Name {
		a.Name, changed = *upd.Name, append(changed, "name")
	}
	if upd.Kind != nil && *upd.Kind != a.Kind {
		a.Kind, changed = *upd.Kind, append(changed, "kind")
	}
	if upd.Disabled != nil && *upd.Disabled != a.Disabled {
		a.Disabled, changed = *upd.Disabled, append(changed, "disabled")
	}
	// An empty default is the installation's, as when the agency was created.
	if upd.DefaultDistribution != nil && *upd.DefaultDistribution == "" {
		upd.DefaultDistribution = new(vrs.DefaultDistribution)
	}
	if upd.DefaultTLP != nil && *upd.DefaultTLP == "" {
		upd.DefaultTLP = new(vrs.DefaultTLP)
	}
	if upd.DefaultDistribution != nil && *upd.DefaultDistribution != a.DefaultDistribution {
		a.DefaultDistribution, changed = *upd.DefaultDistribution, append(changed, "default_distribution")
	}
	if upd.DefaultTLP != nil && *upd.DefaultTLP != a.DefaultTLP {
		a.DefaultTLP, changed = *upd.DefaultTLP, append(changed, "default_tlp")
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if len(changed) == 0 {
		return a, nil
	}
	err = db.write(ctx, func(t *tx) error {
		a.UpdatedAt = t.now
		_, err := t.exec(`UPDATE agencies SET name = $1, kind = $2, disabled = $3, updated_at = $4,
				default_distribution = $6, default_tlp = $7 WHERE id = $5`,
			a.Name, string(a.Kind), a.Disabled, micros(t.now), a.ID, string(a.DefaultDistribution), string(a.DefaultTLP))
		if isUniqueViolation(err) {
			return &vrs.Error{Code: vrs.ECONFLICT, Message: "error.agency_exists", Fields: map[string]string{"name": "field.agency_exists"}}
		}
		if err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActAgencyUpdate, ObjectType: "agency", ObjectID: strconv.FormatInt(a.ID, 10),
			Country: a.Country, Detail: detail(map[string][]string{"changed": changed})})
	})
	return a, err
}

// CreateUnit adds a unit to an agency of a country the actor manages.
func (db *DB) CreateUnit(ctx context.Context, unit *vrs.Unit) error {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	a, err := db.FindAgencyByID(ctx, unit.AgencyID)
	if err != nil {
		return err
	}
	if err := access.ManageCountry(u, a.Country); err != nil {
		return err
	}
	unit.Name = strings.Join(strings.Fields(unit.Name), " ")
	probe := vrs.Agency{Name: unit.Name, Country: a.Country, Kind: a.Kind}
	if err := probe.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		unit.CreatedAt = t.now
		err := t.queryRow(`INSERT INTO units (agency_id, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
			unit.AgencyID, unit.Name, micros(t.now)).Scan(&unit.ID)
		if isUniqueViolation(err) {
			return &vrs.Error{Code: vrs.ECONFLICT, Message: "error.unit_exists", Fields: map[string]string{"name": "field.unit_exists"}}
		}
		if err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActUnitCreate, ObjectType: "unit", ObjectID: strconv.FormatInt(unit.ID, 10),
			Country: a.Country, Detail: detail(map[string]int64{"agency_id": a.ID})})
	})
}
