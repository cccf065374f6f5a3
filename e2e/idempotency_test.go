package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
)

// TestSetupIsIdempotent runs setup again the way pipelines do: an identical run
// writes nothing and says so; other roles change nothing without --update (the
// difference is shown) and exactly those roles with it.
func TestSetupIsIdempotent(t *testing.T) {
	cases := []struct {
		name     string
		platform sandbox.Platform
		args     []string // setup flags besides --role
		user     string   // the user whose roles change
	}{
		{"on the platform", awsapi.EC2, []string{"--cluster", "Cluster0"}, appRoleARN},
		{"workstation with a temporary user", awsapi.Workstation,
			[]string{"--platform", "lambda", "--arn", lambdaRoleFullARN, "--temporary-user", "--cluster", "Cluster0"}, lambdaRoleARN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, c.platform, sandbox.Options{})
			setup := func(extra ...string) outcome {
				return e.run(slices.Concat([]string{"setup", "--yes"}, c.args, extra)...)
			}
			if o := setup("--role", "readWrite@app"); o.code != 0 {
				t.Fatalf("first setup failed:\n%s", o)
			}
			users := e.users()
			writes, attempts := e.writes(), e.writeAttempts()

			o := setup("--role", "readWrite@app")
			if o.code != 0 {
				t.Fatalf("second identical setup failed:\n%s", o)
			}
			if !strings.Contains(o.stderr, "nothing to change") {
				t.Errorf("the second run does not say nothing changed:\n%s", o)
			}
			var doc setupDoc
			o = e.run(slices.Concat([]string{"setup", "--yes"}, c.args, []string{"--role", "readWrite@app", "--json"})...)
			decode(t, o, &doc)
			if o.code != 0 || !doc.OK || doc.User.Action != "unchanged" {
				t.Errorf("identical setup --json: exit %d, ok %v, user.action %q; want 0, true, unchanged\n%s", o.code, doc.OK, doc.User.Action, o)
			}
			if e.writes() != writes || e.writeAttempts() != attempts {
				t.Errorf("identical runs wrote: served writes %d → %d, attempts %d → %d", writes, e.writes(), attempts, e.writeAttempts())
			}
			if got := e.users(); !slices.Equal(got, users) {
				t.Errorf("identical runs changed the users: %v → %v", users, got)
			}

			o = setup("--role", "read@app")
			if o.code != 1 {
				t.Errorf("other roles without --update: exit %d, want 1\n%s", o.code, o)
			}
			for _, want := range []string{"USER_DIFFERS", "+ role read@app", "- role readWrite@app", "--update"} {
				if !strings.Contains(o.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, o)
				}
			}
			if e.writeAttempts() != attempts {
				t.Errorf("other roles without --update tried %d writes", e.writeAttempts()-attempts)
			}
			if got := roleSpecs(e.dbUser(c.user)); !slices.Equal(got, []string{"readWrite@app"}) {
				t.Errorf("roles of %s = %v after a refused change, want [readWrite@app]", c.user, got)
			}

			before := len(e.sb.World().APIRequests())
			o = setup("--role", "read@app", "--update")
			if o.code != 0 {
				t.Fatalf("setup --update failed:\n%s", o)
			}
			served := e.servedWrites(before)
			if len(served) != 1 || served[0].Method != "PATCH" || !strings.HasSuffix(served[0].Path, "/databaseUsers/$external/"+c.user) {
				t.Errorf("setup --update served writes %+v, want exactly one PATCH of %s", served, c.user)
			}
			if got := roleSpecs(e.dbUser(c.user)); !slices.Equal(got, []string{"read@app"}) {
				t.Errorf("roles of %s = %v after --update, want exactly [read@app]", c.user, got)
			}
			if !strings.Contains(o.stderr, "user "+c.user+" updated") {
				t.Errorf("stderr does not say the user was updated:\n%s", o)
			}
		})
	}
}
