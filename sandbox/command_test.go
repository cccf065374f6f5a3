package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/internal/testenv"
	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// TestSandboxCommand drives the built `atlas-iam` binary the way a user does.
// The binary (and the plain AWS SDK program awswhoami) are built once for all
// subtests.
func TestSandboxCommand(t *testing.T) {
	bin := buildBinaries(t)
	atlasIAM := filepath.Join(bin, "atlas-iam")

	t.Run("bad flags exit 2 and start nothing", func(t *testing.T) {
		tests := []struct {
			args    []string
			wantErr string
		}{
			{[]string{"--platform", "mars"}, `unknown platform "mars"`},
			{[]string{"--api-key-role", "admin"}, `--api-key-role "admin": want owner or read-only`},
			{[]string{"--deploy-delay", "-1s"}, "must not be negative"},
			{[]string{"--projects", "-3"}, "must not be negative"},
			{[]string{"--atlas-auth", "basic"}, `unknown Atlas auth "basic"`},
			{[]string{"--no-such-knob"}, "unknown flag: --no-such-knob"},
		}
		for _, tc := range tests {
			t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
				envFile := filepath.Join(t.TempDir(), "sb.env")
				cmd := exec.Command(atlasIAM, append([]string{"sandbox", "--env-file", envFile}, tc.args...)...)
				cmd.Env = []string{"HOME=" + t.TempDir()}
				var stdout, stderr strings.Builder
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := runWithTimeout(t, cmd, 10*time.Second)
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != 2 {
					t.Fatalf("exit: %v, want exit status 2\nstderr: %s", err, stderr.String())
				}
				if !strings.Contains(stderr.String(), tc.wantErr) {
					t.Errorf("stderr %q does not explain %q", stderr.String(), tc.wantErr)
				}
				if stdout.Len() != 0 || strings.Contains(stderr.String(), "sandbox running") {
					t.Errorf("a rejected command printed an environment or started: %q", stdout.String())
				}
				if _, err := os.Stat(envFile); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a rejected command wrote --env-file (stat: %v)", err)
				}
			})
		}
	})

	t.Run("help documents every knob", func(t *testing.T) {
		out, err := exec.Command(atlasIAM, "sandbox", "--help").Output()
		if err != nil {
			t.Fatalf("sandbox --help: %v", err)
		}
		for _, flag := range []string{"ldap-authz", "api-key-role", "api-access-list-deny", "deploy-delay",
			"stuck-pending", "latency", "rate-limit", "network-blocked", "projects", "clock-skew",
			"expire-credentials", "platform", "env-file"} {
			// A flag line: the flag, maybe its value type, then a description.
			line := regexp.MustCompile(`(?m)^\s+--` + flag + `( \w+)?\s{2,}\S`)
			if !line.Match(out) {
				t.Errorf("--help has no described --%s flag", flag)
			}
		}
		for _, p := range awsapi.Platforms() {
			if !strings.Contains(string(out), string(p)) {
				t.Errorf("--help does not list platform %s", p)
			}
		}
	})

	t.Run("eks env-file recipe", func(t *testing.T) { eksRecipe(t, bin) })
}

// eksRecipe is the README recipe, step by step:
//
//	atlas-iam sandbox --platform eks --env-file /tmp/sb.env --deploy-delay 0
//	# in another shell, once it says "sandbox running":
//	. /tmp/sb.env && awswhoami                # any AWS SDK program: the IRSA role session
//	# register arn:aws:iam::123456789012:role/app-irsa (ROLE, readWrite@app) through
//	# the Atlas Admin API at $MONGODB_ATLAS_BASE_URL with the MONGODB_ATLAS_* keys
//	. /tmp/sb.env && mongosh "$ATLAS_IAM_SANDBOX_URI" --eval 'db.runCommand({connectionStatus:1})'
//	# Ctrl-C in the first shell: "sandbox stopped", exit 0
func eksRecipe(t *testing.T, bin string) {
	mongosh := testenv.Mongosh(t)
	envFile := filepath.Join(t.TempDir(), "sb.env")
	// Left over from an earlier `atlas-iam sandbox > /tmp/sb.env` under umask 022:
	// --env-file must still end up 0600 with the new sandbox's values.
	if err := os.WriteFile(envFile, []byte("export ATLAS_IAM_SANDBOX_URI=stale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	// A new terminal: PATH finds mongosh and awswhoami; nothing else is inherited.
	path := bin + string(os.PathListSeparator) + filepath.Dir(mongosh) + string(os.PathListSeparator) + os.Getenv("PATH")
	terminal := []string{"PATH=" + path, "HOME=" + home}

	sb := exec.Command(filepath.Join(bin, "atlas-iam"), "sandbox", "--platform", "eks", "--env-file", envFile, "--deploy-delay", "0")
	sb.Env = terminal
	stdout, stderr := &syncBuffer{}, newSignalBuffer("sandbox running")
	sb.Stdout, sb.Stderr = stdout, stderr
	if err := sb.Start(); err != nil {
		t.Fatalf("start atlas-iam sandbox: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- sb.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			sb.Process.Kill()
			<-exited
		}
	})
	select {
	case <-stderr.ready:
	case err := <-exited:
		stopped = true
		t.Fatalf("atlas-iam sandbox exited before running: %v\n%s", err, stderr)
	case <-time.After(15 * time.Second):
		t.Fatalf("no \"sandbox running\" line after 15s:\n%s", stderr)
	}
	if st, err := os.Stat(envFile); err != nil {
		t.Fatalf("--env-file: %v", err)
	} else if st.Mode().Perm() != 0o600 {
		t.Errorf("--env-file has mode %v, want 0600: it holds secrets", st.Mode().Perm())
	}

	// shell runs one line in a new bash that sources the env file first.
	shell := func(line string) (string, string) {
		t.Helper()
		cmd := exec.Command("bash", "-c", ". "+sandbox.ShellQuote(envFile)+" && "+line)
		cmd.Env = append(terminal, "MONGOSH_FORCE_DISABLE_TELEMETRY_FOR_TESTING=1")
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := runWithTimeout(t, cmd, 30*time.Second); err != nil {
			t.Fatalf("bash -c %q: %v\n%s%s", line, err, out.String(), errOut.String())
		}
		return out.String(), errOut.String()
	}

	// (a) An unmodified AWS SDK program finds the pod's IRSA identity.
	x := awsapi.Expect(awsapi.EKS)
	whoami, _ := shell("awswhoami")
	arn, source := field(whoami, "arn"), field(whoami, "source")
	if !strings.HasPrefix(arn, x.CallerARNPrefix) || len(arn) == len(x.CallerARNPrefix) {
		t.Errorf("awswhoami arn %q, want a session of %s", arn, x.CallerARNPrefix)
	}
	if source != awsapi.SourceWebIdentity {
		t.Errorf("awswhoami credential source %q, want %s", source, awsapi.SourceWebIdentity)
	}

	// (b) Register the role through the Atlas Admin API with the file's keys.
	vals, _ := shell("printenv MONGODB_ATLAS_BASE_URL MONGODB_ATLAS_PUBLIC_API_KEY MONGODB_ATLAS_PRIVATE_API_KEY MONGODB_ATLAS_PROJECT_ID AWS_WEB_IDENTITY_TOKEN_FILE")
	v := strings.Split(strings.TrimSpace(vals), "\n")
	if len(v) != 5 {
		t.Fatalf("the env file does not set the Atlas variables and the token file (%d of 5 set)", len(v))
	}
	baseURL, publicKey, privateKey, project, tokenFile := v[0], v[1], v[2], v[3], v[4]
	token, err := os.ReadFile(tokenFile)
	if err != nil || len(token) == 0 {
		t.Fatalf("web identity token file: %v", err)
	}
	registerThroughAtlasAPI(t, baseURL, publicKey, privateKey, project, "arn:aws:iam::123456789012:role/app-irsa")

	// (c) mongosh logs in as the IRSA role with the sandbox's connection string.
	out, mongoshErr := shell(`mongosh "$ATLAS_IAM_SANDBOX_URI" --quiet --json=relaxed --eval 'db.runCommand({connectionStatus:1})'`)
	var st connectionStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("mongosh printed no connectionStatus JSON: %v\n%s%s", err, out, mongoshErr)
	}
	st.check(t, "arn:aws:sts::123456789012:assumed-role/app-irsa/*")

	// Ctrl-C stops it cleanly.
	if err := sb.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("interrupt: %v", err)
	}
	select {
	case err := <-exited:
		stopped = true
		if err != nil {
			t.Errorf("after Ctrl-C: %v, want exit status 0\n%s", err, stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("atlas-iam sandbox still running 10s after Ctrl-C")
	}
	if !strings.Contains(stderr.String(), "sandbox stopped") {
		t.Errorf("stderr does not say \"sandbox stopped\":\n%s", stderr)
	}
	file, err := os.ReadFile(envFile)
	if err != nil || string(file) != stdout.String() {
		t.Errorf("stdout and --env-file differ (read: %v)", err)
	}
	if _, err := os.Stat(tokenFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the sandbox left its token file behind after stopping (stat: %v)", err)
	}
	requireNoSecrets(t, []string{privateKey, string(token)}, map[string]string{
		"sandbox stderr": stderr.String(), "awswhoami output": whoami,
		"mongosh stdout": out, "mongosh stderr": mongoshErr,
	})
}

// registerThroughAtlasAPI creates an IAM role database user with the real Atlas
// SDK (digest auth) and waits until Cluster0 has applied it.
func registerThroughAtlasAPI(t *testing.T, baseURL, publicKey, privateKey, project, roleARN string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	client, err := admin.NewClient(admin.UseBaseURL(baseURL), admin.UseDigestAuth(publicKey, privateKey))
	if err != nil {
		t.Fatalf("atlas client: %v", err)
	}
	u := admin.NewCloudDatabaseUser("$external", project, roleARN)
	u.AwsIAMType = admin.PtrString("ROLE")
	u.Roles = &[]admin.DatabaseUserRole{{RoleName: "readWrite", DatabaseName: "app"}}
	if _, _, err := client.DatabaseUsersApi.CreateDatabaseUser(ctx, project, u).Execute(); err != nil {
		t.Fatalf("create database user %s: %v", roleARN, err)
	}
	for {
		st, _, err := client.ClustersApi.GetClusterStatus(ctx, project, world.ClusterName).Execute()
		if err != nil {
			t.Fatalf("cluster status: %v", err)
		}
		if st.GetChangeStatus() == "APPLIED" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// field returns the value of a "name=value" line.
func field(out, name string) string {
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			return v
		}
	}
	return ""
}

// buildBinaries builds atlas-iam and awswhoami from this module into a temp dir.
func buildBinaries(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), ".", "./sandbox/internal/awswhoami")
	cmd.Dir = ".." // the module root; tests run in sandbox/
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// runWithTimeout runs cmd and kills it if it outlives d.
func runWithTimeout(t *testing.T, cmd *exec.Cmd, d time.Duration) error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return errors.New("killed after " + d.String())
	}
}
