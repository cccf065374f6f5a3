package awsenv

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/aws/aws-sdk-go-v2/aws"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// ssoProfile writes an sso_session profile "dev" and a cached token expiring at exp.
func ssoProfile(t *testing.T, home string, exp time.Time) {
	t.Helper()
	writeFile(t, os.Getenv("AWS_CONFIG_FILE"), `[profile dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Developer
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
`)
	sum := sha1.Sum([]byte("corp"))
	writeFile(t, filepath.Join(home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json"),
		`{"accessToken":"sso-access-token","expiresAt":"`+exp.UTC().Format(time.RFC3339)+`","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}`)
}

// TestCredentialProblems checks that each way the chain can fail names the source
// and the fix. None of these needs a network beyond loopback.
func TestCredentialProblems(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "task role unavailable", http.StatusInternalServerError)
	}))
	t.Cleanup(failing.Close)
	imdsNoRole := fakeIMDS(t, "")

	tests := []struct {
		name     string
		setup    func(t *testing.T, home string)
		opts     ChainOptions
		atLoad   bool // LoadChain fails rather than Check
		problem  CredentialProblem
		source   string
		fix      string
		evidence string
	}{
		{name: "nothing configured", setup: func(t *testing.T, home string) {},
			problem: NoCredentials, source: "default chain", fix: "aws sso login"},
		{name: "expired SSO session",
			setup: func(t *testing.T, home string) { ssoProfile(t, home, time.Now().Add(-time.Hour)) }, opts: ChainOptions{Profile: "dev"},
			problem: SSOLoginNeeded, source: "SSO (profile dev)", fix: "aws sso login --profile dev"},
		{name: "SSO session never started",
			setup: func(t *testing.T, home string) {
				ssoProfile(t, home, time.Now().Add(time.Hour))
				os.RemoveAll(filepath.Join(home, ".aws", "sso"))
				t.Setenv("AWS_PROFILE", "dev")
			},
			problem: SSOLoginNeeded, fix: "aws sso login --profile dev"},
		{name: "missing explicit profile", setup: func(t *testing.T, home string) {}, opts: ChainOptions{Profile: "nope"},
			atLoad: true, problem: ProfileNotFound, source: "AWS profile nope", fix: "aws configure list-profiles"},
		{name: "missing AWS_PROFILE", setup: func(t *testing.T, home string) { t.Setenv("AWS_PROFILE", "ghost") },
			atLoad: true, problem: ProfileNotFound, source: "AWS profile ghost"},
		{name: "IMDS disabled on EC2", setup: func(t *testing.T, home string) {}, opts: ChainOptions{Platform: EC2, Region: "us-east-1"},
			problem: IMDSUnreachable, source: "IMDS", fix: "hop limit"},
		{name: "IMDS without a role",
			setup: func(t *testing.T, home string) {
				unsetenv(t, "AWS_EC2_METADATA_DISABLED")
				t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imdsNoRole.URL)
			}, opts: ChainOptions{Platform: EC2, Region: "us-east-1"},
			problem: NoInstanceRole, fix: "instance profile"},
		{name: "ECS endpoint failing",
			setup: func(t *testing.T, home string) {
				t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", failing.URL+"/v2/credentials/x")
			}, opts: ChainOptions{Platform: ECS},
			problem: ContainerEndpointError, source: "container credentials endpoint", fix: "taskRoleArn", evidence: "task role unavailable"},
		{name: "container URI on a forbidden host",
			setup: func(t *testing.T, home string) {
				t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.5/v1/credentials")
			},
			atLoad: true, problem: ContainerEndpointError, fix: "loopback"},
		{name: "IRSA without role ARN",
			setup: func(t *testing.T, home string) {
				tok := filepath.Join(home, "token")
				writeFile(t, tok, "x.y.z")
				t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tok)
			},
			atLoad: true, problem: WebIdentityFailed, fix: "AWS_ROLE_ARN"},
		{name: "credential_process failing",
			setup: func(t *testing.T, home string) {
				writeFile(t, os.Getenv("AWS_CONFIG_FILE"), "[default]\ncredential_process = /bin/false\n")
			},
			problem: ProcessFailed, source: "credential_process (profile default)", fix: "credential_process"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := cleanAWSEnv(t)
			tt.setup(t, home)
			ctx := context.Background()
			c, err := LoadChain(ctx, tt.opts)
			if err == nil {
				if tt.atLoad {
					t.Fatalf("LoadChain succeeded, want %s", tt.problem)
				}
				_, err = c.Check(ctx)
			} else if !tt.atLoad {
				t.Fatalf("LoadChain: %v", err)
			}
			var ce *CredentialError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CredentialError", err)
			}
			if ce.Problem != tt.problem || !strings.Contains(ce.Source, tt.source) || !strings.Contains(ce.Fix, tt.fix) {
				t.Errorf("got problem %s, source %q, fix %q; want %s, %q, %q\n(%v)", ce.Problem, ce.Source, ce.Fix, tt.problem, tt.source, tt.fix, err)
			}
			d := ce.Diagnosis()
			if d.Code != diag.NoAWSCredentials || len(d.Fix) == 0 || !strings.Contains(strings.Join(d.Evidence, "\n"), tt.evidence) {
				t.Errorf("Diagnosis = %s evidence %q fix %q", d.Code, d.Evidence, d.Fix)
			}
			if strings.Contains(err.Error(), "sso-access-token") {
				t.Error("the SSO token leaked into the error")
			}
		})
	}
}

func TestCheckDescribesEnvKeys(t *testing.T) {
	cleanAWSEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE000000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret-value")
	writeFile(t, os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), "[work]\naws_access_key_id = AKIAPROFILE000000000\naws_secret_access_key = profile-secret\n")

	c := load(t, ChainOptions{})
	info, err := c.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Source != "EnvConfigCredentials" || strings.Join(info.Sources, ",") != "EnvVars" || info.AccessKeyID != "AKIAENVEXAMPLE000000" ||
		info.Temporary || !info.Expires.IsZero() || info.Profile != "" {
		t.Errorf("env keys: %+v", info)
	}
	if c.Region != DefaultRegion || c.RegionNote == "" {
		t.Errorf("region %q note %q", c.Region, c.RegionNote)
	}

	// An explicit --aws-profile wins over environment keys, as in the AWS CLI.
	c = load(t, ChainOptions{Profile: "work"})
	info, err = c.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(info.Source, "SharedConfigCredentials: ") || info.AccessKeyID != "AKIAPROFILE000000000" || info.Profile != "work" || c.Profile() != "work" {
		t.Errorf("profile keys: %+v", info)
	}
	if strings.Contains(strings.Join(append(info.Sources, info.Source, info.AccessKeyID), ""), "secret") {
		t.Error("a secret leaked into CredentialInfo")
	}
}

func TestSourceNames(t *testing.T) {
	for i := 0; i <= 22; i++ {
		if n := SourceName(awsCredentialSource(i)); n == "" || strings.HasPrefix(n, "CredentialSource(") {
			t.Errorf("source %d has no name", i)
		}
	}
	if SourceName(20) != "IMDS" || SourceName(19) != "HTTP" || SourceName(3) != "EnvVarsSTSWebIDToken" || SourceName(99) != "CredentialSource(99)" {
		t.Error("source names do not follow aws.CredentialSource")
	}
}

// rewriteTo sends every request to target, keeping the path: it stands in for
// the fixed ECS address 169.254.170.2.
type rewriteTo struct{ target *url.URL }

func (r rewriteTo) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.target.Scheme, r.target.Host
	return http.DefaultTransport.RoundTrip(req)
}

func TestContainerRoleARN(t *testing.T) {
	var gotAuth []string
	var gotHost []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = append(gotAuth, r.Header.Get("Authorization"))
		gotHost = append(gotHost, r.Host)
		w.Write([]byte(`{"RoleArn":"arn:aws:iam::123456789012:role/ecs/task-role","AccessKeyId":"ASIAX","SecretAccessKey":"container-secret","Token":"container-token","Expiration":"2030-01-01T00:00:00Z"}`))
	}))
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, "FILETOKEN")
	badToken := filepath.Join(dir, "bad")
	writeFile(t, badToken, "TOKEN\n")

	tests := []struct {
		name string
		vars map[string]string
		want string
		err  string
		auth string
		host string
	}{
		{"relative URI goes to the ECS address", map[string]string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/id"},
			"arn:aws:iam::123456789012:role/ecs/task-role", "", "", "169.254.170.2"},
		{"relative wins over full", map[string]string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/id", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/x"},
			"arn:aws:iam::123456789012:role/ecs/task-role", "", "", "169.254.170.2"},
		{"full URI with token variable", map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": srv.URL + "/v2/credentials/id", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "VARTOKEN"},
			"arn:aws:iam::123456789012:role/ecs/task-role", "", "VARTOKEN", target.Host},
		{"token file wins", map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": srv.URL + "/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "VARTOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile},
			"arn:aws:iam::123456789012:role/ecs/task-role", "", "FILETOKEN", target.Host},
		{"token file with a newline is refused", map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": srv.URL + "/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": badToken},
			"", "line break", "", ""},
		{"http to a foreign host is refused", map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.1.2.3/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "VARTOKEN"},
			"", "not allowed", "", ""},
		{"nothing set", map[string]string{}, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotAuth, gotHost = nil, nil
			env := testEnv(t, tt.vars)
			env.HTTPClient = &http.Client{Transport: rewriteTo{target}}
			if tt.vars["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] == "" {
				env.HTTPClient = nil
			}
			got, err := containerRoleARN(context.Background(), env)
			if got != tt.want || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("containerRoleARN = %q, %v; want %q, error %q", got, err, tt.want, tt.err)
			}
			if tt.want != "" && (len(gotAuth) != 1 || gotAuth[0] != tt.auth || gotHost[0] != tt.host) {
				t.Errorf("request auth %q host %q; want %q %q", gotAuth, gotHost, tt.auth, tt.host)
			}
			if err != nil && strings.Contains(err.Error(), "TOKEN") {
				t.Error("the token leaked into the error")
			}
		})
	}
}

func awsCredentialSource(i int) aws.CredentialSource { return aws.CredentialSource(i) }
