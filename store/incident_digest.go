package store

import (
	"encoding/json"
	"time"

	"vrs"
	"vrs/crypt"
)

// contentDigest is the keyed digest of what an incident says, personal
// data included, without what the store keeps about it (id, status,
// version, authors and times, review notes): two records with the same
// digest hold the same content, so an import leaves them alone. inc has
// had its personal part p split off.
func contentDigest(kr *crypt.Keyring, inc *vrs.Incident, p *vrs.PersonalData) ([]byte, error) {
	c := *inc
	c.ID, c.AgencyName, c.Country, c.Status, c.Version, c.ReviewNote = 0, "", "", "", 0, ""
	c.Granularity, c.PurposeRequired = 0, false
	c.CreatedBy, c.CreatedAt, c.UpdatedBy, c.UpdatedAt, c.UpdatedName = 0, time.Time{}, 0, time.Time{}, ""
	body, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	personal, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return kr.ContentDigest(append(append(body, 0), personal...)), nil
}
