package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/atlas-iam/atlas-iam/steps"
)

// headerView is two lines: the product and where the user is, then one marker
// per step of the flow (✓ done, ● here, ○ still to come).
func (m *model) headerView() []string {
	s := m.c.styles
	w := m.c.width
	current := m.progress.current
	if m.page != nil {
		// A question on screen is where the user is, even while background
		// steps report progress.
		current = m.page.step()
	}
	cur := stepIndex(current)

	right := "Overview"
	if cur >= 0 {
		right = fmt.Sprintf("Step %d of %d · %s", cur+1, len(flow), stepName(current))
	}
	left := s.App.Render("atlas-iam")
	first := left + strings.Repeat(" ", max(1, w-ansi.StringWidth(left)-ansi.StringWidth(right))) + s.HeaderStep.Render(right)
	if ansi.StringWidth(first) > w {
		first = s.HeaderStep.Render(fit(right, w))
	}

	marks := make([]string, len(flow))
	for i, f := range flow {
		marks[i] = m.marker(f.step, i, cur)
	}
	return []string{first, strings.Join(marks, " ")}
}

// marker is one step's symbol in the header: the step on screen is ● (✗ on its
// failure screen); a finished step shows its status; others are · (passed
// without a report) or ○ (to come).
func (m *model) marker(step steps.Step, i, cur int) string {
	s := m.c.styles
	st, reported := m.progress.states[step]
	switch {
	case i == cur && m.page != nil && reported && st.status == steps.StatusFailed:
		return s.Fail.Render("✗")
	case i == cur && (m.page != nil || !reported || st.status == ""):
		return s.Accent.Render("●")
	case reported && st.status != "":
		return statusIcon(s, st.status)
	case i < cur:
		return s.Muted.Render("·")
	default:
		return s.Muted.Render("○")
	}
}

// statusIcon is the symbol of a finished step; the symbol alone carries the
// meaning when colours are off.
func statusIcon(s *Styles, st steps.Status) string {
	switch st {
	case steps.StatusOK:
		return s.OK.Render("✓")
	case steps.StatusWarning:
		return s.Warn.Render("!")
	case steps.StatusUnknown:
		return s.Unknown.Render("?")
	case steps.StatusSkipped:
		return s.Muted.Render("-")
	case steps.StatusFailed:
		return s.Fail.Render("✗")
	default:
		return s.Muted.Render("○")
	}
}
