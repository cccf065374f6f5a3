package tui

import (
	"context"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	osc52 "github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/atlas-iam/atlas-iam/steps"
)

// TestFullFlowAnswers drives every question of a setup with keystrokes and
// checks the exact answers the engine receives: each is one of the request's
// options, the input a Verify accepted, or a value the request's Validate
// returned. Nothing is decided by the TUI.
func TestFullFlowAnswers(t *testing.T) {
	got := newAnswers()
	projects := makeProjects(3000)
	platforms := platformFixture()
	var verified []steps.AtlasCredentialsInput
	var mu sync.Mutex
	run := func(ctx context.Context, p steps.Prompter, emit steps.Emit) (*steps.Result, error) {
		got.put("begun", p.Begin(ctx, overviewFixture()))
		got.put(p.AtlasCredentials(ctx, steps.CredentialsRequest{Verify: func(_ context.Context, in steps.AtlasCredentialsInput) error {
			mu.Lock()
			verified = append(verified, in)
			mu.Unlock()
			if in.PrivateKey != "good-secret" {
				return errRejected
			}
			return nil
		}}))
		got.put(p.Project(ctx, steps.ProjectRequest{Pages: streamProjects(ctx, projects, 500, nil)}))
		emit(steps.StepStarted{Step: steps.StepLDAP, Title: "LDAP authorization check"})
		emit(steps.StepDone{Step: steps.StepLDAP, Status: steps.StatusOK, Summary: "LDAP authorization is off"})
		got.put(p.Platform(ctx, platforms))
		got.put(p.Principal(ctx, steps.PrincipalRequest{Platform: "fargate", Validate: validateARN}))
		got.put(p.Access(ctx, accessFixture()))
		got.put(p.Review(ctx, reviewFixture("create")))
		got.put(p.Network(ctx, networkFixture()))
		got.put(p.Failure(ctx, authFailureFixture()))
		return resultFixture(), nil
	}
	h := start(t, run, 80, 24)

	h.waitView("Press enter to begin")
	h.press(tea.KeyEnter)
	if v := got.next(t); v != "begun" {
		t.Fatalf("Begin: got %v, want nil", v)
	}

	h.waitView("Public key")
	h.typeText("pubkey01")
	h.press(tea.KeyEnter)
	h.typeText("bad-secret")
	h.press(tea.KeyEnter)
	h.waitView("rejected")
	for range len("bad-secret") {
		h.press(tea.KeyBackspace)
	}
	h.typeText("good-secret")
	h.press(tea.KeyEnter)
	wantCreds := steps.AtlasCredentialsInput{Kind: "api-key", PublicKey: "pubkey01", PrivateKey: "good-secret"}
	if v := got.next(t); !reflect.DeepEqual(v, wantCreds) {
		t.Fatalf("AtlasCredentials: got %#v, want %#v", v, wantCreds)
	}
	mu.Lock()
	if len(verified) != 2 || verified[1] != wantCreds {
		t.Errorf("Verify saw %#v; the answer must be the input it accepted", verified)
	}
	mu.Unlock()

	h.waitView("3,000 projects")
	h.typeText("proj-204")
	h.waitView("› proj-2040")
	h.press(tea.KeyDown, tea.KeyDown)
	h.waitView("› proj-2042")
	h.press(tea.KeyEnter)
	if v := got.next(t); v != projects[2042] {
		t.Fatalf("Project: got %#v, want %#v", v, projects[2042])
	}

	h.waitView("Checklist for EC2 instance")
	h.press(tea.KeyUp) // from the detected ec2 to fargate
	h.waitView("Checklist for Amazon ECS on Fargate")
	h.press(tea.KeyEnter)
	if v := got.next(t); v != "fargate" {
		t.Fatalf("Platform: got %v, want fargate", v)
	}

	h.waitView("Type the IAM role or user ARN")
	h.typeText(longPathRoleARN)
	h.waitView("✓ valid")
	h.press(tea.KeyEnter)
	want, _ := validateARN(longPathRoleARN)
	if v := got.next(t); !reflect.DeepEqual(v, want) {
		t.Fatalf("Principal: got %#v, want Validate's view %#v", v, want)
	}

	h.waitView("Limit the user")
	h.press(tea.KeyShiftTab, tea.KeySpace) // to the scope line; off
	h.waitView("[ ] Limit the user")
	h.press(tea.KeyEnter)
	if v := got.next(t); !reflect.DeepEqual(v, steps.Access{Roles: []string{"readWrite@orders"}, Cluster: "orders-production-cluster-0", Scope: false}) {
		t.Fatalf("Access: got %#v", v)
	}

	h.waitView("Create the user")
	h.press(tea.KeyEnter)
	if v := got.next(t); v != true {
		t.Fatalf("Review: got %v, want true", v)
	}

	h.waitView("Add 203.0.113.7/32")
	h.press(tea.KeyLeft)
	h.waitView("[ Add 203.0.113.7/32 ]")
	h.press(tea.KeyEnter)
	if v := got.next(t); v != true {
		t.Fatalf("Network: got %v, want true", v)
	}

	h.waitView("USER_NOT_FOUND")
	h.press(tea.KeyRight)
	h.waitView("[ Back ]")
	h.press(tea.KeyEnter)
	if v := got.next(t); v != steps.ChoiceBack {
		t.Fatalf("Failure: got %v, want back", v)
	}

	h.waitView("AWS IAM authentication is set up")
	h.typeText("c")
	h.waitView("copied the mongosh command")
	h.typeText("q")
	m := h.final()
	if m.result == nil || m.result.Mongosh != longMongosh || m.aborted {
		t.Errorf("final model: result %v, aborted %v", m.result, m.aborted)
	}
}

// TestEscGoesBack: esc on every question returns steps.ErrBack to the engine.
func TestEscGoesBack(t *testing.T) {
	cases := map[string]func(ctx context.Context, p steps.Prompter) error{
		"begin": func(ctx context.Context, p steps.Prompter) error { return p.Begin(ctx, overviewFixture()) },
		"credentials": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.AtlasCredentials(ctx, steps.CredentialsRequest{})
			return err
		},
		"project": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Project(ctx, steps.ProjectRequest{Pages: streamProjects(ctx, makeProjects(10), 10, nil)})
			return err
		},
		"platform": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Platform(ctx, platformFixture())
			return err
		},
		"principal": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Principal(ctx, steps.PrincipalRequest{Discovered: discoveredFixture(), Validate: validateARN})
			return err
		},
		"access": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Access(ctx, accessFixture())
			return err
		},
		"review": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Review(ctx, reviewFixture("update"))
			return err
		},
		"network": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Network(ctx, networkFixture())
			return err
		},
		"failure": func(ctx context.Context, p steps.Prompter) error {
			_, err := p.Failure(ctx, ldapBlockedFixture())
			return err
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			got := make(chan error, 1)
			h := start(t, func(ctx context.Context, p steps.Prompter, emit steps.Emit) (*steps.Result, error) {
				got <- f(ctx, p)
				return hold(ctx)
			}, 80, 24)
			h.waitView("esc")
			h.press(tea.KeyEsc)
			select {
			case err := <-got:
				if !errors.Is(err, steps.ErrBack) {
					t.Fatalf("esc returned %v, want ErrBack", err)
				}
			case <-time.After(waitLimit):
				t.Fatal("esc did not answer the question")
			}
		})
	}
}

// TestFailureOffersOnlyAllowedChoices: the buttons are exactly retry (when
// CanRetry), back (when CanBack) and quit, and each answers its own choice.
func TestFailureOffersOnlyAllowedChoices(t *testing.T) {
	for _, c := range []struct {
		retry, back bool
		want        []steps.Choice
	}{
		{false, false, []steps.Choice{steps.ChoiceQuit}},
		{true, false, []steps.Choice{steps.ChoiceRetry, steps.ChoiceQuit}},
		{false, true, []steps.Choice{steps.ChoiceBack, steps.ChoiceQuit}},
		{true, true, []steps.Choice{steps.ChoiceRetry, steps.ChoiceBack, steps.ChoiceQuit}},
	} {
		for i, want := range c.want {
			req := authFailureFixture()
			req.CanRetry, req.CanBack = c.retry, c.back
			got := make(chan any, 1)
			h := start(t, ask(func(ctx context.Context, p steps.Prompter) error {
				ch, err := p.Failure(ctx, req)
				got <- ch
				return err
			}), 80, 24)
			h.waitView("USER_NOT_FOUND")
			for range i {
				h.press(tea.KeyRight)
			}
			time.Sleep(20 * time.Millisecond)
			h.press(tea.KeyEnter)
			select {
			case v := <-got:
				if v != want {
					t.Errorf("retry=%v back=%v button %d: got %v, want %v", c.retry, c.back, i, v, want)
				}
			case <-time.After(waitLimit):
				t.Fatal("no answer")
			}
		}
	}
}

// TestPrincipalChoices: the discovered view is answered as is; a candidate and a
// typed ARN are answered with what Validate returned; an invalid ARN is not
// answered at all.
func TestPrincipalChoices(t *testing.T) {
	cand := steps.RoleCandidate{ARN: longPathRoleARN, Name: "orders", Path: "/service-role/", TrustsYou: true}
	req := steps.PrincipalRequest{Discovered: discoveredFixture(), Candidates: []steps.RoleCandidate{cand}, Validate: validateARN}
	run := func(got *answers) Runner {
		return ask(func(ctx context.Context, p steps.Prompter) error {
			got.put(p.Principal(ctx, req))
			return nil
		})
	}

	t.Run("discovered", func(t *testing.T) {
		got := newAnswers()
		h := start(t, run(got), 80, 24)
		h.waitView("› Use the discovered principal")
		h.press(tea.KeyEnter)
		if v := got.next(t); !reflect.DeepEqual(v, *req.Discovered) {
			t.Fatalf("got %#v", v)
		}
	})
	t.Run("candidate", func(t *testing.T) {
		got := newAnswers()
		h := start(t, run(got), 80, 24)
		h.waitView("› Use the discovered principal")
		h.press(tea.KeyDown)
		h.waitView("› Role orders")
		h.press(tea.KeyEnter)
		want, _ := validateARN(cand.ARN)
		if v := got.next(t); !reflect.DeepEqual(v, want) {
			t.Fatalf("got %#v, want %#v", v, want)
		}
	})
	t.Run("typed_invalid_then_valid", func(t *testing.T) {
		got := newAnswers()
		h := start(t, run(got), 80, 24)
		h.waitView("› Use the discovered principal")
		h.press(tea.KeyDown, tea.KeyDown, tea.KeyEnter)
		h.waitView("Type the IAM role or user ARN")
		h.typeText("arn:aws:iam::123456789012:group/devs")
		h.waitView("not an IAM role or user ARN")
		h.press(tea.KeyEnter)
		select {
		case v := <-got.ch:
			t.Fatalf("an invalid ARN was answered: %v", v)
		case <-time.After(200 * time.Millisecond):
		}
		for range len("group/devs") {
			h.press(tea.KeyBackspace)
		}
		h.typeText("user/bob")
		h.press(tea.KeyEnter) // possibly before the check finished: answered when valid
		want, _ := validateARN("arn:aws:iam::123456789012:user/bob")
		if v := got.next(t); !reflect.DeepEqual(v, want) {
			t.Fatalf("got %#v, want %#v", v, want)
		}
	})
}

// TestAccessAddsFromCatalogue: a role picked in the catalogue is added to the
// field; the answer is the field's roles, accepted by Validate.
func TestAccessAddsFromCatalogue(t *testing.T) {
	got := newAnswers()
	var seen [][]string
	var mu sync.Mutex
	req := accessFixture()
	validate := req.Validate
	req.Validate = func(roles []string) error {
		mu.Lock()
		seen = append(seen, roles)
		mu.Unlock()
		return validate(roles)
	}
	h := start(t, ask(func(ctx context.Context, p steps.Prompter) error {
		got.put(p.Access(ctx, req))
		return nil
	}), 80, 24)
	h.waitView("Limit the user")
	h.press(tea.KeyTab, tea.KeyDown, tea.KeyDown, tea.KeyEnter) // readWrite@ from the catalogue
	h.waitView("readWrite@orders, readWrite@")
	h.typeText("reports.daily")
	h.press(tea.KeyEnter)
	want := steps.Access{Roles: []string{"readWrite@orders", "readWrite@reports.daily"}, Cluster: "orders-production-cluster-0", Scope: true}
	if v := got.next(t); !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v, want %#v", v, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || !reflect.DeepEqual(seen[0], want.Roles) {
		t.Errorf("Validate saw %v", seen)
	}
}

// TestAccessOtherDeployment: the deployment is one of request.Clusters, starting
// on the preselected one; the scope line follows the choice.
func TestAccessOtherDeployment(t *testing.T) {
	got := newAnswers()
	h := start(t, ask(func(ctx context.Context, p steps.Prompter) error {
		got.put(p.Access(ctx, accessFixture()))
		return nil
	}), 80, 24)
	h.waitView("‹ orders-production-cluster-0")
	h.press(tea.KeyTab, tea.KeyTab) // roles → catalogue → deployment
	h.waitView("› Deployment")
	h.press(tea.KeyRight)
	h.waitView("[x] Limit the user to orders-federated")
	h.press(tea.KeyEnter)
	want := steps.Access{Roles: []string{"readWrite@orders"}, Cluster: "orders-federated", Scope: true}
	if v := got.next(t); !reflect.DeepEqual(v, want) {
		t.Fatalf("got %#v, want %#v", v, want)
	}
}

// TestProjectFollowsPreselectedUntilMoved: the preselected project may arrive in
// a later page; the cursor goes to it, unless the user already moved.
func TestProjectFollowsPreselectedUntilMoved(t *testing.T) {
	projects := makeProjects(2000)
	pre := projects[1500]
	for _, moved := range []bool{false, true} {
		got := newAnswers()
		release := make(chan struct{})
		h := start(t, ask(func(ctx context.Context, p steps.Prompter) error {
			got.put(p.Project(ctx, steps.ProjectRequest{Preselected: pre.ID, Pages: streamProjects(ctx, projects, 1000, release)}))
			return nil
		}), 80, 24)
		h.waitView("loaded 1,000 of 2,000")
		if moved {
			h.press(tea.KeyDown)
			h.waitView("› proj-0001")
		}
		close(release)
		h.waitView("2,000 projects")
		h.press(tea.KeyEnter)
		want := pre
		if moved {
			want = projects[1]
		}
		if v := got.next(t); v != want {
			t.Errorf("moved=%v: got %v, want %v", moved, v, want)
		}
	}
}

// TestProjectBetterMatchArrivesLater: while typing before everything loaded,
// an exact match that arrives later takes the cursor, since the user did not
// move it.
func TestProjectBetterMatchArrivesLater(t *testing.T) {
	projects := makeProjects(2000)
	got := newAnswers()
	release := make(chan struct{})
	h := start(t, ask(func(ctx context.Context, p steps.Prompter) error {
		got.put(p.Project(ctx, steps.ProjectRequest{Pages: streamProjects(ctx, projects, 1000, release)}))
		return nil
	}), 80, 24)
	h.waitView("loaded 1,000 of 2,000")
	h.typeText("proj-1500")
	h.waitView("0 matching")
	close(release)
	h.waitView("2,000 projects", "› proj-1500")
	h.press(tea.KeyEnter)
	if v := got.next(t); v != projects[1500] {
		t.Errorf("got %v, want %v", v, projects[1500])
	}
}

// TestSecretsNeverShown: the private key is masked on every screen.
func TestSecretsNeverShown(t *testing.T) {
	h := start(t, ask(func(ctx context.Context, p steps.Prompter) error {
		_, err := p.AtlasCredentials(ctx, steps.CredentialsRequest{Verify: func(context.Context, steps.AtlasCredentialsInput) error {
			return errRejected
		}})
		return err
	}), 80, 24)
	h.waitView("Public key")
	h.typeText("pub")
	h.press(tea.KeyEnter)
	h.typeText("s3cr3t-private-key")
	v := h.view()
	h.press(tea.KeyEnter)
	v += h.waitView("rejected")
	if strings.Contains(v, "s3cr3t") {
		t.Fatalf("the secret is on the screen:\n%s", v)
	}
}

// TestCopyWritesOSC52 checks the clipboard bytes for the focused block, with the
// GNU screen framing when TERM says screen.
func TestCopyWritesOSC52(t *testing.T) {
	for _, term := range []string{"xterm-256color", "screen-256color"} {
		t.Run(term, func(t *testing.T) {
			h := start(t, resultRunner(), 80, 24, func(o *Options) { o.Term = term })
			h.waitView("AWS IAM authentication is set up")
			h.press(tea.KeyTab) // the connection string
			h.waitView("› Connection string")
			h.typeText("c")
			h.waitView("copied the connection string")
			want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(longConnString)) + "\x07"
			if term == "screen-256color" {
				// GNU screen needs the sequence in DCS chunks (go-osc52's Screen).
				want = osc52.New(longConnString).Screen().String()
			}
			if got := h.clip.String(); got != want {
				t.Fatalf("clipboard got %q, want %q", got, want)
			}
		})
	}
}

// TestCtrlCAborts: ctrl+c answers the pending question with ErrAborted, cancels
// the engine's context and ends the program.
func TestCtrlCAborts(t *testing.T) {
	promptErr := make(chan error, 1)
	ctxErr := make(chan error, 1)
	h := start(t, func(ctx context.Context, p steps.Prompter, emit steps.Emit) (*steps.Result, error) {
		_, err := p.Platform(ctx, platformFixture())
		promptErr <- err
		select {
		case <-ctx.Done():
			ctxErr <- ctx.Err()
		case <-time.After(waitLimit):
			ctxErr <- nil
		}
		return nil, steps.ErrAborted
	}, 80, 24)
	h.waitView("Where does the application run?")
	h.press(tea.KeyCtrlC)
	if err := <-promptErr; !errors.Is(err, steps.ErrAborted) {
		t.Errorf("the question returned %v, want ErrAborted", err)
	}
	if err := <-ctxErr; !errors.Is(err, context.Canceled) {
		t.Errorf("the engine's context: %v, want cancelled", err)
	}
	if m := h.final(); !m.aborted {
		t.Error("the model does not say aborted")
	}
}

// TestResize: after a resize every line fits the new width and the frame
// fills the new height.
func TestResize(t *testing.T) {
	h := start(t, ask(func(ctx context.Context, p steps.Prompter) error {
		_, err := p.Review(ctx, reviewFixture("update"))
		return err
	}), 80, 24)
	h.waitView("Update the user")
	for _, size := range [][2]int{{120, 40}, {60, 20}} {
		h.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		time.Sleep(20 * time.Millisecond)
		v := h.view()
		lines := strings.Split(v, "\n")
		if len(lines) != size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%dx%d: line of %d cells: %q", size[0], size[1], w, l)
			}
		}
	}
}
