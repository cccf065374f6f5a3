package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/internal/testenv"
)

// BenchmarkFirstFrame measures, in a real terminal, how long `atlas-iam demo`
// takes to draw its first frame and its peak RSS, each against the smallest
// bubbletea program (scripts/bench/minimaltea) measured in the same run; the
// target is at most 1.5× for both. scripts/bench-tui.sh measures the same from
// the shell. Reported per run (medians over b.N runs of each program):
//
//	demo-ms, tea-ms, frame-x   time to first frame and its ratio
//	demo-MB, tea-MB, rss-x     peak RSS (VmHWM) and its ratio
//
// Run with: go test ./e2e -run '^$' -bench FirstFrame -benchtime 10x
func BenchmarkFirstFrame(b *testing.B) {
	tmux := testenv.Tmux(b)
	tea := buildMinimalTea(b)
	d := newDemoTerminal(b)
	srv := &frameServer{b: b, tmux: tmux, env: d.env,
		socket: fmt.Sprintf("atlas-iam-bench-%d-%08x", os.Getpid(), rand.Uint32())}
	// One server for every run, kept up by an idle session, so that its start is
	// in neither program's time; each run is a fresh session.
	socketPath := strings.TrimSpace(srv.run("-f", "/dev/null", "new-session", "-d", "-s", "idle", "sleep 86400",
		";", "display-message", "-p", "#{socket_path}"))
	b.Cleanup(func() {
		_ = exec.Command(tmux, "-L", srv.socket, "kill-server").Run()
		os.Remove(socketPath) // tmux leaves it behind
	})

	programs := []framedProgram{
		{name: "tea", argv: []string{tea}, quit: "q", marker: "minimaltea"},
		{name: "demo", argv: []string{binary, "demo"}, quit: "C-c", marker: "atlas-iam"},
	}
	for _, p := range programs { // unmeasured: page cache, first exec
		srv.measure(p, 0)
	}
	frames := map[string][]float64{}
	peaks := map[string][]float64{}
	b.ResetTimer()
	for i := range b.N {
		for j := range programs {
			p := programs[(i+j)%len(programs)] // alternate who goes first
			ff, peak := srv.measure(p, i+1)
			frames[p.name] = append(frames[p.name], float64(ff)/float64(time.Millisecond))
			peaks[p.name] = append(peaks[p.name], float64(peak)/1024)
		}
	}
	b.StopTimer()
	demoFF, teaFF := medianOf(frames["demo"]), medianOf(frames["tea"])
	demoRSS, teaRSS := medianOf(peaks["demo"]), medianOf(peaks["tea"])
	b.ReportMetric(0, "ns/op") // the loop's own time means nothing here
	b.ReportMetric(demoFF, "demo-ms")
	b.ReportMetric(teaFF, "tea-ms")
	b.ReportMetric(demoFF/teaFF, "frame-x")
	b.ReportMetric(demoRSS, "demo-MB")
	b.ReportMetric(teaRSS, "tea-MB")
	b.ReportMetric(demoRSS/teaRSS, "rss-x")
}

// buildMinimalTea builds the baseline next to the atlas-iam binary, once.
func buildMinimalTea(b *testing.B) string {
	b.Helper()
	out := filepath.Join(filepath.Dir(binary), "minimaltea")
	if _, err := os.Stat(out); err == nil {
		return out
	}
	build := exec.Command("go", "build", "-o", out, "../scripts/bench/minimaltea")
	if msg, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build minimaltea: %v\n%s", err, msg)
	}
	return out
}

// framedProgram is a program measured by BenchmarkFirstFrame.
type framedProgram struct {
	name   string
	argv   []string
	quit   string // the keys that end it after its first frame
	marker string // text its first screen shows: an error message is not a frame
}

// frameServer is the benchmark's tmux server.
type frameServer struct {
	b            *testing.B
	tmux, socket string
	env          []string
}

func (s *frameServer) run(args ...string) string {
	s.b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.tmux, append([]string{"-L", s.socket}, args...)...)
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.b.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// measure starts p in a fresh 100×30 session and returns the time from
// new-session to the first capture that shows anything, and p's peak RSS in KB
// (VmHWM, sampled until it exits after its quit keys).
func (s *frameServer) measure(p framedProgram, run int) (time.Duration, int) {
	s.b.Helper()
	session := fmt.Sprintf("%s-%d", p.name, run)
	argv := []string{"exec", "env", "TERM=xterm-256color"}
	for _, a := range p.argv {
		argv = append(argv, quoteForShell(a))
	}
	start := time.Now()
	// exec all the way down: the pane's pid is the program's.
	pid, err := strconv.Atoi(strings.TrimSpace(s.run("new-session", "-d", "-P", "-F", "#{pane_pid}",
		"-s", session, "-x", "100", "-y", "30", strings.Join(argv, " "))))
	if err != nil {
		s.b.Fatalf("pane pid of %s: %v", p.name, err)
	}
	capture := func() string { return s.run("capture-pane", "-p", "-t", session) }
	deadline := start.Add(termWait)
	var firstFrame time.Duration
	for {
		if strings.TrimSpace(capture()) != "" {
			firstFrame = time.Since(start)
			break
		}
		if time.Now().After(deadline) {
			s.b.Fatalf("%s drew nothing within %s", p.name, termWait)
		}
		time.Sleep(5 * time.Millisecond)
	}
	for !strings.Contains(capture(), p.marker) {
		if time.Now().After(deadline) {
			s.b.Fatalf("%s never showed %q:\n%s", p.name, p.marker, capture())
		}
		time.Sleep(5 * time.Millisecond)
	}
	peak := 0
	s.run("send-keys", "-t", session, p.quit)
	for {
		kb, alive := vmHWM(pid)
		if !alive {
			break
		}
		peak = max(peak, kb)
		if time.Now().After(deadline) {
			s.b.Fatalf("%s did not quit on %s", p.name, p.quit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return firstFrame, peak
}

// vmHWM reads a process's peak resident set in KB; alive is false once it exited.
func vmHWM(pid int) (kb int, alive bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb, true
		}
	}
	return 0, false // a zombie has no memory lines left
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
