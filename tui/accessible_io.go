package tui

import (
	"errors"
	"io"
	"sync"
)

// lineReader hands out at most one line per Read, reading the underlying input
// one byte at a time. huh v1.0.0's accessible prompts build a new bufio.Scanner
// for every prompt; over a pipe the first scanner would swallow all the input.
// Never reading past the current line also leaves a terminal clean for a
// following password prompt, which reads the file descriptor directly.
type lineReader struct {
	r     io.Reader
	mu    sync.Mutex
	lines int  // complete or final lines delivered
	eof   bool // the input ended
}

func newLineReader(r io.Reader) *lineReader { return &lineReader{r: r} }

func (l *lineReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for n < len(p) {
		k, err := l.r.Read(p[n : n+1])
		n += k
		if k == 1 && p[n-1] == '\n' {
			l.lines++
			return n, nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				l.eof = true
				if n > 0 {
					l.lines++ // a last line without a newline
					return n, nil
				}
			}
			return n, err
		}
	}
	return n, nil
}

// state reports the lines delivered so far and whether the input ended.
func (l *lineReader) state() (lines int, eof bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lines, l.eof
}
