package vrs

import "context"

type ctxKey int

const (
	userKey ctxKey = iota
	metaKey
	purposeKey
)

// NewContextWithPurpose returns ctx carrying the purpose the user stated
// for reading another country's records in full (one of Purposes, a colon
// and free words).
func NewContextWithPurpose(ctx context.Context, purpose string) context.Context {
	return context.WithValue(ctx, purposeKey, purpose)
}

// PurposeFromContext returns the stated purpose, "" when none.
func PurposeFromContext(ctx context.Context) string {
	p, _ := ctx.Value(purposeKey).(string)
	return p
}

// RequestMeta describes where a request came from, for the audit log.
type RequestMeta struct {
	ClientIP string
	// Via says which door the request came in by: "web", "api", "cli".
	Via string
	// SessionID is the hashed id of the browser session, if any, so that
	// a password change can end every other session but this one.
	SessionID string
}

// NewContextWithUser returns ctx carrying the acting user.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFromContext returns the acting user, or nil when there is none.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey).(*User)
	return u
}

// NewContextWithMeta returns ctx carrying request metadata.
func NewContextWithMeta(ctx context.Context, m RequestMeta) context.Context {
	return context.WithValue(ctx, metaKey, m)
}

// MetaFromContext returns the request metadata, or its zero value.
func MetaFromContext(ctx context.Context) RequestMeta {
	m, _ := ctx.Value(metaKey).(RequestMeta)
	return m
}
