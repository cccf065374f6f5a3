package tui

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/atlas-iam/atlas-iam/steps"
)

// TestRunRequiresTerminal: without a terminal Run refuses with a clear error
// and never starts the engine.
func TestRunRequiresTerminal(t *testing.T) {
	started := false
	_, err := Run(context.Background(), func(context.Context, steps.Prompter, steps.Emit) (*steps.Result, error) {
		started = true
		return nil, nil
	}, Options{In: strings.NewReader(""), Out: &bytes.Buffer{}, Result: &bytes.Buffer{}})
	if !errors.Is(err, ErrNotTerminal) {
		t.Fatalf("got %v, want ErrNotTerminal", err)
	}
	if !strings.Contains(err.Error(), "atlas-iam setup --yes") {
		t.Errorf("the error does not say what to do: %v", err)
	}
	if started {
		t.Error("the engine ran without a terminal")
	}
}

// TestRunInTerminal runs the real program in a pseudo-terminal: the engine's
// question is answered with a key, the result screen is left with q, the
// terminal is restored, and the commands are printed whole on the result writer.
func TestRunInTerminal(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	p := newPTY(t, 80, 24)
	before, err := term.GetState(p.tty.Fd())
	if err != nil {
		t.Fatal(err)
	}
	var result bytes.Buffer
	done := make(chan error, 1)
	var res *steps.Result
	go func() {
		var err error
		res, err = Run(context.Background(), func(ctx context.Context, pr steps.Prompter, emit steps.Emit) (*steps.Result, error) {
			if err := pr.Begin(ctx, overviewFixture()); err != nil {
				return nil, err
			}
			emit(steps.StepStarted{Step: steps.StepLogin, Title: "Live login"})
			emit(steps.StepDone{Step: steps.StepLogin, Status: steps.StatusOK, Summary: "logged in"})
			return resultFixture(), nil
		}, Options{In: p.tty, Out: p.tty, Result: &result, Clipboard: &bytes.Buffer{}})
		done <- err
	}()
	p.expect("Press enter to begin")
	p.send("\r")
	p.expect("AWS IAM authentication is set up")
	p.send("q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after q")
	}
	if res == nil || res.Mongosh != longMongosh {
		t.Errorf("Run returned %v", res)
	}
	for _, s := range []string{longMongosh, longConnString, longCheckCmd} {
		if !strings.Contains(result.String(), s+"\n") {
			t.Errorf("the result writer lacks %q:\n%s", s, result.String())
		}
	}
	out := p.output()
	if !strings.Contains(out, "\x1b[?1049h") || !strings.Contains(out, "\x1b[?1049l") {
		t.Error("the alternate screen was not entered and left")
	}
	after, err := term.GetState(p.tty.Fd())
	if err != nil {
		t.Fatal(err)
	}
	if *before != *after {
		t.Error("the terminal mode was not restored")
	}
}

// TestRunCtrlC: ctrl+c in a real terminal cancels the engine's context and Run
// returns steps.ErrAborted.
func TestRunCtrlC(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	p := newPTY(t, 80, 24)
	engineCtx := make(chan error, 1)
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), func(ctx context.Context, pr steps.Prompter, emit steps.Emit) (*steps.Result, error) {
			_, err := pr.Platform(ctx, platformFixture())
			select {
			case <-ctx.Done():
				engineCtx <- ctx.Err()
			case <-time.After(waitLimit):
				engineCtx <- nil
			}
			return nil, err
		}, Options{In: p.tty, Out: p.tty, Result: &bytes.Buffer{}})
		done <- err
	}()
	p.expect("Where does the application run?")
	p.send("\x03")
	select {
	case err := <-done:
		if !errors.Is(err, steps.ErrAborted) {
			t.Fatalf("Run returned %v, want ErrAborted", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after ctrl+c")
	}
	if err := <-engineCtx; !errors.Is(err, context.Canceled) {
		t.Errorf("the engine's context: %v, want cancelled", err)
	}
}

// TestRunCallerCancel: cancelling the caller's context (SIGINT through
// signal.NotifyContext) aborts like ctrl+c.
func TestRunCallerCancel(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	p := newPTY(t, 80, 24)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, func(ctx context.Context, pr steps.Prompter, emit steps.Emit) (*steps.Result, error) {
			return nil, pr.Begin(ctx, overviewFixture())
		}, Options{In: p.tty, Out: p.tty, Result: &bytes.Buffer{}})
		done <- err
	}()
	p.expect("Press enter to begin")
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, steps.ErrAborted) {
			t.Fatalf("Run returned %v, want ErrAborted", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after cancel")
	}
}

// TestRunReturnsEngineError: a diagnosis from the engine (the user chose quit on
// a blocked screen) ends the program and is returned as is, for exit code 3.
func TestRunReturnsEngineError(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	p := newPTY(t, 80, 24)
	blocked := ldapBlockedFixture()
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), func(ctx context.Context, pr steps.Prompter, emit steps.Emit) (*steps.Result, error) {
			ch, err := pr.Failure(ctx, blocked)
			if err != nil {
				return nil, err
			}
			if ch != steps.ChoiceQuit {
				return nil, errors.New("expected quit")
			}
			return nil, blocked.Diagnosis
		}, Options{In: p.tty, Out: p.tty, Result: &bytes.Buffer{}})
		done <- err
	}()
	p.expect("Pick another project")
	p.send("\x1b[C") // right: Quit
	time.Sleep(50 * time.Millisecond)
	p.send("\r")
	select {
	case err := <-done:
		if asDiagnosis(err) != blocked.Diagnosis {
			t.Fatalf("Run returned %v, want the LDAP diagnosis", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
}

// TestNoColor: with NoColor there is no escape sequence in any screen, even on
// a terminal that has colours; without it the same screen has colours.
func TestNoColor(t *testing.T) {
	r := newRenderer(&bytes.Buffer{}, false)
	r.SetColorProfile(termenv.ANSI256)
	colored := newModel(context.Background(), resultRunner(), Options{Clock: fixedClock}, r)
	defer colored.shutdown()
	colored.finish(runnerDoneMsg{result: resultFixture()})
	if !strings.Contains(colored.View(), "\x1b[") {
		t.Fatal("the colour profile gives no colour: the test cannot tell NoColor apart")
	}

	r = newRenderer(&bytes.Buffer{}, false)
	r.SetColorProfile(termenv.ANSI256)
	applyNoColor(r, true)
	plain := newModel(context.Background(), resultRunner(), Options{Clock: fixedClock, NoColor: true}, r)
	defer plain.shutdown()
	plain.finish(runnerDoneMsg{result: resultFixture()})
	for _, v := range []string{plain.View(), plain.activityView()} {
		if strings.Contains(v, "\x1b") {
			t.Fatalf("escape sequence with NoColor: %q", v)
		}
	}
}

// TestPrintResult: the commands go to stdout whole, one per line.
func TestPrintResult(t *testing.T) {
	var b bytes.Buffer
	if err := PrintResult(&b, resultFixture()); err != nil {
		t.Fatal(err)
	}
	want := "# mongosh\n" + longMongosh + "\n# connection string\n" + longConnString +
		"\n# run on the target to test the login there\n" + longCheckCmd + "\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestRunNoColorInTerminal: on a colour terminal, --no-color and NO_COLOR each
// remove every colour and attribute (SGR) sequence from what Run draws.
func TestRunNoColorInTerminal(t *testing.T) {
	sgr := regexp.MustCompile(`\x1b\[[0-9;]*m`)
	for _, c := range []struct {
		name    string
		noColor bool
		env     string
		want    bool // SGR expected
	}{
		{"colour", false, "", true},
		{"option", true, "", false},
		{"NO_COLOR", false, "1", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("TERM", "xterm-256color")
			t.Setenv("NO_COLOR", c.env)
			// termenv draws no colour at all when CI is set (it assumes a log,
			// not a terminal); this test is about the terminal.
			t.Setenv("CI", "")
			p := newPTY(t, 80, 24)
			done := make(chan error, 1)
			go func() {
				_, err := Run(context.Background(), func(ctx context.Context, pr steps.Prompter, emit steps.Emit) (*steps.Result, error) {
					return resultFixture(), nil
				}, Options{In: p.tty, Out: p.tty, Result: &bytes.Buffer{}, NoColor: c.noColor})
				done <- err
			}()
			p.expect("AWS IAM authentication is set up")
			time.Sleep(50 * time.Millisecond)
			p.send("q")
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := sgr.MatchString(p.output()); got != c.want {
				t.Fatalf("SGR sequences present: %v, want %v", got, c.want)
			}
		})
	}
}
