package vrs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"vrs"
)

func TestErrorCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"Nil", nil, ""},
		{"NotFound", vrs.NotFound("user"), vrs.ENOTFOUND},
		{"Forbidden", vrs.Forbidden(), vrs.EFORBIDDEN},
		{"FieldErrors", vrs.FieldErrors(map[string]string{"name": "field.required"}), vrs.EINVALID},
		{"Errorf", vrs.Errorf(vrs.ECONFLICT, "error.conflict"), vrs.ECONFLICT},
		{"Literal", &vrs.Error{Code: vrs.ETOOMANY}, vrs.ETOOMANY},
		{"Wrapped", fmt.Errorf("finding user: %w", vrs.NotFound("user")), vrs.ENOTFOUND},
		{"WrappedTwice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", vrs.Forbidden())), vrs.EFORBIDDEN},
		{"Joined", errors.Join(io.EOF, vrs.Errorf(vrs.ETOOLARGE, "error.too_large")), vrs.ETOOLARGE},
		{"Plain", errors.New("pq: connection refused"), vrs.EINTERNAL},
		{"PlainWrapped", fmt.Errorf("x: %w", io.ErrUnexpectedEOF), vrs.EINTERNAL},
		{"Formatted", fmt.Errorf("not wrapped: %v", vrs.NotFound("user")), vrs.EINTERNAL},
		{"Canceled", context.Canceled, vrs.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vrs.ErrorCode(tt.err); got != tt.want {
				t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

// TestErrorCodeTypedNil: a function that returns a nil *Error as error yields
// a non-nil interface; ErrorCode should not panic on it.
func TestErrorCodeTypedNil(t *testing.T) {
	var e *vrs.Error
	var err error = e
	if got := vrs.ErrorCode(err); got != vrs.EINTERNAL {
		t.Errorf("ErrorCode(typed nil) = %q, want %q", got, vrs.EINTERNAL)
	}
}

func TestAsError(t *testing.T) {
	const secret = "password=hunter2 host=db.internal"
	nf := vrs.NotFound("agency")
	tests := []struct {
		name     string
		err      error
		wantCode string
		wantSame *vrs.Error // the *Error AsError must return unchanged
	}{
		{"Error", nf, vrs.ENOTFOUND, nf},
		{"Wrapped", fmt.Errorf("layer: %w", nf), vrs.ENOTFOUND, nf},
		{"Plain", errors.New(secret), vrs.EINTERNAL, nil},
		{"PlainWrapped", fmt.Errorf("%s: %w", secret, io.EOF), vrs.EINTERNAL, nil},
		{"ErrorTextNotWrapped", fmt.Errorf("%s: %v", secret, nf), vrs.EINTERNAL, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := vrs.AsError(tt.err)
			if got == nil {
				t.Fatal("AsError returned nil")
			}
			if got.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q", got.Code, tt.wantCode)
			}
			if tt.wantSame != nil && got != tt.wantSame {
				t.Errorf("AsError returned %p, want the wrapped %p", got, tt.wantSame)
			}
			if tt.wantSame == nil {
				if got.Message != "error.internal" {
					t.Errorf("Message = %q, want error.internal", got.Message)
				}
				shown := got.Error() + fmt.Sprint(got.Args) + fmt.Sprint(got.Fields)
				for _, leak := range []string{"hunter2", "db.internal", "EOF"} {
					if strings.Contains(shown, leak) {
						t.Errorf("AsError leaks %q: %q", leak, shown)
					}
				}
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *vrs.Error
		want string
	}{
		{"NoArgs", vrs.Forbidden(), "forbidden: error.forbidden"},
		{"Args", vrs.NotFound("user"), "not_found: error.not_found [user]"},
		{"Fields", vrs.FieldErrors(map[string]string{"x": "y"}), "invalid: error.invalid_fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUserFromContext(t *testing.T) {
	u := &vrs.User{ID: 5, Name: "somchai"}
	tests := []struct {
		name string
		ctx  context.Context
		want *vrs.User
	}{
		{"Empty", context.Background(), nil},
		{"User", vrs.NewContextWithUser(context.Background(), u), u},
		{"System", vrs.NewContextWithUser(context.Background(), vrs.SystemUser), vrs.SystemUser},
		{"NilUser", vrs.NewContextWithUser(context.Background(), nil), nil},
		{"Replaced", vrs.NewContextWithUser(vrs.NewContextWithUser(context.Background(), vrs.SystemUser), u), u},
		{"MetaOnly", vrs.NewContextWithMeta(context.Background(), vrs.RequestMeta{Via: "web"}), nil},
		{"UnderMeta", vrs.NewContextWithMeta(vrs.NewContextWithUser(context.Background(), u), vrs.RequestMeta{Via: "api"}), u},
		{"OtherKeyType", context.WithValue(context.Background(), otherKey(0), u), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vrs.UserFromContext(tt.ctx); got != tt.want {
				t.Errorf("UserFromContext = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMetaFromContext(t *testing.T) {
	m := vrs.RequestMeta{ClientIP: "192.0.2.7", Via: "api", SessionID: "abc123"}
	tests := []struct {
		name string
		ctx  context.Context
		want vrs.RequestMeta
	}{
		{"Empty", context.Background(), vrs.RequestMeta{}},
		{"Meta", vrs.NewContextWithMeta(context.Background(), m), m},
		{"Replaced", vrs.NewContextWithMeta(vrs.NewContextWithMeta(context.Background(), vrs.RequestMeta{Via: "cli"}), m), m},
		{"UserOnly", vrs.NewContextWithUser(context.Background(), vrs.SystemUser), vrs.RequestMeta{}},
		{"UnderUser", vrs.NewContextWithUser(vrs.NewContextWithMeta(context.Background(), m), vrs.SystemUser), m},
		{"OtherKeyType", context.WithValue(context.Background(), otherKey(1), m), vrs.RequestMeta{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vrs.MetaFromContext(tt.ctx); got != tt.want {
				t.Errorf("MetaFromContext = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// otherKey is a context key of another package's type, with the values the
// root package's own keys have.
type otherKey int
