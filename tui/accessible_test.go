package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/huh"

	"github.com/atlas-iam/atlas-iam/steps"
)

// TestAccessibleFlowInPTY runs a whole setup in --accessible mode through a
// pseudo-terminal, one line at a time: every question is answered, a rejected
// key and an invalid ARN are asked again, the secret is read without echo, and
// the engine receives exactly the options and validated values.
func TestAccessibleFlowInPTY(t *testing.T) {
	p := newPTY(t, 100, 40)
	projects := makeProjects(3000)
	got := newAnswers()
	var result bytes.Buffer
	run := func(ctx context.Context, pr steps.Prompter, emit steps.Emit) (*steps.Result, error) {
		got.put("begun", pr.Begin(ctx, overviewFixture()))
		got.put(pr.AtlasCredentials(ctx, steps.CredentialsRequest{
			Reason: "No Atlas API credentials were found.",
			Verify: func(_ context.Context, in steps.AtlasCredentialsInput) error {
				if in.PrivateKey != "good-secret" {
					return errRejected
				}
				return nil
			}}))
		got.put(pr.Project(ctx, steps.ProjectRequest{Pages: streamProjects(ctx, projects, 500, nil)}))
		emit(steps.StepStarted{Step: steps.StepLDAP, Title: "LDAP authorization check"})
		emit(steps.StepDone{Step: steps.StepLDAP, Status: steps.StatusUnknown, Summary: "could not read the LDAP settings"})
		got.put(pr.Platform(ctx, platformFixture()))
		got.put(pr.Principal(ctx, steps.PrincipalRequest{Platform: "fargate", Validate: validateARN}))
		got.put(pr.Access(ctx, accessFixture()))
		got.put(pr.Review(ctx, reviewFixture("create")))
		emit(steps.StepStarted{Step: steps.StepDeploy, Title: "Waiting for the deployment"})
		emit(steps.Progress{Step: steps.StepDeploy, Message: "PENDING", Elapsed: 3 * time.Second})
		emit(steps.StepDone{Step: steps.StepDeploy, Status: steps.StatusOK, Summary: "APPLIED"})
		got.put(pr.Network(ctx, networkFixture()))
		emit(steps.LoginProgress{Stage: "authenticate", Detail: "MONGODB-AWS", Done: true})
		got.put(pr.Failure(ctx, authFailureFixture()))
		return resultFixture(), nil
	}
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), run, Options{Accessible: true, In: p.tty, Out: p.tty, Result: &result})
		done <- err
	}()

	step := func(name string, want any) {
		t.Helper()
		if v := got.next(t); !reflect.DeepEqual(v, want) {
			t.Fatalf("%s: got %#v, want %#v", name, v, want)
		}
	}

	p.expect("Plan:")
	p.expect("Enter a number between 1 and 2")
	p.line("1")
	step("Begin", "begun")

	p.expect("Which Atlas credentials")
	p.line("1")
	p.expect("Public key:")
	p.line("pubkey01")
	p.expect("Private key (not shown):")
	p.line("bad-secret")
	p.expect("rejected")
	p.expect("Which Atlas credentials")
	p.line("1")
	p.expect("Public key:")
	p.line("pubkey01")
	p.expect("Private key (not shown):")
	p.line("good-secret")
	p.expect("The credentials work.")
	step("AtlasCredentials", steps.AtlasCredentialsInput{Kind: "api-key", PublicKey: "pubkey01", PrivateKey: "good-secret"})

	p.expect("Search projects")
	p.line("proj-204")
	p.expect("3. proj-2042")
	p.expect("Enter a number")
	p.line("3")
	step("Project", projects[2042])

	p.expect("LDAP authorization check: could not be checked")
	p.expect("Where does the application run?")
	p.expect("4. EC2 instance (detected)")
	p.expect("Enter a number")
	p.line("3")
	step("Platform", "fargate")

	p.expect("Which IAM principal")
	p.expect("Enter a number")
	p.line("1") // type an ARN
	p.expect("IAM role or user ARN:")
	p.line("arn:aws:iam::123456789012:group/devs")
	p.expect("not an IAM role or user ARN. Suggestion: use the form")
	p.line(longPathRoleARN)
	want, _ := validateARN(longPathRoleARN)
	step("Principal", want)

	p.expect("[readWrite@orders]:")
	p.line("") // the suggestion
	p.expect("Which deployment")
	p.expect("(enter alone: orders-production-cluster-0 (cluster, IDLE))")
	p.expect("Enter a number")
	p.line("1")
	p.expect("Limit the user to analytics-flex")
	p.expect("Enter a number")
	p.line("2")
	step("Access", steps.Access{Roles: []string{"readWrite@orders"}, Cluster: "analytics-flex", Scope: false})

	p.expect("Atlas CLI equivalent: " + longAtlasCLI)
	p.expect("Enter a number")
	p.line("1")
	step("Review", true)

	p.expect("Waiting for the deployment: done, APPLIED")
	p.expect("1. Add 203.0.113.7/32")
	p.expect("Enter a number")
	p.line("1")
	step("Network", true)

	p.expect("Problem (USER_NOT_FOUND)")
	p.expect("Enter a number")
	p.line("2")
	step("Failure", steps.ChoiceBack)

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return")
	}
	if strings.Contains(p.output(), "good-secret") || strings.Contains(p.output(), "bad-secret") {
		t.Error("a secret was echoed")
	}
	if !strings.Contains(result.String(), longMongosh+"\n") {
		t.Errorf("the result writer lacks the mongosh command:\n%s", result.String())
	}
	if testing.Verbose() {
		t.Log(p.output())
	}
	if strings.Contains(p.output(), "\x1b[") {
		t.Error("accessible output has escape sequences")
	}
}

// TestAccessiblePipedInput: piped answers reach one prompt each (huh alone would
// give them all to the first prompt), and an Atlas secret is refused with a
// clear error instead of huh's silent empty value.
func TestAccessiblePipedInput(t *testing.T) {
	got := newAnswers()
	var out bytes.Buffer
	_, err := Run(context.Background(), func(ctx context.Context, pr steps.Prompter, emit steps.Emit) (*steps.Result, error) {
		got.put("begun", pr.Begin(ctx, overviewFixture()))
		got.put(pr.Platform(ctx, platformFixture()))
		_, err := pr.AtlasCredentials(ctx, steps.CredentialsRequest{})
		return nil, err
	}, Options{Accessible: true, In: strings.NewReader("1\n2\n1\npubkey01\n"), Out: &out, Result: io.Discard})
	if v := got.next(t); v != "begun" {
		t.Fatalf("Begin: %v", v)
	}
	if v := got.next(t); v != "ecs" {
		t.Fatalf("Platform: got %v, want ecs (the second line)", v)
	}
	if !errors.Is(err, ErrSecretNeedsTerminal) {
		t.Fatalf("got %v, want ErrSecretNeedsTerminal", err)
	}
}

// TestAccessibleInputEnds: when the input ends before an answer, the question
// returns ErrAborted instead of huh's default (or its panic on a select).
func TestAccessibleInputEnds(t *testing.T) {
	for name, ask := range map[string]func(ctx context.Context, p steps.Prompter) error{
		"select": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Platform(ctx, platformFixture())
			return err
		},
		"text": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Principal(ctx, steps.PrincipalRequest{Validate: validateARN})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			in := "1\n"
			if name == "select" {
				in = ""
			}
			_, err := Run(context.Background(), func(ctx context.Context, p steps.Prompter, emit steps.Emit) (*steps.Result, error) {
				return nil, ask(ctx, p)
			}, Options{Accessible: true, In: strings.NewReader(in), Out: io.Discard, Result: io.Discard})
			if !errors.Is(err, steps.ErrAborted) {
				t.Fatalf("got %v, want ErrAborted", err)
			}
		})
	}
}

// TestLineReaderOneLinePerRead: the workaround for huh's per-prompt scanner.
func TestLineReaderOneLinePerRead(t *testing.T) {
	r := newLineReader(strings.NewReader("one\ntwo\nlast"))
	buf := make([]byte, 64)
	var reads []string
	for {
		n, err := r.Read(buf)
		if n > 0 {
			reads = append(reads, string(buf[:n]))
		}
		if err != nil {
			break
		}
	}
	if want := []string{"one\n", "two\n", "last"}; !reflect.DeepEqual(reads, want) {
		t.Fatalf("reads %q, want %q", reads, want)
	}
	if lines, eof := r.state(); lines != 3 || !eof {
		t.Errorf("state %d %v", lines, eof)
	}

	// With it, consecutive one-field huh forms each get their own line.
	lr := newLineReader(strings.NewReader("alpha\nbeta\n"))
	var a, b string
	for _, v := range []*string{&a, &b} {
		f := huh.NewForm(huh.NewGroup(huh.NewInput().Value(v))).WithAccessible(true).WithInput(lr).WithOutput(io.Discard)
		if err := f.Run(); err != nil {
			t.Fatal(err)
		}
	}
	if a != "alpha" || b != "beta" {
		t.Fatalf("got %q %q", a, b)
	}
}
