package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/atlas-iam/atlas-iam/steps"
)

// abortGrace bounds how long Run waits for the engine to notice a cancellation.
const abortGrace = 5 * time.Second

// Run runs the engine behind the wizard and returns what the engine returned.
//
// The engine starts in a goroutine (from the program's first command); its
// events and questions reach the program as messages and each answer goes back
// on the question's own channel. Ctrl-C cancels the engine's context, restores
// the terminal and returns steps.ErrAborted. When the program ends, the mongosh
// command and the connection string are printed on opts.Result, whole.
//
// Unless opts.Accessible is set, opts.In and opts.Out must be terminals;
// otherwise Run returns an error wrapping ErrNotTerminal.
func Run(ctx context.Context, run Runner, opts Options) (*steps.Result, error) {
	opts = opts.withDefaults()
	if opts.Accessible {
		return runAccessible(ctx, run, opts)
	}
	if err := RequireTerminal(opts.In, opts.Out); err != nil {
		return nil, err
	}

	m := newModel(ctx, run, opts, newRenderer(opts.Out, opts.NoColor))
	defer m.shutdown()
	prog := tea.NewProgram(m,
		tea.WithInput(opts.In),
		tea.WithOutput(opts.Out),
		tea.WithAltScreen(),
	)
	// The caller's cancellation (SIGINT through signal.NotifyContext) ends the
	// program like ctrl+c, through Update: a killed program would not wait for
	// its input reader before returning.
	stopWatch := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			prog.Send(abortMsg{})
		case <-stopWatch:
		}
	}()
	final, err := prog.Run()
	close(stopWatch)
	m.shutdown() // the engine's questions and events have nobody to go to now

	fm, _ := final.(*model)
	if fm == nil {
		fm = m
	}
	switch {
	case err != nil && !errors.Is(err, tea.ErrInterrupted):
		waitEngine(m.bridge)
		return nil, fmt.Errorf("run the terminal interface: %w", err)
	case fm.aborted, err != nil, !fm.done:
		// ctrl+c, SIGINT, or SIGTERM (which quits the program before the engine
		// returned): the engine's context is cancelled.
		waitEngine(m.bridge)
		return nil, steps.ErrAborted
	}

	<-m.bridge.finished // done: the engine returned
	out := m.bridge.outcome
	if out.result != nil {
		if perr := PrintResult(opts.Result, out.result); perr != nil && out.err == nil {
			return out.result, fmt.Errorf("print the result: %w", perr)
		}
	}
	return out.result, out.err
}

// waitEngine gives the cancelled engine a moment to return, so it does not
// write to the terminal after Run has returned.
func waitEngine(b *bridge) {
	select {
	case <-b.finished:
	case <-time.After(abortGrace):
	}
}

// PrintResult writes the commands a user copies, one per line and never wrapped,
// to w (stdout): bubbletea cuts lines at the terminal width, stdout does not.
func PrintResult(w io.Writer, r *steps.Result) error {
	var err error
	line := func(format string, a ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format+"\n", a...)
		}
	}
	if r.Mongosh != "" {
		line("# mongosh")
		line("%s", r.Mongosh)
	}
	if r.ConnectionString != "" {
		line("# connection string")
		line("%s", r.ConnectionString)
	}
	if r.CheckCommand != "" {
		line("# run on the target to test the login there")
		line("%s", r.CheckCommand)
	}
	return err
}
