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
// link records without reading them and two cannot join theirs.
func (db *DB) pseudonymise(ctx context.Context, u *vrs.User, sh *access.Sharing, inc *vrs.Incident) error {
	if inc.Granularity != access.Pseudonymised {
		return nil
	}
	kr, err := db.Keyring()
	if err != nil {
		return err
	}
	// Regional analysts read through the community distribution: one
	// scope per owner country, so that a country cannot learn others'
	// pseudonyms by planting a name in a record of its own.
	scope := "community:" + inc.Country
	if a := access.GrantingAgreement(u, sh, access.RefOf(inc), access.Pseudonymised); a != nil {
		scope = "agreement:" + strconv.FormatInt(a.ID, 10)
	}
	var decimals string
	err = db.readRow(ctx, `SELECT COALESCE((SELECT value FROM settings WHERE key = $1), $2)`,
		vrs.SettingCoordinateDecimals, vrs.SettingValue(nil, vrs.SettingCoordinateDecimals)).Scan(&decimals)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(decimals)
	inc.Pseudonymise(func(kind, value string) string { return kr.Pseudonym(scope, kind, value) }, n)
	return nil
}
