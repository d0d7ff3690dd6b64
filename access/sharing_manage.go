package access

import "vrs"

// Who manages sharing. Countries decide what they share (sovereignty): only
// a country's national focal point proposes, accepts, declines or revokes
// its agreements and manages its sharing groups. Administrators run the
// installation and may read agreements, but decide nothing for a country.
// The installation itself (the command line, the demo) acts for any
// country it names.

// ManageSharing: act for country in sharing (propose an agreement, create a
// sharing group).
func ManageSharing(u *vrs.User, country string) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if u.System {
		return nil
	}
	if u.HasRole(vrs.RoleFocalPoint) && u.Country != "" && u.Country == country {
		return nil
	}
	return vrs.Errorf(vrs.EFORBIDDEN, "error.sharing_focal_point")
}

// ReadAgreement: users of either party and administrators read an
// agreement; to others it does not exist.
func ReadAgreement(u *vrs.User, a *vrs.SharingAgreement) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if ManageInstallation(u) == nil || u.Country != "" && (u.Country == a.Proposer || u.Country == a.Partner) {
		return nil
	}
	return vrs.NotFound("agreement")
}

// ListAgreementsCountry returns the country whose agreements the user may
// list: "" for every country (administrators), else the user's own. A user
// without a country lists none (ok false).
func ListAgreementsCountry(u *vrs.User) (country string, ok bool, err error) {
	if u == nil {
		return "", false, vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if ManageInstallation(u) == nil {
		return "", true, nil
	}
	return u.Country, u.Country != "", nil
}

// DecideAgreement: only the focal points of the country a proposal is
// addressed to accept or decline it. The proposer's focal points are told
// why they may not; users of other countries do not learn it exists.
func DecideAgreement(u *vrs.User, a *vrs.SharingAgreement) error {
	if err := ReadAgreement(u, a); err != nil {
		return err
	}
	if u.System {
		return nil
	}
	if !u.HasRole(vrs.RoleFocalPoint) || u.Country != a.Proposer && u.Country != a.Partner {
		return vrs.Errorf(vrs.EFORBIDDEN, "error.sharing_focal_point")
	}
	if u.Country != a.Partner {
		return vrs.Errorf(vrs.EFORBIDDEN, "error.agreement_addressed_to", a.Partner)
	}
	return nil
}

// RevokeAgreement: the focal points of either party end an agreement or
// withdraw a proposal.
func RevokeAgreement(u *vrs.User, a *vrs.SharingAgreement) error {
	if err := ReadAgreement(u, a); err != nil {
		return err
	}
	if u.System {
		return nil
	}
	if u.HasRole(vrs.RoleFocalPoint) && u.Country != "" && (u.Country == a.Proposer || u.Country == a.Partner) {
		return nil
	}
	return vrs.Errorf(vrs.EFORBIDDEN, "error.sharing_focal_point")
}

// ReadSharingGroups: every signed-in user reads the groups (reporters pick
// them when they distribute a record).
func ReadSharingGroups(u *vrs.User) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	return nil
}

// ManageSharingGroup: the focal points of the group's owner country change
// or delete it.
func ManageSharingGroup(u *vrs.User, g *vrs.SharingGroup) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if u.System || u.HasRole(vrs.RoleFocalPoint) && u.Country != "" && u.Country == g.Owner {
		return nil
	}
	return vrs.Errorf(vrs.EFORBIDDEN, "error.sharing_group_owner", g.Owner)
}

// ReadRecordViews: who read a country's records from abroad is for its
// focal points and the administrators, like the country's audit log.
func ReadRecordViews(u *vrs.User, country string) error {
	own, err := ReadAuditCountry(u)
	if err != nil {
		return err
	}
	if own == "" || own == country {
		return nil
	}
	return vrs.Forbidden()
}
