package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/connect"
	"github.com/atlas-iam/atlas-iam/internal/testenv"
	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
)

// TestDriverSnippets takes the driver snippets from `setup --json` and uses them
// as a user would, where setup ran: on EC2 (the platform's credential chain), and
// on workstations with the dev user's keys and with a profile that assumes the
// app role (the snippets name the profile). The Node.js program runs with the
// real `mongodb` driver and AWS SDK that mongosh ships, the Go program is built
// and run, the Python program is compiled, and every snippet is exactly the text
// connect's own tests check (Java is compiled there, against driver stubs).
func TestDriverSnippets(t *testing.T) {
	cases := []struct {
		platform  sandbox.Platform
		creds     connect.Credentials
		principal string // the user connectionStatus reports
	}{
		{awsapi.EC2, connect.Credentials{Mode: connect.CredentialsPlatform}, appSessionsUser},
		{awsapi.Workstation, connect.Credentials{Mode: connect.CredentialsProfile, Profile: "default"}, devUserARN},
		{awsapi.WorkstationProfile, connect.Credentials{Mode: connect.CredentialsProfile, Profile: awsapi.WorkstationProfileName}, appSessionsUser},
	}
	for _, c := range cases {
		t.Run(string(c.platform), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, c.platform, sandbox.Options{})
			o := e.run("setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster0", "--json")
			var doc setupDoc
			decode(t, o, &doc)
			if o.code != 0 || !doc.OK {
				t.Fatalf("setup --json failed:\n%s", o)
			}
			want := "authenticated as " + c.principal + " (db $external)\n"

			t.Run("same text as connect", func(t *testing.T) {
				if len(doc.Snippets) != len(connect.Languages()) {
					t.Errorf("setup --json has %d snippets, want one per language %v", len(doc.Snippets), connect.Languages())
				}
				for _, lang := range connect.Languages() {
					code, err := connect.Snippet(lang, doc.ConnectionString, c.creds)
					if err != nil {
						t.Fatal(err)
					}
					if got := doc.snippet(t, string(lang)); got != code {
						t.Errorf("the %s snippet in setup --json is not connect.Snippet's for %+v:\n%s", lang, c.creds, got)
					}
				}
			})

			t.Run("nodejs", func(t *testing.T) {
				t.Parallel()
				modules := filepath.Join(testenv.MongoshCacheDir(), "node_modules")
				node, err := exec.LookPath("node")
				if _, serr := os.Stat(filepath.Join(modules, "mongodb", "package.json")); serr != nil || err != nil {
					requireTool(t, "node and the mongodb driver of mongosh "+testenv.MongoshVersion+" in "+modules+" (run scripts/install-mongosh.sh)")
				}
				dir := t.TempDir()
				file := writeSnippet(t, dir, connect.LangNodeJS, doc.snippet(t, "nodejs"))
				out := runSnippet(t, e, dir, slices.Concat(e.vars, []string{"NODE_PATH=" + modules}), node, file)
				if out != want {
					t.Errorf("node %s printed %q, want %q", filepath.Base(file), out, want)
				}
			})

			t.Run("go", func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				writeSnippet(t, dir, connect.LangGo, doc.snippet(t, "go"))
				if out := runSnippet(t, e, dir, e.vars, buildGoSnippet(t, dir)); out != want {
					t.Errorf("the Go snippet printed %q, want %q", out, want)
				}
			})

			t.Run("python", func(t *testing.T) {
				t.Parallel()
				py, err := exec.LookPath("python3")
				if err != nil {
					t.Skip("python3 not found: the Python snippet was not compiled (connect's TestSnippetsCompile checks it where python3 exists)")
				}
				file := writeSnippet(t, t.TempDir(), connect.LangPython, doc.snippet(t, "python"))
				if out, err := exec.Command(py, "-m", "py_compile", file).CombinedOutput(); err != nil {
					t.Errorf("python3 -m py_compile: %v\n%s", err, out)
				}
			})
		})
	}
}

// buildGoSnippet builds the main.go in dir as its own module, with this
// module's requirements (the versions the snippet's header names), offline from
// the module cache, and returns the program's path.
func buildGoSnippet(t *testing.T, dir string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		requireTool(t, "go")
	}
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	mod = []byte(strings.Replace(string(mod), "module github.com/atlas-iam/atlas-iam", "module example.com/atlasiamlogin", 1))
	for name, content := range map[string][]byte{"go.mod": mod, "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "login")
	build := exec.Command(gobin, "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the snippet: %v\n%s", err, out)
	}
	return bin
}

// requireTool skips the test, or fails it in CI, where a real client is missing.
func requireTool(t *testing.T, what string) {
	t.Helper()
	if testenv.InCI() {
		t.Fatalf("%s is required in CI (CI=true) but was not found", what)
	}
	t.Skipf("SKIPPED: %s not found; this real-client test runs in CI", what)
}

// writeSnippet saves a snippet under the file name it is meant for.
func writeSnippet(t *testing.T, dir string, lang connect.Language, code string) string {
	t.Helper()
	file := filepath.Join(dir, lang.File())
	if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// runSnippet runs a snippet program in the platform's environment and returns its
// stdout; it fails the test if the program fails or prints a secret.
func runSnippet(t *testing.T, e *env, dir string, vars []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env, cmd.Dir = vars, dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if leak := e.leakedSecret(string(out) + stderr.String()); leak != "" {
		t.Errorf("%s printed %s", filepath.Base(name), leak)
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s%s", filepath.Base(name), err, out, stderr.String())
	}
	return string(out)
}
