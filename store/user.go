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

const userColumns = `u.id, u.name, u.full_name, u.email, u.agency_id, a.name, a.country, u.roles, u.capture_agencies,
	u.view_scope, u.password_hash, u.totp_secret, u.disabled, u.created_at, u.updated_at`

const userFrom = ` FROM users u JOIN agencies a ON a.id = u.agency_id`

func scanUser(sc interface{ Scan(...any) error }, extra ...any) (*vrs.User, error) {
	u := &vrs.User{}
	var roles, capture, scope string
	var created, updated int64
	dest := append([]any{&u.ID, &u.Name, &u.FullName, &u.Email, &u.AgencyID, &u.AgencyName, &u.Country, &roles, &capture,
		&scope, &u.PasswordHash, &u.TOTPSecret, &u.Disabled, &created, &updated}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	for _, r := range splitList(roles) {
		u.Roles = append(u.Roles, vrs.Role(r))
	}
	for _, s := range splitList(capture) {
		id, _ := strconv.ParseInt(s, 10, 64)
		u.CaptureAgencyIDs = append(u.CaptureAgencyIDs, id)
	}
	u.ViewScope = vrs.ViewScope(scope)
	u.TOTPEnabled = u.TOTPSecret != ""
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return u, nil
}

func rolesText(roles []vrs.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return joinList(s)
}

func idsText(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return joinList(s)
}

// checkUserRights checks that actor may give u its agency, roles and
// capture scope; it fills u.Country from the agency.
func (db *DB) checkUserRights(ctx context.Context, actor, u *vrs.User) error {
	a, err := db.FindAgencyByID(ctx, u.AgencyID)
	if vrs.ErrorCode(err) == vrs.ENOTFOUND {
		return vrs.FieldErrors(map[string]string{"agency_id": "field.agency_unknown"})
	}
	if err != nil {
		return err
	}
	if err := access.ManageCountry(actor, a.Country); err != nil {
		return err
	}
	if err := access.GrantRoles(actor, u.Roles); err != nil {
		return err
	}
	u.Country, u.AgencyName = a.Country, a.Name
	for _, id := range u.CaptureAgencyIDs {
		c, err := db.FindAgencyByID(ctx, id)
		if err != nil || c.Country != a.Country {
			return vrs.FieldErrors(map[string]string{"capture_agency_ids": "field.capture_scope"})
		}
	}
	return nil
}

// CreateUser adds a user; u.PasswordHash must already hold a PHC hash.
func (db *DB) CreateUser(ctx context.Context, u *vrs.User) error {
	actor, err := signedIn(ctx)
	if err != nil {
		return err
	}
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	if u.PasswordHash == "" {
		return vrs.FieldErrors(map[string]string{"password": "field.required"})
	}
	if err := db.checkUserRights(ctx, actor, u); err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		u.CreatedAt, u.UpdatedAt = t.now, t.now
		err := t.queryRow(`INSERT INTO users (name, full_name, email, agency_id, roles, capture_agencies, view_scope, password_hash, totp_secret, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			u.Name, u.FullName, u.Email, u.AgencyID, rolesText(u.Roles), idsText(u.CaptureAgencyIDs), string(u.ViewScope),
			u.PasswordHash, "", u.Disabled, micros(t.now)).Scan(&u.ID)
		if isUniqueViolation(err) {
			return &vrs.Error{Code: vrs.ECONFLICT, Message: "error.user_exists", Fields: map[string]string{"name": "field.user_exists"}}
		}
		if err != nil {
			return err
		}
		if u.TOTPSecret != "" {
			sealed, err := db.sealSecret(totpAAD(u.ID), u.TOTPSecret)
			if err != nil {
				return err
			}
			if _, err := t.exec(`UPDATE users SET totp_secret = $1 WHERE id = $2`, sealed, u.ID); err != nil {
				return err
			}
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActUserCreate, ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10),
			Country: u.Country, Detail: detail(map[string]any{"name": u.Name, "roles": u.Roles, "agency_id": u.AgencyID})})
	})
}

func (db *DB) findUser(ctx context.Context, where string, arg any) (*vrs.User, error) {
	u, err := scanUser(db.readRow(ctx, `SELECT `+userColumns+userFrom+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vrs.NotFound("user")
	}
	if err != nil {
		return nil, err
	}
	if u.TOTPSecret, err = db.openSecret(totpAAD(u.ID), u.TOTPSecret); err != nil {
		return nil, fmt.Errorf("user %d: second-factor secret: %w", u.ID, err)
	}
	return u, nil
}

// FindUserByID returns a user the actor may read; others answer ENOTFOUND.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*vrs.User, error) {
	actor, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	u, err := db.findUser(ctx, `u.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if err := access.ReadUser(actor, u); err != nil {
		return nil, err
	}
	return u, nil
}

// FindUserByName serves sign-in and the command line.
func (db *DB) FindUserByName(ctx context.Context, name string) (*vrs.User, error) {
	return db.findUser(ctx, `u.name = $1`, strings.ToLower(strings.TrimSpace(name)))
}

// ListUsers returns the users the actor may read, sorted by name.
func (db *DB) ListUsers(ctx context.Context, f vrs.UserFilter) ([]*vrs.User, error) {
	actor, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	self := int64(0)
	if access.ManageInstallation(actor) != nil {
		if actor.HasRole(vrs.RoleFocalPoint) {
			f.Country = actor.Country
		} else {
			self = actor.ID
		}
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+userColumns+userFrom+`
		WHERE ($1 = '' OR a.country = $1) AND ($2 = 0 OR u.agency_id = $2) AND ($3 = 0 OR u.id = $3)
		ORDER BY u.name`, strings.ToUpper(f.Country), f.AgencyID, self)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		if f.Role == "" || u.HasRole(f.Role) {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// UpdateUser changes a user of a country the actor manages.
func (db *DB) UpdateUser(ctx context.Context, id int64, upd vrs.UserUpdate) (*vrs.User, error) {
	actor, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	u, err := db.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := access.ManageCountry(actor, u.Country); err != nil {
		return nil, err
	}
	// Only an administrator changes an administrator.
	if u.HasRole(vrs.RoleAdmin) {
		if err := access.ManageInstallation(actor); err != nil {
			return nil, err
		}
	}
	if upd.Version != nil && !upd.Version.Equal(u.UpdatedAt) {
		return nil, vrs.Errorf(vrs.ECONFLICT, "error.user_changed")
	}
	version := u.UpdatedAt
	var changed []string
	if upd.FullName != nil && *upd.FullName != u.FullName {
		u.FullName, changed = *upd.FullName, append(changed, "full_name")
	}
	if upd.Email != nil && *upd.Email != u.Email {
		u.Email, changed = *upd.Email, append(changed, "email")
	}
	if upd.Roles != nil && !slices.Equal(*upd.Roles, u.Roles) {
		u.Roles, changed = slices.Clone(*upd.Roles), append(changed, "roles")
	}
	if upd.CaptureAgencyIDs != nil && !slices.Equal(*upd.CaptureAgencyIDs, u.CaptureAgencyIDs) {
		u.CaptureAgencyIDs, changed = *upd.CaptureAgencyIDs, append(changed, "capture_agency_ids")
	}
	if upd.ViewScope != nil && *upd.ViewScope != u.ViewScope {
		u.ViewScope, changed = *upd.ViewScope, append(changed, "view_scope")
	}
	if upd.Disabled != nil && *upd.Disabled != u.Disabled {
		if *upd.Disabled && u.ID == actor.ID {
			return nil, vrs.Errorf(vrs.EINVALID, "error.cannot_disable_self")
		}
		u.Disabled, changed = *upd.Disabled, append(changed, "disabled")
	}
	if err := access.GrantRoles(actor, u.Roles); err != nil {
		return nil, err
	}
	u.Normalize()
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if len(changed) == 0 {
		return u, nil
	}
	// Nobody raises their own rights, not even an administrator: another
	// manager must do it, and the audit log shows who.
	if u.ID == actor.ID && slices.ContainsFunc(changed, func(c string) bool {
		return c == "roles" || c == "view_scope" || c == "capture_agency_ids"
	}) {
		return nil, vrs.Errorf(vrs.EFORBIDDEN, "error.cannot_change_own_rights")
	}
	if err := db.checkUserRights(ctx, actor, u); err != nil {
		return nil, err
	}
	err = db.write(ctx, func(t *tx) error {
		u.UpdatedAt = t.now
		// The row must still be the one read above: a concurrent change in
		// between is a conflict.
		res, err := t.exec(`UPDATE users SET full_name = $1, email = $2, roles = $3, capture_agencies = $4, view_scope = $5, disabled = $6, updated_at = $7
			WHERE id = $8 AND updated_at = $9`,
			u.FullName, u.Email, rolesText(u.Roles), idsText(u.CaptureAgencyIDs), string(u.ViewScope), u.Disabled, micros(t.now), u.ID, micros(version))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vrs.Errorf(vrs.ECONFLICT, "error.user_changed")
		}
		// A disabled user, or one whose roles changed (a new role may need a
		// second factor), signs in again.
		if u.Disabled || slices.Contains(changed, "roles") {
			if _, err := t.exec(`DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
				return err
			}
		}
		d := map[string]any{"changed": changed}
		if slices.Contains(changed, "roles") {
			d["roles"] = u.Roles
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActUserUpdate, ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10),
			Country: u.Country, Detail: detail(d)})
	})
	return u, err
}

// changeOwnOrManaged checks that the actor is the user or manages them.
func (db *DB) changeOwnOrManaged(ctx context.Context, id int64) (*vrs.User, error) {
	actor, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if actor.System {
		return db.findUser(ctx, `u.id = $1`, id)
	}
	u, err := db.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.ID == u.ID {
		return u, nil
	}
	if err := access.ManageCountry(actor, u.Country); err != nil {
		return nil, err
	}
	if u.HasRole(vrs.RoleAdmin) {
		if err := access.ManageInstallation(actor); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// SetPassword stores a new hash and ends the user's other sessions.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	u, err := db.changeOwnOrManaged(ctx, id)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		if _, err := t.exec(`UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, micros(t.now), id); err != nil {
			return err
		}
		if _, err := t.exec(`DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, id, vrs.MetaFromContext(ctx).SessionID); err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActUserPassword, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10), Country: u.Country})
	})
}

// UpgradePasswordHash swaps a hash for a stronger one of the same password.
func (db *DB) UpgradePasswordHash(ctx context.Context, id int64, oldHash, newHash string) error {
	return db.write(ctx, func(t *tx) error {
		_, err := t.exec(`UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`, newHash, id, oldHash)
		return err
	})
}

// SetSecondFactor enables TOTP (with fresh recovery codes) or, with an
// empty secret, disables it.
func (db *DB) SetSecondFactor(ctx context.Context, id int64, secret string, recoveryHashes []string) error {
	u, err := db.changeOwnOrManaged(ctx, id)
	if err != nil {
		return err
	}
	sealed, err := db.sealSecret(totpAAD(id), secret)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		if _, err := t.exec(`UPDATE users SET totp_secret = $1, totp_last_step = 0, updated_at = $2 WHERE id = $3`, sealed, micros(t.now), id); err != nil {
			return err
		}
		if _, err := t.exec(`DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := t.exec(`INSERT INTO recovery_codes (user_id, hash) VALUES ($1, $2)`, id, h); err != nil {
				return err
			}
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActUserTOTP, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10), Country: u.Country,
			Detail: detail(map[string]bool{"enabled": secret != ""})})
	})
}

// UseTOTPStep refuses a code whose time step was already used.
func (db *DB) UseTOTPStep(ctx context.Context, id int64, step int64) error {
	return db.write(ctx, func(t *tx) error {
		res, err := t.exec(`UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vrs.Errorf(vrs.ECONFLICT, "error.totp_replayed")
		}
		return nil
	})
}

// UseRecoveryCode consumes one unused recovery code.
func (db *DB) UseRecoveryCode(ctx context.Context, id int64, hash string) error {
	return db.write(ctx, func(t *tx) error {
		res, err := t.exec(`UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND hash = $3 AND used_at IS NULL`, micros(t.now), id, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vrs.Errorf(vrs.ENOTFOUND, "error.recovery_code")
		}
		var country string
		if err := t.queryRow(`SELECT a.country FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1`, id).Scan(&country); err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActRecoveryUsed, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10), Country: country})
	})
}

// CountRecoveryCodes returns how many unused recovery codes remain.
func (db *DB) CountRecoveryCodes(ctx context.Context, id int64) (int, error) {
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, id).Scan(&n)
	return n, err
}
