package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vrs"
	"vrs/auth"
)

func cmdUserAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("user add", "--country XX --agency NAME --role ROLE[,ROLE] --name USER [--full-name NAME] [--email ADDR] --password-stdin [--data-dir DIR] [--db DSN]", `
Adds a user to an agency and prints the user's id. The password is the
first line of standard input (at least 12 characters), never a flag, so
that it stays out of the shell history and the process list:

  printf '%s\n' "$PASSWORD" | vrs user add --country TH --agency "Royal Thai Police" \
      --role reporter --name th.reporter --password-stdin

National focal points and administrators set up a second factor at their
first sign-in.

Roles: `+roleList())
	var cfg Config
	c.storeFlags(fs, &cfg)
	country := fs.String("country", "", "ISO 3166-1 alpha-2 code of the agency's country")
	agency := fs.String("agency", "", "the agency's name, as 'vrs agency list' shows it")
	roles := fs.String("role", "", "role, or roles separated by commas")
	name := fs.String("name", "", "user name for signing in (lower case)")
	fullName := fs.String("full-name", "", "the person's full name")
	email := fs.String("email", "", "e-mail address")
	stdin := passwordFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := need([2]string{"country", *country}, [2]string{"agency", *agency}, [2]string{"role", *roles}, [2]string{"name", *name}); err != nil {
		return err
	}
	if !*stdin {
		return usagef("--password-stdin is required: give the password on standard input")
	}
	rs, err := parseRoles(*roles)
	if err != nil {
		return err
	}
	u := &vrs.User{Name: *name, FullName: *fullName, Email: *email, Roles: rs}
	u.Normalize()
	password, err := c.readPassword(u.Name)
	if err != nil {
		return err
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	sys := system(ctx)
	a, err := m.DB.FindAgencyByName(sys, *country, *agency)
	if vrs.ErrorCode(err) == vrs.ENOTFOUND {
		return vrs.Errorf(vrs.ENOTFOUND, "cli.agency_unknown", *agency, strings.ToUpper(*country))
	} else if err != nil {
		return err
	}
	u.AgencyID = a.ID
	// Check the user's fields before spending time on the hash.
	if err := u.Validate(); err != nil {
		return err
	}
	if u.PasswordHash, err = m.Hasher.Hash(ctx, password); err != nil {
		return err
	}
	if err := m.DB.CreateUser(sys, u); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, u.ID)
	return nil
}

func cmdUserPasswd(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("user passwd", "--name USER --password-stdin [--data-dir DIR] [--db DSN]", `
Sets a user's password to the first line of standard input and ends the
user's browser sessions.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	name := fs.String("name", "", "the user's name")
	stdin := passwordFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := need([2]string{"name", *name}); err != nil {
		return err
	}
	if !*stdin {
		return usagef("--password-stdin is required: give the password on standard input")
	}
	password, err := c.readPassword(strings.ToLower(strings.TrimSpace(*name)))
	if err != nil {
		return err
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	u, err := findUser(ctx, m, *name)
	if err != nil {
		return err
	}
	hash, err := m.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	if err := m.DB.SetPassword(system(ctx), u.ID, hash); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Password of %s changed; their sessions have ended.\n", u.Name)
	return nil
}

func cmdUserDisable(ctx context.Context, c *cli, args []string) error {
	return setDisabled(ctx, c, args, true)
}

func cmdUserEnable(ctx context.Context, c *cli, args []string) error {
	return setDisabled(ctx, c, args, false)
}

func setDisabled(ctx context.Context, c *cli, args []string, disabled bool) error {
	verb, about := "enable", "Enables a disabled user's account."
	if disabled {
		verb, about = "disable", "Disables a user's account: the user can no longer sign in, their sessions\nend and their API tokens stop working. Nothing they entered is removed."
	}
	fs := c.flagSet("user "+verb, "--name USER [--data-dir DIR] [--db DSN]", about)
	var cfg Config
	c.storeFlags(fs, &cfg)
	name := fs.String("name", "", "the user's name")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := need([2]string{"name", *name}); err != nil {
		return err
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	u, err := findUser(ctx, m, *name)
	if err != nil {
		return err
	}
	if _, err := m.DB.UpdateUser(system(ctx), u.ID, vrs.UserUpdate{Disabled: &disabled}); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(c.stdout, "%s is disabled; their sessions have ended.\n", u.Name)
	} else {
		fmt.Fprintf(c.stdout, "%s is enabled.\n", u.Name)
	}
	return nil
}

func cmdUserList(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("user list", "[--country XX] [--data-dir DIR] [--db DSN]", `
Lists users by name. 2FA says whether a second factor is set up ("due":
the user's role requires one, to be set up at the next sign-in).`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	country := fs.String("country", "", "only users of this country's agencies")
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	users, err := m.DB.ListUsers(system(ctx), vrs.UserFilter{Country: *country})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tFULL NAME\tCOUNTRY\tAGENCY\tROLES\t2FA\tSTATUS")
	for _, u := range users {
		second := "-"
		switch {
		case u.TOTPEnabled:
			second = "on"
		case u.NeedsSecondFactor():
			second = "due"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Name, dash(u.FullName), u.Country, u.AgencyName,
			roleText(u.Roles), second, status(u.Disabled))
	}
	return tw.Flush()
}

// findUser finds a user by name, with a message that names them.
func findUser(ctx context.Context, m *Main, name string) (*vrs.User, error) {
	u, err := m.DB.FindUserByName(system(ctx), name)
	if vrs.ErrorCode(err) == vrs.ENOTFOUND {
		return nil, vrs.Errorf(vrs.ENOTFOUND, "cli.user_unknown", strings.ToLower(strings.TrimSpace(name)))
	}
	return u, err
}

func passwordFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("password-stdin", false, "read the password from the first line of standard input (required)")
}

// maxPasswordLine bounds what is read from standard input.
const maxPasswordLine = 4096

// readPassword reads the first line of standard input and checks it. The
// password never appears in any output or error.
func (c *cli) readPassword(userName string) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(c.stdin, maxPasswordLine)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if err := auth.ValidatePassword(password, userName); err != nil {
		return "", err
	}
	return password, nil
}

func parseRoles(s string) ([]vrs.Role, error) {
	var roles []vrs.Role
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !vrs.Role(r).Valid() {
			return nil, vrs.Errorf(vrs.EINVALID, "cli.role_unknown", r, roleList())
		}
		roles = append(roles, vrs.Role(r))
	}
	if len(roles) == 0 {
		return nil, usagef("--role is required")
	}
	return roles, nil
}

func roleList() string { return strings.ReplaceAll(roleText(vrs.Roles), ",", ", ") }

func roleText(roles []vrs.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
