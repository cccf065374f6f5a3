package e2e

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
)

// jsonDiagnosis is a diagnosis as the --json documents carry it.
type jsonDiagnosis struct {
	Code     string   `json:"code"`
	Summary  string   `json:"summary"`
	Evidence []string `json:"evidence"`
	Fix      []string `json:"fix"`
}

// jsonFailure is what check and setup print with --json: a report or a failure.
type jsonFailure struct {
	OK        bool             `json:"ok"`
	Diagnosis *jsonDiagnosis   `json:"diagnosis"`
	Warnings  []*jsonDiagnosis `json:"warnings"`
	Error     string           `json:"error"`
	ExitCode  *int             `json:"exitCode"`
	User      struct {
		Action string `json:"action"`
	} `json:"user"`
}

// jsonDoctor is the `doctor --json` document.
type jsonDoctor struct {
	OK     bool `json:"ok"`
	Checks []struct {
		Step      string         `json:"step"`
		Status    string         `json:"status"`
		Summary   string         `json:"summary"`
		Diagnosis *jsonDiagnosis `json:"diagnosis"`
	} `json:"checks"`
}

// forTest is the shared environment seen from one subtest: failures are
// reported on the subtest, and variables it sets stay its own.
func (e *env) inTest(t *testing.T) *env {
	c := *e
	c.t = t
	c.vars = append([]string(nil), e.vars...)
	return &c
}

// ownHome gives the environment a HOME (and XDG config dir) of its own, so
// files written there are seen by this test's commands only.
func (e *env) ownHome(t *testing.T) {
	e.home = t.TempDir()
	e.set("HOME", e.home)
	e.set("XDG_CONFIG_HOME", filepath.Join(e.home, ".config"))
}

// runJSON runs a command with --json and decodes stdout into v.
func (e *env) runJSON(v any, args ...string) outcome {
	e.t.Helper()
	o := e.run(append(args, "--json")...)
	if err := json.Unmarshal([]byte(o.stdout), v); err != nil {
		e.t.Fatalf("atlas-iam %s --json: stdout is not one JSON document (%v):\n%s", strings.Join(args, " "), err, o)
	}
	return o
}

// diagnosed runs a command with --json and returns the failure document.
func (e *env) diagnose(args ...string) (jsonFailure, outcome) {
	e.t.Helper()
	var doc jsonFailure
	o := e.runJSON(&doc, args...)
	return doc, o
}

// doctor runs `doctor --json` and returns the check of step.
func (e *env) doctorCheck(step string, args ...string) (jsonDoctor, *jsonDiagnosis, outcome) {
	e.t.Helper()
	var doc jsonDoctor
	o := e.runJSON(&doc, append([]string{"doctor"}, args...)...)
	for _, c := range doc.Checks {
		if c.Step == step && c.Diagnosis != nil {
			return doc, c.Diagnosis, o
		}
	}
	e.t.Fatalf("doctor has no diagnosis for step %q:\n%s", step, o)
	return doc, nil, o
}

// want describes what a diagnosis must show a user.
type diagWant struct {
	code     string
	summary  string   // substring of the summary ("" to skip)
	evidence []string // each a substring of some evidence line
	fix      []string // each a substring of some fix line
}

// expectDiag checks code, summary, evidence and fix; a diagnosis without
// evidence or fix fails, whatever want says.
func expectDiagnosis(t *testing.T, where string, d *jsonDiagnosis, w diagWant) {
	t.Helper()
	if d == nil {
		t.Fatalf("%s: no diagnosis, want %s", where, w.code)
	}
	if d.Code != w.code {
		t.Fatalf("%s: diagnosis %s (%s), want %s\nevidence: %q", where, d.Code, d.Summary, w.code, d.Evidence)
	}
	if !strings.Contains(d.Summary, w.summary) {
		t.Errorf("%s: summary %q lacks %q", where, d.Summary, w.summary)
	}
	if len(d.Evidence) == 0 {
		t.Errorf("%s: %s has no evidence", where, d.Code)
	}
	if len(d.Fix) == 0 {
		t.Errorf("%s: %s has no fix", where, d.Code)
	}
	for _, s := range w.evidence {
		if !linesContain(d.Evidence, s) {
			t.Errorf("%s: no evidence line of %s names %q:\n  %s", where, d.Code, s, strings.Join(d.Evidence, "\n  "))
		}
	}
	for _, s := range w.fix {
		if !linesContain(d.Fix, s) {
			t.Errorf("%s: no fix of %s mentions %q:\n  %s", where, d.Code, s, strings.Join(d.Fix, "\n  "))
		}
	}
}

func linesContain(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// warning returns the warning with that code, or nil.
func findWarning(ws []*jsonDiagnosis, code string) *jsonDiagnosis {
	for _, w := range ws {
		if w != nil && w.Code == code {
			return w
		}
	}
	return nil
}

// expectExit fails unless the command exited with code.
func expectExitCode(t *testing.T, o outcome, code int) {
	t.Helper()
	if o.code != code {
		t.Fatalf("exit %d, want %d\n%s", o.code, code, o)
	}
}

// expectNoWrites fails if any Atlas write request was served since before.
func (e *env) expectNoWritesSince(before int) {
	e.t.Helper()
	if n := e.writes() - before; n != 0 {
		e.t.Errorf("%d Atlas write request(s) served; a failure before the user step must change nothing", n)
	}
}

// closedURL is an http URL on a loopback port nothing listens on.
func closedLoopbackURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/"
}

// atlasClient is an Atlas Admin API client with the sandbox's API key, the way
// another tool (the Atlas UI, Terraform) would change the project.
func (e *env) sandboxAtlasClient() *atlas.Client {
	e.t.Helper()
	k := e.sb.World().APIKey()
	c, err := atlas.NewClient(context.Background(), atlas.NewAPIKeyCredentials(k.PublicKey, k.PrivateKey, e.sb.AtlasURL()), atlas.ClientOptions{})
	if err != nil {
		e.t.Fatalf("atlas client: %v", err)
	}
	return c
}

// registerUser creates an $external user through the Atlas Admin API.
func (e *env) registerUserViaAPI(arn string, typ atlas.IAMType, roles ...string) {
	e.t.Helper()
	parsed, err := atlas.ParseRoles(roles)
	if err != nil {
		e.t.Fatal(err)
	}
	project := e.sb.World().PrimaryProject().ID
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := atlas.NewIAMUser(project, arn, typ, parsed, []admin.UserScope(nil), nil, "registered outside atlas-iam")
	if _, err := e.sandboxAtlasClient().CreateDatabaseUser(ctx, project, u); err != nil {
		e.t.Fatalf("create %s through the Atlas API: %v", arn, err)
	}
}

// writeFile writes a file under the environment's HOME and returns its path.
func (e *env) homeFile(rel, content string) string {
	e.t.Helper()
	path := filepath.Join(e.home, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return path
}
