package e2e

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
)

// TestNoSecretLeaves runs every command that touches credentials, as text and as
// JSON, where the secrets sit in different places (Lambda: the environment;
// workstation: the shared credentials file; workstation-profile: a session
// assumed from it), and then looks for every secret the world handed out — as is,
// URL-escaped and JSON-escaped — in stdout, stderr, each JSON value, and every
// file left in the command's home, working and temporary directory.
func TestNoSecretLeaves(t *testing.T) {
	commands := [][]string{
		{"setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster0"},
		{"setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster0", "--json"},
		{"check", "--cluster", "Cluster0"},
		{"check", "--cluster", "Cluster0", "--json"},
		{"doctor", "--cluster", "Cluster0"},
		{"doctor", "--cluster", "Cluster0", "--json"},
	}
	for _, p := range []sandbox.Platform{awsapi.Lambda, awsapi.Workstation, awsapi.WorkstationProfile} {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, p, sandbox.Options{})
			// Temporary files land in the home too, so the walk sees them.
			tmp := filepath.Join(e.home, "tmp")
			if err := os.Mkdir(tmp, 0o700); err != nil {
				t.Fatal(err)
			}
			e.set("TMPDIR", tmp)
			if p == awsapi.Lambda {
				// The detector itself: the function's secret key, as is and in a
				// connection string, must be found.
				key, token := e.get("AWS_SECRET_ACCESS_KEY"), e.get("AWS_SESSION_TOKEN")
				if !strings.Contains(key, "/") || !strings.Contains(key, "+") || !strings.HasSuffix(token, "=") {
					t.Fatal("the Lambda environment lacks the world's distinctive secrets (a key with / and +, a token ending in =)")
				}
				if e.leakedSecret("x"+key+"x") == "" || e.leakedSecret("mongodb://A:"+url.QueryEscape(key)+"@h/") == "" || e.leakedSecret(url.QueryEscape(token)) == "" {
					t.Fatal("the secret detector does not recognise the Lambda environment's secrets")
				}
			}

			var outputs []string
			for _, args := range commands {
				o := e.run(args...)
				// Every command must get as far as the live login, or the test
				// would prove nothing about the credentials it handled.
				if o.code != 0 {
					t.Fatalf("atlas-iam %s:\n%s", strings.Join(args, " "), o)
				}
				what := "atlas-iam " + strings.Join(args, " ")
				if leak := e.leakedSecret(o.stdout + o.stderr); leak != "" {
					t.Errorf("%s printed %s", what, leak)
				}
				if args[len(args)-1] == "--json" {
					var doc any
					if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil {
						t.Fatalf("%s: stdout is not JSON: %v\n%s", what, err, o)
					}
					for _, s := range jsonStrings(doc) {
						if leak := e.leakedSecret(s); leak != "" {
							t.Errorf("%s: a JSON value holds %s", what, leak)
						}
					}
				}
				outputs = append(outputs, o.stdout+o.stderr)
			}
			// The sessions issued during the runs are secrets too: look again
			// with the complete list.
			for i, out := range outputs {
				if leak := e.leakedSecret(out); leak != "" {
					t.Errorf("atlas-iam %s printed %s", strings.Join(commands[i], " "), leak)
				}
			}
			t.Logf("%d files under the home checked", e.noSecretsInTree(e.home))
		})
	}
}

// jsonStrings returns every string in a decoded JSON value, keys included.
func jsonStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, jsonStrings(x)...)
		}
		return out
	case map[string]any:
		var out []string
		for k, x := range v {
			out = append(out, k)
			out = append(out, jsonStrings(x)...)
		}
		return out
	}
	return nil
}
