package connect

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// TestGoSnippetLogsIn builds the Go snippet as its own module, offline from the
// module cache with this module's versions, and runs it against the sandbox
// with the IAM user's keys exported, as a user would.
func TestGoSnippetLogsIn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	// The module and build caches, found before cleanAWSEnv moves HOME.
	goenv, err := exec.Command(gobin, "env", "GOMODCACHE", "GOCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatal(err)
	}
	caches := strings.Fields(string(goenv))
	if len(caches) != 3 {
		t.Fatalf("go env: %q", goenv)
	}
	cleanAWSEnv(t)
	s := startSandbox(t, world.Options{})
	s.register(t, devARN, "USER")
	src, err := Snippet(LangGo, s.uri, Credentials{Mode: CredentialsKeys})
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	mod = []byte(strings.Replace(string(mod), "module github.com/atlas-iam/atlas-iam", "module example.com/atlasiamlogin", 1))
	for name, content := range map[string][]byte{"go.mod": mod, "go.sum": sum, "main.go": []byte(src)} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "login")
	build := exec.Command(gobin, "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local",
		"GOMODCACHE="+caches[0], "GOCACHE="+caches[1], "GOPATH="+caches[2])
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the snippet: %v\n%s", err, out)
	}

	k := s.devKeys(t)
	run := exec.Command(bin)
	run.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+k.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+k.SecretAccessKey)
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("snippet: %v\n%s", err, out)
	}
	if want := "authenticated as " + devARN + " (db $external)\n"; string(out) != want {
		t.Errorf("snippet printed %q, want %q", out, want)
	}
}
