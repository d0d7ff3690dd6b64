package vrs

import (
	"strings"
	"unicode/utf8"
)

// SettingDef describes one installation setting: its key, default and
// bounds. Settings are few and known; an unknown key is refused.
type SettingDef struct {
	Key     string
	Default string
	// MaxLen bounds the value in characters; Multiline allows line breaks.
	MaxLen    int
	Multiline bool
}

// Setting keys.
const (
	// SettingName names the installation in page titles and in
	// authenticator apps.
	SettingName = "installation.name"
	// SettingSignInNotice is shown above the sign-in form (terms of use,
	// "authorised users only").
	SettingSignInNotice = "signin.notice"
)

// SettingDefs lists every setting in display order.
var SettingDefs = []SettingDef{
	{Key: SettingName, Default: "VRS", MaxLen: 60},
	{Key: SettingSignInNotice, Default: "", MaxLen: 1000, Multiline: true},
}

// FindSettingDef returns the definition of key.
func FindSettingDef(key string) (SettingDef, bool) {
	for _, d := range SettingDefs {
		if d.Key == key {
			return d, true
		}
	}
	return SettingDef{}, false
}

// ValidateSetting checks a value for key and returns it trimmed.
func ValidateSetting(key, value string) (string, error) {
	d, ok := FindSettingDef(key)
	if !ok {
		return "", FieldErrors(map[string]string{key: "field.setting_unknown"})
	}
	value = strings.TrimSpace(strings.ReplaceAll(value, "\r\n", "\n"))
	switch {
	case !utf8.ValidString(value):
		return "", FieldErrors(map[string]string{key: "field.utf8"})
	case utf8.RuneCountInString(value) > d.MaxLen:
		return "", FieldErrors(map[string]string{key: "field.setting_too_long"})
	}
	for _, r := range value {
		if (r < 0x20 && !(d.Multiline && r == '\n')) || r == 0x7f {
			return "", FieldErrors(map[string]string{key: "field.control_chars"})
		}
	}
	if key == SettingName && value == "" {
		return "", FieldErrors(map[string]string{key: "field.required"})
	}
	return value, nil
}

// SettingValue returns the value of key in settings, or its default.
func SettingValue(settings map[string]string, key string) string {
	if v, ok := settings[key]; ok {
		return v
	}
	d, _ := FindSettingDef(key)
	return d.Default
}
