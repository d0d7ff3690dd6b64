package vrs

import (
	"errors"
	"fmt"
)

// Error codes. The web and api layers map each to one HTTP status.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	ETOOMANY      = "too_many_requests"
	ETOOLARGE     = "too_large"
	EINTERNAL     = "internal"
)

// Error is an error a user can act on. Message is a message-catalogue key
// (see package i18n) and Args its arguments; Fields maps a field name to the
// catalogue key that explains what is wrong with it.
type Error struct {
	Code    string
	Message string
	Args    []any
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Args) == 0 {
		return e.Code + ": " + e.Message
	}
	return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Args)
}

// Errorf returns an *Error with the given code, catalogue key and arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Message: key, Args: args}
}

// FieldErrors is a validation error that names each offending field.
func FieldErrors(fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: "error.invalid_fields", Fields: fields}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error
// and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns err as an *Error, wrapping unknown errors as EINTERNAL so
// that their text (which may hold anything) never reaches a user.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e
	}
	return Errorf(EINTERNAL, "error.internal")
}

// NotFound is the error for a missing object, and for one the caller may not
// know exists.
func NotFound(kind string) *Error { return Errorf(ENOTFOUND, "error.not_found", kind) }

// Forbidden is the error for an action the caller may not take on an object
// whose existence they may know about.
func Forbidden() *Error { return Errorf(EFORBIDDEN, "error.forbidden") }
