package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/internal/testenv"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
)

// What the EC2 sandbox's identity looks like on screen.
var (
	ec2Expect = awsapi.Expect(awsapi.EC2)
	// The $external user authenticates as every session of the role.
	ec2LoginUser = "arn:aws:sts::123456789012:assumed-role/app/*"
)

// demoFlow walks the happy path of `atlas-iam demo --platform ec2` from the
// first screen to the result, asserting each screen in turn, and returns the
// result screen.
func demoFlow(t *testing.T, tm *tmuxTerm) string {
	t.Helper()
	s := tm.waitText("Set up MongoDB Atlas access with AWS IAM", "Press enter to begin.")
	if !strings.Contains(lineWith(s, "Platform"), "Amazon EC2") {
		t.Errorf("the overview does not show the detected platform Amazon EC2:\n%s", s)
	}
	tm.keys("Enter")

	s = tm.waitText("Where does the application run?", "› Amazon EC2 (detected)")
	if !strings.Contains(lineWith(s, "Detected"), "Amazon EC2") {
		t.Errorf("the platform screen does not say Amazon EC2 was detected:\n%s", s)
	}
	tm.keys("Enter")

	s = tm.waitText("Which IAM principal will log in to Atlas?", "› Use the discovered principal")
	if found := lineWith(s, "Found"); !strings.Contains(found, ec2Expect.CallerARNPrefix) {
		t.Errorf("the principal screen does not show the discovered role session %s:\n%s", ec2Expect.CallerARNPrefix, s)
	}
	if reg := lineWith(s, "Register"); !strings.Contains(reg, ec2Expect.PrincipalARN+" (ROLE)") {
		t.Errorf("the principal screen does not show the role to register %s:\n%s", ec2Expect.PrincipalARN, s)
	}
	tm.keys("Enter")

	s = tm.waitText("Database access for the user", "> readWrite@app")
	if !strings.Contains(lineWith(s, "Deployment"), "Cluster0") {
		t.Errorf("the access screen does not target Cluster0:\n%s", s)
	}
	tm.keys("Enter")

	s = tm.waitText("Review: create the database user", "The same with the Atlas CLI:", "[ Create the user ]")
	if !showsWhole(s, "atlas dbusers create --username "+ec2Expect.PrincipalARN+" --awsIAMType ROLE --role readWrite@app") {
		t.Errorf("the review screen does not show the Atlas CLI command:\n%s", s)
	}
	tm.keys("Enter")

	// The deployment wait and the live login are shown while they run (the
	// sandbox's deploy delay and latency make both last long enough to see).
	tm.waitFor("the deployment wait", func(s string) bool {
		l := lineWith(s, "Deployment — Cluster0")
		return strings.Contains(l, "PENDING") && strings.Contains(l, "waiting")
	})
	tm.waitText("Live MONGODB-AWS login", "AWS credentials")

	s = tm.waitText("AWS IAM authentication is set up", "› mongosh")
	if !showsWhole(lineWith(s, "Logged in"), ec2LoginUser) {
		t.Errorf("the result screen does not show the login as %s:\n%s", ec2LoginUser, s)
	}
	return s
}

// demoArgs are the flags every real-terminal demo run shares: a deploy delay
// and a latency short enough for a fast test, long enough to see the deployment
// wait and the live login on screen.
func demoArgs(d *demoTerminal, more ...string) []string {
	return append([]string{"--env-file", d.envFile, "--deploy-delay", "700ms", "--latency", "60ms"}, more...)
}

// TestDemoInTmux is `atlas-iam demo --platform ec2 --env-file F --keep > OUT` in
// a real terminal, as a person runs it: every screen in turn, the copy to the
// clipboard, quitting, the printed mongosh command run verbatim with the real
// mongosh against the kept sandbox, then Ctrl-C to stop it.
func TestDemoInTmux(t *testing.T) {
	t.Parallel()
	mongosh := testenv.Mongosh(t)
	d := newDemoTerminal(t)
	tm := newTmuxTerm(t, 100, 30, d.env, d.paneCommand(demoArgs(d, "--platform", "ec2", "--keep")...))

	result := demoFlow(t, tm)
	tm.checkMargins(tm.frames)
	tm.keys("c")
	tm.waitText("✓ copied the mongosh command (OSC 52)")
	copied := tm.buffer()

	tm.keys("q")
	tm.waitText("sandbox still running; in another shell: . " + d.envFile)
	out := d.stdout(t)
	line := mongoshLine(t, out)
	if copied != line {
		t.Errorf("the clipboard (tmux show-buffer) holds %q, want the mongosh command %q", copied, line)
	}
	if !showsWhole(result, line) {
		t.Errorf("the result screen does not show the printed mongosh command %q:\n%s", line, result)
	}

	// The command as printed, in a shell that sourced the env file, with the
	// real mongosh first on PATH; only --quiet --eval are added to read the
	// authenticated user.
	bin := filepath.Join(d.dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(mongosh, filepath.Join(bin, "mongosh")); err != nil {
		t.Fatal(err)
	}
	script := ". " + quoteForShell(d.envFile) + " && PATH=" + quoteForShell(bin) + `:"$PATH" && ` + line +
		` --quiet --eval 'print(db.runCommand({connectionStatus:1}).authInfo.authenticatedUsers[0].user)'`
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sh := exec.CommandContext(ctx, "sh", "-c", script)
	sh.Env, sh.Dir = d.env, d.dir
	shOut, err := sh.CombinedOutput()
	if err != nil || strings.TrimSpace(string(shOut)) != ec2LoginUser {
		t.Errorf("the printed mongosh command did not log in as %s (%v):\n%s", ec2LoginUser, err, shOut)
	}

	tm.keys("C-c")
	if code := tm.exitCode(); code != 0 {
		t.Errorf("after Ctrl-C the kept demo exited %d, want 0:\n%s", code, tm.screen())
	}
	d.noSecretsShown(t, append(tm.frames, out, copied, string(shOut))...)
}

// TestDemoLDAPBlockedInTmux is `atlas-iam demo --ldap-authz`: the wizard stops
// on the blocked screen, which names LDAP authorization and the way out; quitting
// there exits 3.
func TestDemoLDAPBlockedInTmux(t *testing.T) {
	t.Parallel()
	d := newDemoTerminal(t)
	tm := newTmuxTerm(t, 100, 30, d.env, d.paneCommand(demoArgs(d, "--ldap-authz")...))

	tm.waitText("Press enter to begin.")
	tm.keys("Enter")
	s := tm.waitText("Blocked: this project uses LDAP authorization", "[ Pick another project ]", "Quit")
	for _, want := range []string{"LDAP_AUTHORIZATION", "project without LDAP authorization", "turn LDAP authorization off"} {
		if !showsWhole(s, want) {
			t.Errorf("the blocked screen does not say %q:\n%s", want, s)
		}
	}
	tm.keys("Right")
	tm.waitText("[ Quit ]")
	tm.keys("Enter")
	if code := tm.exitCode(); code != 3 {
		t.Errorf("quitting on the blocked screen exited %d, want 3:\n%s", code, tm.screen())
	}
	if out := d.stdout(t); strings.Contains(out, "mongosh") {
		t.Errorf("a blocked setup printed a mongosh command:\n%s", out)
	}
	d.noSecretsShown(t, tm.frames...)
}

// TestDemoNetworkBlockedInTmux is `atlas-iam demo --network-blocked`: the wizard
// offers the IP access list entry, the user declines, the live login fails with
// NETWORK_BLOCKED, the diagnosis screen names the IP access list, and quitting
// exits 1.
func TestDemoNetworkBlockedInTmux(t *testing.T) {
	t.Parallel()
	d := newDemoTerminal(t)
	tm := newTmuxTerm(t, 100, 30, d.env, d.paneCommand(demoArgs(d, "--network-blocked")...))

	tm.waitText("Press enter to begin.")
	tm.keys("Enter")
	tm.waitText("Where does the application run?")
	tm.keys("Enter")
	tm.waitText("Which IAM principal will log in to Atlas?")
	tm.keys("Enter")
	tm.waitText("Database access for the user")
	tm.keys("Enter")
	tm.waitText("Review: create the database user")
	tm.keys("Enter")

	s := tm.waitText("Network access", "does not include this address")
	if !strings.Contains(s, "Add 127.0.0.1/32") || !strings.Contains(s, "[ Don't add ]") {
		t.Fatalf("the network screen does not offer the entry with \"Don't add\" focused:\n%s", s)
	}
	tm.keys("Enter") // decline
	declined := time.Now()

	// While the driver waits for the silent cluster, the login's progress says
	// so: the AWS credentials were found (done), connecting is what runs.
	s = tm.waitText("Live MONGODB-AWS login", "connecting to 127.0.0.1")
	if creds := lineWith(s, "AWS credentials"); !strings.Contains(creds, "✓") {
		t.Errorf("the credentials stage is not shown done while the login connects:\n%s", s)
	}

	// The driver gives up on the silent cluster after its 10 s server selection.
	s = tm.waitWithin(15*time.Second, "the login's diagnosis", func(s string) bool {
		return strings.Contains(s, "Live login failed") && strings.Contains(s, "[ Retry ]")
	})
	if took := time.Since(declined); took > 13*time.Second {
		t.Errorf("the blocked login took %s to fail, want about 10s", took.Round(time.Second))
	}
	if c := lineWith(s, "Cause"); !strings.Contains(c, "NETWORK_BLOCKED") {
		t.Errorf("the diagnosis is not NETWORK_BLOCKED:\n%s", s)
	}
	if !showsWhole(s, "IP access list") {
		t.Errorf("the diagnosis does not name the IP access list:\n%s", s)
	}
	tm.keys("Right", "Right")
	tm.waitText("[ Quit ]")
	tm.keys("Enter")
	if code := tm.exitCode(); code != 1 {
		t.Errorf("quitting on the diagnosis exited %d, want 1:\n%s", code, tm.screen())
	}
	d.noSecretsShown(t, tm.frames...)
}

// TestDemoAt80x24 runs the happy path on the classic 80×24 terminal: no line of
// any screen is cut, and the long values (ARNs, the Atlas CLI command, the
// mongosh command) appear whole once the wizard's wrapping is undone.
func TestDemoAt80x24(t *testing.T) {
	t.Parallel()
	d := newDemoTerminal(t)
	tm := newTmuxTerm(t, 80, 24, d.env, d.paneCommand(demoArgs(d, "--platform", "ec2")...))

	tm.waitText("Press enter to begin.")
	tm.keys("Enter")
	tm.waitText("Where does the application run?")
	tm.keys("Enter")
	s := tm.waitText("Which IAM principal will log in to Atlas?")
	for _, arn := range []string{ec2Expect.CallerARN, ec2Expect.PrincipalARN + " (ROLE)"} {
		if !showsWhole(s, arn) {
			t.Errorf("the principal screen at 80×24 does not show %s whole:\n%s", arn, s)
		}
	}
	tm.keys("Enter")
	tm.waitText("Database access for the user")
	tm.keys("Enter")
	s = tm.waitText("Review: create the database user")
	projectID := envFileValue(t, d.envFile, "MONGODB_ATLAS_PROJECT_ID")
	for _, part := range []string{"--username " + ec2Expect.PrincipalARN + " --awsIAMType ROLE", "--projectId " + projectID} {
		if !showsWhole(s, part) {
			t.Errorf("the review screen at 80×24 does not show %q whole:\n%s", part, s)
		}
	}
	tm.keys("Enter")
	result := tm.waitText("AWS IAM authentication is set up", "› mongosh")
	wizard := len(tm.frames) // the frames of the wizard, up to its result
	tm.keys("q")
	if code := tm.exitCode(); code != 0 {
		t.Fatalf("the demo exited %d:\n%s", code, tm.screen())
	}
	line := mongoshLine(t, d.stdout(t))
	if !showsWhole(result, line) {
		t.Errorf("the result screen at 80×24 does not show the mongosh command %q whole:\n%s", line, result)
	}
	if !showsWhole(lineWith(result, "Logged in"), ec2LoginUser) {
		t.Errorf("the result screen at 80×24 does not show the login as %s:\n%s", ec2LoginUser, result)
	}
	tm.checkMargins(tm.frames[:wizard])
}

// envFileValue reads one variable of an --env-file.
func envFileValue(t *testing.T, path, name string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "export "+name+"="); ok {
			return strings.Trim(v, "'")
		}
	}
	t.Fatalf("%s has no %s", path, name)
	return ""
}
