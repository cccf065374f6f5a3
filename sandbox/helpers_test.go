package sandbox_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// syncBuffer is an io.Writer that several goroutines (the world's logger, exec's
// copiers) write while the test reads it. Once the contents hold signal, ready
// is closed.
type syncBuffer struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	signal    string
	signalled bool
	ready     chan struct{}
}

func newSignalBuffer(signal string) *syncBuffer {
	return &syncBuffer{signal: signal, ready: make(chan struct{})}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if b.signal != "" && !b.signalled && strings.Contains(b.buf.String(), b.signal) {
		b.signalled = true
		close(b.ready)
	}
	return n, err
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startSandbox runs a sandbox whose users deploy at once and whose event log
// goes to the returned buffer (what `atlas-iam sandbox` prints on stderr).
func startSandbox(t *testing.T) (*sandbox.Sandbox, *syncBuffer) {
	t.Helper()
	log := &syncBuffer{}
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Dir: t.TempDir(), Log: log})
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("close sandbox: %v", err)
		}
	})
	return sb, log
}

// registerPrincipal creates the $external Atlas user a platform's application
// logs in as (the role ARN without its path, or the IAM user ARN) with
// readWrite@app, as the wizard would.
func registerPrincipal(t *testing.T, sb *sandbox.Sandbox, x awsapi.Expectation) {
	t.Helper()
	w := sb.World()
	project := w.PrimaryProject().ID
	u := *admin.NewCloudDatabaseUser("$external", project, x.PrincipalARN)
	u.AwsIAMType = admin.PtrString(x.AWSIAMType)
	u.Roles = &[]admin.DatabaseUserRole{{RoleName: "readWrite", DatabaseName: "app"}}
	if _, err := w.CreateDBUser(project, u); err != nil {
		t.Fatalf("register %s: %v", x.PrincipalARN, err)
	}
}

// wantPrincipal is the connectionStatus user for a platform's identity:
// arn:aws:sts::A:assumed-role/NAME/* for a role, the user ARN for an IAM user.
func wantPrincipal(x awsapi.Expectation) string {
	if x.AWSIAMType == "USER" {
		return x.PrincipalARN
	}
	name := x.PrincipalARN[strings.LastIndex(x.PrincipalARN, "/")+1:]
	return "arn:aws:sts::" + world.AccountID + ":assumed-role/" + name + "/*"
}

// envVars returns the sandbox environment of platform p as a map.
func envVars(t *testing.T, sb *sandbox.Sandbox, p sandbox.Platform) map[string]string {
	t.Helper()
	vars, err := sb.Env(p, sandbox.EnvOptions{})
	if err != nil {
		t.Fatalf("env for %s: %v", p, err)
	}
	m := make(map[string]string, len(vars))
	for _, v := range vars {
		m[v.Name] = v.Value
	}
	return m
}

// cleanProcessEnv removes, for the duration of the test, every variable that
// could point an SDK, a driver or the Atlas conventions somewhere else, and
// gives the test an empty HOME (no real ~/.aws).
func cleanProcessEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		for _, prefix := range []string{"AWS_", "ECS_", "KUBERNETES_", "MONGODB_ATLAS_", "ATLAS_IAM_SANDBOX_"} {
			if strings.HasPrefix(k, prefix) {
				t.Setenv(k, "") // registers the restore
				os.Unsetenv(k)
			}
		}
	}
	t.Setenv("HOME", t.TempDir())
}

// connectionStatus is the part of the command's reply the tests check; the tags
// serve the driver's BSON and mongosh's --json output alike.
type connectionStatus struct {
	AuthInfo struct {
		AuthenticatedUsers []struct {
			User string `bson:"user" json:"user"`
			DB   string `bson:"db" json:"db"`
		} `bson:"authenticatedUsers" json:"authenticatedUsers"`
		AuthenticatedUserRoles []struct {
			Role string `bson:"role" json:"role"`
			DB   string `bson:"db" json:"db"`
		} `bson:"authenticatedUserRoles" json:"authenticatedUserRoles"`
	} `bson:"authInfo" json:"authInfo"`
}

// check asserts the status names exactly principal@$external with readWrite@app.
func (st connectionStatus) check(t *testing.T, principal string) {
	t.Helper()
	users, roles := st.AuthInfo.AuthenticatedUsers, st.AuthInfo.AuthenticatedUserRoles
	if len(users) != 1 || users[0].User != principal || users[0].DB != "$external" {
		t.Errorf("authenticatedUsers = %+v, want [{%s $external}]", users, principal)
	}
	if len(roles) != 1 || roles[0].Role != "readWrite" || roles[0].DB != "app" {
		t.Errorf("authenticatedUserRoles = %+v, want [{readWrite app}]", roles)
	}
}

// secretsOf lists the world's secrets plus the projected service-account tokens
// an environment points at (world.Secrets does not record those).
func secretsOf(t *testing.T, sb *sandbox.Sandbox, envs ...map[string]string) []string {
	t.Helper()
	secrets := sb.World().Secrets()
	for _, env := range envs {
		for _, name := range []string{"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"} {
			if path := env[name]; path != "" {
				tok, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("read %s: %v", name, err)
				}
				secrets = append(secrets, string(tok))
			}
		}
	}
	return secrets
}

// requireNoSecrets fails if any secret appears in any of the named outputs.
func requireNoSecrets(t *testing.T, secrets []string, outputs map[string]string) {
	t.Helper()
	if len(secrets) == 0 {
		t.Fatal("no secrets to look for: the check would prove nothing")
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for name, out := range outputs {
			if strings.Contains(out, s) {
				t.Errorf("a secret (%d chars) appears in %s", len(s), name)
			}
		}
	}
}
