// Package sandboxtest starts sandboxes for tests and points a test process, or a
// child process, at one of its platforms.
package sandboxtest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/atlas-iam/atlas-iam/sandbox"
)

// Start runs a sandbox for the test's lifetime.
func Start(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	sb, err := sandbox.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// ambient reports variables that would leak the machine's real AWS, Atlas or
// platform setup into a test.
func ambient(name string) bool {
	for _, p := range []string{"AWS_", "ECS_", "KUBERNETES_", "MONGODB_ATLAS_", "MCLI_", "LAMBDA_", "ATLAS_IAM_SANDBOX"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Env returns platform p's environment as NAME=value pairs.
func Env(t testing.TB, sb *sandbox.Sandbox, p sandbox.Platform, o sandbox.EnvOptions) []string {
	t.Helper()
	vars, err := sb.Env(p, o)
	if err != nil {
		t.Fatalf("sandbox env for %s: %v", p, err)
	}
	return sandbox.Environ(vars)
}

// Apply replaces the test process's AWS/Atlas/platform variables with platform
// p's environment (restored after the test). HOME points at a temp dir so no
// real ~/.aws or Atlas CLI profile is read.
func Apply(t *testing.T, sb *sandbox.Sandbox, p sandbox.Platform, o sandbox.EnvOptions) []string {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); ambient(k) {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home+"/.config")
	env := Env(t, sb, p, o)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return env
}

// ChildEnv is the environment for a child process on platform p: the current
// environment without ambient AWS/Atlas variables, HOME set to home, plus p's.
func ChildEnv(t testing.TB, sb *sandbox.Sandbox, p sandbox.Platform, o sandbox.EnvOptions, home string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if ambient(k) || k == "HOME" || k == "XDG_CONFIG_HOME" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+home+"/.config", "MONGOSH_FORCE_DISABLE_TELEMETRY_FOR_TESTING=1")
	return append(env, Env(t, sb, p, o)...)
}
