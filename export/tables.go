package export

import (
	"strconv"
	"strings"
	"time"

	"vrs"
)

// A table is one CSV file or one sheet: its columns and the rows one
// incident gives it. A row's cells are string (text, neutralised when
// written), int, int64, float64, bool or nil (empty).
type table struct {
	name   string
	header []string
	rows   func(inc *vrs.Incident, emit func(row []any) error) error
}

// multi joins a multi-valued field: codes never hold a semicolon.
func multi(vs []string) string { return strings.Join(vs, ";") }

func optInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func optFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func optID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func ids(vs []int64) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.FormatInt(v, 10)
	}
	return strings.Join(s, ";")
}

// childHeader starts every related table: the rows join the incidents
// table on incident_id (or the reference, within an agency).
var childHeader = []string{"incident_id", "incident_reference"}

func child(cols ...string) []string { return append(append([]string{}, childHeader...), cols...) }

// tables are the tables of the CSV and XLSX forms, in file order.
var tables = []table{
	{"incidents", []string{"id", "reference", "agency_id", "agency_name", "country", "type", "status", "version",
		"occurred_on", "detected_on", "reported_on", "place_country", "place_admin_area", "place_name", "place_kind", "place_lat", "place_lon",
		"narrative", "source", "offence_codes", "proceedings", "persons_involved", "review_note",
		"tlp", "distribution", "share_countries", "share_groups", "narrative_shareable", "granularity", "purpose_required",
		"created_by", "created_at", "updated_by", "updated_by_name", "updated_at"},
		func(inc *vrs.Incident, emit func([]any) error) error {
			return emit([]any{inc.ID, inc.Reference, inc.AgencyID, inc.AgencyName, inc.Country, string(inc.Type), string(inc.Status), inc.Version,
				inc.OccurredOn, inc.DetectedOn, inc.ReportedOn, inc.Place.Country, inc.Place.AdminArea, inc.Place.Name, inc.Place.Kind,
				optFloat(inc.Place.Lat), optFloat(inc.Place.Lon),
				inc.Narrative, inc.Source, multi(inc.OffenceCodes), inc.Proceedings, optInt(inc.PersonsInvolved), inc.ReviewNote,
				string(inc.TLP), string(inc.Distribution), multi(inc.ShareCountries), ids(inc.ShareGroups), inc.NarrativeShareable,
				granularity(inc.Granularity), inc.PurposeRequired,
				optID(inc.CreatedBy), optTime(inc.CreatedAt), optID(inc.UpdatedBy), inc.UpdatedName, optTime(inc.UpdatedAt)})
		}},
	{"persons", child("key", "role", "perpetrator_roles", "sex", "age", "age_group", "nationalities", "status",
		"trafficking_status", "exploitation", "sex_exploitation", "labour_sector", "control_methods", "recruitment_methods",
		"name", "aliases", "date_of_birth"),
		func(inc *vrs.Incident, emit func([]any) error) error {
			for _, p := range inc.Persons {
				err := emit([]any{inc.ID, inc.Reference, p.Key, p.Role, multi(p.PerpetratorRoles), p.Sex, optInt(p.Age), p.AgeGroup,
					multi(p.Nationalities), p.Status, p.TraffickingStatus, multi(p.Exploitation), multi(p.SexExploitation), p.LabourSector,
					multi(p.ControlMethods), multi(p.RecruitmentMethods), p.Name, strings.Join(p.Aliases, "; "), p.DateOfBirth})
				if err != nil {
					return err
				}
			}
			return nil
		}},
	// A person's identifiers are a list of their own: a row each, joined
	// on the person's key.
	{"identifiers", child("person", "seq", "kind", "value", "country"),
		func(inc *vrs.Incident, emit func([]any) error) error {
			for _, p := range inc.Persons {
				for i, id := range p.Identifiers {
					if err := emit([]any{inc.ID, inc.Reference, p.Key, i + 1, id.Kind, id.Value, id.Country}); err != nil {
						return err
					}
				}
			}
			return nil
		}},
	{"legs", child("seq", "country", "place", "role", "mode", "departed_on", "arrived_on"),
		func(inc *vrs.Incident, emit func([]any) error) error {
			for i, l := range inc.Legs {
				if err := emit([]any{inc.ID, inc.Reference, i + 1, l.Country, l.Place, l.Role, l.Mode, l.DepartedOn, l.ArrivedOn}); err != nil {
					return err
				}
			}
			return nil
		}},
	{"transactions", child("seq", "payer", "payee", "amount", "currency", "date", "method", "purpose", "payer_account", "payee_account"),
		func(inc *vrs.Incident, emit func([]any) error) error {
			for i, t := range inc.Transactions {
				err := emit([]any{inc.ID, inc.Reference, i + 1, t.PayerKey, t.PayeeKey, t.Amount, t.Currency, t.Date, t.Method, t.Purpose,
					t.PayerAccount, t.PayeeAccount})
				if err != nil {
					return err
				}
			}
			return nil
		}},
	{"organisations", child("key", "name", "kind", "country", "registration"),
		func(inc *vrs.Incident, emit func([]any) error) error {
			for _, o := range inc.Organisations {
				if err := emit([]any{inc.ID, inc.Reference, o.Key, o.Name, o.Kind, o.Country, o.Registration}); err != nil {
					return err
				}
			}
			return nil
		}},
	{"vehicles", child("key", "kind", "name", "registration", "flag", "description"),
		func(inc *vrs.Incident, emit func([]any) error) error {
			for _, v := range inc.Vehicles {
				if err := emit([]any{inc.ID, inc.Reference, v.Key, v.Kind, v.Name, v.Registration, v.Flag, v.Description}); err != nil {
					return err
				}
			}
			return nil
		}},
	{"documents", child("seq", "type", "issuing_country", "fraud_type", "holder", "number"),
		func(inc *vrs.Incident, emit func([]any) error) error {
			for i, d := range inc.Documents {
				if err := emit([]any{inc.ID, inc.Reference, i + 1, d.Type, d.IssuingCountry, d.FraudType, d.HolderKey, d.Number}); err != nil {
					return err
				}
			}
			return nil
		}},
	{"counts", child("seq", "role", "nationality", "sex", "age_group", "status", "count"),
		func(inc *vrs.Incident, emit func([]any) error) error {
			for i, c := range inc.Counts {
				if err := emit([]any{inc.ID, inc.Reference, i + 1, c.Role, c.Nationality, c.Sex, c.AgeGroup, c.Status, c.Count}); err != nil {
					return err
				}
			}
			return nil
		}},
}

// granularity names how much of the record the reader saw.
func granularity(g vrs.Granularity) string {
	if g == vrs.GranNone {
		return ""
	}
	return g.String()
}

// text is a cell as CSV writes it: text neutralised, numbers plain.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return Neutralise(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	panic("export: cell of unexpected type")
}
