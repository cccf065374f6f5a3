package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// TestLDAPAuthorization covers the one project setting that makes IAM users
// impossible: setup stops before writing anything, exits 3 and names the project
// and the way out; a key that may not read the setting never gets "fine".
func TestLDAPAuthorization(t *testing.T) {
	setup := []string{"setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster0"}

	t.Run("enabled blocks setup", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, awsapi.EC2, sandbox.Options{Knobs: world.Knobs{LDAPAuthorization: true}})
		p := e.sb.World().PrimaryProject()
		o := e.run(setup...)
		if o.code != 3 {
			t.Errorf("exit %d, want 3 (blocked by a precondition)\n%s", o.code, o)
		}
		for _, want := range []string{
			"LDAP_AUTHORIZATION",
			p.Name + " (" + p.ID + ")",
			"project without LDAP authorization", // another project
			"turn LDAP authorization off",
		} {
			if !strings.Contains(o.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, o)
			}
		}

		o = e.run(slices.Concat(setup, []string{"--json"})...)
		var doc setupDoc
		decode(t, o, &doc)
		if o.code != 3 || doc.OK || doc.ExitCode == nil || *doc.ExitCode != 3 {
			t.Errorf("setup --json: exit %d, document ok=%v exitCode=%v; want 3, false, 3\n%s", o.code, doc.OK, doc.ExitCode, o)
		}
		if doc.Diagnosis == nil || doc.Diagnosis.Code != "LDAP_AUTHORIZATION" {
			t.Fatalf("diagnosis = %+v, want code LDAP_AUTHORIZATION", doc.Diagnosis)
		}
		if !strings.Contains(doc.Diagnosis.Summary, p.Name) || !strings.Contains(doc.Diagnosis.Summary, p.ID) {
			t.Errorf("summary %q does not name project %s (%s)", doc.Diagnosis.Summary, p.Name, p.ID)
		}
		if fix := strings.Join(doc.Diagnosis.Fix, "\n"); !strings.Contains(fix, "project without LDAP authorization") || !strings.Contains(fix, "LDAP authorization off") {
			t.Errorf("fix %q names neither another project nor turning LDAP authorization off", doc.Diagnosis.Fix)
		}
		if n := e.writeAttempts(); n != 0 {
			t.Errorf("%d Atlas write requests; a blocked setup writes nothing", n)
		}
		if u := e.users(); len(u) != 0 {
			t.Errorf("$external users %v; want none", u)
		}
	})

	t.Run("unreadable is unknown", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, awsapi.EC2, sandbox.Options{Knobs: world.Knobs{APIKeyRole: world.RoleProjectReadOnly}})
		o := e.run(setup...)
		if o.code != 1 {
			t.Errorf("exit %d, want 1\n%s", o.code, o)
		}
		if !strings.Contains(o.stderr, "? ldap") || !strings.Contains(o.stderr, "unknown") {
			t.Errorf("the LDAP state is not reported as unknown:\n%s", o)
		}
		if strings.Contains(o.stderr, "LDAP authorization is off") {
			t.Errorf("the LDAP state is reported as fine although it could not be read:\n%s", o)
		}
		if !strings.Contains(o.stderr, "ATLAS_KEY_ROLE") {
			t.Errorf("stderr lacks ATLAS_KEY_ROLE:\n%s", o)
		}

		o = e.run(slices.Concat(setup, []string{"--json"})...)
		var doc setupDoc
		decode(t, o, &doc)
		if o.code != 1 || doc.OK || doc.ExitCode == nil || *doc.ExitCode != 1 || doc.Diagnosis == nil || doc.Diagnosis.Code != "ATLAS_KEY_ROLE" {
			t.Errorf("setup --json: exit %d, ok=%v exitCode=%v diagnosis=%+v; want 1, false, 1, ATLAS_KEY_ROLE\n%s", o.code, doc.OK, doc.ExitCode, doc.Diagnosis, o)
		}
		if n := e.writeAttempts(); n != 0 {
			t.Errorf("%d Atlas write requests; the key's role is known to be too weak before writing", n)
		}

		// doctor reports the same state as a check of its own.
		o = e.run("doctor", "--cluster", "Cluster0", "--json")
		var dr struct {
			Checks []struct {
				Step, Status string
			} `json:"checks"`
		}
		decode(t, o, &dr)
		status := ""
		for _, c := range dr.Checks {
			if c.Step == "ldap" {
				status = c.Status
			}
		}
		if status != "unknown" {
			t.Errorf("doctor's ldap check status = %q, want unknown\n%s", status, o)
		}
	})
}
