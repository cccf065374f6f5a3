package tui

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyTerm is a pseudo-terminal for tests: the code under test gets tty (as
// opts.In and opts.Out); the test plays the user on the other end.
type ptyTerm struct {
	t    *testing.T
	ptmx *os.File
	tty  *os.File

	mu   sync.Mutex
	out  bytes.Buffer
	seen int // output before this offset was already matched
}

func newPTY(t *testing.T, cols, rows uint16) *ptyTerm {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: cols, Rows: rows}); err != nil {
		t.Fatalf("set pty size: %v", err)
	}
	p := &ptyTerm{t: t, ptmx: ptmx, tty: tty}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		tty.Close()
		ptmx.Close()
		<-done
	})
	return p
}

// output is everything the program wrote so far.
func (p *ptyTerm) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// expect waits for s in the output after the previous match.
func (p *ptyTerm) expect(s string) {
	p.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		all := p.out.String()
		i := strings.Index(all[p.seen:], s)
		if i >= 0 {
			p.seen += i + len(s)
		}
		p.mu.Unlock()
		if i >= 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	out := p.output()
	p.t.Fatalf("never saw %q; output after the last match:\n%s", s, out[min(p.seen, len(out)):])
}

// send types raw bytes, as a user would.
func (p *ptyTerm) send(s string) {
	p.t.Helper()
	if _, err := p.ptmx.WriteString(s); err != nil {
		p.t.Fatalf("write to pty: %v", err)
	}
}

// line types one line and a newline.
func (p *ptyTerm) line(s string) {
	p.t.Helper()
	time.Sleep(20 * time.Millisecond) // one line per read: give the prompt time to read
	p.send(s + "\n")
}
