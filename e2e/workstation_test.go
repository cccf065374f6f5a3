package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
)

// TestWorkstationMode is a developer on a laptop (the dev user's keys) setting
// up the role of an application that runs elsewhere (DESIGN.md §2, "Where it
// runs"): the target role is registered, and the live login either assumes it,
// or — when its trust policy does not allow that — is not claimed, or proves the
// cluster with a temporary user for the developer. The run always says which
// identity was tested.
func TestWorkstationMode(t *testing.T) {
	t.Run("assumes the target role", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, awsapi.Workstation, sandbox.Options{})
		args := []string{"setup", "--yes", "--platform", "ecs", "--arn", appRoleARN, "--role", "readWrite@app", "--cluster", "Cluster0"}
		o := e.run(args...)
		if o.code != 0 {
			t.Fatalf("setup failed:\n%s", o)
		}
		if got := e.users(); !sameSet(got, []string{appRoleARN}) {
			t.Errorf("$external users = %v, want exactly [%s] (no temporary user without --temporary-user)", got, appRoleARN)
		}
		for _, want := range []string{
			"logged in as " + appSessionsUser,
			"tested identity: " + appSessionPrefix,
			"via sts:AssumeRole into " + appRoleARN,
		} {
			if !strings.Contains(o.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, o)
			}
		}
		checkCmd := "atlas-iam check --project-id " + e.sb.World().PrimaryProject().ID + " --cluster Cluster0"
		if !strings.Contains(o.stdout, checkCmd) {
			t.Errorf("stdout lacks the command to run on the target %q:\n%s", checkCmd, o)
		}
		// The session really came from STS AssumeRole by the developer.
		if !assumedBy(e, devUserARN, appRoleARN) {
			t.Errorf("the sandbox STS saw no sts:AssumeRole of %s by %s", appRoleARN, devUserARN)
		}

		o = e.run(slices.Concat(args, []string{"--json"})...)
		var doc setupDoc
		decode(t, o, &doc)
		if o.code != 0 || !doc.OK {
			t.Fatalf("setup --json failed:\n%s", o)
		}
		if doc.Tested == nil || !strings.HasPrefix(doc.Tested.ARN, appSessionPrefix) || doc.Tested.Via != "sts:AssumeRole into "+appRoleARN {
			t.Errorf("tested = %+v, want a session %s… via sts:AssumeRole into %s", doc.Tested, appSessionPrefix, appRoleARN)
		}
		if doc.Login == nil || doc.Login.User != appSessionsUser || doc.Login.DB != "$external" {
			t.Errorf("login = %+v, want user %s", doc.Login, appSessionsUser)
		}
		if doc.CheckCommand != checkCmd {
			t.Errorf("checkCommand = %q, want %q", doc.CheckCommand, checkCmd)
		}
		if len(doc.Warnings) != 0 {
			t.Errorf("warnings = %+v, want none", doc.Warnings)
		}
	})

	lambda := []string{"setup", "--yes", "--platform", "lambda", "--arn", lambdaRoleFullARN, "--role", "readWrite@app", "--cluster", "Cluster0"}

	t.Run("role that does not trust the developer", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, awsapi.Workstation, sandbox.Options{})
		checkCmd := "atlas-iam check --project-id " + e.sb.World().PrimaryProject().ID + " --cluster Cluster0"
		o := e.run(lambda...)
		if o.code != 0 {
			t.Fatalf("setup failed (registering the role should succeed; only the test is left to the target):\n%s", o)
		}
		if got := e.users(); !sameSet(got, []string{lambdaRoleARN}) {
			t.Errorf("$external users = %v, want exactly [%s] (the role without its /service-role/ path)", got, lambdaRoleARN)
		}
		if strings.Contains(o.stderr, "logged in as") || strings.Contains(o.stderr, "tested identity") {
			t.Errorf("a login is claimed although the role cannot be assumed:\n%s", o)
		}
		for _, want := range []string{
			"! login",
			"cannot act as " + lambdaRoleARN,
			"evidence: sts:AssumeRole into " + lambdaRoleFullARN + " was denied",
			"is not authorized to perform: sts:AssumeRole",
			checkCmd,
			"--temporary-user",
		} {
			if !strings.Contains(o.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, o)
			}
		}
		if !strings.Contains(o.stdout, checkCmd) {
			t.Errorf("stdout lacks the command to run on the target %q:\n%s", checkCmd, o)
		}

		o = e.run(slices.Concat(lambda, []string{"--json"})...)
		var doc setupDoc
		decode(t, o, &doc)
		if o.code != 0 || !doc.OK {
			t.Fatalf("setup --json failed:\n%s", o)
		}
		if doc.Principal.ARN != lambdaRoleARN || doc.Principal.FullRoleARN != lambdaRoleFullARN {
			t.Errorf("principal = %+v, want %s registered (full ARN %s)", doc.Principal, lambdaRoleARN, lambdaRoleFullARN)
		}
		if doc.Tested != nil || doc.Login != nil {
			t.Errorf("tested = %+v, login = %+v: no login may be claimed", doc.Tested, doc.Login)
		}
		w := doc.warning("ASSUME_ROLE_DENIED")
		if w == nil {
			t.Fatalf("no ASSUME_ROLE_DENIED warning:\n%s", o)
		}
		if ev := strings.Join(w.Evidence, "\n"); !strings.Contains(ev, "sts:AssumeRole into "+lambdaRoleFullARN+" was denied") ||
			!strings.Contains(ev, "User: "+devUserARN+" is not authorized to perform: sts:AssumeRole") {
			t.Errorf("ASSUME_ROLE_DENIED evidence %q does not quote STS's AccessDenied for %s", w.Evidence, devUserARN)
		}
		if fix := strings.Join(w.Fix, "\n"); !strings.Contains(fix, checkCmd) {
			t.Errorf("ASSUME_ROLE_DENIED fix %q lacks %q", w.Fix, checkCmd)
		}
		if doc.CheckCommand != checkCmd {
			t.Errorf("checkCommand = %q, want %q", doc.CheckCommand, checkCmd)
		}
	})

	t.Run("temporary user for the developer", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, awsapi.Workstation, sandbox.Options{})
		args := slices.Concat(lambda, []string{"--temporary-user"})
		start := time.Now()
		o := e.run(args...)
		if o.code != 0 {
			t.Fatalf("setup failed:\n%s", o)
		}
		if got := e.users(); !sameSet(got, []string{lambdaRoleARN, devUserARN}) {
			t.Fatalf("$external users = %v, want the role %s and the temporary %s", got, lambdaRoleARN, devUserARN)
		}
		if role := e.dbUser(lambdaRoleARN); role.DeleteAfterDate != nil {
			t.Errorf("the target role's user expires (%v); only the temporary user may", role.DeleteAfterDate)
		}
		dev := e.dbUser(devUserARN)
		switch until := dev.DeleteAfterDate; {
		case until == nil:
			t.Errorf("the temporary user %s has no deleteAfterDate", devUserARN)
		case !until.After(start) || until.After(start.Add(7*24*time.Hour)):
			t.Errorf("the temporary user's deleteAfterDate %v is not within a week from %v", until, start)
		}
		if dev.GetAwsIAMType() != "USER" {
			t.Errorf("temporary user awsIAMType = %q, want USER", dev.GetAwsIAMType())
		}
		for _, want := range []string{
			"logged in as " + devUserARN,
			"tested identity: " + devUserARN + " via temporary user " + devUserARN,
		} {
			if !strings.Contains(o.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, o)
			}
		}

		o = e.run(slices.Concat(args, []string{"--json"})...)
		var doc setupDoc
		decode(t, o, &doc)
		if o.code != 0 || !doc.OK {
			t.Fatalf("setup --json failed:\n%s", o)
		}
		if doc.Tested == nil || doc.Tested.ARN != devUserARN || !strings.HasPrefix(doc.Tested.Via, "temporary user "+devUserARN) {
			t.Errorf("tested = %+v, want %s via temporary user", doc.Tested, devUserARN)
		}
		if doc.Login == nil || doc.Login.User != devUserARN || doc.Login.DB != "$external" {
			t.Errorf("login = %+v, want user %s", doc.Login, devUserARN)
		}
	})
}

// assumedBy reports whether the sandbox STS issued a session of role to caller.
func assumedBy(e *env, caller, role string) bool {
	for _, ev := range e.sb.World().Events() {
		if ev.Component == "sts" && strings.Contains(ev.Message, "sts:AssumeRole: "+caller+" assumed "+role+" as ") {
			return true
		}
	}
	return false
}
