package awsapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// newSandbox starts the AWS endpoints over a fresh world on a random loopback port.
func newSandbox(t *testing.T, opts world.Options) (*world.World, string) {
	t.Helper()
	w := world.New(opts)
	srv := httptest.NewServer(New(w))
	t.Cleanup(srv.Close)
	return w, srv.URL
}

// cleanAWSEnv removes every AWS_*, ECS_* and KUBERNETES_* variable for the test
// (restored afterwards) and points HOME at an empty directory.
func cleanAWSEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "ECS_") || strings.HasPrefix(k, "KUBERNETES_") {
			t.Setenv(k, "") // registers the restore
			os.Unsetenv(k)
		}
	}
	t.Setenv("HOME", t.TempDir())
}

// usePlatform sets exactly the platform's environment.
func usePlatform(t *testing.T, w *world.World, endpoint string, p Platform) Env {
	t.Helper()
	cleanAWSEnv(t)
	env, err := PlatformEnv(w, endpoint, t.TempDir(), p)
	if err != nil {
		t.Fatalf("PlatformEnv(%s): %v", p, err)
	}
	env.Apply(t.Setenv)
	return env
}

// sdkConfig loads an SDK config over a clean environment with explicit
// credentials and endpoint (for calls that do not go through a platform).
func sdkConfig(t *testing.T, endpoint, region string, creds aws.CredentialsProvider) aws.Config {
	t.Helper()
	cleanAWSEnv(t)
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region), config.WithRetryMaxAttempts(1),
		config.WithCredentialsProvider(creds), config.WithBaseEndpoint(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// apiError asserts err is an AWS API error with the code and a message containing msg.
func apiError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error (want %s)", err, code)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("got %s: %q, want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

// do performs a raw request and returns status, headers and body.
func do(t *testing.T, method, url string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// assertNoSecretsLogged fails if any secret or identity token appears in the log.
func assertNoSecretsLogged(t *testing.T, w *world.World, extra ...string) {
	t.Helper()
	secrets := append(w.Secrets(), extra...)
	for _, e := range w.Events() {
		for _, s := range secrets {
			if s != "" && strings.Contains(e.Message, s) {
				t.Fatalf("a secret leaked into the %s log: %q", e.Component, e.Message[:min(40, len(e.Message))]+"…")
			}
		}
	}
}

// logged reports whether some event of the component contains every fragment.
func logged(w *world.World, component string, fragments ...string) bool {
	for _, e := range w.Events() {
		if e.Component != component {
			continue
		}
		all := true
		for _, f := range fragments {
			all = all && strings.Contains(e.Message, f)
		}
		if all {
			return true
		}
	}
	return false
}
