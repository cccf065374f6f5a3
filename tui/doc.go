// Package tui is the interactive face of the setup engine (package steps): a
// bubbletea program that renders the engine's events and answers its questions.
//
// The engine decides, the TUI shows. Every answer a screen returns is one of the
// options in the engine's request, or a value the request's own Validate/Verify
// accepted. Run bridges the two worlds: the engine runs in a goroutine started by a
// tea.Cmd; its events and questions travel to the program as messages through one
// ordered channel, and answers travel back on a reply channel per question.
//
// Layout: run.go (entry point), bridge.go (engine ↔ program), model.go (the one
// root model that routes messages), page_*.go (one screen each, with its typed
// messages), styles.go, keymap.go, layout.go (width maths with x/ansi), and
// accessible*.go (the line-prompt mode without a bubbletea program).
package tui
