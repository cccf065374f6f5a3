// Package e2e runs the built atlas-iam binary against the sandbox, the way users
// and CI pipelines run it: one process per command, the platform's environment,
// stdout/stderr/exit code checked, and the sandbox's state and request log as
// evidence of what the command did.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/internal/sandboxtest"
	"github.com/atlas-iam/atlas-iam/sandbox"
)

// binary is the atlas-iam built once for the package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "atlas-iam-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "atlas-iam")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build atlas-iam:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// world is a sandbox for one test, with a short deploy delay by default.
type env struct {
	t     testing.TB
	sb    *sandbox.Sandbox
	home  string
	vars  []string
	files []string // files the command was told to write (checked for secrets)
}

// newEnv starts a sandbox and the environment of platform p. A zero DeployDelay
// becomes 100 ms, so deployment waits are exercised; a negative one means none.
func newEnv(t testing.TB, p sandbox.Platform, opts sandbox.Options) *env {
	t.Helper()
	if opts.DeployDelay == 0 && !opts.StuckPending {
		opts.DeployDelay = 100 * time.Millisecond
	}
	sb := sandboxtest.Start(t, opts)
	e := &env{t: t, sb: sb, home: t.TempDir()}
	e.vars = sandboxtest.ChildEnv(t, sb, p, sandbox.EnvOptions{}, e.home)
	return e
}

// set overrides (or removes, with value "") a variable of the environment.
func (e *env) set(name, value string) {
	out := e.vars[:0:0]
	for _, kv := range e.vars {
		if k, _, _ := strings.Cut(kv, "="); k != name {
			out = append(out, kv)
		}
	}
	if value != "" {
		out = append(out, name+"="+value)
	}
	e.vars = out
}

func (e *env) get(name string) string {
	for _, kv := range e.vars {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}

// outcome of one command.
type outcome struct {
	stdout, stderr string
	code           int
}

func (o outcome) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", o.code, o.stdout, o.stderr)
}

// run executes atlas-iam with args in the environment and checks that nothing it
// printed holds a secret of the world.
func (e *env) run(args ...string) outcome {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = e.vars
	cmd.Dir = e.home
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	o := outcome{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		o.code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("run atlas-iam %v: %v", args, err)
	}
	e.noSecrets("atlas-iam "+strings.Join(args, " "), o.stdout+o.stderr)
	return o
}

// noSecrets fails the test if text holds any secret the world handed out.
func (e *env) noSecrets(what, text string) {
	e.t.Helper()
	for _, s := range e.sb.World().Secrets() {
		if len(s) >= 8 && strings.Contains(text, s) {
			e.t.Errorf("%s printed a secret (%d chars, starting %q)", what, len(s), s[:4])
		}
	}
}

// writes counts the Atlas API write requests that were served (the digest
// challenge round trips carry no principal and are not counted).
func (e *env) writes() int {
	n := 0
	for _, r := range e.sb.World().APIRequests() {
		if r.Write() && r.Principal != "" {
			n++
		}
	}
	return n
}

// users returns the $external users of the primary project.
func (e *env) users() []string {
	var out []string
	for _, u := range e.sb.World().DBUsers(e.sb.World().PrimaryProject().ID) {
		if u.DatabaseName == "$external" {
			out = append(out, u.Username)
		}
	}
	return out
}

// mongoshLine is the mongosh command atlas-iam printed on stdout.
func mongoshLine(t *testing.T, stdout string) string {
	t.Helper()
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "mongosh ") || strings.Contains(l, " mongosh '") {
			return l
		}
	}
	t.Fatalf("no mongosh command on stdout:\n%s", stdout)
	return ""
}
