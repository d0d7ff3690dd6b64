package vrs

import (
	"slices"
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
	// Choices, when set, are the only values allowed.
	Choices []string
}

// Setting keys.
const (
	// SettingName names the installation in page titles and in
	// authenticator apps.
	SettingName = "installation.name"
	// SettingSignInNotice is shown above the sign-in form (terms of use,
	// "authorised users only").
	SettingSignInNotice = "signin.notice"
	// SettingReciprocity: "on" means a country that contributes no
	// validated record beyond its borders sees no other country's records.
	SettingReciprocity = "sharing.reciprocity"
	// SettingCoordinateDecimals is how many decimals of latitude and
	// longitude a pseudonymised record keeps (1 is about 11 km).
	SettingCoordinateDecimals = "sharing.coordinate_decimals"
	// SettingStatsMinCell is the small-cell threshold k of statistics:
	// counts from 1 to k-1 are withheld from views that may include
	// another country's records (package pivot).
	SettingStatsMinCell = "stats.min_cell"
)

// SettingDefs lists every setting in display order.
var SettingDefs = []SettingDef{
	{Key: SettingName, Default: "VRS", MaxLen: 60},
	{Key: SettingSignInNotice, Default: "", MaxLen: 1000, Multiline: true},
	{Key: SettingReciprocity, Default: "on", MaxLen: 3, Choices: []string{"on", "off"}},
	{Key: SettingCoordinateDecimals, Default: "1", MaxLen: 1, Choices: []string{"0", "1", "2"}},
	{Key: SettingStatsMinCell, Default: "5", MaxLen: 2, Choices: []string{"3", "5", "10", "20"}},
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
	if len(d.Choices) > 0 && !slices.Contains(d.Choices, value) {
		return "", FieldErrors(map[string]string{key: "field.setting_choice"})
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
