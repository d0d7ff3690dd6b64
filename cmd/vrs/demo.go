package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"vrs"
	"vrs/demo"
)

func cmdDemo(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("demo", "[--addr ADDR] [--data-dir DIR] [--records N] [--seed S] [--no-serve]", `
Runs a demo installation: Bali Process member countries with their
agencies and one user per role, each with a freshly generated password
that is printed once, and --records synthetic incidents of every type on
the region's routes over the last five years (generated names only; the
same --seed gives the same incidents). Without --data-dir the demo lives in a new temporary
directory, removed when it stops; with --data-dir it is kept, and a later
run on the same directory serves it again without adding anything.
VRS_DATA_DIR and VRS_DB are ignored here, so that a demo never touches a
real installation.`)
	var cfg Config
	serveFlags(c, fs, &cfg)
	fs.StringVar(&cfg.DataDir, "data-dir", "", "data directory to keep the demo in (default: a new temporary directory)")
	records := fs.Int("records", DemoRecords, "how many incidents to generate")
	seed := fs.Int64("seed", 1, "seed of the incident generator")
	noServe := fs.Bool("no-serve", false, "create the demo and exit without serving it (needs --data-dir)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *records < 0 {
		return usagef("--records must not be negative")
	}
	temporary := cfg.DataDir == ""
	if *noServe && temporary {
		return usagef("--no-serve needs --data-dir")
	}
	if temporary {
		dir, err := os.MkdirTemp("", "vrs-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir = dir
	}
	m := c.newMain(cfg)
	defer m.Close()
	if err := m.Lock(); err != nil {
		return err
	}
	if err := m.OpenStore(ctx, true); err != nil {
		return err
	}
	sys := system(ctx)
	agencies, err := m.DB.ListAgencies(sys, vrs.AgencyFilter{})
	if err != nil {
		return err
	}
	var accounts []demo.Account
	if len(agencies) == 0 {
		if accounts, err = demo.Seed(sys, m.DB, m.Hasher); err != nil {
			return err
		}
		if err := c.demoData(sys, m, accounts, *records, *seed); err != nil {
			return err
		}
	}
	if *noServe {
		return nil
	}
	return serve(ctx, m, func(m *Main) {
		c.demoBanner(c.stdout, m, accounts, temporary)
	})
}

// DemoRecords is how many incidents a new demo holds unless --records says
// otherwise: enough for every page to look real, stored in about a second.
const DemoRecords = 5000

// demoData creates the demo's sharing groups, generates and stores n
// incidents for the demo agencies, detected up to today, and makes the
// demo's agreements between countries. The focal points among accounts
// act for their countries; the installation acts for the others.
func (c *cli) demoData(ctx context.Context, m *Main, accounts []demo.Account, n int, seed int64) error {
	agencies, err := m.DB.ListAgencies(ctx, vrs.AgencyFilter{})
	if err != nil {
		return err
	}
	as := func(country string) context.Context {
		for _, a := range accounts {
			if a.User.Country == country && a.User.HasRole(vrs.RoleFocalPoint) {
				return vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, a.User), vrs.RequestMeta{Via: "cli"})
			}
		}
		return ctx
	}
	start := time.Now()
	var st demo.SharingStore = m.DB
	stored := demo.StoredAgencies(agencies)
	groups, err := demo.SeedGroups(as, st, stored)
	if err != nil {
		return err
	}
	if n > 0 {
		g := demo.NewGenerator(seed, start.UTC(), stored)
		g.UseGroups(groups)
		last := start
		err = demo.LoadIncidents(ctx, m.DB, g, n, func(done int) {
			if time.Since(last) > 5*time.Second {
				last = time.Now()
				fmt.Fprintf(c.stderr, "demo: %d of %d incidents stored\n", done, n)
			}
		})
		if err != nil {
			return err
		}
	}
	agreements, err := demo.SeedAgreements(as, st, start.UTC())
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Demo data: %d incidents (seed %d), %d sharing groups, %d agreements in %.1f s.\n",
		n, seed, len(groups), len(agreements), time.Since(start).Seconds())
	return nil
}

// demoBanner prints the URL and, for a new demo, the users and passwords.
func (c *cli) demoBanner(w io.Writer, m *Main, accounts []demo.Account, temporary bool) {
	fmt.Fprintf(w, "\nVRS demo: open %s\n\n", m.URL())
	if len(accounts) == 0 {
		fmt.Fprintf(w, "%s already holds an installation: serving it as it is, without adding demo data.\n", m.Config.DataDir)
		fmt.Fprintf(w, "Its users sign in with the passwords they were given (a demo's were shown when it was created).\n\n")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  USER NAME\tROLE\tAGENCY\tPASSWORD")
	for _, a := range accounts {
		role := ""
		if len(a.User.Roles) > 0 {
			role = c.cat.T("en", "role."+string(a.User.Roles[0]))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s (%s)\t%s\n", a.User.Name, role, a.User.AgencyName, a.User.Country, a.Password)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The national focal point and the administrator set up a second factor (an")
	fmt.Fprintln(w, "authenticator app, TOTP) at their first sign-in; the others sign in with")
	fmt.Fprintln(w, "their password only. These passwords are shown only now.")
	if temporary {
		fmt.Fprintf(w, "\nThe demo lives in %s and is removed when it stops;\nrun 'vrs demo --data-dir DIR' to keep one.\n", m.Config.DataDir)
	} else {
		fmt.Fprintf(w, "\nThe demo is kept in %s.\n", m.Config.DataDir)
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}
