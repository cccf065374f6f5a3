package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/internal/testenv"
	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
)

// TestSetupOnEveryPlatform is the headless setup a CI pipeline runs on each
// platform: exactly one $external user with the normalised ARN, a live login as
// the expected principal, and a mongosh command that works verbatim there.
func TestSetupOnEveryPlatform(t *testing.T) {
	mongosh := testenv.Mongosh(t)
	for _, p := range awsapi.Platforms() {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, p, sandbox.Options{})
			o := e.run("setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster0")
			if o.code != 0 {
				t.Fatalf("setup failed:\n%s", o)
			}
			want := awsapi.Expect(p)
			if got := e.users(); len(got) != 1 || got[0] != want.PrincipalARN {
				t.Fatalf("$external users = %v, want exactly [%s]", got, want.PrincipalARN)
			}
			principal := want.PrincipalARN
			if want.AWSIAMType == "ROLE" {
				principal = strings.Replace(strings.Replace(principal, ":iam::", ":sts::", 1), ":role/", ":assumed-role/", 1) + "/*"
			}
			if !strings.Contains(o.stderr, "logged in as "+principal) {
				t.Errorf("login did not authenticate as %s:\n%s", principal, o)
			}

			// The printed command, run verbatim in that environment.
			line := mongoshLine(t, o.stdout)
			script := strings.Replace(line, "mongosh ", shellQuote(mongosh)+" --quiet --eval 'print(db.runCommand({connectionStatus:1}).authInfo.authenticatedUsers[0].user)' ", 1)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", script)
			cmd.Env, cmd.Dir = e.vars, e.home
			out, err := cmd.CombinedOutput()
			e.noSecrets("mongosh", string(out))
			if err != nil || !strings.Contains(string(out), principal) {
				t.Fatalf("mongosh command %q failed (%v):\n%s", line, err, out)
			}
		})
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
