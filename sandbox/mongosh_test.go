package sandbox_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/internal/testenv"
	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// statusEval makes mongosh print connectionStatus as plain JSON.
var statusEval = []string{"--quiet", "--json=relaxed", "--eval", "db.runCommand({connectionStatus:1})"}

// TestMongoshLogsIn proves the real mongosh (2.12.0, Node driver 7.9) logs in to
// the sandbox's Cluster0 the ways users hand it AWS credentials: temporary and
// long-term keys as flags, AWS_* variables, and its own AWS SDK chain on EKS
// (IRSA web identity) and EC2 (IMDSv2); and that a principal without a user gets
// MongoDB's UserNotFound message. Each run gets its whole environment from the
// test (empty HOME, no inherited AWS_*), so nothing real can leak in. The runs
// are parallel: mongosh needs about a second to start.
func TestMongoshLogsIn(t *testing.T) {
	mongosh := testenv.Mongosh(t)
	sb, log := startSandbox(t)
	empty, emptyLog := startSandbox(t) // no users at all
	for _, p := range []sandbox.Platform{awsapi.Lambda, awsapi.Workstation, awsapi.EKS, awsapi.EC2} {
		registerPrincipal(t, sb, awsapi.Expect(p))
	}
	lambda, eks := envVars(t, sb, awsapi.Lambda), envVars(t, sb, awsapi.EKS)
	// Flag runs still get the sandbox's (profile-free) AWS files and no IMDS, so
	// the flags are the only credentials mongosh can find.
	noCredentials := map[string]string{
		"AWS_CONFIG_FILE":             lambda["AWS_CONFIG_FILE"],
		"AWS_SHARED_CREDENTIALS_FILE": lambda["AWS_SHARED_CREDENTIALS_FILE"],
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
	onlyAWS := map[string]string{}
	for k, v := range lambda {
		if strings.HasPrefix(k, "AWS_") {
			onlyAWS[k] = v
		}
	}
	devFlags := func(sb *sandbox.Sandbox) []string {
		dev, ok := sb.World().UserCredentials(world.UserDev)
		if !ok {
			t.Fatal("the world has no keys for user dev")
		}
		return []string{"--username", dev.AccessKeyID, "--password", dev.SecretAccessKey}
	}

	tests := []struct {
		name    string
		sb      *sandbox.Sandbox
		env     map[string]string
		flags   []string
		want    awsapi.Platform // whose principal connectionStatus names
		wantErr string          // instead, the output must hold this
	}{
		{name: "temporary keys as flags with --awsIamSessionToken", sb: sb, env: noCredentials, want: awsapi.Lambda,
			flags: []string{"--username", lambda["AWS_ACCESS_KEY_ID"], "--password", lambda["AWS_SECRET_ACCESS_KEY"], "--awsIamSessionToken", lambda["AWS_SESSION_TOKEN"]}},
		{name: "long-term keys as flags", sb: sb, env: noCredentials, flags: devFlags(sb), want: awsapi.Workstation},
		{name: "lambda AWS_* variables only", sb: sb, env: onlyAWS, want: awsapi.Lambda},
		{name: "eks IRSA through the AWS SDK chain", sb: sb, env: eks, want: awsapi.EKS},
		{name: "ec2 IMDSv2 through the AWS SDK chain", sb: sb, env: envVars(t, sb, awsapi.EC2), want: awsapi.EC2},
		{name: "no user for the principal", sb: empty, env: noCredentials, flags: devFlags(empty),
			wantErr: `Could not find user "arn:aws:iam::123456789012:user/dev" for db "$external"`},
	}
	var mu sync.Mutex
	outputs := map[string]string{}
	t.Run("runs", func(t *testing.T) {
		t.Run("pinned version", func(t *testing.T) {
			t.Parallel()
			out, stderr, err := runMongosh(t, mongosh, nil, "--version")
			if err != nil || strings.TrimSpace(out) != testenv.MongoshVersion {
				t.Fatalf("%s --version = %q, %v (%s); the tests pin %s", mongosh, out, err, stderr, testenv.MongoshVersion)
			}
		})
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				args := append([]string{tc.sb.ClusterURI(world.ClusterName)}, tc.flags...)
				out, stderr, err := runMongosh(t, mongosh, tc.env, append(args, statusEval...)...)
				mu.Lock()
				outputs["mongosh stdout: "+tc.name], outputs["mongosh stderr: "+tc.name] = out, stderr
				mu.Unlock()
				if tc.wantErr != "" {
					if err == nil || !strings.Contains(out+stderr, tc.wantErr) {
						t.Fatalf("mongosh: %v; output does not hold %q:\n%s%s", err, tc.wantErr, out, stderr)
					}
					return
				}
				if err != nil {
					t.Fatalf("mongosh: %v\n%s%s", err, out, stderr)
				}
				var st connectionStatus
				if err := json.Unmarshal([]byte(out), &st); err != nil {
					t.Fatalf("connectionStatus output is not JSON: %v\n%s", err, out)
				}
				st.check(t, wantPrincipal(awsapi.Expect(tc.want)))
			})
		}
	})
	outputs["sandbox log"] = log.String()
	outputs["sandbox log (no users)"] = emptyLog.String()
	requireNoSecrets(t, append(secretsOf(t, sb, eks), empty.World().Secrets()...), outputs)
}

// runMongosh runs mongosh with exactly the given variables plus what a hermetic
// run needs, and returns its standard output and error apart: stderr may carry
// Node warnings (the bundled AWS SDK warns about the Node version) around the JSON.
func runMongosh(t *testing.T, mongosh string, vars map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, mongosh, args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), // mongosh is a node script
		"HOME=" + t.TempDir(),
		"MONGOSH_FORCE_DISABLE_TELEMETRY_FOR_TESTING=1",
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var outBuf, errBuf strings.Builder
	cmd.Stdout, cmd.Stderr = &outBuf, &errBuf
	err = cmd.Run()
	return outBuf.String(), errBuf.String(), err
}
