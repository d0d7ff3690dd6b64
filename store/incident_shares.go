package store

import (
	"context"
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
// sealed (the sealed body holds its distribution); an unknown agency is
// refused later, in the transaction.
func (db *DB) agencyShareDefaults(ctx context.Context, inc *vrs.Incident) error {
	if inc.Distribution != "" && inc.TLP != "" {
		return nil
	}
	var dist, tlp string
	err := db.reader.QueryRowContext(ctx, `SELECT default_distribution, default_tlp FROM agencies WHERE id = $1`, inc.AgencyID).Scan(&dist, &tlp)
	if err != nil {
		dist, tlp = string(vrs.DefaultDistribution), string(vrs.DefaultTLP)
	}
	shareDefaults(inc, vrs.Distribution(dist), vrs.TLP(tlp))
	return nil
}

// checkShares refuses partners that are the owner's own country or
// sharing groups that do not exist.
func checkShares(inc *vrs.Incident, groupExists func(int64) (bool, error)) error {
	f := map[string]string{}
	for i, c := range inc.ShareCountries {
		if c == inc.Country {
			f[fmt.Sprintf("share_countries[%d]", i)] = "field.partner_own_country"
		}
	}
	for i, g := range inc.ShareGroups {
		ok, err := groupExists(g)
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

func (t *tx) groupExists(id int64) (bool, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM sharing_groups WHERE id = $1`, id).Scan(&n)
	return n > 0, err
}

// writeShares stores the incident's partners; replace also stores its
// distribution and label (an insert writes them with the row) and drops
// the partners of the version before.
func (t *tx) writeShares(inc *vrs.Incident, replace bool) error {
	if err := checkShares(inc, t.groupExists); err != nil {
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

// bulkGroups reads the ids of every sharing group once.
func (db *DB) bulkGroups(ctx context.Context) ([]int64, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id FROM sharing_groups ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func groupIn(ids []int64) func(int64) (bool, error) {
	return func(id int64) (bool, error) {
		_, ok := slices.BinarySearch(ids, id)
		return ok, nil
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
