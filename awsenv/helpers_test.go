package awsenv

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// cleanAWSEnv removes every AWS_*, ECS_*, KUBERNETES_* and CODEBUILD_* variable
// for the test (restored afterwards), points HOME and the shared files at an empty
// temp dir, disables IMDS and retries.
func cleanAWSEnv(t *testing.T) string {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		for _, prefix := range []string{"AWS_", "ECS_", "KUBERNETES_", "CODEBUILD_"} {
			if strings.HasPrefix(k, prefix) {
				t.Setenv(k, "") // registers the restore
				os.Unsetenv(k)
			}
		}
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	return home
}

func unsetenv(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// sandbox runs the sandbox's AWS endpoints on a random loopback port.
type sandbox struct {
	w   *world.World
	url string
}

func newSandbox(t *testing.T, opts world.Options) *sandbox {
	t.Helper()
	w := world.New(opts)
	srv := httptest.NewServer(awsapi.New(w))
	t.Cleanup(srv.Close)
	return &sandbox{w: w, url: srv.URL}
}

// use sets exactly platform p's environment (awsapi.PlatformEnv) in the process.
func (s *sandbox) use(t *testing.T, p awsapi.Platform) awsapi.Env {
	t.Helper()
	cleanAWSEnv(t)
	unsetenv(t, "AWS_EC2_METADATA_DISABLED") // PlatformEnv sets it everywhere but on EC2
	env, err := awsapi.PlatformEnv(s.w, s.url, t.TempDir(), p)
	if err != nil {
		t.Fatalf("PlatformEnv(%s): %v", p, err)
	}
	env.Apply(t.Setenv)
	return env
}

// load resolves the chain for the current environment.
func load(t *testing.T, opts ChainOptions) *Chain {
	t.Helper()
	c, err := LoadChain(context.Background(), opts)
	if err != nil {
		t.Fatalf("LoadChain(%+v): %v", opts, err)
	}
	return c
}

// assertNoSecrets fails if any secret the world handed out appears in values
// (rendered as JSON and with %v for errors).
func (s *sandbox) assertNoSecrets(t *testing.T, values ...any) {
	t.Helper()
	var b strings.Builder
	for _, v := range values {
		if err, ok := v.(error); ok && err != nil {
			b.WriteString(err.Error())
			continue
		}
		j, _ := json.Marshal(v)
		b.Write(j)
	}
	out := b.String()
	for _, secret := range s.w.Secrets() {
		if secret != "" && strings.Contains(out, secret) {
			t.Fatalf("a secret leaked: %.8s…", secret)
		}
	}
}
