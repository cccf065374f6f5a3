package tui

import (
	"fmt"

	"github.com/atlas-iam/atlas-iam/steps"
)

// emit prints engine events as plain lines, words rather than symbols, for
// screen readers and logs.
func (a *accessiblePrompter) emit(ev steps.Event) {
	switch e := ev.(type) {
	case steps.StepStarted:
		title := e.Title
		if title == "" {
			title = stepName(e.Step)
		}
		a.mu.Lock()
		a.titles[e.Step] = title
		a.mu.Unlock()
		a.println(title + "…")
	case steps.Progress:
		a.println(fmt.Sprintf("  %s (%s)", e.Message, fmtElapsed(e.Elapsed)))
	case steps.StepDone:
		a.mu.Lock()
		title := a.titles[e.Step]
		a.mu.Unlock()
		if title == "" {
			title = stepName(e.Step)
		}
		line := fmt.Sprintf("%s: %s", title, statusWord(e.Status))
		if e.Summary != "" {
			line += ", " + e.Summary
		}
		if e.Elapsed > 0 {
			line += " (" + fmtElapsed(e.Elapsed) + ")"
		}
		lines := []string{line}
		for _, d := range e.Details {
			lines = append(lines, "  "+d)
		}
		if e.Diagnosis != nil && e.Status != steps.StatusOK {
			lines = append(lines, indent(diagnosisText(e.Diagnosis), "  ")...)
		}
		a.println(lines...)
	case steps.LoginProgress:
		name := loginStageNames[e.Stage]
		if name == "" {
			name = e.Stage
		}
		line := "  Login, " + name
		if e.Done {
			line += ": done"
		} else {
			line += "…"
		}
		if e.Detail != "" {
			line += ", " + e.Detail
		}
		if e.Done && e.Elapsed > 0 {
			line += " (" + fmtElapsed(e.Elapsed) + ")"
		}
		a.println(line)
	}
}

func statusWord(s steps.Status) string {
	switch s {
	case steps.StatusOK:
		return "done"
	case steps.StatusWarning:
		return "warning"
	case steps.StatusUnknown:
		return "could not be checked"
	case steps.StatusSkipped:
		return "skipped"
	case steps.StatusFailed:
		return "failed"
	}
	return string(s)
}
