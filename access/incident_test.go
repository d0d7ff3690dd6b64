package access

import (
	"slices"
	"testing"

	"vrs"
)

// TestIncidentSQL: the compiled rule leaves out a view clause the work
// agencies cover, and the branches of a list are disjoint.
func TestIncidentSQL(t *testing.T) {
	tests := []struct {
		name     string
		u        *vrs.User
		pred     string
		branches []string
		args     []any
	}{
		{"Nobody", nil, "FALSE", nil, nil},
		{"System", &vrs.User{System: true}, "TRUE", []string{"TRUE"}, nil},
		{"ReporterOwnAgencyView",
			&vrs.User{AgencyID: 7, Country: "TH", Roles: []vrs.Role{vrs.RoleReporter}, ViewScope: vrs.ViewAgency},
			"(i.agency_id IN ($1))", []string{"i.agency_id = $1"}, []any{int64(7)}},
		{"ReviewerAnalystCountryView",
			&vrs.User{AgencyID: 7, Country: "TH", Roles: []vrs.Role{vrs.RoleReviewer, vrs.RoleAnalyst}, ViewScope: vrs.ViewCountry},
			"(i.agency_id IN ($1) OR (i.country = $2 AND i.status = 'validated'))",
			[]string{"i.agency_id = $1", "(i.country = $2 AND i.status = 'validated' AND i.agency_id NOT IN ($3))"},
			[]any{int64(7), "TH", int64(7)}},
		{"ReporterTwoAgenciesOtherView",
			&vrs.User{AgencyID: 7, CaptureAgencyIDs: []int64{8, 9, 8}, Roles: []vrs.Role{vrs.RoleReporter, vrs.RoleAnalyst}, ViewScope: vrs.ViewAgency},
			"(i.agency_id IN ($1, $2, $3) OR (i.agency_id = $4 AND i.status = 'validated'))",
			[]string{"i.agency_id = $1", "i.agency_id = $2", "(i.agency_id = $3 AND i.status = 'validated')"},
			[]any{int64(8), int64(9), int64(7)}},
		{"AnalystNoCountry", &vrs.User{AgencyID: 7, Roles: []vrs.Role{vrs.RoleAnalyst}, ViewScope: vrs.ViewCountry}, "FALSE", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []any
			if got := IncidentPredicate(tt.u, &args); got != tt.pred {
				t.Errorf("predicate = %s, want %s", got, tt.pred)
			}
			args = nil
			if got := IncidentBranches(tt.u, &args); !slices.Equal(got, tt.branches) || !slices.Equal(args, tt.args) {
				t.Errorf("branches = %q %v, want %q %v", got, args, tt.branches, tt.args)
			}
		})
	}
}
