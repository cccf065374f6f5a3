package e2e

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemoAccessibleInPTY is `atlas-iam demo --accessible --platform ec2` on a
// real pseudo-terminal, answered the way a screen-reader user answers: read the
// prompt, type one line. It goes through the same flow as the full-screen wizard
// (overview, platform, principal, access, review, result), exits 0 and prints
// the mongosh command on stdout.
func TestDemoAccessibleInPTY(t *testing.T) {
	t.Parallel()
	d := newDemoTerminal(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "demo", "--accessible", "--platform", "ec2",
		"--env-file", d.envFile, "--deploy-delay", "300ms")
	cmd.Env = append(d.env, "TERM=xterm-256color")
	cmd.Dir = d.dir
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	c := startPTY(t, cmd, 100, 30)

	// Overview.
	c.expect("Set up MongoDB Atlas access with AWS IAM")
	c.expect("Platform: Amazon EC2")
	c.line(c.choice("Begin the setup?", "Begin"))

	// Platform: the detected one, chosen by its number.
	c.expect("Detected platform: Amazon EC2")
	c.line(c.choice("Where does the application run?", "Amazon EC2 (detected)"))

	// Principal: the discovered role session, registered as its role.
	c.expect("Discovered principal:")
	shown := c.expect("Which IAM principal will log in to Atlas?")
	for _, want := range []string{"Found: " + ec2Expect.CallerARN, "Register: " + ec2Expect.PrincipalARN + " (ROLE)"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the principal prompt does not show %q:\n%s", want, shown)
		}
	}
	c.line(c.choice("", "Use the discovered principal "+ec2Expect.PrincipalARN))

	// Access: roles typed as a person would, then the deployment and the scope.
	c.expect("Roles you can grant:")
	c.expect("Roles as ROLE@DB[.COLLECTION], comma-separated [readWrite@app]:")
	c.line("readWrite@app")
	c.line(c.choice("Which deployment will the application use?", "Cluster0 (cluster, IDLE)"))
	c.line(c.choice("Scope", "All clusters of the project"))

	// Review, with the Atlas CLI equivalent.
	review := c.expect("Review: create the database user")
	review += c.expect("Apply?")
	if !strings.Contains(review, "Atlas CLI equivalent: atlas dbusers create --username "+ec2Expect.PrincipalARN) {
		t.Errorf("the review does not show the Atlas CLI command:\n%s", review)
	}
	c.line(c.choice("", "Create the user"))

	// Result.
	c.expect("Setup complete.")
	c.expect("Logged in as " + ec2LoginUser + " with roles readWrite@app")
	if code := c.wait(); code != 0 {
		t.Fatalf("the accessible demo exited %d; its terminal:\n%s", code, c.text())
	}
	out := stdout.String()
	line := mongoshLine(t, out)
	if !strings.Contains(line, "authMechanism=MONGODB-AWS") {
		t.Errorf("stdout's mongosh command does not use MONGODB-AWS: %q", line)
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("stdout holds escape sequences:\n%q", out)
	}
	d.noSecretsShown(t, c.text(), out)
}

var numberedOption = regexp.MustCompile(`(?m)^(\d+)\. (.*)$`)

// choice waits for a numbered prompt (its title, when given, then the options
// and "Enter a number") and returns the number of the option labelled label.
func (c *ptyConsole) choice(title, label string) string {
	c.t.Helper()
	var shown string
	if title != "" {
		c.expect(title)
	}
	shown = c.expect("Enter a number between")
	for _, m := range numberedOption.FindAllStringSubmatch(shown, -1) {
		if strings.TrimSpace(m[2]) == label {
			return m[1]
		}
	}
	c.t.Fatalf("no option %q in:\n%s", label, shown)
	return ""
}
