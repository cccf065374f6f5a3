package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/steps"
)

// textPresenter prints engine events as plain lines (headless mode, on stderr).
type textPresenter struct {
	mu sync.Mutex
	w  io.Writer
}

var statusMark = map[steps.Status]string{
	steps.StatusOK: "✓", steps.StatusWarning: "!", steps.StatusUnknown: "?", steps.StatusSkipped: "-", steps.StatusFailed: "✗",
}

func (p *textPresenter) emit(ev steps.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case steps.StepDone:
		fmt.Fprintf(p.w, "%s %-8s %s (%s)\n", statusMark[ev.Status], ev.Step, ev.Summary, ev.Elapsed.Round(time.Millisecond))
		for _, d := range ev.Details {
			fmt.Fprintf(p.w, "           %s\n", d)
		}
		// A failed step's diagnosis is printed in full at the end; a warning's
		// evidence is the only place the reason shows (e.g. STS AccessDenied).
		if ev.Diagnosis != nil && ev.Status != steps.StatusFailed {
			for _, e := range ev.Diagnosis.Evidence {
				fmt.Fprintf(p.w, "           evidence: %s\n", e)
			}
			for _, f := range ev.Diagnosis.Fix {
				fmt.Fprintf(p.w, "           fix: %s\n", f)
			}
		}
	case steps.Progress:
		fmt.Fprintf(p.w, "  %-8s … %s (%s)\n", ev.Step, ev.Message, ev.Elapsed.Round(time.Millisecond))
	case steps.LoginProgress:
		detail := ""
		if ev.Detail != "" {
			detail = ": " + ev.Detail
		}
		fmt.Fprintf(p.w, "  login    … %s%s\n", ev.Stage, detail)
	}
}

// printDiagnosis writes a diagnosis for people.
func printDiagnosis(w io.Writer, d *diag.Diagnosis) {
	fmt.Fprintf(w, "\n%s: %s\n", d.Code, d.Summary)
	if len(d.Evidence) > 0 {
		fmt.Fprintln(w, "Evidence:")
		for _, e := range d.Evidence {
			fmt.Fprintf(w, "  - %s\n", e)
		}
	}
	if len(d.Fix) > 0 {
		fmt.Fprintln(w, "Fix:")
		for i, f := range d.Fix {
			fmt.Fprintf(w, "  %d. %s\n", i+1, f)
		}
	}
}

// silent is an exit code whose message was already printed.
func silent(code int) error { return &exitError{code: code, err: errors.New("")} }

// outcome maps an engine error to the exit code, printing what the user needs.
func outcome(s streams, err error) error {
	if err == nil {
		return nil
	}
	var u *steps.UsageError
	var d *diag.Diagnosis
	switch {
	case errors.As(err, &u):
		return &exitError{code: exitUsage, err: u}
	case errors.Is(err, steps.ErrAborted), errors.Is(err, context.Canceled):
		fmt.Fprintln(s.errOut, "aborted")
		return silent(exitAborted)
	case errors.As(err, &d):
		printDiagnosis(s.errOut, d)
		if d.Code == diag.LDAPAuthorization {
			return silent(exitBlocked)
		}
		return silent(exitFailed)
	}
	return &exitError{code: exitFailed, err: err}
}

// exitCodeOf is the exit code outcome would give, for JSON documents.
func exitCodeOf(err error) int {
	var u *steps.UsageError
	var d *diag.Diagnosis
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &u):
		return exitUsage
	case errors.Is(err, steps.ErrAborted), errors.Is(err, context.Canceled):
		return exitAborted
	case errors.As(err, &d) && d.Code == diag.LDAPAuthorization:
		return exitBlocked
	}
	return exitFailed
}

// writeJSON writes an indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// errorDoc is the JSON shape of a failure: a diagnosis, or a usage message.
type errorDoc struct {
	Diagnosis *diag.Diagnosis `json:"diagnosis,omitempty"`
	Error     string          `json:"error,omitempty"`
	ExitCode  int             `json:"exitCode"`
}

func errorDocOf(err error) errorDoc {
	doc := errorDoc{ExitCode: exitCodeOf(err)}
	var d *diag.Diagnosis
	var u *steps.UsageError
	if errors.As(err, &d) {
		doc.Diagnosis = d
	}
	// A usage error keeps its message next to a diagnosis it may carry.
	if err != nil && (doc.Diagnosis == nil || errors.As(err, &u)) {
		doc.Error = strings.TrimSpace(err.Error())
	}
	return doc
}
