package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"vrs"
)

func cmdAgencyAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("agency add", "--country XX --name NAME --kind KIND [--data-dir DIR] [--db DSN]", `
Adds an agency to a country and prints its id. Creates the store if the
data directory holds none yet, so that an installation can be set up
before its first start.

Kinds: `+kindList())
	var cfg Config
	c.storeFlags(fs, &cfg)
	country := fs.String("country", "", "ISO 3166-1 alpha-2 code of the agency's country (TH)")
	name := fs.String("name", "", "the agency's name, as its staff know it")
	kind := fs.String("kind", "", "what the agency does: one of the kinds above")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := need([2]string{"country", *country}, [2]string{"name", *name}, [2]string{"kind", *kind}); err != nil {
		return err
	}
	k := vrs.AgencyKind(strings.TrimSpace(*kind))
	if !k.Valid() {
		return vrs.Errorf(vrs.EINVALID, "cli.kind_unknown", *kind, kindList())
	}
	m, err := c.openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer m.Close()
	a := &vrs.Agency{Country: *country, Name: *name, Kind: k}
	if err := m.DB.CreateAgency(system(ctx), a); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, a.ID)
	return nil
}

func cmdAgencyList(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("agency list", "[--country XX] [--data-dir DIR] [--db DSN]", `
Lists agencies by country and name.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	country := fs.String("country", "", "only this country's agencies")
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	agencies, err := m.DB.ListAgencies(system(ctx), vrs.AgencyFilter{Country: *country})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOUNTRY\tKIND\tNAME\tSTATUS")
	for _, a := range agencies {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", a.ID, a.Country, a.Kind, a.Name, status(a.Disabled))
	}
	return tw.Flush()
}

func kindList() string {
	s := make([]string, len(vrs.AgencyKinds))
	for i, k := range vrs.AgencyKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func status(disabled bool) string {
	if disabled {
		return "disabled"
	}
	return "active"
}
