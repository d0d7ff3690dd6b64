package main

import (
	"context"
	"fmt"
	"time"

	"vrs"
	"vrs/auth"
	"vrs/web"
)

func cmdTokenCreate(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("token create", "--user USER [--name NAME] [--days N] [--data-dir DIR] [--db DSN]", `
Creates an API token that acts with the user's rights and prints it, alone
on one line, once: VRS keeps only its hash. Programs send it as
'Authorization: Bearer <token>'. Users revoke their tokens on their
account page.

  TOKEN=$(vrs token create --user th.analyst --name nightly-export --days 90)`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	user := fs.String("user", "", "the user the token acts for")
	name := fs.String("name", "cli", "what the token is for, shown on the user's account page")
	days := fs.Int("days", 0, fmt.Sprintf("days until the token expires, 1 to %d (default: never)", web.MaxTokenDays))
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := need([2]string{"user", *user}); err != nil {
		return err
	}
	if *days < 0 || *days > web.MaxTokenDays {
		return vrs.Errorf(vrs.EINVALID, "cli.token_days", web.MaxTokenDays)
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	u, err := findUser(ctx, m, *user)
	if err != nil {
		return err
	}
	plain, prefix, hash := auth.NewAPIToken()
	tok := &vrs.APIToken{UserID: u.ID, Name: *name, Prefix: prefix, Hash: hash}
	if *days > 0 {
		exp := time.Now().Add(time.Duration(*days) * 24 * time.Hour)
		tok.ExpiresAt = &exp
	}
	if err := m.DB.CreateToken(system(ctx), tok); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, plain)
	return nil
}
