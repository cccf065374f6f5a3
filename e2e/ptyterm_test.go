package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// Terminal queries termenv (under lipgloss and bubbletea) may send at startup,
// and the replies a terminal gives. Nothing answers in a bare pseudo-terminal,
// so the console answers like a dark terminal with the cursor at the top left;
// unanswered, termenv waits 5 s for each.
var terminalReplies = []struct{ query, reply string }{
	{"\x1b]11;?", "\x1b]11;rgb:0000/0000/0000\x1b\\"}, // OSC 11: background colour
	{"\x1b[6n", "\x1b[1;1R"},                          // DSR: cursor position
}

// ptyConsole runs a program on a pseudo-terminal (its stdin and stderr; stdout
// is kept apart) and plays the user on the other end, one line at a time.
type ptyConsole struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File

	mu      sync.Mutex
	out     bytes.Buffer // everything the program wrote to the terminal
	replied int          // output before this offset was scanned for queries
	seen    int          // output before this offset was already matched
	readErr chan error
	waited  chan error
}

// startPTY starts cmd on a cols×rows pseudo-terminal. cmd.Stdout, when set,
// stays where it is.
func startPTY(t *testing.T, cmd *exec.Cmd, cols, rows uint16) *ptyConsole {
	t.Helper()
	// A 0×0 terminal makes the interface draw nothing: always set a size.
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: cols, Rows: rows})
	if err != nil {
		t.Fatalf("start %s on a pseudo-terminal: %v", cmd.Path, err)
	}
	c := &ptyConsole{t: t, cmd: cmd, ptmx: ptmx, readErr: make(chan error, 1), waited: make(chan error, 1)}
	go c.read()
	go func() { c.waited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // after a failure; harmless once it exited
		ptmx.Close()
	})
	return c
}

// read collects the output and answers terminal queries as they appear.
func (c *ptyConsole) read() {
	buf := make([]byte, 4096)
	for {
		n, err := c.ptmx.Read(buf)
		c.mu.Lock()
		c.out.Write(buf[:n])
		all := c.out.String()
		var replies []string
		for {
			i, reply := -1, ""
			for _, q := range terminalReplies {
				if j := strings.Index(all[c.replied:], q.query); j >= 0 && (i < 0 || j < i) {
					i, reply = j, q.reply
				}
			}
			if i < 0 {
				break
			}
			c.replied += i + 1
			replies = append(replies, reply)
		}
		c.mu.Unlock()
		for _, r := range replies {
			_, _ = c.ptmx.WriteString(r)
		}
		if err != nil {
			c.readErr <- err
			return
		}
	}
}

// text is the output so far without escape sequences.
func (c *ptyConsole) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return ansi.Strip(c.out.String())
}

// expect waits for s in the output after the previous match and returns the
// output from the previous match up to and including s.
func (c *ptyConsole) expect(s string) string {
	c.t.Helper()
	deadline := time.Now().Add(termWait)
	for {
		all := c.text()
		c.mu.Lock()
		from := min(c.seen, len(all))
		i := strings.Index(all[from:], s)
		if i >= 0 {
			c.seen = from + i + len(s)
		}
		c.mu.Unlock()
		if i >= 0 {
			return all[from : from+i+len(s)]
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("waited %s for %q; the output after the last match is:\n%s", termWait, s, all[from:])
		}
		time.Sleep(termPoll / 2)
	}
}

// line types one line and Enter, as a person does once the prompt is there.
func (c *ptyConsole) line(s string) {
	c.t.Helper()
	if _, err := c.ptmx.WriteString(s + "\r"); err != nil {
		c.t.Fatalf("type %q: %v", s, err)
	}
}

// wait waits for the program to exit and returns its exit code.
func (c *ptyConsole) wait() int {
	c.t.Helper()
	select {
	case err := <-c.waited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			c.t.Fatalf("wait for %s: %v", c.cmd.Path, err)
		}
		return 0
	case <-time.After(termWait):
		c.t.Fatalf("%s did not exit within %s; its output:\n%s", c.cmd.Path, termWait, c.text())
		return -1
	}
}
