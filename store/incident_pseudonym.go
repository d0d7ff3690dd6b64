package store

import (
	"context"
	"strconv"

	"vrs"
	"vrs/access"
)

// pseudonymise replaces the personal data of an incident read at
// pseudonymised granularity. Pseudonyms are keyed per agreement (the one
// through which the record reaches the user), so that one recipient can
// link records without reading them and two cannot join theirs; regional
// analysts, who read through the community distribution, share one key.
func (db *DB) pseudonymise(ctx context.Context, u *vrs.User, sh *access.Sharing, inc *vrs.Incident) error {
	if inc.Granularity != access.Pseudonymised {
		return nil
	}
	kr, err := db.Keyring()
	if err != nil {
		return err
	}
	scope := "community"
	if a := access.GrantingAgreement(u, sh, access.RefOf(inc), access.Pseudonymised); a != nil {
		scope = "agreement:" + strconv.FormatInt(a.ID, 10)
	}
	var decimals string
	err = db.reader.QueryRowContext(ctx, `SELECT COALESCE((SELECT value FROM settings WHERE key = $1), $2)`,
		vrs.SettingCoordinateDecimals, vrs.SettingValue(nil, vrs.SettingCoordinateDecimals)).Scan(&decimals)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(decimals)
	inc.CreatedBy, inc.UpdatedBy, inc.UpdatedName = 0, 0, "" // the officials of another country are not named either
	inc.Pseudonymise(func(kind, value string) string { return kr.Pseudonym(scope, kind, value) }, n)
	return nil
}
