package connect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// TestLoginSandbox logs in against the sandbox wire server with long-term keys
// and with a platform role session, and checks what the engine shows the user:
// who logged in, the roles, the server's clock, and each stage in order.
func TestLoginSandbox(t *testing.T) {
	cleanAWSEnv(t)
	tests := []struct {
		name      string
		arn, kind string
		creds     func(sandbox) world.Credentials
		wantUser  string
		temporary bool
	}{
		{"long-term keys of IAM user dev", devARN, "USER", func(s sandbox) world.Credentials { return s.devKeys(t) }, devARN, false},
		{"temporary keys of an ECS task role", appRoleARN, "ROLE", func(s sandbox) world.Credentials {
			return s.session(t, "ecs-tasks.amazonaws.com", world.RoleApp, world.ECSTaskID)
		}, appPrincipal, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startSandbox(t, world.Options{})
			s.register(t, tc.arn, tc.kind)
			var stages []Stage
			var details []string
			res, err := Login(context.Background(), LoginRequest{URI: s.uri, Provider: provider(tc.creds(s)), Timeout: 5 * time.Second,
				Progress: func(st Stage, d string) { stages = append(stages, st); details = append(details, d) }})
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			if res.User != tc.wantUser || res.DB != "$external" {
				t.Errorf("user = %s@%s, want %s@$external", res.User, res.DB, tc.wantUser)
			}
			if !slices.Equal(res.Roles, []Role{{Role: "readWrite", DB: "app"}}) {
				t.Errorf("roles = %v", res.Roles)
			}
			want := []Stage{StageCredentials, StageConnect, StageAuthenticate, StagePing, StageConnectionStatus}
			if !slices.Equal(stages, want) {
				t.Errorf("stages = %v, want %v", stages, want)
			}
			if res.ServerTime.IsZero() || res.ServerTime.Sub(res.LocalTime).Abs() > 5*time.Second {
				t.Errorf("server time %v vs local %v: want the hello's localTime", res.ServerTime, res.LocalTime)
			}
			if res.ServerVersion == "" || res.Server == "" {
				t.Errorf("server %q version %q: want both from the hello", res.Server, res.ServerVersion)
			}
			if res.Credentials.Temporary != tc.temporary {
				t.Errorf("credentials temporary = %v", res.Credentials.Temporary)
			}
			out, _ := json.Marshal(res)
			assertNoSecrets(t, s.w, "login result", string(out)+strings.Join(details, "\n"))
		})
	}
}

// TestLoginDiagnosesSandbox produces each login failure against the sandbox and
// checks that Diagnose names it, with the evidence the engine would pass.
func TestLoginDiagnosesSandbox(t *testing.T) {
	cleanAWSEnv(t)
	ecsSession := func(t *testing.T, s sandbox) world.Credentials {
		return s.session(t, "ecs-tasks.amazonaws.com", world.RoleApp, world.ECSTaskID)
	}
	tests := []struct {
		name     string
		opts     world.Options
		setup    func(t *testing.T, s sandbox)
		creds    func(t *testing.T, s sandbox) world.Credentials
		context  func(s sandbox, c world.Credentials) DiagnoseContext
		timeout  time.Duration
		stage    Stage // where the login stopped
		want     diag.Code
		evidence string // in the evidence
		summary  string // in the summary
	}{
		{
			name: "no user", setup: func(*testing.T, sandbox) {}, creds: ecsSession,
			context: func(s sandbox, c world.Credentials) DiagnoseContext {
				return DiagnoseContext{ExpectedPrincipal: c.CallerARN, ChangeStatus: "APPLIED"}
			},
			stage: StageAuthenticate, want: diag.UserNotFound, evidence: appPrincipal,
		},
		{
			name:  "role registered with its path",
			setup: func(t *testing.T, s sandbox) { s.register(t, lambdaPathARN, "ROLE") },
			creds: func(t *testing.T, s sandbox) world.Credentials {
				return s.session(t, "lambda.amazonaws.com", world.RoleLambda, world.LambdaFunction)
			},
			context: func(s sandbox, c world.Credentials) DiagnoseContext {
				return DiagnoseContext{ExpectedPrincipal: c.CallerARN, RegisteredUser: lambdaPathARN, RegisteredType: "ROLE",
					ChangeStatus: s.w.ClusterChangeStatus(s.w.PrimaryProject().ID, world.ClusterName)}
			},
			stage: StageAuthenticate, want: diag.PathRole, evidence: "arn:aws:sts::123456789012:assumed-role/lambda-app/*",
		},
		{
			name: "user not deployed yet", opts: world.Options{Knobs: world.Knobs{DeployDelay: time.Hour}},
			setup: func(t *testing.T, s sandbox) { s.register(t, appRoleARN, "ROLE") }, creds: ecsSession,
			context: func(s sandbox, c world.Credentials) DiagnoseContext {
				return DiagnoseContext{ExpectedPrincipal: c.CallerARN, RegisteredUser: appRoleARN, RegisteredType: "ROLE",
					ChangeStatus: s.w.ClusterChangeStatus(s.w.PrimaryProject().ID, world.ClusterName)}
			},
			stage: StageAuthenticate, want: diag.UserNotDeployed, evidence: "PENDING",
		},
		{
			name: "expired session", opts: world.Options{Knobs: world.Knobs{ExpireCredentials: true}},
			setup: func(t *testing.T, s sandbox) { s.register(t, appRoleARN, "ROLE") }, creds: ecsSession,
			context: func(sandbox, world.Credentials) DiagnoseContext { return DiagnoseContext{} },
			stage:   StageAuthenticate, want: diag.AuthFailed, summary: "expired",
		},
		{
			name: "clock skew", opts: world.Options{Knobs: world.Knobs{ClockSkew: 30 * time.Minute}},
			setup:   func(t *testing.T, s sandbox) { s.register(t, devARN, "USER") },
			creds:   func(t *testing.T, s sandbox) world.Credentials { return s.devKeys(t) },
			context: func(sandbox, world.Credentials) DiagnoseContext { return DiagnoseContext{} },
			stage:   StageAuthenticate, want: diag.AuthFailed, summary: "clock", evidence: "behind the server's",
		},
		{
			name: "network blocked", opts: world.Options{NetworkBlocked: true}, timeout: time.Second,
			setup: func(t *testing.T, s sandbox) { s.register(t, devARN, "USER") },
			creds: func(t *testing.T, s sandbox) world.Credentials { return s.devKeys(t) },
			context: func(s sandbox, c world.Credentials) DiagnoseContext {
				listed := s.w.AccessAllowed(s.w.PrimaryProject().ID, []byte{127, 0, 0, 1})
				state := AccessListMissing
				if listed {
					state = AccessListListed
				}
				return DiagnoseContext{AccessList: state, ClientIP: "127.0.0.1", Deployment: world.ClusterName}
			},
			stage: StageConnect, want: diag.NetworkBlocked, evidence: "127.0.0.1 is not on the project IP access list",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startSandbox(t, tc.opts)
			tc.setup(t, s)
			c := tc.creds(t, s)
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			start := time.Now()
			_, err := Login(context.Background(), LoginRequest{URI: s.uri, Provider: provider(c), Timeout: timeout})
			if err == nil {
				t.Fatal("Login succeeded; want a failure")
			}
			if took := time.Since(start); took > timeout+3*time.Second {
				t.Errorf("the failure took %s with a %s timeout", took, timeout)
			}
			var le *LoginError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LoginError", err)
			}
			if le.Stage != tc.stage {
				t.Errorf("stopped at %s, want %s", le.Stage, tc.stage)
			}
			d := Diagnose(err, tc.context(s, c))
			if d == nil {
				t.Fatalf("Diagnose(%v) = nil", err)
			}
			text := fmt.Sprintf("%s\n%s\n%s", d.Summary, strings.Join(d.Evidence, "\n"), strings.Join(d.Fix, "\n"))
			if d.Code != tc.want {
				t.Fatalf("code = %s, want %s (stage %s, error %v)\n%s", d.Code, tc.want, le.Stage, err, text)
			}
			if !strings.Contains(d.Summary, tc.summary) {
				t.Errorf("summary %q does not mention %q", d.Summary, tc.summary)
			}
			if !strings.Contains(strings.Join(d.Evidence, "\n"), tc.evidence) {
				t.Errorf("evidence does not mention %q:\n%s", tc.evidence, text)
			}
			if len(d.Fix) == 0 {
				t.Error("no fix")
			}
			assertNoSecrets(t, s.w, "diagnosis", text+err.Error())
			t.Logf("%s (%s)\n%s", d.Code, err, text)
		})
	}
}

// TestLoginIgnoresURICredentials: the provider is who logs in, whatever keys a
// user's connection string carries.
func TestLoginIgnoresURICredentials(t *testing.T) {
	cleanAWSEnv(t)
	s := startSandbox(t, world.Options{})
	s.register(t, devARN, "USER")
	uri := strings.Replace(s.uri, "mongodb://", "mongodb://AKIAIGNOREDEXAMPLE:bm90LWEtc2VjcmV0@", 1)
	res, err := Login(context.Background(), LoginRequest{URI: uri, Provider: provider(s.devKeys(t)), Timeout: 5 * time.Second})
	if err != nil || res.User != devARN {
		t.Fatalf("user %q, err %v; want %s", res.User, err, devARN)
	}
}

// TestServerClock reads a server's clock with an unauthenticated hello, as Login
// does after an authentication failure over TLS.
func TestServerClock(t *testing.T) {
	s := startSandbox(t, world.Options{Knobs: world.Knobs{ClockSkew: 20 * time.Minute}})
	cs, err := parseURI(s.uri)
	if err != nil {
		t.Fatal(err)
	}
	server, local := serverClock(context.Background(), s.uri, cs)
	if off := server.Sub(local); off < 19*time.Minute || off > 21*time.Minute {
		t.Errorf("server %v local %v: want the server 20 minutes ahead", server, local)
	}
}

// BenchmarkLogin measures a login in round trips: every wire reply of the
// sandbox waits 50 ms (the Latency knob), so round-trips/op is what a user 50 ms
// from the cluster waits for, in units of that distance.
func BenchmarkLogin(b *testing.B) {
	const rtt = 50 * time.Millisecond
	s := startSandbox(b, world.Options{Knobs: world.Knobs{Latency: rtt}})
	s.register(b, devARN, "USER")
	p := provider(s.devKeys(b))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Login(context.Background(), LoginRequest{URI: s.uri, Provider: p, Timeout: 10 * time.Second}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(rtt), "round-trips/op")
}
