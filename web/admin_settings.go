package web

import (
	"net/http"
	"slices"
	"strconv"

	"vrs"
	"vrs/access"
)

type settingRow struct {
	Def   vrs.SettingDef
	ID    string
	Value string
	Error string
	// Choices are the values of a setting that has a fixed set, shown
	// as a select.
	Choices []option
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	s.renderSettings(w, r, http.StatusOK, nil, nil)
}

// renderSettings shows every setting; submitted values and their errors
// (by key) take the place of the stored ones after a failed save.
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, submitted, errs map[string]string) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := access.ManageInstallation(u); err != nil {
		s.error(w, r, err)
		return
	}
	stored, err := s.store.Settings(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	var rows []settingRow
	for i, d := range vrs.SettingDefs {
		row := settingRow{Def: d, ID: "setting-" + strconv.Itoa(i), Value: vrs.SettingValue(stored, d.Key), Error: errs[d.Key]}
		if v, ok := submitted[d.Key]; ok {
			row.Value = v
		}
		for _, c := range d.Choices {
			row.Choices = append(row.Choices, option{Value: c, Label: s.settingChoice(r, d.Key, c), Selected: c == row.Value})
		}
		if len(d.Choices) > 0 && !slices.Contains(d.Choices, row.Value) {
			// A refused value stays visible next to its error.
			row.Choices = append(row.Choices, option{Value: row.Value, Label: row.Value, Selected: true})
		}
		rows = append(rows, row)
	}
	p := s.newPage(r, "admin.settings.title")
	p.Flash = s.flash(r)
	p.Data = rows
	s.render(w, r, status, "admin_settings", p)
}

// settingChoice names one value of a setting with choices: its label in
// the catalogue if it has one, else the value itself.
func (s *Server) settingChoice(r *http.Request, key, value string) string {
	k := "admin.setting_choice." + key + "." + value
	if s.cat.Has("en", k) {
		return s.tr(r, k)
	}
	return value
}

// settingsSave stores each changed setting; the store logs each change.
// All values are checked first, so that a bad one changes nothing. A
// setting the form does not send is left as it is.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	submitted, errs := map[string]string{}, map[string]string{}
	for _, d := range vrs.SettingDefs {
		if _, sent := r.PostForm[d.Key]; !sent {
			continue
		}
		v := r.PostFormValue(d.Key)
		submitted[d.Key] = v
		if _, err := vrs.ValidateSetting(d.Key, v); err != nil {
			_, fields := s.cat.Error(stateOf(r).lang, err)
			errs[d.Key] = fields[d.Key]
		}
	}
	if len(errs) > 0 {
		s.renderSettings(w, r, http.StatusBadRequest, submitted, errs)
		return
	}
	stored, err := s.store.Settings(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, d := range vrs.SettingDefs {
		v, sent := submitted[d.Key]
		if clean, _ := vrs.ValidateSetting(d.Key, v); !sent || clean == vrs.SettingValue(stored, d.Key) {
			continue // a default is not stored until it changes
		}
		if err := s.store.SetSetting(r.Context(), d.Key, v); err != nil {
			s.error(w, r, err)
			return
		}
	}
	seeOther(w, r, "/admin/settings", "settings_saved")
}

// setting reads one installation setting, falling back to its default when
// the store cannot answer (a page still renders without it).
func (s *Server) setting(r *http.Request, key string) string {
	stored, err := s.store.Settings(r.Context())
	if err != nil {
		s.log.Warn("read settings", "err", err)
	}
	return vrs.SettingValue(stored, key)
}
