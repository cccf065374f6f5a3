// Command atlas-iam sets up MongoDB Atlas authentication with AWS IAM
// (MONGODB-AWS) and proves it with a live login. main.go only wires: it builds
// the cobra commands, picks the TUI or the headless mode and maps outcomes to
// exit codes (DESIGN.md §6).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes (DESIGN.md §6).
const (
	exitOK      = 0
	exitFailed  = 1 // a diagnosis was printed
	exitUsage   = 2
	exitBlocked = 3 // a precondition blocks the setup (LDAP authorization)
	exitAborted = 130
)

// streams are the command's standard streams, injected for tests.
type streams struct {
	in       io.Reader
	out      io.Writer // results
	errOut   io.Writer // UI, progress, diagnoses
	getenv   func(string) string
	isTTYIn  bool // stdin is a terminal
	isTTYOut bool // stderr, where the wizard draws, is a terminal
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

// printLine writes one line of result to stdout.
func (s streams) printLine(line string) { fmt.Fprintln(s.out, line) }
func (e *exitError) Unwrap() error      { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s := streams{in: os.Stdin, out: os.Stdout, errOut: os.Stderr, getenv: os.Getenv,
		// The wizard draws on stderr; stdout only carries results and may be
		// redirected (x=$(atlas-iam) works, as with gum).
		isTTYIn: isTerminal(os.Stdin), isTTYOut: isTerminal(os.Stderr)}
	os.Exit(run(ctx, os.Args[1:], s))
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, s streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.errOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.code != exitOK && ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(s.errOut, "Error:", ee.err)
		}
		return ee.code
	}
	// cobra's own errors (unknown flag, bad value, missing argument) are usage errors.
	fmt.Fprintln(s.errOut, "Error:", err)
	return exitUsage
}

func newRootCmd(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "atlas-iam",
		Short: "Set up MongoDB Atlas authentication with AWS IAM and prove it works",
		Long: `atlas-iam registers your application's AWS IAM identity (Lambda, ECS, Fargate,
EC2, EKS or a workstation) as a MongoDB Atlas database user, checks the project for
an LDAP-authorization conflict and the IP access list, proves the setup with a live
MONGODB-AWS login and prints the mongosh command and connection string.

Without a subcommand it runs the interactive wizard (same as "atlas-iam setup").`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	var f setupFlags
	f.register(root.Flags(), true)
	root.PreRunE = rejectEmptyValues
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageErrorf("unknown command %q for atlas-iam", args[0])
		}
		return runSetup(cmd.Context(), s, f)
	}
	root.AddCommand(newSetupCmd(s), newCheckCmd(s), newDoctorCmd(s), newSandboxCmd(s), newDemoCmd(s))
	return root
}
