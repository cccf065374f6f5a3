// Package testenv finds the real clients the tests drive (mongosh, tmux) and
// enforces the CI rule: under CI=true a missing client fails the test instead of
// skipping it, so a real-client test can never be skipped silently in CI.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// MongoshVersion is the mongosh release the tests pin (scripts/install-mongosh.sh).
const MongoshVersion = "2.12.0"

// InCI reports whether the tests run in CI.
func InCI() bool { return os.Getenv("CI") == "true" }

// Mongosh returns the path of the mongosh binary: $ATLAS_IAM_MONGOSH, the cache
// that scripts/install-mongosh.sh fills, or PATH.
func Mongosh(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("ATLAS_IAM_MONGOSH")}
	if dir := MongoshCacheDir(); dir != "" {
		candidates = append(candidates, filepath.Join(dir, "node_modules", ".bin", "mongosh"))
	}
	if p, err := exec.LookPath("mongosh"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c
		}
	}
	missing(t, "mongosh "+MongoshVersion+" (run scripts/install-mongosh.sh)")
	return ""
}

// MongoshCacheDir is where scripts/install-mongosh.sh installs mongosh, outside the repo.
func MongoshCacheDir() string {
	if d := os.Getenv("ATLAS_IAM_CACHE"); d != "" {
		return filepath.Join(d, "mongosh-"+MongoshVersion)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "atlas-iam", "mongosh-"+MongoshVersion)
}

// Tmux returns the path of tmux.
func Tmux(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("tmux")
	if err != nil {
		missing(t, "tmux (apt-get install tmux)")
	}
	return p
}

func missing(t testing.TB, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is required in CI (CI=true) but was not found", what)
	}
	t.Skipf("SKIPPED: %s not found; this real-client test runs in CI", what)
}
