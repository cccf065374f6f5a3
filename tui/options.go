package tui

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/atlas-iam/atlas-iam/steps"
)

// Runner is the engine as the TUI sees it: it runs the whole flow, asking p for
// what it is missing and reporting progress through emit.
type Runner func(ctx context.Context, p steps.Prompter, emit steps.Emit) (*steps.Result, error)

// Options configures Run. The zero value is usable: UI on stderr, input from
// stdin, results on stdout.
type Options struct {
	In     io.Reader // keys (default os.Stdin)
	Out    io.Writer // the interface (default os.Stderr)
	Result io.Writer // the final commands, untruncated (default os.Stdout)

	// Accessible replaces the full-screen program with plain line prompts.
	Accessible bool
	// NoColor removes every colour and attribute escape. The caller sets it from
	// --no-color or NO_COLOR; the renderer also honours NO_COLOR on its own.
	NoColor bool

	// Clipboard receives OSC 52 sequences when the user copies (default Out).
	Clipboard io.Writer
	// Term is the terminal type used to frame OSC 52 for GNU screen
	// (default $TERM).
	Term string

	// Width and Height are the size assumed until the terminal reports its own
	// (default 80×24); tests set them.
	Width, Height int
	// Clock tells the time for elapsed counters and spinners (default time.Now).
	Clock func() time.Time
}

func (o Options) withDefaults() Options {
	if o.In == nil {
		o.In = os.Stdin
	}
	if o.Out == nil {
		o.Out = os.Stderr
	}
	if o.Result == nil {
		o.Result = os.Stdout
	}
	if o.Clipboard == nil {
		o.Clipboard = o.Out
	}
	if o.Term == "" {
		o.Term = os.Getenv("TERM")
	}
	if o.Width <= 0 {
		o.Width = 80
	}
	if o.Height <= 0 {
		o.Height = 24
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return o
}
