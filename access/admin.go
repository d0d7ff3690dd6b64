// Package access holds VRS's rules of who may do and see what. The rules are
// pure functions of the acting user and the object; the store applies them on
// every path, so that the web pages, the API and the command line agree.
package access

import "vrs"

// ManageInstallation: settings, country membership, backups, the whole audit log.
func ManageInstallation(u *vrs.User) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if u.System || u.HasRole(vrs.RoleAdmin) {
		return nil
	}
	return vrs.Forbidden()
}

// ManageCountry: create and change agencies and users of one country.
// Administrators manage every country, focal points only their own.
func ManageCountry(u *vrs.User, country string) error {
	if ManageInstallation(u) == nil {
		return nil
	}
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if u.HasRole(vrs.RoleFocalPoint) && u.Country == country {
		return nil
	}
	return vrs.Forbidden()
}

// CanManageSomeCountry reports whether the user may administer any country,
// which decides whether administration pages are offered at all.
func CanManageSomeCountry(u *vrs.User) bool {
	return ManageInstallation(u) == nil || u.HasRole(vrs.RoleFocalPoint)
}

// ReadUser: administrators read every account, focal points their
// country's, everyone their own. Others answer as if the user did not exist.
func ReadUser(u *vrs.User, target *vrs.User) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if u.ID == target.ID && !u.System {
		return nil
	}
	if ManageCountry(u, target.Country) == nil {
		return nil
	}
	return vrs.NotFound("user")
}

// GrantRoles: focal points may give any role but administrator and regional
// analyst (both installation-wide); administrators any.
func GrantRoles(u *vrs.User, roles []vrs.Role) error {
	if ManageInstallation(u) == nil {
		return nil
	}
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if !u.HasRole(vrs.RoleFocalPoint) {
		return vrs.Forbidden()
	}
	for _, r := range roles {
		if r == vrs.RoleAdmin || r == vrs.RoleRegionalAnalyst {
			return vrs.Errorf(vrs.EFORBIDDEN, "error.role_not_grantable", string(r))
		}
	}
	return nil
}

// ReadAuditCountry returns the country whose audit entries the user may read:
// "" with ok for all (administrators), the user's own for focal points.
func ReadAuditCountry(u *vrs.User) (country string, err error) {
	if ManageInstallation(u) == nil {
		return "", nil
	}
	if u == nil {
		return "", vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	// "" means every country: a focal point without one reads nothing.
	if u.HasRole(vrs.RoleFocalPoint) && u.Country != "" {
		return u.Country, nil
	}
	return "", vrs.Forbidden()
}
