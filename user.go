package vrs

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role is what a user does in VRS. A user may hold several.
type Role string

const (
	RoleReporter        Role = "reporter"
	RoleReviewer        Role = "reviewer"
	RoleAnalyst         Role = "analyst"
	RoleFocalPoint      Role = "focal_point"
	RoleRegionalAnalyst Role = "regional_analyst"
	RoleAdmin           Role = "admin"
)

// Roles lists every role in display order.
var Roles = []Role{RoleReporter, RoleReviewer, RoleAnalyst, RoleFocalPoint, RoleRegionalAnalyst, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// DataRole reports whether the role reads or writes record content.
// Administrators and focal points manage; they read records only with a data role too.
func (r Role) DataRole() bool {
	switch r {
	case RoleReporter, RoleReviewer, RoleAnalyst, RoleRegionalAnalyst:
		return true
	}
	return false
}

// ViewScope says whose records a user may read before any sharing applies.
type ViewScope string

const (
	// ViewAgency: the records of the user's own agency.
	ViewAgency ViewScope = "agency"
	// ViewCountry: the records of every agency of the user's country.
	ViewCountry ViewScope = "country"
	// ViewShared: only what countries share to the region (regional analysts).
	ViewShared ViewScope = "shared"
	// ViewNone: no record content (administrators without a data role).
	ViewNone ViewScope = "none"
)

// Valid reports whether s is a known scope.
func (s ViewScope) Valid() bool {
	switch s {
	case ViewAgency, ViewCountry, ViewShared, ViewNone:
		return true
	}
	return false
}

// DefaultViewScope is the scope a new user with these roles gets.
func DefaultViewScope(roles []Role) ViewScope {
	switch {
	case slices.Contains(roles, RoleAnalyst):
		return ViewCountry
	case slices.Contains(roles, RoleReviewer), slices.Contains(roles, RoleReporter):
		return ViewAgency
	case slices.Contains(roles, RoleRegionalAnalyst):
		return ViewShared
	}
	return ViewNone
}

// User is a person who signs in. The capture scope (agencies for which the
// user may enter data) and the view scope (whose data the user may read)
// are separate, as in DHIS2.
type User struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	FullName   string `json:"full_name"`
	Email      string `json:"email"`
	AgencyID   int64  `json:"agency_id"`
	AgencyName string `json:"agency_name"`
	Country    string `json:"country"`
	Roles      []Role `json:"roles"`
	// CaptureAgencyIDs lists the agencies (of the user's country) for which
	// the user may enter data; empty means the user's own agency.
	CaptureAgencyIDs []int64   `json:"capture_agency_ids"`
	ViewScope        ViewScope `json:"view_scope"`
	Disabled         bool      `json:"disabled"`
	TOTPEnabled      bool      `json:"totp_enabled"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`

	PasswordHash string `json:"-"`
	TOTPSecret   string `json:"-"`
	// System marks the installation itself (the command line), which acts
	// with an administrator's rights.
	System bool `json:"-"`
}

// SystemUser acts for commands run on the server with access to the data
// directory.
var SystemUser = &User{Name: "system", Roles: []Role{RoleAdmin}, ViewScope: ViewNone, System: true}

// HasRole reports whether the user holds r.
func (u *User) HasRole(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// HasDataRole reports whether the user holds any role that reads record content.
func (u *User) HasDataRole() bool {
	return u != nil && slices.ContainsFunc(u.Roles, Role.DataRole)
}

// NeedsSecondFactor reports whether the user must sign in with TOTP.
func (u *User) NeedsSecondFactor() bool {
	return u.TOTPEnabled || u.HasRole(RoleFocalPoint) || u.HasRole(RoleAdmin)
}

// CaptureAgencies returns the agencies for which the user may enter data.
func (u *User) CaptureAgencies() []int64 {
	if len(u.CaptureAgencyIDs) == 0 {
		return []int64{u.AgencyID}
	}
	return u.CaptureAgencyIDs
}

var userNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{1,63}$`)

// Normalize trims and lower-cases what a person types.
func (u *User) Normalize() {
	u.Name = strings.ToLower(strings.TrimSpace(u.Name))
	u.FullName = strings.Join(strings.Fields(u.FullName), " ")
	u.Email = strings.TrimSpace(u.Email)
	slices.Sort(u.Roles)
	u.Roles = slices.Compact(u.Roles)
	if u.ViewScope == "" {
		u.ViewScope = DefaultViewScope(u.Roles)
	}
}

// Validate checks the user's own fields.
func (u *User) Validate() error {
	fields := map[string]string{}
	if !userNameRE.MatchString(u.Name) {
		fields["name"] = "field.user_name"
	}
	if u.FullName != "" {
		if msg := validName(u.FullName); msg != "" {
			fields["full_name"] = msg
		}
	}
	if u.Email != "" && (len(u.Email) > 254 || !strings.Contains(u.Email, "@") || strings.ContainsAny(u.Email, " \t\r\n<>")) {
		fields["email"] = "field.email"
	}
	if u.AgencyID <= 0 {
		fields["agency_id"] = "field.required"
	}
	if len(u.Roles) == 0 {
		fields["roles"] = "field.required"
	}
	for _, r := range u.Roles {
		if !r.Valid() {
			fields["roles"] = "field.role"
		}
	}
	switch {
	case !u.ViewScope.Valid():
		fields["view_scope"] = "field.view_scope"
	case u.ViewScope == ViewShared && !u.HasRole(RoleRegionalAnalyst):
		fields["view_scope"] = "field.view_scope_shared"
	case u.ViewScope != ViewNone && !u.HasDataRole():
		fields["view_scope"] = "field.view_scope_needs_data_role"
	}
	if len(fields) > 0 {
		return FieldErrors(fields)
	}
	return nil
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Country  string
	AgencyID int64
	Role     Role
}

// UserUpdate holds the fields an update changes; nil leaves a field alone.
type UserUpdate struct {
	FullName         *string    `json:"full_name"`
	Email            *string    `json:"email"`
	Roles            *[]Role    `json:"roles"`
	CaptureAgencyIDs *[]int64   `json:"capture_agency_ids"`
	ViewScope        *ViewScope `json:"view_scope"`
	Disabled         *bool      `json:"disabled"`
	// Version, when set, is the UpdatedAt the change was based on: if the
	// user has changed since, the update is a conflict, never a silent
	// overwrite.
	Version *time.Time `json:"version,omitempty"`
}

// UserService manages users and their credentials. Implementations enforce
// who may do what (see package access) and write the audit log.
type UserService interface {
	CreateUser(ctx context.Context, u *User) error
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByName serves sign-in: it checks no rights and reveals the
	// password hash and TOTP secret.
	FindUserByName(ctx context.Context, name string) (*User, error)
	ListUsers(ctx context.Context, f UserFilter) ([]*User, error)
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
	// SetPassword stores a new hash and ends the user's sessions.
	SetPassword(ctx context.Context, id int64, hash string) error
	// UpgradePasswordHash replaces oldHash by newHash (same password,
	// stronger parameters) if the user's hash is still oldHash; it is not a
	// password change and ends no session.
	UpgradePasswordHash(ctx context.Context, id int64, oldHash, newHash string) error
	// SetSecondFactor enables TOTP with secret and replaces the recovery
	// codes (hashed); an empty secret disables it.
	SetSecondFactor(ctx context.Context, id int64, secret string, recoveryHashes []string) error
	// UseTOTPStep records the time step of an accepted code; a step at or
	// before the last one used is ECONFLICT (a replayed code).
	UseTOTPStep(ctx context.Context, id int64, step int64) error
	// UseRecoveryCode consumes one unused recovery code; ENOTFOUND if none matches.
	UseRecoveryCode(ctx context.Context, id int64, hash string) error
	// CountRecoveryCodes returns how many unused recovery codes remain.
	CountRecoveryCodes(ctx context.Context, id int64) (int, error)
}
