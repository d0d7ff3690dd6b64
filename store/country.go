package store

import (
	"context"
	"database/sql"
	"strings"

	"vrs"
	"vrs/access"
	"vrs/refdata"
)

// seedCountries adds the ISO 3166-1 entries the table lacks, with the
// default membership; it refreshes names and regions of existing rows but
// never the membership flag, which belongs to the installation.
func (db *DB) seedCountries(ctx context.Context) error {
	return db.write(ctx, func(t *tx) error {
		for _, c := range refdata.Countries() {
			_, err := t.exec(`INSERT INTO countries (alpha2, alpha3, numeric, name, region, sub_region, member)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (alpha2) DO UPDATE SET alpha3 = excluded.alpha3, numeric = excluded.numeric,
					name = excluded.name, region = excluded.region, sub_region = excluded.sub_region`,
				c.Alpha2, c.Alpha3, c.Numeric, c.Name, c.Region, c.SubRegion, c.Member)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

const countryColumns = `alpha2, alpha3, numeric, name, region, sub_region, member, publish_stats, stats_min_cell`

func scanCountry(sc interface{ Scan(...any) error }) (*vrs.Country, error) {
	c := &vrs.Country{}
	return c, sc.Scan(&c.Alpha2, &c.Alpha3, &c.Numeric, &c.Name, &c.Region, &c.SubRegion, &c.Member, &c.PublishStats, &c.StatsMinCell)
}

// ListCountries returns countries sorted by name.
func (db *DB) ListCountries(ctx context.Context, f vrs.CountryFilter) ([]*vrs.Country, error) {
	q := `SELECT ` + countryColumns + ` FROM countries`
	var where []string
	if f.MembersOnly {
		where = append(where, `member = TRUE`)
	}
	if f.PublishingOnly {
		where = append(where, `publish_stats = TRUE`)
	}
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	rows, err := db.reader.QueryContext(ctx, q+` ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.Country
	for rows.Next() {
		c, err := scanCountry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindCountry returns one country by alpha-2 code.
func (db *DB) FindCountry(ctx context.Context, alpha2 string) (*vrs.Country, error) {
	c, err := scanCountry(db.reader.QueryRowContext(ctx, `SELECT `+countryColumns+` FROM countries WHERE alpha2 = $1`, strings.ToUpper(alpha2)))
	if err == sql.ErrNoRows {
		return nil, vrs.NotFound("country")
	}
	return c, err
}

// SetCountryMember changes whether a country belongs to the reporting community.
func (db *DB) SetCountryMember(ctx context.Context, alpha2 string, member bool) error {
	if err := access.ManageInstallation(vrs.UserFromContext(ctx)); err != nil {
		return err
	}
	alpha2 = strings.ToUpper(alpha2)
	return db.write(ctx, func(t *tx) error {
		res, err := t.exec(`UPDATE countries SET member = $1 WHERE alpha2 = $2`, member, alpha2)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vrs.NotFound("country")
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActCountryMember, ObjectType: "country", ObjectID: alpha2, Country: alpha2,
			Detail: detail(map[string]bool{"member": member})})
	})
}

// SetCountryPublishing records a country's choice about published
// statistics. It applies to the very next public view: the public
// statistics read the publishing countries on every request.
func (db *DB) SetCountryPublishing(ctx context.Context, alpha2 string, p vrs.CountryPublishing) error {
	alpha2 = strings.ToUpper(alpha2)
	if err := access.ManagePublishing(vrs.UserFromContext(ctx), alpha2); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		res, err := t.exec(`UPDATE countries SET publish_stats = $1, stats_min_cell = $2 WHERE alpha2 = $3`, p.Publish, p.MinCell, alpha2)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vrs.NotFound("country")
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActCountryPublish, ObjectType: "country", ObjectID: alpha2, Country: alpha2,
			Detail: detail(p)})
	})
}

// publishedCountries lists the countries that publish statistics, read
// anew on every call so that a country that stops publishing leaves the
// very next view.
func (db *DB) publishedCountries(ctx context.Context) ([]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT alpha2 FROM countries WHERE publish_stats = TRUE ORDER BY alpha2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
