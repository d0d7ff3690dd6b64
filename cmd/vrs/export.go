package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"vrs"
	"vrs/export"
	"vrs/refdata"
	"vrs/web"
)

func cmdExport(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("export", "[--data-dir DIR] [--db DSN] [--user NAME] [--purpose P] [--format F] [--out FILE] [filters]", `
Writes the incidents that the filters select to FILE (or standard output),
as the named user may read them: through the access rule, other
countries' records pseudonymised unless a purpose is stated. Without
--user, the installation itself exports every incident in full. The export
is recorded in the audit log (via "cli").

Formats: jsonl (one incident per line, as the API represents it; the form
an import takes back), csv (a ZIP of CSV tables joined by incident_id),
xlsx (the same tables as sheets). A file is written whole or not at all.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	user := fs.String("user", "", "export as this user (default: the installation)")
	purpose := fs.String("purpose", "", "purpose of reading other countries' records in full: "+strings.Join(vrs.Purposes, ", "))
	format := fs.String("format", export.JSONL, "file format: "+strings.Join(export.Names(), ", "))
	out := fs.String("out", "", "file to write (default: standard output)")
	var f vrs.IncidentFilter
	fs.Func("type", "incident types, comma-separated: "+strings.Join(strs(vrs.IncidentTypes), ", "), func(v string) error {
		for _, t := range splitList(v) {
			if !slices.Contains(vrs.IncidentTypes, vrs.IncidentType(t)) {
				return fmt.Errorf("unknown incident type %q", t)
			}
			f.Types = append(f.Types, vrs.IncidentType(t))
		}
		return nil
	})
	fs.Func("status", "statuses, comma-separated: "+strings.Join(strs(vrs.IncidentStatuses), ", "), func(v string) error {
		for _, s := range splitList(v) {
			if !slices.Contains(vrs.IncidentStatuses, vrs.IncidentStatus(s)) {
				return fmt.Errorf("unknown status %q", s)
			}
			f.Statuses = append(f.Statuses, vrs.IncidentStatus(s))
		}
		return nil
	})
	day := func(to *string) func(string) error {
		return func(v string) error {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				return fmt.Errorf("%q is not a date YYYY-MM-DD", v)
			}
			*to = v
			return nil
		}
	}
	fs.Func("from", "detected on or after (YYYY-MM-DD)", day(&f.From))
	fs.Func("to", "detected on or before (YYYY-MM-DD)", day(&f.To))
	country := func(to *string) func(string) error {
		return func(v string) error {
			v = strings.ToUpper(strings.TrimSpace(v))
			if !refdata.HasCode("country", v) {
				return fmt.Errorf("%q is not an ISO 3166-1 alpha-2 country code", v)
			}
			*to = v
			return nil
		}
	}
	fs.Func("country", "country of the reporting agency (alpha-2)", country(&f.Country))
	fs.Func("nationality", "nationality of any person (alpha-2)", country(&f.Nationality))
	fs.Func("route-country", "country of any route leg or of the place (alpha-2)", country(&f.RouteCountry))
	if err := parse(fs, args); err != nil {
		return err
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		return usagef("--to is before --from")
	}
	ft, ok := export.Lookup(*format)
	if !ok {
		return usagef("unknown format %q; use one of: %s", *format, strings.Join(export.Names(), ", "))
	}
	if *purpose != "" {
		name, _, _ := strings.Cut(*purpose, ":")
		if !slices.Contains(vrs.Purposes, strings.TrimSpace(name)) {
			return usagef("unknown purpose %q; use one of: %s", name, strings.Join(vrs.Purposes, ", "))
		}
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	actx := system(ctx)
	if *user != "" {
		u, err := m.DB.FindUserByName(actx, *user)
		if vrs.ErrorCode(err) == vrs.ENOTFOUND {
			return vrs.Errorf(vrs.EINVALID, "cli.user_unknown", *user)
		}
		if err != nil {
			return err
		}
		if u.Disabled {
			return vrs.Errorf(vrs.EINVALID, "export.error.user_disabled", u.Name)
		}
		actx = vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, u), vrs.RequestMeta{Via: "cli"})
	}
	if *purpose != "" {
		actx = vrs.NewContextWithPurpose(actx, strings.TrimSpace(*purpose))
	}
	svc := &countingExport{ExportService: m.DB}
	if *out == "" {
		return web.Export(actx, svc, f, ft, c.stdout)
	}
	if err := writeWhole(*out, func(w *os.File) error { return web.Export(actx, svc, f, ft, w) }); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "Exported %d incidents to %s.\n", svc.n, *out)
	return nil
}

// writeWhole writes a file next to path and renames it into place once
// complete, so that a failed export leaves no truncated file behind.
func writeWhole(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// countingExport counts the incidents that went out.
type countingExport struct {
	vrs.ExportService
	n int
}

func (c *countingExport) ExportIncidents(ctx context.Context, f vrs.IncidentFilter, fn func(*vrs.Incident) error) error {
	return c.ExportService.ExportIncidents(ctx, f, func(inc *vrs.Incident) error {
		c.n++
		return fn(inc)
	})
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
