package vrs

import (
	"context"
	"time"
)

// Session is a signed-in browser. The cookie holds a random token; the
// store keeps only its SHA-256 (ID).
type Session struct {
	ID         string
	UserID     int64
	CSRFToken  string
	MFAPassed  bool
	CreatedAt  time.Time
	LastSeenAt time.Time
	ClientIP   string
	UserAgent  string
	// PendingTOTP is the second-factor secret offered for enrolment.
	PendingTOTP string
}

// APIToken lets a program act as a user. Only its SHA-256 is stored; the
// plain token is shown once, at creation.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Hash       string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// SessionService keeps browser sessions.
type SessionService interface {
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the session and its (enabled) user, ENOTFOUND
	// when either is missing or the user is disabled.
	FindSession(ctx context.Context, id string) (*Session, *User, error)
	TouchSession(ctx context.Context, id string, at time.Time) error
	// RenewSession replaces session oldID by s in one step: a new id and
	// CSRF token when the privilege of a session changes, against fixation.
	RenewSession(ctx context.Context, oldID string, s *Session) error
	// SetSessionTOTP keeps the secret offered for enrolment.
	SetSessionTOTP(ctx context.Context, id, secret string) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteExpiredSessions removes sessions idle since idleBefore or
	// created before createdBefore.
	DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int64, error)
}

// TokenService keeps API tokens.
type TokenService interface {
	CreateToken(ctx context.Context, t *APIToken) error
	// FindTokenUser returns the live token with this hash and its enabled
	// user; ENOTFOUND otherwise (revoked, expired, disabled).
	FindTokenUser(ctx context.Context, hash string) (*APIToken, *User, error)
	ListTokens(ctx context.Context, userID int64) ([]*APIToken, error)
	RevokeToken(ctx context.Context, userID, tokenID int64) error
	// TouchToken records when a token was last used.
	TouchToken(ctx context.Context, id int64, at time.Time) error
}

// SettingService keeps installation settings (small key/value pairs).
type SettingService interface {
	Settings(ctx context.Context) (map[string]string, error)
	// SetSetting changes one setting; administrators only; audited.
	SetSetting(ctx context.Context, key, value string) error
}
