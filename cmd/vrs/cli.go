package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"vrs"
	"vrs/auth"
	"vrs/i18n"
)

// cli is one invocation: its streams, environment and catalogue. Tests
// build one directly, with their own buffers and environment.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	cat            *i18n.Catalog
	// hashParams are the argon2id parameters (zero: the default); tests
	// make hashing cheap.
	hashParams auth.Params
	// sweep overrides how often the server deletes expired sessions.
	sweep time.Duration
}

// command is one subcommand. Each lives in its own file.
type command struct {
	name    string // "serve", "user add"
	summary string
	run     func(ctx context.Context, c *cli, args []string) error
}

// commands in the order usage lists them.
var commands = []command{
	{"serve", "run the web server and API", cmdServe},
	{"demo", "run a demo installation with one user per role", cmdDemo},
	{"agency add", "add an agency; prints its id", cmdAgencyAdd},
	{"agency list", "list agencies", cmdAgencyList},
	{"user add", "add a user, password on standard input; prints its id", cmdUserAdd},
	{"user passwd", "set a user's password, read from standard input", cmdUserPasswd},
	{"user disable", "disable a user's account and end their sessions", cmdUserDisable},
	{"user enable", "enable a user's account", cmdUserEnable},
	{"user list", "list users", cmdUserList},
	{"token create", "create an API token for a user; prints it once", cmdTokenCreate},
	{"audit verify", "check the audit log's hash chain", cmdAuditVerify},
	{"import", "import incidents from a CSV, XLSX or JSON Lines file (dry run unless --commit)", cmdImport},
	{"backup", "write a consistent copy of a SQLite store, while it runs", cmdBackup},
	{"restore", "replace a SQLite store with a backup, server stopped", cmdRestore},
	{"export", "write the incidents a filter selects as JSON Lines, CSV or XLSX", cmdExport},
	{"keys status", "show the key-encryption key's id and the data keys", cmdKeysStatus},
	{"keys rotate", "move the data keys to a new key-encryption key", cmdKeysRotate},
	{"bench api", "measure GET /api/v1/me with an API token on this machine", cmdBenchAPI},
	{"bench ready", "measure how soon a new server answers /healthz", cmdBenchReady},
	{"bench create", "measure incident creation through the API on this machine", cmdBenchCreate},
	{"bench list", "measure incident list queries on a filled store", cmdBenchList},
	{"bench sharing", "measure what the access rule adds to the incident list", cmdBenchSharing},
	{"bench import", "measure imports of a large flat file against the raw load", cmdBenchImport},
	{"bench analysis", "measure statistics queries (pivots) and writes on a large generated data set", cmdBenchAnalysis},
}

// run is the whole program: it returns the exit status (0 ok, 1 failed,
// 2 usage error).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, cat: i18n.MustLoad()}
	return c.run(ctx, args)
}

func (c *cli) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		c.usage(c.stderr)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		if len(args) > 1 {
			if cmd, _ := lookup(args[1:]); cmd != nil {
				return c.exec(ctx, cmd, []string{"-h"})
			}
			fmt.Fprintf(c.stderr, "vrs: unknown command %q\n\n", strings.Join(args[1:], " "))
			c.usage(c.stderr)
			return 2
		}
		c.usage(c.stdout)
		return 0
	}
	cmd, rest := lookup(args)
	if cmd == nil && len(args) > 0 {
		if verbs := subcommands(args[0]); len(verbs) > 0 {
			fmt.Fprintf(c.stderr, "vrs %s: give one of: %s\n", args[0], strings.Join(verbs, ", "))
			fmt.Fprintf(c.stderr, "Run 'vrs help' for usage.\n")
			return 2
		}
	}
	if cmd == nil {
		fmt.Fprintf(c.stderr, "vrs: unknown command %q\n\n", strings.Join(args[:min(2, len(args))], " "))
		c.usage(c.stderr)
		return 2
	}
	return c.exec(ctx, cmd, rest)
}

// lookup finds the command named by the first one or two words of args.
func lookup(args []string) (*command, []string) {
	for i := range commands {
		words := strings.Fields(commands[i].name)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			return &commands[i], args[len(words):]
		}
	}
	return nil, nil
}

// subcommands lists the verbs of a two-word command group ("user").
func subcommands(group string) []string {
	var verbs []string
	for _, cmd := range commands {
		if g, verb, ok := strings.Cut(cmd.name, " "); ok && g == group {
			verbs = append(verbs, verb)
		}
	}
	return verbs
}

// exec runs cmd and turns its error into one line on stderr and an exit status.
func (c *cli) exec(ctx context.Context, cmd *command, args []string) int {
	err := cmd.run(ctx, c, args)
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintf(c.stderr, "vrs %s: %s\n", cmd.name, ue.msg)
		}
		fmt.Fprintf(c.stderr, "Run 'vrs %s -h' for usage.\n", cmd.name)
		return 2
	case errors.Is(err, errFailed):
		return 1 // the command has said why
	}
	fmt.Fprintf(c.stderr, "vrs %s: %s\n", cmd.name, c.message(err))
	return 1
}

// errFailed ends a command that has already printed why it failed.
var errFailed = errors.New("failed")

// usageError is a wrong invocation: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// message renders err as one line: VRS errors through the catalogue's
// English, with the message for each offending field; other errors (files,
// network) by their own text, which on the command line is the operator's
// to read.
func (c *cli) message(err error) string {
	var msg string
	var ve *vrs.Error
	if errors.As(err, &ve) && ve.Code != vrs.EINTERNAL {
		var fields map[string]string
		msg, fields = c.cat.Error(i18n.Fallback, ve)
		names := make([]string, 0, len(fields))
		for f := range fields {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			msg += " " + f + ": " + fields[f]
		}
	} else {
		msg = err.Error()
	}
	return strings.Join(strings.Fields(msg), " ")
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprint(w, `vrs: the Voluntary Reporting System

Usage: vrs <command> [flags]

Commands:
`)
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %-14s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintf(w, "  %-14s %s\n", "help", "show this help; 'vrs help <command>' shows a command's flags")
	fmt.Fprint(w, `
Run 'vrs <command> -h' for a command's flags.

Flags fall back to the environment: VRS_ADDR (--addr), VRS_DATA_DIR
(--data-dir), VRS_DB (--db), VRS_KEY_FILE (--key-file). VRS_KEK, a base64
key-encryption key, replaces the key file. Administration commands act as
the installation itself and are recorded in the audit log (via "cli").
`)
}

// flagSet returns a FlagSet for cmd whose -h prints synopsis and about.
func (c *cli) flagSet(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("vrs "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: vrs %s %s\n\n%s\n", name, synopsis, strings.TrimSpace(about))
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(fs.Output(), "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses args. On -h it prints the command's usage; on a bad flag
// the flag package prints one line and exec adds where to find the usage.
func parse(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return err
		}
		return &usageError{}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// need reports the first of the named flags left empty.
func need(flags ...[2]string) error {
	for _, f := range flags {
		if strings.TrimSpace(f[1]) == "" {
			return usagef("--%s is required", f[0])
		}
	}
	return nil
}

// env returns the environment variable name, or def when it is unset.
func (c *cli) env(name, def string) string {
	if v := c.getenv(name); v != "" {
		return v
	}
	return def
}

// storeFlags adds --data-dir and --db, with their environment fallbacks.
// A --data-dir given on the command line wins over VRS_DB from the
// environment: otherwise `--data-dir test` could write to the store VRS_DB
// names. Only --db itself overrides --data-dir.
func (c *cli) storeFlags(fs *flag.FlagSet, cfg *Config) {
	cfg.DataDir = c.env("VRS_DATA_DIR", DefaultDataDir)
	envDB := c.env("VRS_DB", "")
	cfg.DB = envDB
	dbSet := false
	fs.Func("data-dir", "data directory: holds vrs.db and the lock file (env VRS_DATA_DIR)", func(v string) error {
		cfg.DataDir = v
		if !dbSet {
			cfg.DB = ""
		}
		return nil
	})
	fs.Func("db", "store: a postgres:// URL or a SQLite file (default <data-dir>/vrs.db) (env VRS_DB)", func(v string) error {
		cfg.DB, dbSet = v, true
		return nil
	})
	keyFlags(c, fs, cfg)
}

// newMain returns a Main for cfg that logs as text to stderr.
func (c *cli) newMain(cfg Config) *Main {
	cfg.HashParams = c.hashParams
	cfg.SessionSweep = c.sweep
	return NewMain(cfg, slog.New(slog.NewTextHandler(c.stderr, nil)), c.cat)
}

// openStore opens an existing store for an administration command; create
// allows a new one (agency add starts an installation).
func (c *cli) openStore(ctx context.Context, cfg Config, create bool) (*Main, error) {
	m := c.newMain(cfg)
	if err := m.OpenStore(ctx, create); err != nil {
		m.Close() // release the use lock
		return nil, err
	}
	return m, nil
}

// system is the context of every command: the installation itself, via cli.
func system(ctx context.Context) context.Context {
	return vrs.NewContextWithMeta(vrs.NewContextWithUser(ctx, vrs.SystemUser), vrs.RequestMeta{Via: "cli"})
}
