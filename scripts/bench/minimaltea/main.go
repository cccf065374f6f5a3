// Command minimaltea is the baseline of scripts/bench-tui.sh: the smallest
// bubbletea program that draws one line (on stderr, like the wizard) and quits
// on q, so the wizard's time to first frame and memory can be compared with
// what bubbletea itself costs.
package main

import (
	"fmt"
	"os"

	tea "github.com/charmbracelet/bubbletea"
)

type model struct{}

func (model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && (k.String() == "q" || k.String() == "ctrl+c") {
		return m, tea.Quit
	}
	return m, nil
}

func (model) View() string { return "minimaltea: press q to quit" }

func main() {
	if _, err := tea.NewProgram(model{}, tea.WithOutput(os.Stderr), tea.WithAltScreen()).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "minimaltea:", err)
		os.Exit(1)
	}
}
