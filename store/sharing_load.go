package store

import (
	"context"
	"time"

	"vrs"
	"vrs/access"
)

// sharingFor loads what the access rule needs to know about sharing for
// user u, on every request (a revoked agreement stops applying to the very
// next one): the reciprocity setting, whether u's country contributes and
// is a member of the community, the agreements in force for u's country,
// and the sharing groups that reach u. Users without a data role or a
// country need none of it.
func (db *DB) sharingFor(ctx context.Context, u *vrs.User) (*access.Sharing, error) {
	s := &access.Sharing{Today: db.Now().UTC().Format(time.DateOnly), Contributors: map[string]bool{}, Members: map[string]bool{}}
	if u == nil || u.System || !u.HasDataRole() || u.Country == "" {
		return s, nil
	}
	// One prepared statement answers the setting, the contribution and
	// the membership: this runs on every read request.
	var reciprocity string
	var contributes, member int
	err := db.readRow(ctx, sharingStateSQL, u.Country, vrs.SettingReciprocity, vrs.SettingValue(nil, vrs.SettingReciprocity)).
		Scan(&reciprocity, &contributes, &member)
	if err != nil {
		return nil, err
	}
	s.Reciprocity = reciprocity == "on"
	s.Contributors[u.Country], s.Members[u.Country] = contributes > 0, member > 0
	if s.Agreements, err = db.agreementsInForce(ctx, u.Country, s.Today); err != nil {
		return nil, err
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT group_id, country, agency_id FROM sharing_group_members
		WHERE country = $1 OR agency_id = $2 ORDER BY group_id`, u.Country, u.AgencyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, agency int64
		var country string
		if err := rows.Scan(&id, &country, &agency); err != nil {
			return nil, err
		}
		if n := len(s.Groups); n == 0 || s.Groups[n-1].ID != id {
			s.Groups = append(s.Groups, &vrs.SharingGroup{ID: id})
		}
		g := s.Groups[len(s.Groups)-1]
		if country != "" {
			g.Countries = append(g.Countries, country)
		} else {
			g.AgencyIDs = append(g.AgencyIDs, agency)
		}
	}
	return s, rows.Err()
}

// contributesSQL counts (0 or 1) whether country $1 contributes: a
// validated record distributed beyond its borders (access.Contributes).
const contributesSQL = `SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE country = $1 AND distribution IN ('partners', 'community', 'statistics')
	AND status = 'validated' LIMIT 1) c`

const sharingStateSQL = `SELECT COALESCE((SELECT value FROM settings WHERE key = $2), $3), (` + contributesSQL + `),
	(SELECT COUNT(*) FROM countries WHERE alpha2 = $1 AND member)`

// CountryContributes reports whether a country contributes records beyond
// its borders, which reciprocity requires before it receives any. It says
// nothing about which records: any signed-in user may ask.
func (db *DB) CountryContributes(ctx context.Context, country string) (bool, error) {
	if _, err := signedIn(ctx); err != nil {
		return false, err
	}
	var n int
	err := db.reader.QueryRowContext(ctx, contributesSQL, country).Scan(&n)
	return n > 0, err
}

// agreementsInForce returns the active agreements of a country that apply
// on day today.
func (db *DB) agreementsInForce(ctx context.Context, country, today string) ([]*vrs.SharingAgreement, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+agreementColumns+`
		FROM sharing_agreements WHERE (proposer = $1 OR partner = $1) AND status = 'active' AND starts <= $2 AND (ends = '' OR ends >= $2)
		ORDER BY id`, country, today)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.SharingAgreement
	for rows.Next() {
		a, err := scanAgreement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
