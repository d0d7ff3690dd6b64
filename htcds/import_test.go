package htcds

import "testing"

func TestLooks(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   bool
	}{
		{[]string{"prs_Gender", "prs_Citizenship", "vic_TraffickingStatus"}, true},
		{[]string{"\ufeffprs_Gender", "prs_Citizenship", "vic_TraffickingStatus", "other"}, true},
		{[]string{"prs_Gender", "name", "sex"}, false},
		{[]string{"vrs_Reference", "vrs_DetectedOn", "prs_Gender"}, false},
		{[]string{"reference", "persons[].name"}, false},
	} {
		if got := Looks(tc.header); got != tc.want {
			t.Errorf("Looks(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
	m := ImportMapping([]string{"prs_Gender"})
	if m.Defaults["type"] != "trafficking_in_persons" || m.Defaults["persons[].role"] != "victim" {
		t.Errorf("defaults: %v", m.Defaults)
	}
}
