package main

import (
	"context"
	"fmt"
)

func cmdAuditVerify(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("audit verify", "[--data-dir DIR] [--db DSN]", `
Walks the whole audit log and checks its hash chain. Prints
"audit log intact: N entries, head HASH" and exits 0, or names the first
broken entry ("audit log broken at entry N: edited|deleted|reordered") and
exits 1.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	v, err := m.DB.VerifyAudit(system(ctx))
	if err != nil {
		return err
	}
	if p := v.Problem; p != nil {
		fmt.Fprintf(c.stderr, "audit log broken at entry %d: %s\n", p.Seq, p.Kind)
		return errFailed
	}
	fmt.Fprintf(c.stdout, "audit log intact: %d entries, head %s\n", v.Entries, v.Head)
	return nil
}
