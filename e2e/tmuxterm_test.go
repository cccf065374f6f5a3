package e2e

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/atlas-iam/atlas-iam/internal/testenv"
)

// The real-terminal tests drive the built binary in tmux, the way a person does:
// keys go in through send-keys, the screen comes back through capture-pane, and
// OSC 52 copies land in tmux's paste buffer (set-clipboard on). Every test has
// its own tmux server (-L) without any user configuration (-f /dev/null), so
// tests never see each other's sessions nor the user's.

const (
	// termPoll is how often the screen is captured while waiting for text.
	termPoll = 20 * time.Millisecond
	// termWait bounds one wait for a screen.
	termWait = 10 * time.Second
	// frameMargin is the blank margin the wizard keeps on each side of the
	// screen (tui/model.go marginX): text that reaches the last columns was cut
	// by the renderer or overflows the frame.
	frameMargin = 2
)

// tmuxTerm is one tmux server with one session running one shell command.
type tmuxTerm struct {
	t             *testing.T
	tmux          string
	socket        string
	env           []string
	width, height int

	frames []string // every distinct screen seen, in order
}

// newTmuxTerm starts a private tmux server whose only session, width×height,
// runs command with sh in env. The server is killed when the test ends.
func newTmuxTerm(t *testing.T, width, height int, env []string, command string) *tmuxTerm {
	t.Helper()
	tm := &tmuxTerm{
		t:      t,
		tmux:   testenv.Tmux(t),
		socket: fmt.Sprintf("atlas-iam-e2e-%d-%08x", os.Getpid(), rand.Uint32()),
		env:    env,
		width:  width,
		height: height,
	}
	var socketPath string
	t.Cleanup(func() {
		// Kills the session's processes too (SIGHUP), also after a failure.
		_ = exec.Command(tm.tmux, "-L", tm.socket, "kill-server").Run()
		if socketPath != "" {
			os.Remove(socketPath) // tmux leaves it behind
		}
	})
	// One invocation: the clipboard option is set before any key reaches the app.
	socketPath = strings.TrimSpace(tm.run("-f", "/dev/null", "new-session", "-d", "-s", "main",
		"-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command,
		";", "set-option", "-g", "set-clipboard", "on",
		";", "display-message", "-p", "#{socket_path}"))
	return tm
}

// run executes one tmux command on the server and returns its output.
func (tm *tmuxTerm) run(args ...string) string {
	tm.t.Helper()
	out, err := tm.try(args...)
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (tm *tmuxTerm) try(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tm.tmux, append([]string{"-L", tm.socket}, args...)...)
	cmd.Env = tm.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// screen is the visible screen now, one string per row, trailing blanks trimmed.
func (tm *tmuxTerm) screen() string {
	tm.t.Helper()
	s := tm.run("capture-pane", "-p", "-t", "main")
	if n := len(tm.frames); n == 0 || tm.frames[n-1] != s {
		tm.frames = append(tm.frames, s)
	}
	return s
}

// waitFor polls the screen until ok accepts it and returns that screen; what
// names the awaited screen in the failure.
func (tm *tmuxTerm) waitFor(what string, ok func(screen string) bool) string {
	tm.t.Helper()
	return tm.waitWithin(termWait, what, ok)
}

// waitWithin is waitFor with its own bound.
func (tm *tmuxTerm) waitWithin(limit time.Duration, what string, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := tm.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waited %s for %s; the screen is:\n%s", limit, what, s)
		}
		time.Sleep(termPoll)
	}
}

// waitText waits until the screen shows every one of texts.
func (tm *tmuxTerm) waitText(texts ...string) string {
	tm.t.Helper()
	return tm.waitFor(fmt.Sprintf("%q", texts), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// keys sends named keys (Enter, Right, C-c) or single characters.
func (tm *tmuxTerm) keys(keys ...string) {
	tm.t.Helper()
	tm.run(append([]string{"send-keys", "-t", "main"}, keys...)...)
}

// buffer is tmux's newest paste buffer: what the app copied with OSC 52.
func (tm *tmuxTerm) buffer() string {
	tm.t.Helper()
	var out string
	var err error
	deadline := time.Now().Add(termWait)
	for time.Now().Before(deadline) {
		if out, err = tm.try("show-buffer"); err == nil {
			return out
		}
		time.Sleep(termPoll)
	}
	tm.t.Fatalf("tmux show-buffer: %v: %s (is set-clipboard on?)", err, out)
	return ""
}

var exitLine = regexp.MustCompile(`EXIT=(\d+)`)

// exitCode waits for the EXIT=<code> line the pane's command prints.
func (tm *tmuxTerm) exitCode() int {
	tm.t.Helper()
	s := tm.waitFor("EXIT=<code>", exitLine.MatchString)
	code, _ := strconv.Atoi(exitLine.FindStringSubmatch(s)[1])
	return code
}

// checkMargins fails for every line of the frames seen so far that reaches into
// the frame's right margin: bubbletea cuts lines wider than the terminal at
// exactly its width, so a cut line ends in the last column.
func (tm *tmuxTerm) checkMargins(frames []string) {
	tm.t.Helper()
	for _, f := range frames {
		for _, l := range strings.Split(f, "\n") {
			if w := ansi.StringWidth(l); w > tm.width-frameMargin {
				tm.t.Errorf("a line is %d cells wide on a %d-cell screen (cut or past the margin):\n%q\nscreen:\n%s", w, tm.width, l, f)
			}
		}
	}
}

// unwrapped removes every blank, so text the wizard wrapped over several lines
// (with or without a hanging indent) can be found whole: a cut would drop
// characters, wrapping only adds line breaks and indentation.
func unwrapped(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// showsWhole reports whether screen shows text, perhaps wrapped.
func showsWhole(screen, text string) bool {
	return strings.Contains(unwrapped(screen), unwrapped(text))
}

// lineWith returns the first line of screen containing s, or "".
func lineWith(screen, s string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// demoTerminal is a temp HOME, TMPDIR and environment for a demo run in a
// terminal: the test process's environment without the machine's AWS, Atlas and
// platform variables (the demo sets the sandbox's own), without the caller's
// tmux, with sh as the shell.
type demoTerminal struct {
	dir     string
	env     []string
	envFile string // --env-file: the sandbox environment, written by the demo
	outFile string // the demo's stdout
}

func newDemoTerminal(t testing.TB) *demoTerminal {
	t.Helper()
	dir := t.TempDir()
	home, tmp := filepath.Join(dir, "home"), filepath.Join(dir, "tmp")
	for _, d := range []string{home, tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if terminalAmbient(k) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "TMPDIR="+tmp,
		"SHELL=/bin/sh", "MONGOSH_FORCE_DISABLE_TELEMETRY_FOR_TESTING=1")
	return &demoTerminal{dir: dir, env: env,
		envFile: filepath.Join(dir, "demo.env"), outFile: filepath.Join(dir, "out")}
}

func terminalAmbient(name string) bool {
	switch name {
	case "HOME", "XDG_CONFIG_HOME", "TMPDIR", "SHELL", "TERM", "TMUX", "TMUX_PANE", "TMUX_TMPDIR", "NO_COLOR":
		return true
	}
	for _, p := range []string{"AWS_", "ECS_", "KUBERNETES_", "MONGODB_ATLAS_", "MCLI_", "LAMBDA_", "ATLAS_IAM_SANDBOX"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// paneCommand is the shell command of a demo pane: the demo with its stdout in
// outFile, then its exit code, then a pause that keeps the pane readable. Ctrl-C
// reaches the pane's whole process group; like an interactive shell, the pane's
// shell survives it (a handler, not an ignore, so the demo gets the default).
func (d *demoTerminal) paneCommand(args ...string) string {
	q := []string{"env", "TERM=xterm-256color", quoteForShell(binary), "demo"}
	for _, a := range args {
		q = append(q, quoteForShell(a))
	}
	return "trap : INT; " + strings.Join(q, " ") + " > " + quoteForShell(d.outFile) + "; echo EXIT=$?; sleep 300"
}

// stdout is what the demo printed on stdout so far.
func (d *demoTerminal) stdout(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(d.outFile)
	if err != nil {
		t.Fatalf("read the demo's stdout: %v", err)
	}
	return string(b)
}

// secrets are the secret values of the sandbox environment the demo wrote
// (Atlas private key, AWS secret key, session token): none may ever be shown.
func (d *demoTerminal) secrets(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(d.envFile)
	if err != nil {
		t.Fatalf("read --env-file: %v", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if !ok {
			continue
		}
		value = strings.Trim(value, "'\"")
		for _, marker := range []string{"SECRET", "PRIVATE", "TOKEN", "PASSWORD"} {
			if strings.Contains(name, marker) && len(value) >= 8 {
				out = append(out, value)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read --env-file: %v", err)
	}
	return out
}

// noSecretsShown fails if any text shows a secret of the sandbox environment.
func (d *demoTerminal) noSecretsShown(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range d.secrets(t) {
		for _, x := range texts {
			if strings.Contains(unwrapped(x), unwrapped(s)) {
				t.Errorf("a secret of the sandbox environment (%d chars, starting %q) was shown", len(s), s[:4])
			}
		}
	}
}

func quoteForShell(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
