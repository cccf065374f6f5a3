package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// diagRun is one command of a diagnosis case and what it must show.
type diagRun struct {
	args []string // the command line, without --json (added)
	// from says where the diagnosis is: "" the failure's own diagnosis,
	// "warning" a warning of the setup/check document, otherwise the doctor
	// check of that step.
	from   string
	exit   int
	writes int      // Atlas writes the command may make: 0 for any failure before the user step
	want   diagWant // code, summary, evidence, fix
	stderr []string // what the text on stderr must also say
}

// diagCase is a sandbox switched into one failure mode, the way a knob or a
// user's environment does it, and the commands that must explain it.
type diagCase struct {
	name     string
	platform sandbox.Platform
	opts     sandbox.Options
	prepare  func(t *testing.T, e *env)
	runs     []diagRun
}

var (
	roleAppARN           = sandboxARN("role/" + world.RoleApp)
	roleLambdaARN        = sandboxARN("role/" + world.RoleLambda)
	roleLambdaPathARN    = sandboxARN("role/service-role/" + world.RoleLambda)
	appSessionsPrincipal = "arn:aws:sts::" + world.AccountID + ":assumed-role/" + world.RoleApp + "/*"
	headlessSetup        = []string{"setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster0"}
	checkCluster0        = []string{"check", "--cluster", "Cluster0"}
	doctorCluster0       = []string{"doctor", "--cluster", "Cluster0"}
)

// TestEveryDiagnosis produces each code of the catalogue from a sandbox knob or
// an environment a user could really have, and checks what `check --json`,
// `doctor --json` and `setup --json` say about it: exit code, code, specific
// evidence, fix — and that nothing was written when the failure comes before
// the database-user step.
func TestEveryDiagnosis(t *testing.T) {
	cases := []diagCase{
		{
			name: "LDAP authorization on the project", platform: awsapi.EC2,
			opts: sandbox.Options{Knobs: world.Knobs{LDAPAuthorization: true}},
			runs: []diagRun{
				{args: headlessSetup, exit: 3, want: diagWant{code: "LDAP_AUTHORIZATION", summary: "has LDAP authorization enabled",
					evidence: []string{"ldap.authorizationEnabled = true"}, fix: []string{"project without LDAP authorization"}}},
				{args: []string{"doctor"}, from: "ldap", exit: 3, want: diagWant{code: "LDAP_AUTHORIZATION",
					evidence: []string{"ldap.authorizationEnabled = true"}, fix: []string{"turn LDAP authorization off"}}},
			},
		},
		{
			name: "read-only API key", platform: awsapi.EC2,
			opts: sandbox.Options{Knobs: world.Knobs{APIKeyRole: world.RoleProjectReadOnly}},
			runs: []diagRun{
				{args: []string{"doctor"}, from: "ldap", exit: 0, want: diagWant{code: "LDAP_UNKNOWN", summary: "unknown",
					evidence: []string{"may not read the project's LDAP settings"}, fix: []string{"Project Owner"}}},
				{args: headlessSetup, exit: 1, want: diagWant{code: "ATLAS_KEY_ROLE", summary: "may not create database users in sandbox-project",
					evidence: []string{"GROUP_READ_ONLY"}, fix: []string{"Project Owner"}},
					stderr: []string{"LDAP authorization state of sandbox-project is unknown"}},
			},
		},
		{
			name: "wrong Atlas private key", platform: awsapi.EC2,
			prepare: func(t *testing.T, e *env) {
				e.set("MONGODB_ATLAS_PRIVATE_API_KEY", "00000000-1111-2222-3333-444444444444")
			},
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "ATLAS_CREDENTIALS", summary: "Atlas rejected the API key",
					evidence: []string{"HTTP 401", "source: environment (MONGODB_ATLAS_PUBLIC_API_KEY)"}, fix: []string{"API Keys"}}},
				{args: headlessSetup, exit: 1, want: diagWant{code: "ATLAS_CREDENTIALS", evidence: []string{"HTTP 401"}}},
				{args: doctorCluster0, from: "atlas", exit: 1, want: diagWant{code: "ATLAS_CREDENTIALS", evidence: []string{"HTTP 401"}}},
			},
		},
		{
			name: "machine not on the API key's access list", platform: awsapi.EC2,
			opts: sandbox.Options{Knobs: world.Knobs{APIAccessListDeny: true}},
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "ATLAS_ACCESS_LIST", summary: "this machine (127.0.0.1)",
					evidence: []string{"IP_ADDRESS_NOT_ON_ACCESS_LIST"}, fix: []string{"Add 127.0.0.1 to the key's API access list"}}},
				{args: headlessSetup, exit: 1, want: diagWant{code: "ATLAS_ACCESS_LIST", evidence: []string{"IP address 127.0.0.1 is not allowed"}}},
			},
		},
		{
			name: "Atlas base URL on a closed port", platform: awsapi.EC2,
			prepare: func(t *testing.T, e *env) {
				u := closedLoopbackURL(t)
				e.set("MONGODB_ATLAS_BASE_URL", u)
				e.set("MONGODB_ATLAS_OPS_MANAGER_URL", u)
			},
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "ATLAS_UNREACHABLE", summary: "cannot be reached",
					evidence: []string{"cannot reach the Atlas Admin API at http://127.0.0.1:", "connection refused"},
					fix:      []string{"MONGODB_ATLAS_BASE_URL or MONGODB_ATLAS_OPS_MANAGER_URL"}}},
			},
		},
		{
			name: "project id or name that does not exist", platform: awsapi.EC2,
			runs: []diagRun{
				{args: argsWith(headlessSetup, "--project-id", "0123456789abcdef01234567"), exit: 1, want: diagWant{code: "PROJECT_NOT_FOUND",
					summary: "0123456789abcdef01234567", evidence: []string{"from --project-id", "GROUP_NOT_FOUND"}, fix: []string{"Project Settings"}}},
				{args: argsWith(checkCluster0, "--project", "no-such-project"), exit: 1, want: diagWant{code: "PROJECT_NOT_FOUND",
					summary: "named no-such-project", evidence: []string{"from --project"}}},
				{args: argsWith(doctorCluster0, "--project-id", "0123456789abcdef01234567"), from: "project", exit: 1,
					want: diagWant{code: "PROJECT_NOT_FOUND", evidence: []string{"GROUP_NOT_FOUND"}}},
			},
		},
		{
			name: "cluster that does not exist", platform: awsapi.EC2,
			runs: []diagRun{
				{args: []string{"setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster9"}, exit: 1, want: diagWant{code: "CLUSTER_NOT_FOUND",
					summary: "named Cluster9", evidence: []string{"Cluster0 (cluster)", "FlexCluster0 (flex)", "FederatedDatabaseInstance0 (federated)"}, fix: []string{"--cluster"}}},
				{args: []string{"check", "--cluster", "Cluster9"}, exit: 1, want: diagWant{code: "CLUSTER_NOT_FOUND",
					summary: "named Cluster9", evidence: []string{"Cluster0 (cluster)"}}},
				{args: []string{"doctor", "--cluster", "Cluster9"}, from: "principal", exit: 1, want: diagWant{code: "CLUSTER_NOT_FOUND",
					evidence: []string{"Cluster0 (cluster)"}}},
			},
		},
		{
			name: "workstation whose credentials file was emptied", platform: awsapi.Workstation,
			prepare: func(t *testing.T, e *env) {
				if err := os.WriteFile(e.get("AWS_SHARED_CREDENTIALS_FILE"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "NO_AWS_CREDENTIALS", summary: "no AWS credentials were found",
					evidence: []string{"credential source: the AWS default chain"}, fix: []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID"}}},
				{args: headlessSetup, exit: 1, want: diagWant{code: "NO_AWS_CREDENTIALS", evidence: []string{"credential source"}}},
				{args: doctorCluster0, from: "platform", exit: 1, want: diagWant{code: "NO_AWS_CREDENTIALS", evidence: []string{"credential source"}}},
			},
		},
		{
			// A pod without IRSA or Pod Identity: the SDK falls back to the node's
			// instance role through IMDS (AWS_EC2_METADATA_SERVICE_ENDPOINT).
			name: "EKS pod on the node's instance role", platform: awsapi.EC2,
			prepare: func(t *testing.T, e *env) {
				e.set("KUBERNETES_SERVICE_HOST", "10.100.0.1")
				e.set("KUBERNETES_SERVICE_PORT", "443")
			},
			runs: []diagRun{
				{args: []string{"doctor"}, from: "platform", exit: 0, want: diagWant{code: "WRONG_CREDENTIAL_SOURCE", summary: "instance role",
					evidence: []string{"KUBERNETES_SERVICE_HOST=10.100.0.1", "sources: IMDS"}, fix: []string{"eks.amazonaws.com/role-arn"}}},
				{args: headlessSetup, from: "warning", exit: 0, writes: 1, want: diagWant{code: "WRONG_CREDENTIAL_SOURCE", summary: "instance role",
					evidence: []string{"KUBERNETES_SERVICE_HOST=10.100.0.1", "EC2RoleProvider"}, fix: []string{"pod identity association"}},
					stderr: []string{"! platform", "evidence: credentials: EC2RoleProvider"}},
			},
		},
		{
			name: "federated-user keys", platform: awsapi.Workstation,
			prepare: func(t *testing.T, e *env) {
				useKeys(e, e.sb.World().IssueCallerKeys("arn:aws:sts::"+world.AccountID+":federated-user/bob", true))
			},
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "INVALID_ARN", summary: "federated user",
					evidence: []string{"STS GetCallerIdentity returned arn:aws:sts::" + world.AccountID + ":federated-user/bob"}, fix: []string{"assume a role"}}},
				{args: headlessSetup, exit: 1, want: diagWant{code: "INVALID_ARN", evidence: []string{":federated-user/bob"}}},
				{args: doctorCluster0, from: "principal", exit: 1, want: diagWant{code: "INVALID_ARN", evidence: []string{":federated-user/bob"}}},
			},
		},
		{
			name: "root access keys", platform: awsapi.Workstation,
			prepare: func(t *testing.T, e *env) {
				useKeys(e, e.sb.World().IssueCallerKeys("arn:aws:iam::"+world.AccountID+":root", false))
			},
			runs: []diagRun{
				{args: headlessSetup, exit: 1, want: diagWant{code: "INVALID_ARN", summary: "root user",
					evidence: []string{"STS GetCallerIdentity returned arn:aws:iam::" + world.AccountID + ":root"}, fix: []string{"IAM user or role"}}},
			},
		},
		{
			name: "typed ARNs that cannot be registered", platform: awsapi.Workstation,
			runs: []diagRun{
				{args: argsWith(headlessSetup, "--arn", sandboxARN("root")), exit: 2, want: diagWant{code: "INVALID_ARN", summary: "root user",
					evidence: []string{"--arn " + sandboxARN("root")}, fix: []string{"IAM user or role"}}},
				{args: argsWith(headlessSetup, "--arn", "arn:aws:sts::"+world.AccountID+":federated-user/bob"), exit: 2, want: diagWant{code: "INVALID_ARN",
					summary: "federated user", evidence: []string{"federated-user/bob"}, fix: []string{"assume a role"}}},
				{args: argsWith(headlessSetup, "--arn", sandboxARN("instance-profile/"+world.InstanceProfile)), exit: 2, want: diagWant{code: "INVALID_ARN",
					summary: "instance profile", evidence: []string{"instance-profile/" + world.InstanceProfile},
					fix: []string{"aws iam get-instance-profile --instance-profile-name " + world.InstanceProfile}}},
			},
		},
		{
			name: "no database user yet", platform: awsapi.EC2,
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "USER_NOT_FOUND", summary: "No Atlas database user matches",
					evidence: []string{`"` + appSessionsPrincipal + `"`, "no database user was registered for this login"},
					fix:      []string{"register " + roleAppARN + " (awsIAMType ROLE)"}}},
				{args: doctorCluster0, from: "user", exit: 1, want: diagWant{code: "USER_NOT_FOUND", summary: roleAppARN,
					evidence: []string{"none maps to this identity"}, fix: []string{"atlas-iam setup"}}},
			},
		},
		{
			// The Lambda console's role path registered as is, through the Atlas API.
			name: "lambda role registered with its path", platform: awsapi.Lambda,
			prepare: func(t *testing.T, e *env) {
				e.registerUserViaAPI(roleLambdaPathARN, atlas.IAMType("ROLE"), "readWrite@app")
			},
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "PATH_ROLE", summary: "path /service-role/",
					evidence: []string{"registered in Atlas: " + roleLambdaPathARN},
					fix:      []string{"register the role without its path: " + roleLambdaARN, "delete the database user " + roleLambdaPathARN}}},
				{args: doctorCluster0, from: "user", exit: 1, want: diagWant{code: "PATH_ROLE", summary: roleLambdaPathARN,
					evidence: []string{"assumed-role/service-role/lambda-app/*"}, fix: []string{"setup --arn " + roleLambdaARN}}},
			},
		},
		{
			name: "user created but not deployed", platform: awsapi.EC2,
			opts:    sandbox.Options{Knobs: world.Knobs{DeployDelay: time.Hour}},
			prepare: func(t *testing.T, e *env) { e.registerUserViaAPI(roleAppARN, atlas.IAMType("ROLE"), "readWrite@app") },
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "USER_NOT_DEPLOYED", summary: "PENDING",
					evidence: []string{"registered in Atlas: " + roleAppARN, "changeStatus is PENDING"}, fix: []string{"APPLIED"}}},
				{args: doctorCluster0, from: "deploy", exit: 1, want: diagWant{code: "USER_NOT_DEPLOYED", summary: "Cluster0",
					evidence: []string{"changeStatus PENDING"}, fix: []string{"PENDING"}}},
			},
		},
		{
			name: "expired task credentials", platform: awsapi.ECS,
			opts: sandbox.Options{Knobs: world.Knobs{ExpireCredentials: true}},
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "AUTH_FAILED", summary: "expired",
					evidence: []string{"ExpiredToken"}, fix: []string{"fresh credentials"}}},
				{args: headlessSetup, exit: 1, want: diagWant{code: "AUTH_FAILED", summary: "expired", evidence: []string{"ExpiredToken"}}},
				{args: doctorCluster0, from: "platform", exit: 1, want: diagWant{code: "AUTH_FAILED", summary: "expired"}},
			},
		},
		{
			name: "clock 30 minutes behind", platform: awsapi.EC2,
			opts: sandbox.Options{Knobs: world.Knobs{ClockSkew: 30 * time.Minute}},
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "AUTH_FAILED", summary: "clock",
					evidence: []string{"Signature expired"}, fix: []string{"Synchronise the clock"}}},
				{args: headlessSetup, exit: 1, want: diagWant{code: "AUTH_FAILED", summary: "clock"}},
			},
		},
		{
			name: "wrong AWS secret key", platform: awsapi.Workstation,
			prepare: func(t *testing.T, e *env) {
				k, _ := e.sb.World().UserCredentials(world.UserDev)
				e.set("AWS_ACCESS_KEY_ID", k.AccessKeyID)
				e.set("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
			},
			runs: []diagRun{
				{args: checkCluster0, exit: 1, want: diagWant{code: "AUTH_FAILED", summary: "secret access key does not match the access key AKIA",
					evidence: []string{"SignatureDoesNotMatch"}, fix: []string{"AWS_SECRET_ACCESS_KEY"}}},
				{args: headlessSetup, exit: 1, want: diagWant{code: "AUTH_FAILED", summary: "secret access key does not match"}},
			},
		},
		{
			name: "machine not on the project IP access list", platform: awsapi.EC2,
			opts: sandbox.Options{NetworkBlocked: true},
			runs: []diagRun{
				{args: argsWith(checkCluster0, "--timeout", "1s"), exit: 1, want: diagWant{code: "NETWORK_BLOCKED", summary: "answered within 1s",
					evidence: []string{"127.0.0.1 is not on the project IP access list"}, fix: []string{"--add-access-list"}}},
				{args: argsWith(checkCluster0, "--timeout", "1s"), from: "warning", exit: 1, want: diagWant{code: "NETWORK_BLOCKED", summary: "127.0.0.1",
					evidence: []string{"access list: [203.0.113.24/32]"}, fix: []string{"--add-access-list to add 127.0.0.1/32"}}},
			},
		},
		{
			name: "deployment stuck PENDING", platform: awsapi.EC2,
			opts: sandbox.Options{Knobs: world.Knobs{StuckPending: true}},
			runs: []diagRun{
				{args: argsWith(headlessSetup, "--timeout", "2s"), exit: 1, writes: 1, want: diagWant{code: "CLUSTER_NOT_READY", summary: "changeStatus still PENDING after 2s",
					evidence: []string{"answered changeStatus PENDING"}, fix: []string{"longer --timeout"}}},
			},
		},
		{
			name: "existing user with other roles", platform: awsapi.EC2,
			prepare: func(t *testing.T, e *env) { e.registerUserViaAPI(roleAppARN, atlas.IAMType("ROLE"), "readWrite@app") },
			runs: []diagRun{
				{args: []string{"setup", "--yes", "--role", "read@other", "--cluster", "Cluster0"}, exit: 1, want: diagWant{code: "USER_DIFFERS",
					summary: roleAppARN, evidence: []string{"+ role read@other", "- role readWrite@app"}, fix: []string{"--update"}}},
			},
		},
		{
			name: "workstation that may not assume the lambda role", platform: awsapi.Workstation,
			runs: []diagRun{
				{args: []string{"setup", "--yes", "--platform", "lambda", "--arn", roleLambdaPathARN, "--role", "readWrite@app", "--cluster", "Cluster0"},
					from: "warning", exit: 0, writes: 1, want: diagWant{code: "ASSUME_ROLE_DENIED", summary: roleLambdaARN,
						evidence: []string{"is not authorized to perform: sts:AssumeRole on resource: " + roleLambdaPathARN}, fix: []string{"--temporary-user"}}},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, c.platform, c.opts)
			if c.prepare != nil {
				c.prepare(t, e)
			}
			for _, r := range c.runs {
				e.checkDiagnosisRun(t, r)
			}
		})
	}
}

// checkDiagnosisRun runs one command and checks the diagnosis it reports.
func (e *env) checkDiagnosisRun(t *testing.T, r diagRun) {
	t.Helper()
	where := "atlas-iam " + strings.Join(r.args, " ")
	before := e.writes()
	var d *jsonDiagnosis
	var o outcome
	if r.args[0] == "doctor" {
		var doc jsonDoctor
		o = e.runJSON(&doc, r.args...)
		d = doc.diagnosisOf(r.from, r.want.code)
		if d == nil {
			t.Errorf("%s: no %s check with %s:\n%s", where, r.from, r.want.code, o)
		}
	} else {
		var doc jsonFailure
		o = e.runJSON(&doc, r.args...)
		if r.from == "warning" {
			d = findWarning(doc.Warnings, r.want.code)
		} else {
			d = doc.Diagnosis
			if doc.ExitCode != nil && *doc.ExitCode != r.exit {
				t.Errorf("%s: JSON exitCode %d, want %d", where, *doc.ExitCode, r.exit)
			}
			// People read the same diagnosis on stderr: in full, or as the
			// usage error's message.
			shown := d != nil && strings.Contains(o.stderr, d.Code+": "+d.Summary)
			if r.exit == 2 {
				shown = d != nil && strings.Contains(o.stderr, "Error: ") && strings.Contains(o.stderr, d.Summary)
			}
			if d != nil && !shown {
				t.Errorf("%s: stderr does not show %s with its summary:\n%s", where, d.Code, o.stderr)
			}
		}
		if r.exit == 0 && !doc.OK {
			t.Errorf("%s: ok is false on exit 0", where)
		}
	}
	if o.code != r.exit {
		t.Errorf("%s: exit %d, want %d\n%s", where, o.code, r.exit, o)
	}
	if d == nil {
		t.Fatalf("%s: no %s diagnosis\n%s", where, r.want.code, o)
	}
	expectDiagnosis(t, where, d, r.want)
	for _, s := range r.stderr {
		if !strings.Contains(o.stderr, s) {
			t.Errorf("%s: stderr lacks %q:\n%s", where, s, o.stderr)
		}
	}
	if n := e.writes() - before; n != r.writes {
		t.Errorf("%s: %d Atlas write(s) served, want %d", where, n, r.writes)
	}
}

// diagnosisOf is the diagnosis with that code of a check of step.
func (doc jsonDoctor) diagnosisOf(step, code string) *jsonDiagnosis {
	for _, c := range doc.Checks {
		if c.Step == step && c.Diagnosis != nil && c.Diagnosis.Code == code {
			return c.Diagnosis
		}
	}
	return nil
}

// useKeys puts an access key in the environment, as a user exporting it would.
func useKeys(e *env, k world.Credentials) {
	e.set("AWS_ACCESS_KEY_ID", k.AccessKeyID)
	e.set("AWS_SECRET_ACCESS_KEY", k.SecretAccessKey)
	e.set("AWS_SESSION_TOKEN", k.SessionToken)
}

// argsWith is a new command line: base followed by extra.
func argsWith(base []string, extra ...string) []string {
	return append(append([]string(nil), base...), extra...)
}

func sandboxARN(resource string) string { return "arn:aws:iam::" + world.AccountID + ":" + resource }
