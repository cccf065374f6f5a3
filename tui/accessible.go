package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/charmbracelet/huh"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/steps"
)

// ErrSecretNeedsTerminal is returned in accessible mode when the engine asks for
// an Atlas secret and the input is not a terminal: huh reads passwords from a
// terminal only, and a secret must never be echoed or read from a pipe.
var ErrSecretNeedsTerminal = errors.New("a secret can only be typed on a terminal; set MONGODB_ATLAS_PUBLIC_API_KEY and " +
	"MONGODB_ATLAS_PRIVATE_API_KEY (or MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET) in the environment instead")

// runAccessible runs the engine with plain line prompts (huh's accessible mode)
// on opts.Out, reading opts.In; events are printed as lines. There is no
// bubbletea program.
func runAccessible(ctx context.Context, run Runner, opts Options) (*steps.Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a := newAccessiblePrompter(opts)
	res, err := run(ctx, a, a.emit)
	if res != nil {
		a.printResult(res)
		if perr := PrintResult(opts.Result, res); perr != nil && err == nil {
			return res, fmt.Errorf("print the result: %w", perr)
		}
	}
	return res, err
}

// accessiblePrompter implements steps.Prompter with one huh field per form, works
// around huh v1.0.0's accessible-mode bugs (see notes/tui-testing.md §2.6):
//   - options and titles are computed before each form (OptionsFunc and TitleFunc
//     are never evaluated there, and a Select without options panics);
//   - every Select has a bound value, so it has a default (no default + EOF panics);
//   - the input is read one line per prompt (lineReader);
//   - answers are checked again after the form returns, because huh drops errors;
//   - secrets come only from a terminal (a password field on a pipe silently
//     returns "").
type accessiblePrompter struct {
	in    *lineReader
	raw   io.Reader // the original input, for password prompts (they need its Fd)
	out   io.Writer
	theme *huh.Theme

	mu     sync.Mutex // one writer at a time: events may come from engine goroutines
	titles map[steps.Step]string
}

var _ steps.Prompter = (*accessiblePrompter)(nil)

func newAccessiblePrompter(opts Options) *accessiblePrompter {
	return &accessiblePrompter{
		in:     newLineReader(opts.In),
		raw:    opts.In,
		out:    opts.Out,
		theme:  huh.ThemeBase(), // no colours: plain prompts
		titles: map[steps.Step]string{},
	}
}

// println writes lines under the lock.
func (a *accessiblePrompter) println(lines ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, l := range lines {
		fmt.Fprintln(a.out, l)
	}
}

// run shows one field and waits for it, or for ctx. An input that ended before
// the question was answered is an abort, not an answer (huh would return the
// default).
func (a *accessiblePrompter) run(ctx context.Context, field huh.Field, in io.Reader) error {
	form := huh.NewForm(huh.NewGroup(field)).
		WithAccessible(true).
		WithShowHelp(false).
		WithTheme(a.theme).
		WithInput(in).
		WithOutput(a.out)
	before, _ := a.in.state()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				// huh indexes options with a failed read's -1 when the input ends.
				done <- steps.ErrAborted
			}
		}()
		done <- form.Run()
	}()
	select {
	case err := <-done:
		if err != nil {
			if errors.Is(err, huh.ErrUserAborted) {
				return steps.ErrAborted
			}
			return fmt.Errorf("prompt: %w", err)
		}
		if after, eof := a.in.state(); eof && after == before && in == io.Reader(a.in) {
			return steps.ErrAborted
		}
		return nil
	case <-ctx.Done():
		return steps.ErrAborted
	}
}

// choose asks to pick one of labels and returns its index; def is preselected.
// It adds a "Back" choice when back is set and returns steps.ErrBack for it.
func (a *accessiblePrompter) choose(ctx context.Context, title string, labels []string, def int, back bool) (int, error) {
	opts := make([]huh.Option[int], 0, len(labels)+1)
	for i, l := range labels {
		opts = append(opts, huh.NewOption(l, i))
	}
	if back {
		opts = append(opts, huh.NewOption("Back", -1))
	}
	if len(opts) == 0 {
		return 0, errors.New("prompt: nothing to choose from")
	}
	choice := def
	if def >= 0 && def < len(labels) && len(opts) > 1 {
		// huh does not say which number an empty line picks.
		title += " (enter alone: " + labels[def] + ")"
	}
	if err := a.run(ctx, huh.NewSelect[int]().Title(title).Options(opts...).Value(&choice), a.in); err != nil {
		return 0, err
	}
	if choice == -1 && back {
		return 0, steps.ErrBack
	}
	if choice < 0 || choice >= len(labels) {
		return 0, fmt.Errorf("prompt: choice %d out of range", choice)
	}
	return choice, nil
}

// text asks for a line; validate (if any) runs in the prompt and again after.
func (a *accessiblePrompter) text(ctx context.Context, title, def string, validate func(string) error) (string, error) {
	v := def
	field := huh.NewInput().Title(title).Value(&v)
	if validate != nil {
		// huh validates the raw line, then substitutes the default for an empty
		// one; an empty line therefore stands for the default here too.
		field.Validate(func(s string) error {
			if strings.TrimSpace(s) == "" && def != "" {
				s = def
			}
			return validate(strings.TrimSpace(s))
		})
	}
	if err := a.run(ctx, field, a.in); err != nil {
		return "", err
	}
	v = strings.TrimSpace(v)
	if validate != nil {
		if err := validate(v); err != nil {
			return "", err
		}
	}
	return v, nil
}

// secret reads a secret from the terminal without echo.
func (a *accessiblePrompter) secret(ctx context.Context, title string) (string, error) {
	if !IsTerminal(a.raw) {
		return "", ErrSecretNeedsTerminal
	}
	var v string
	field := huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&v).
		Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New("enter a value")
			}
			return nil
		})
	if err := a.run(ctx, field, a.raw); err != nil {
		return "", err
	}
	if v == "" {
		// huh drops the terminal's error; an empty value means nothing was read.
		return "", steps.ErrAborted
	}
	return v, nil
}

// errorText renders an error, a diagnosis with its fix, as lines.
func errorText(err error) []string {
	if d := asDiagnosis(err); d != nil {
		return diagnosisText(d)
	}
	return []string{"Error: " + err.Error()}
}

func diagnosisText(d *diag.Diagnosis) []string {
	lines := []string{fmt.Sprintf("Problem (%s): %s", d.Code, d.Summary)}
	for _, e := range d.Evidence {
		lines = append(lines, "  Evidence: "+e)
	}
	for _, f := range d.Fix {
		lines = append(lines, "  Fix: "+f)
	}
	return lines
}

// validationError makes request.Validate's error readable in a one-line prompt:
// the reason, then the suggestion.
func validationError(err error) error {
	if d := asDiagnosis(err); d != nil {
		msg := strings.TrimRight(d.Summary, ".") + "."
		if len(d.Fix) > 0 {
			msg += " Suggestion: " + strings.Join(d.Fix, "; ")
		}
		return errors.New(msg)
	}
	return err
}
