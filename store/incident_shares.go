package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"vrs"
	"vrs/access"
)

// shareDefaults gives an incident its agency's distribution and label
// where the reporter left them empty.
func shareDefaults(inc *vrs.Incident, dist vrs.Distribution, tlp vrs.TLP) {
	if inc.Distribution == "" {
		inc.Distribution = dist
	}
	if inc.TLP == "" {
		inc.TLP = tlp
	}
}

// agencyShareDefaults reads an agency's defaults before an incident is
// sealed (the sealed body holds its distribution). An unknown agency is
// refused later, in the transaction; any other error fails the write
// rather than fall back to a wider default than the agency chose.
func (db *DB) agencyShareDefaults(ctx context.Context, inc *vrs.Incident) error {
	if inc.Distribution != "" && inc.TLP != "" {
		return nil
	}
	var dist, tlp string
	err := db.reader.QueryRowContext(ctx, `SELECT default_distribution, default_tlp FROM agencies WHERE id = $1`, inc.AgencyID).Scan(&dist, &tlp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	shareDefaults(inc, vrs.Distribution(dist), vrs.TLP(tlp))
	return nil
}

// keepShares gives an update that leaves the distribution or label out
// the record's current ones (with its partners), not the agency's
// defaults: a correction must not widen who sees the record.
func (t *tx) keepShares(inc *vrs.Incident) error {
	if inc.Distribution != "" && inc.TLP != "" {
		return nil
	}
	var dist, tlp string
	if err := t.queryRow(`SELECT distribution, tlp FROM incidents WHERE id = $1`, inc.ID).Scan(&dist, &tlp); err != nil {
		return err
	}
	if inc.TLP == "" {
		inc.TLP = vrs.TLP(tlp)
	}
	if inc.Distribution != "" {
		return nil
	}
	inc.Distribution = vrs.Distribution(dist)
	if inc.Distribution != vrs.DistPartners || len(inc.ShareCountries)+len(inc.ShareGroups) > 0 {
		return nil
	}
	return loadShares(t.ctx, t, inc)
}

// checkShares refuses partners that are the owner's own country, and
// sharing groups that do not exist or that the record's country neither
// owns nor belongs to: a group managed elsewhere, which its owner could
// widen at will, would let another country choose who reads the record.
func checkShares(inc *vrs.Incident, groupUsable func(id int64, country string) (bool, error)) error {
	f := map[string]string{}
	for i, c := range inc.ShareCountries {
		if c == inc.Country {
			f[fmt.Sprintf("share_countries[%d]", i)] = "field.partner_own_country"
		}
	}
	for i, g := range inc.ShareGroups {
		ok, err := groupUsable(g, inc.Country)
		if err != nil {
			return err
		}
		if !ok {
			f[fmt.Sprintf("share_groups[%d]", i)] = "field.group_unknown"
		}
	}
	if len(f) > 0 {
		return vrs.FieldErrors(f)
	}
	return nil
}

func (t *tx) groupUsable(id int64, country string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM sharing_groups g WHERE g.id = $1 AND (g.owner = $2
		OR EXISTS (SELECT 1 FROM sharing_group_members m WHERE m.group_id = g.id AND m.country = $2))`, id, country).Scan(&n)
	return n > 0, err
}

// writeShares stores the incident's partners; replace also stores its
// distribution and label (an insert writes them with the row) and drops
// the partners of the version before.
func (t *tx) writeShares(inc *vrs.Incident, replace bool) error {
	if err := checkShares(inc, t.groupUsable); err != nil {
		return err
	}
	if replace {
		for _, q := range []string{`DELETE FROM incident_share_countries WHERE incident_id = $1`, `DELETE FROM incident_share_groups WHERE incident_id = $1`} {
			if _, err := t.exec(q, inc.ID); err != nil {
				return err
			}
		}
		if _, err := t.exec(`UPDATE incidents SET distribution = $1, tlp = $2 WHERE id = $3`, string(inc.Distribution), string(inc.TLP), inc.ID); err != nil {
			return err
		}
	}
	for _, c := range inc.ShareCountries {
		if _, err := t.exec(`INSERT INTO incident_share_countries (incident_id, country) VALUES ($1, $2)`, inc.ID, c); err != nil {
			return err
		}
	}
	for _, g := range inc.ShareGroups {
		if _, err := t.exec(`INSERT INTO incident_share_groups (incident_id, group_id) VALUES ($1, $2)`, inc.ID, g); err != nil {
			return err
		}
	}
	return nil
}

// bulkGroups reads once, for every sharing group, the countries that may
// distribute records to it: its owner and its member countries.
func (db *DB) bulkGroups(ctx context.Context) (map[int64][]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, owner FROM sharing_groups
		UNION SELECT group_id, country FROM sharing_group_members WHERE country <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64][]string{}
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return nil, err
		}
		m[id] = append(m[id], c)
	}
	return m, rows.Err()
}

func groupIn(groups map[int64][]string) func(int64, string) (bool, error) {
	return func(id int64, country string) (bool, error) {
		return slices.Contains(groups[id], country), nil
	}
}

// IncidentGranularities answers, for each of the given incidents, the
// granularity at which the acting user may see it, aggregate included
// (statistics count what list and detail never show); incidents the user
// may not see at all, or that do not exist, are absent. It reveals no
// content, and the statistics of issue 6 count through the same rule.
func (db *DB) IncidentGranularities(ctx context.Context, ids []int64) (map[int64]vrs.Granularity, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	sh, err := db.sharingFor(ctx, u)
	if err != nil {
		return nil, err
	}
	out := map[int64]vrs.Granularity{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		var args []any
		gran := access.IncidentGranularity(u, sh, access.Aggregate, &args)
		ph := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		rows, err := db.reader.QueryContext(ctx, "SELECT i.id, "+gran+" FROM incidents i WHERE i.id IN ("+strings.Join(ph, ", ")+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var g vrs.Granularity
			if err := rows.Scan(&id, &g); err != nil {
				rows.Close()
				return nil, err
			}
			if g > access.None {
				out[id] = g
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
