package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// badInput is a command line or environment a user gets wrong.
type badInput struct {
	name        string
	workstation bool              // run in the workstation sandbox (else EC2)
	args        []string          // the command line
	env         map[string]string // variables to set ("" unsets)
	atlasConfig string            // an Atlas CLI config.toml in a HOME of the case's own
	closedURL   bool              // point the Atlas base URL at a closed loopback port
	exit        int               // 2 for usage errors, 1 for environmental failures
	msg         []string          // what stderr must say: the specific reason, not a generic error
	// json adds --json: stdout must then be a failure document whose error (or
	// diagnosis summary) holds msg[0], with the exit code.
	json bool
}

// setupWith is a headless setup that would succeed, plus extra flags.
func setupWith(extra ...string) []string { return argsWith(headlessSetup, extra...) }

func setupARN(arn string) []string { return setupWith("--arn", arn) }

// noAtlasEnvKeys leaves Atlas credentials to the Atlas CLI profile.
var noAtlasEnvKeys = map[string]string{"MONGODB_ATLAS_PUBLIC_API_KEY": "", "MONGODB_ATLAS_PRIVATE_API_KEY": ""}

// TestBadInputChangesNothing feeds atlas-iam the mistakes users make — ARNs of
// every wrong kind, bad project ids, role syntax, conflicting flags, broken
// Atlas CLI profiles, half-set credentials — and checks each one exits 2 (1 for
// an unreachable Atlas) with a message naming the precise problem, and that no
// Atlas write was served.
func TestBadInputChangesNothing(t *testing.T) {
	acct := world.AccountID
	cases := []badInput{
		// ARNs of every wrong kind.
		{name: "root ARN", args: setupARN("arn:aws:iam::" + acct + ":root"), exit: 2,
			msg: []string{"the account root user cannot log in to Atlas"}},
		{name: "root ARN, setup --json", args: setupARN("arn:aws:iam::" + acct + ":root"), exit: 2, json: true,
			msg: []string{"the account root user cannot log in to Atlas"}},
		{name: "federated-user ARN", args: setupARN("arn:aws:sts::" + acct + ":federated-user/bob"), exit: 2,
			msg: []string{"a federated user session (GetFederationToken) cannot log in"}},
		{name: "instance-profile ARN", args: setupARN("arn:aws:iam::" + acct + ":instance-profile/" + world.InstanceProfile), exit: 2,
			msg: []string{"this is an instance profile, not the role inside it", "--instance-profile-name " + world.InstanceProfile}},
		{name: "role session typed by hand", args: setupARN("arn:aws:sts::" + acct + ":assumed-role/app/" + world.EC2InstanceID), exit: 2,
			msg: []string{"this is an STS role session", "register the role ARN arn:aws:iam::" + acct + ":role/app"}},
		{name: "every-session principal", args: setupARN("arn:aws:sts::" + acct + ":assumed-role/app/*"), exit: 2,
			msg: []string{"the name MongoDB gives every session of a role"}},
		{name: "assumed-role under iam", args: setupARN("arn:aws:iam::" + acct + ":assumed-role/app/x"), exit: 2,
			msg: []string{"assumed-role ARNs belong to the sts service"}},
		{name: "wrong partition", args: setupARN("arn:aws-foo:iam::" + acct + ":role/app"), exit: 2,
			msg: []string{`"aws-foo" is not an AWS partition`}},
		{name: "account of 5 digits", args: setupARN("arn:aws:iam::12345:role/app"), exit: 2,
			msg: []string{`the account ID "12345" is not 12 digits`, "arn:aws:iam::000000012345:role/app"}},
		{name: "account with dashes", args: setupARN("arn:aws:iam::1234-5678-9012:role/app"), exit: 2,
			msg: []string{"without dashes: arn:aws:iam::123456789012:role/app"}},
		{name: "IAM ARN with a region", args: setupARN("arn:aws:iam:us-east-1:" + acct + ":role/app"), exit: 2,
			msg: []string{`IAM and STS ARNs have no region, this one has "us-east-1"`}},
		{name: "ARN missing the empty region", args: setupARN("arn:aws:iam:" + acct + ":role/app"), exit: 2,
			msg: []string{"the ARN has 5 parts instead of 6", "arn:aws:iam::" + acct + ":role/app"}},
		{name: "bad character in the role name", args: setupARN("arn:aws:iam::" + acct + ":role/app!"), exit: 2,
			msg: []string{`the role name contains '!'`}},
		{name: "space in the ARN", args: setupARN("arn:aws:iam::" + acct + ":role/my app"), exit: 2,
			msg: []string{"the ARN contains whitespace at position"}},
		{name: "IAM group", args: setupARN("arn:aws:iam::" + acct + ":group/devs"), exit: 2,
			msg: []string{"an IAM group cannot log in; only its users can"}},
		{name: "Lambda function ARN", args: setupARN("arn:aws:lambda:us-east-1:" + acct + ":function:" + world.LambdaFunction), exit: 2,
			msg: []string{"this is a Lambda function, not an IAM principal", "execution role"}},
		{name: "role ARN ending with a slash", args: setupARN("arn:aws:iam::" + acct + ":role/app/"), exit: 2,
			msg: []string{`the ARN ends with "/": the role name is missing`}},
		{name: "a name, not an ARN", args: setupARN(world.LambdaFunction), exit: 2,
			msg: []string{"this is a name, not an ARN", "arn:aws:iam::ACCOUNT_ID:role/" + world.LambdaFunction}},
		{name: "an account id, not an ARN", args: setupARN(acct), exit: 2,
			msg: []string{"this is an AWS account ID, not an ARN"}},
		{name: "an access key id, not an ARN", args: setupARN("AKIAIOSFODNN7EXAMPLE"), exit: 2,
			msg: []string{"this is an access key ID, not an ARN"}},
		{name: "empty ARN", args: setupWith("--arn="), exit: 2,
			msg: []string{"--arn was given an empty value"}},

		// Projects and clusters.
		{name: "project id too short", args: setupWith("--project-id", "12345"), exit: 2,
			msg: []string{`--project-id "12345" is not a project id (24 hexadecimal digits`}},
		{name: "project id and name together", args: setupWith("--project-id", "65a1b2c30000000000000002", "--project", "sandbox-project"), exit: 2,
			msg: []string{"--project-id and --project are mutually exclusive"}},
		{name: "garbage MONGODB_ATLAS_PROJECT_ID", args: headlessSetup, env: map[string]string{"MONGODB_ATLAS_PROJECT_ID": "my-project"}, exit: 2,
			msg: []string{`project id "my-project" from MONGODB_ATLAS_PROJECT_ID is not a project id`}},
		{name: "garbage MONGODB_ATLAS_PROJECT_ID, check --json", args: checkCluster0, env: map[string]string{"MONGODB_ATLAS_PROJECT_ID": "my-project"}, exit: 2, json: true,
			msg: []string{`project id "my-project" from MONGODB_ATLAS_PROJECT_ID is not a project id`}},
		{name: "empty project id", args: setupWith("--project-id", ""), exit: 2,
			msg: []string{"--project-id was given an empty value"}},
		{name: "invalid project name", args: setupWith("--project", "team/app"), exit: 2,
			msg: []string{`--project "team/app" is not a valid Atlas project name`}},
		{name: "invalid cluster name", args: []string{"check", "--cluster", "Cluster_0"}, exit: 2,
			msg: []string{`--cluster "Cluster_0" is not a valid cluster name`}},

		// Database roles.
		{name: "empty role", args: []string{"setup", "--yes", "--role", "", "--cluster", "Cluster0"}, exit: 2,
			msg: []string{"--role: empty role"}},
		{name: "unknown role", args: []string{"setup", "--yes", "--role", "superuser@app", "--cluster", "Cluster0"}, exit: 2,
			msg: []string{`role "superuser@app": unknown role; built-in roles:`}},
		{name: "role in the wrong case", args: []string{"setup", "--yes", "--role", "readwrite@app", "--cluster", "Cluster0"}, exit: 2,
			msg: []string{"did you mean readWrite?"}},
		{name: "nothing after @", args: []string{"setup", "--yes", "--role", "readWrite@", "--cluster", "Cluster0"}, exit: 2,
			msg: []string{"nothing after @: give a database, e.g. readWrite@mydb"}},
		{name: "role on $external", args: []string{"setup", "--yes", "--role", "read@$external", "--cluster", "Cluster0"}, exit: 2,
			msg: []string{"$external is where IAM users authenticate"}},
		{name: "two @ in a role", args: []string{"setup", "--yes", "--role", "read@a@b", "--cluster", "Cluster0"}, exit: 2,
			msg: []string{`role "read@a@b": more than one @`}},
		{name: "new user without a role", args: []string{"setup", "--yes", "--cluster", "Cluster0"}, exit: 2,
			msg: []string{"--role is required to create the database user"}},

		// Platforms and flags.
		{name: "unknown platform", args: setupWith("--platform", "heroku"), exit: 2,
			msg: []string{`--platform: unknown platform "heroku"`}},
		{name: "--uri with --cluster", args: []string{"check", "--cluster", "Cluster0", "--uri", "mongodb://127.0.0.1:1/?authMechanism=MONGODB-AWS&authSource=%24external"}, exit: 2,
			msg: []string{"--uri and --cluster are mutually exclusive"}},
		{name: "--temporary-user with --no-connect", args: setupWith("--temporary-user", "--no-connect"), exit: 2,
			msg: []string{"--temporary-user registers a user only to test the login; it cannot be combined with --no-connect"}},
		{name: "check without a target", args: []string{"check"}, exit: 2,
			msg: []string{"check needs --cluster NAME"}},
		{name: "timeout that is not a duration", args: setupWith("--timeout", "soon"), exit: 2,
			msg: []string{`invalid argument "soon" for "--timeout" flag`}},
		{name: "negative timeout", args: setupWith("--timeout", "-5s"), exit: 2,
			msg: []string{"--timeout must be positive"}},
		{name: "unknown flag", args: setupWith("--frobnicate"), exit: 2,
			msg: []string{"unknown flag: --frobnicate"}},
		{name: "extra argument to setup", args: setupWith("Cluster0"), exit: 2,
			msg: []string{`unknown command "Cluster0" for "atlas-iam setup"`}},
		{name: "unknown command", args: []string{"configure"}, exit: 2,
			msg: []string{`unknown command "configure" for "atlas-iam"`}},
		{name: "wizard without a terminal", args: []string{"setup", "--role", "readWrite@app", "--cluster", "Cluster0"}, exit: 2,
			msg: []string{"the interactive wizard needs a terminal", "--yes"}},

		// Atlas credentials and the Atlas CLI profile.
		{name: "only the public API key", args: headlessSetup, env: map[string]string{"MONGODB_ATLAS_PRIVATE_API_KEY": ""}, exit: 2,
			msg: []string{"MONGODB_ATLAS_PUBLIC_API_KEY is set but MONGODB_ATLAS_PRIVATE_API_KEY is not"}},
		{name: "only the public API key, check --json", args: checkCluster0, env: map[string]string{"MONGODB_ATLAS_PRIVATE_API_KEY": ""}, exit: 2, json: true,
			msg: []string{"MONGODB_ATLAS_PUBLIC_API_KEY is set but MONGODB_ATLAS_PRIVATE_API_KEY is not"}},
		{name: "only the public API key, setup --json", args: headlessSetup, env: map[string]string{"MONGODB_ATLAS_PRIVATE_API_KEY": ""}, exit: 2, json: true,
			msg: []string{"MONGODB_ATLAS_PUBLIC_API_KEY is set but MONGODB_ATLAS_PRIVATE_API_KEY is not"}},
		{name: "only the service account id", args: headlessSetup, env: map[string]string{"MONGODB_ATLAS_CLIENT_ID": "mdb_sa_id_0123456789"}, exit: 2,
			msg: []string{"MONGODB_ATLAS_CLIENT_ID is set but MONGODB_ATLAS_CLIENT_SECRET is not"}},
		{name: "no Atlas credentials at all", args: headlessSetup, env: noAtlasEnvKeys, exit: 2,
			msg: []string{"no Atlas API credentials", "MONGODB_ATLAS_PUBLIC_API_KEY"}},
		{name: "garbled Atlas CLI config", args: setupWith("--profile", "default"), env: noAtlasEnvKeys,
			atlasConfig: "[default\npublic_api_key = \"abcdefgh\"\n", exit: 2,
			msg: []string{"config.toml:1:", "not valid TOML"}},
		{name: "unknown --profile", args: setupWith("--profile", "prod"), env: noAtlasEnvKeys,
			atlasConfig: "[default]\npublic_api_key = \"abcdefgh\"\nprivate_api_key = \"x\"\n", exit: 2,
			msg: []string{`Atlas CLI profile "prod" (from --profile) not found`, "profiles there: default"}},
		{name: "--profile without a config file", args: []string{"check", "--cluster", "Cluster0", "--profile", "prod"}, env: noAtlasEnvKeys, exit: 2,
			msg: []string{`Atlas CLI profile "prod" (from --profile) not found`, "does not exist"}},
		{name: "keyring-backed profile", args: setupWith("--profile", "work"), env: noAtlasEnvKeys,
			atlasConfig: "version = 2\n\n[work]\nauth_type = \"api_keys\"\norg_id = \"5f0a0c100000000000000001\"\n", exit: 2,
			msg: []string{`Atlas CLI profile "work" keeps public_api_key and private_api_key in the operating system's keyring`, "export MONGODB_ATLAS_PRIVATE_API_KEY"}},
		{name: "user-account profile", args: setupWith("--profile", "me"), env: noAtlasEnvKeys,
			atlasConfig: "[me]\nauth_type = \"user_account\"\naccess_token = \"eyJhbGciOi.x.y\"\n", exit: 2,
			msg: []string{`Atlas CLI profile "me"`, "holds a user-account login"}},
		{name: "base URL that is not http(s)", args: headlessSetup,
			env: map[string]string{"MONGODB_ATLAS_BASE_URL": "ftp://cloud.mongodb.com/", "MONGODB_ATLAS_OPS_MANAGER_URL": ""}, exit: 2,
			msg: []string{`invalid Atlas base URL "ftp://cloud.mongodb.com/" from MONGODB_ATLAS_BASE_URL`}},
		{name: "unreachable base URL", args: headlessSetup, closedURL: true, exit: 1,
			msg: []string{"ATLAS_UNREACHABLE", "cannot reach the Atlas Admin API at http://127.0.0.1:", "connection refused"}},

		// AWS side.
		{name: "AWS profile that does not exist", workstation: true, args: setupWith("--aws-profile", "nope"), exit: 1,
			msg: []string{"NO_AWS_CREDENTIALS", `the AWS profile "nope" does not exist`}},
	}

	// The cases share two sandboxes: none of them may change the world, and
	// each checks the write count around its own command.
	ec2 := newEnv(t, awsapi.EC2, sandbox.Options{})
	workstation := newEnv(t, awsapi.Workstation, sandbox.Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			shared := ec2
			if c.workstation {
				shared = workstation
			}
			e := shared.inTest(t)
			e.ownHome(t)
			if c.atlasConfig != "" {
				e.homeFile(filepath.Join(".config", "atlascli", "config.toml"), c.atlasConfig)
			}
			for k, v := range c.env {
				e.set(k, v)
			}
			if c.closedURL {
				u := closedLoopbackURL(t)
				e.set("MONGODB_ATLAS_BASE_URL", u)
				e.set("MONGODB_ATLAS_OPS_MANAGER_URL", u)
			}
			before := e.writes()
			var o outcome
			if c.json {
				var doc jsonFailure
				o = e.runJSON(&doc, c.args...)
				said := doc.Error
				if doc.Diagnosis != nil {
					said += " " + doc.Diagnosis.Summary
				}
				if doc.OK || doc.ExitCode == nil || *doc.ExitCode != c.exit || !strings.Contains(said, c.msg[0]) {
					t.Errorf("--json document does not say why (want ok false, exitCode %d, %q):\n%s", c.exit, c.msg[0], o.stdout)
				}
			} else {
				o = e.run(c.args...)
			}
			if o.code != c.exit {
				t.Errorf("exit %d, want %d\n%s", o.code, c.exit, o)
			}
			for _, m := range c.msg {
				if !strings.Contains(o.stderr, m) {
					t.Errorf("stderr lacks %q:\n%s", m, o)
				}
			}
			if n := e.writes() - before; n != 0 {
				t.Errorf("%d Atlas write(s) served for bad input", n)
			}
		})
	}
}
