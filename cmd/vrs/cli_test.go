package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vrs"
)

func TestUsage(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"Help", []string{"help"}, 0, "Usage: vrs <command>", ""},
		{"HelpFlag", []string{"-h"}, 0, "audit verify", ""},
		{"HelpCommand", []string{"help", "user", "add"}, 0, "", "Usage: vrs user add"},
		{"CommandHelpFlag", []string{"backup", "-h"}, 0, "", "-out"},
		{"ErrNoCommand", nil, 2, "", "Usage: vrs <command>"},
		{"ErrUnknownCommand", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"ErrUnknownHelp", []string{"help", "frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"ErrGroupWithoutVerb", []string{"user"}, 2, "", "give one of: add, passwd, disable, enable, list"},
		{"ErrUnknownVerb", []string{"agency", "remove"}, 2, "", "give one of: add, list"},
		{"ErrUnknownFlag", []string{"serve", "--bogus"}, 2, "", "Run 'vrs serve -h' for usage."},
		{"ErrExtraArgument", []string{"agency", "list", "extra"}, 2, "", `unexpected argument "extra"`},
		{"ErrMissingFlag", []string{"agency", "add", "--country", "TH"}, 2, "", "--name is required"},
		{"ErrTLSHalf", []string{"serve", "--tls-cert", "x.pem"}, 2, "", "--tls-key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := vrsRun(t, "", tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\nstderr: %s", r.code, tc.code, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, r.stdout)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, r.stderr)
			}
		})
	}
}

// TestEveryCommandHasUsage: -h works for every command and exits 0.
func TestEveryCommandHasUsage(t *testing.T) {
	for _, cmd := range commands {
		t.Run(strings.ReplaceAll(cmd.name, " ", "_"), func(t *testing.T) {
			r := vrsRun(t, "", append(strings.Fields(cmd.name), "-h")...)
			if r.code != 0 || !strings.Contains(r.stderr, "Usage: vrs "+cmd.name) {
				t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
		})
	}
}

func TestEnvironmentFallback(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "from-env")
	env := map[string]string{"VRS_DATA_DIR": dir}
	c, out, errOut := newCLI("")
	c.getenv = func(k string) string { return env[k] }
	if code := c.run(context.Background(), []string{"agency", "add", "--country", "TH", "--name", "Royal Thai Police", "--kind", "police"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile)); err != nil {
		t.Errorf("VRS_DATA_DIR not used: %v (stdout %q)", err, out)
	}
	// A flag wins over the environment.
	r := vrsRun(t, "", "agency", "list", "--data-dir", filepath.Join(t.TempDir(), "none"))
	if r.code != 1 || !strings.Contains(r.stderr, "There is no VRS store") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestMessage(t *testing.T) {
	c, _, _ := newCLI("")
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"Fields", vrs.FieldErrors(map[string]string{"password": "field.password_short", "name": "field.required"}),
			"Some fields need correcting. name: This field is required. password: At least 12 characters."},
		{"WithArgs", vrs.NotFound("user"), "No such user."},
		{"Wrapped", errors.Join(errors.New("context"), vrs.Errorf(vrs.ECONFLICT, "error.user_exists")), "A user with this name already exists."},
		{"Plain", errors.New("open x: permission\ndenied"), "open x: permission denied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.message(tc.err); got != tc.want {
				t.Errorf("message = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRun: the entry point main calls, with real streams and environment.
func TestRun(t *testing.T) {
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"help"}, strings.NewReader(""), &out, &errOut); code != 0 || !strings.Contains(out.String(), "vrs <command>") {
		t.Errorf("vrs help: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
