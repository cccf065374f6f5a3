package awsenv

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
)

// testEnv builds an Env from a map, with an empty /sys under a temp root, so the
// test machine's own environment and hardware never leak in.
func testEnv(t *testing.T, vars map[string]string) Env {
	t.Helper()
	return Env{Getenv: func(k string) string { return vars[k] }, Root: t.TempDir()}
}

// writeDMI places /sys files under the env's root.
func writeDMI(t *testing.T, env Env, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := env.path(p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content+"\n"), 0o444); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeIMDS is an IMDSv2 endpoint: token PUT (TTL header required and echoed),
// then token-authenticated reads. profile "" answers iam/info with 404.
func fakeIMDS(t *testing.T, profile string) *httptest.Server {
	t.Helper()
	const token = "imds-token"
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Path == "/latest/api/token" {
			ttl := r.Header.Get("X-aws-ec2-metadata-token-ttl-seconds")
			if ttl == "" {
				http.Error(w, "missing ttl", http.StatusBadRequest)
				return
			}
			w.Header().Set("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", ttl)
			w.Write([]byte(token))
			return
		}
		if r.Header.Get("X-aws-ec2-metadata-token") != token {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/latest/meta-data/instance-id":
			w.Write([]byte("i-0a1b2c3d4e5f67890"))
		case "/latest/meta-data/iam/info":
			if profile == "" {
				http.NotFound(w, r)
				return
			}
			w.Write([]byte(`{"Code":"Success","InstanceProfileArn":"` + profile + `","InstanceProfileId":"AIPAEXAMPLE"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// fakeTaskMetadata serves ECS task metadata v4 with the given launch type; status
// other than 200 makes /task fail.
func fakeTaskMetadata(t *testing.T, launchType string, status int) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v4/abc/task" || status != http.StatusOK {
			http.Error(w, "no", status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"Cluster":"arn:aws:ecs:us-east-1:123456789012:cluster/sandbox","TaskARN":"arn:aws:ecs:us-east-1:123456789012:task/sandbox/9f1c","LaunchType":"` + launchType + `"}`))
	}))
	t.Cleanup(s.Close)
	return s.URL + "/v4/abc"
}

// jwtFile writes a projected service-account token with the given claims.
func jwtFile(t *testing.T, claims string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	tok := enc.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + enc.EncodeToString([]byte(claims)) + ".c2ln"
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDetect(t *testing.T) {
	irsaToken := jwtFile(t, `{"iss":"https://oidc.eks.us-east-1.amazonaws.com/id/ABC","sub":"system:serviceaccount:default:app","aud":["sts.amazonaws.com"]}`)
	podToken := jwtFile(t, `{"sub":"system:serviceaccount:default:app","aud":"pods.eks.amazonaws.com"}`)
	imds := fakeIMDS(t, "arn:aws:iam::123456789012:instance-profile/app-instance-profile")
	imdsNoProfile := fakeIMDS(t, "")
	gcpLike := httptest.NewServer(http.NotFoundHandler()) // answers, but not like IMDS
	t.Cleanup(gcpLike.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	nitro := map[string]string{"/sys/devices/virtual/dmi/id/sys_vendor": "Amazon EC2", "/sys/devices/virtual/dmi/id/board_asset_tag": "i-0a1b2c3d4e5f67890"}
	xen := map[string]string{"/sys/hypervisor/uuid": "ec2e1916-9099-7caf-fd21-012345abcdef"}
	noIMDS := map[string]string{"AWS_EC2_METADATA_DISABLED": "true"}

	tests := []struct {
		name     string
		vars     map[string]string
		dmi      map[string]string
		platform Platform
		evidence []string // substrings that must appear in Evidence
		notes    []string
		warnings []string
	}{
		{name: "lambda by function name",
			vars:     map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "orders-api", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s3cr3t"},
			platform: Lambda, evidence: []string{"AWS_LAMBDA_FUNCTION_NAME=orders-api", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001"}},
		{name: "lambda by execution env only",
			vars:     map[string]string{"AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"},
			platform: Lambda, evidence: []string{"AWS_EXECUTION_ENV=AWS_Lambda_python3.12"}},
		{name: "lambda snapstart",
			vars:     map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds"},
			platform: Lambda, notes: []string{"SnapStart"}},
		{name: "lambda wins over every other signal",
			vars:     map[string]string{"LAMBDA_TASK_ROOT": "/var/task", "KUBERNETES_SERVICE_HOST": "10.0.0.1", "ECS_CONTAINER_METADATA_URI_V4": "http://127.0.0.1:9"},
			dmi:      nitro,
			platform: Lambda, evidence: []string{"LAMBDA_TASK_ROOT=/var/task"}},
		{name: "ecs from task metadata",
			vars:     map[string]string{"ECS_CONTAINER_METADATA_URI_V4": fakeTaskMetadata(t, "EC2", 200), "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"},
			platform: ECS, evidence: []string{"task metadata LaunchType=EC2", "task metadata TaskARN=arn:aws:ecs:us-east-1:123456789012:task/sandbox/9f1c", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/x"}},
		{name: "fargate from task metadata",
			vars:     map[string]string{"ECS_CONTAINER_METADATA_URI_V4": fakeTaskMetadata(t, "FARGATE", 200), "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"},
			platform: Fargate, evidence: []string{"task metadata LaunchType=FARGATE"}},
		{name: "task metadata beats AWS_EXECUTION_ENV",
			vars:     map[string]string{"ECS_CONTAINER_METADATA_URI_V4": fakeTaskMetadata(t, "FARGATE", 200), "AWS_EXECUTION_ENV": "AWS_ECS_EC2", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"},
			platform: Fargate, notes: []string{"disagrees with the task metadata"}},
		{name: "execution env decides when metadata fails",
			vars:     map[string]string{"ECS_CONTAINER_METADATA_URI_V4": fakeTaskMetadata(t, "", 500), "AWS_EXECUTION_ENV": "AWS_ECS_FARGATE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"},
			platform: Fargate, notes: []string{"Could not read the ECS task metadata: task metadata: HTTP 500"}},
		{name: "ecs without task role on EC2",
			vars:     map[string]string{"ECS_CONTAINER_METADATA_URI_V4": fakeTaskMetadata(t, "EC2", 200)},
			platform: ECS, warnings: []string{"no task role", "falls back to the EC2 instance role"}},
		{name: "fargate without task role",
			vars:     map[string]string{"AWS_EXECUTION_ENV": "AWS_ECS_FARGATE"},
			platform: Fargate, warnings: []string{"no task role", "no other credentials"}},
		{name: "ecs wins over kubernetes and EC2 hardware",
			vars:     map[string]string{"ECS_CONTAINER_METADATA_URI_V4": fakeTaskMetadata(t, "EC2", 200), "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/c", "KUBERNETES_SERVICE_HOST": "10.0.0.1"},
			dmi:      nitro,
			platform: ECS},
		{name: "codebuild note",
			vars:     map[string]string{"AWS_EXECUTION_ENV": "AWS_ECS_EC2", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/c", "CODEBUILD_BUILD_ID": "proj:1"},
			platform: ECS, notes: []string{"CodeBuild"}},
		{name: "eks irsa",
			vars:     map[string]string{"KUBERNETES_SERVICE_HOST": "10.100.0.1", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/eks/app-irsa", "AWS_WEB_IDENTITY_TOKEN_FILE": irsaToken},
			platform: EKS, evidence: []string{"KUBERNETES_SERVICE_HOST=10.100.0.1", "AWS_ROLE_ARN=arn:aws:iam::123456789012:role/eks/app-irsa", "sub=system:serviceaccount:default:app aud=sts.amazonaws.com"}},
		{name: "eks irsa without role arn",
			vars:     map[string]string{"KUBERNETES_SERVICE_HOST": "10.100.0.1", "AWS_WEB_IDENTITY_TOKEN_FILE": irsaToken},
			platform: EKS, warnings: []string{"without AWS_ROLE_ARN"}},
		{name: "eks pod identity at the agent address",
			vars:     map[string]string{"KUBERNETES_SERVICE_HOST": "10.100.0.1", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": podToken},
			platform: EKSPodIdentity, evidence: []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials", "aud=pods.eks.amazonaws.com"}},
		{name: "pod identity agent address alone implies kubernetes",
			vars:     map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[fd00:ec2::23]/v1/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok"},
			platform: EKSPodIdentity},
		{name: "pod identity without token",
			vars:     map[string]string{"KUBERNETES_SERVICE_HOST": "10.100.0.1", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"},
			platform: EKSPodIdentity, warnings: []string{"without an authorization token"}},
		{name: "irsa and pod identity together",
			vars:     map[string]string{"KUBERNETES_SERVICE_HOST": "10.100.0.1", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE": irsaToken, "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": podToken},
			platform: EKS, warnings: []string{"the AWS SDK uses IRSA"}},
		{name: "kubernetes without IAM wiring uses the node role",
			vars:     map[string]string{"KUBERNETES_SERVICE_HOST": "10.100.0.1"},
			dmi:      nitro,
			platform: EKS, warnings: []string{"node's instance role"}},
		{name: "ec2 by nitro DMI, IMDS disabled",
			vars: noIMDS, dmi: nitro,
			platform: EC2, evidence: []string{"/sys/devices/virtual/dmi/id/sys_vendor=Amazon EC2", "board_asset_tag=i-0a1b2c3d4e5f67890"}, warnings: []string{"AWS_EC2_METADATA_DISABLED=true"}},
		{name: "ec2 by xen uuid and IMDS",
			vars: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL}, dmi: xen,
			platform: EC2, evidence: []string{"/sys/hypervisor/uuid=ec2e1916", "IMDS instance-id=i-0a1b2c3d4e5f67890", "instance profile=arn:aws:iam::123456789012:instance-profile/app-instance-profile"}},
		{name: "ec2 by IMDS alone",
			vars:     map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL + "/"},
			platform: EC2, evidence: []string{"IMDSv2 token from " + imds.URL, "IMDS instance-id=i-0a1b2c3d4e5f67890"}},
		{name: "ec2 without instance profile",
			vars:     map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": imdsNoProfile.URL},
			platform: EC2, warnings: []string{"no IAM instance profile"}},
		{name: "ec2 hardware but IMDS unreachable (hop limit)",
			vars: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": closed.URL}, dmi: nitro,
			platform: EC2, warnings: []string{"did not answer", "hop limit"}},
		{name: "something else on the metadata address is not EC2",
			vars:     map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": gcpLike.URL, "AWS_PROFILE": "dev"},
			platform: Workstation, evidence: []string{"AWS_PROFILE=dev"}},
		{name: "workstation with keys shows the key id only",
			vars:     map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": closed.URL, "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s3cr3t"},
			platform: Workstation, evidence: []string{"AWS_ACCESS_KEY_ID=AKIAEXAMPLE"}},
		{name: "workstation with IMDS disabled",
			vars:     noIMDS,
			platform: Workstation, evidence: []string{"no Lambda, ECS, Kubernetes or EC2 signals"}},
		{name: "web identity outside kubernetes",
			vars:     map[string]string{"AWS_EC2_METADATA_DISABLED": "TRUE", "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/gha-token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci"},
			platform: Workstation, notes: []string{"outside Kubernetes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv(t, tt.vars)
			writeDMI(t, env, tt.dmi)
			d := Detect(context.Background(), env)
			if d.Platform != tt.platform {
				t.Fatalf("platform = %s, want %s\n%+v", d.Platform, tt.platform, d)
			}
			assertLines(t, "evidence", d.Evidence, tt.evidence)
			assertLines(t, "notes", d.Notes, tt.notes)
			var warnings []string
			for _, w := range d.Warnings {
				warnings = append(warnings, w.Summary+" "+w.Fix)
				if w.Code == "" {
					t.Errorf("warning without a diagnosis code: %+v", w)
				}
			}
			assertLines(t, "warnings", warnings, tt.warnings)
			if len(tt.warnings) == 0 && len(d.Warnings) > 0 {
				t.Errorf("unexpected warnings: %+v", d.Warnings)
			}
			all := strings.Join(append(append(d.Evidence, d.Notes...), warnings...), "\n")
			if strings.Contains(all, "s3cr3t") || strings.Contains(all, "eyJ") {
				t.Errorf("a secret leaked into the detection:\n%s", all)
			}
		})
	}
}

func assertLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	joined := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(joined, w) {
			t.Errorf("%s lack %q:\n%s", what, w, joined)
		}
	}
}

func TestDetectBoundsSlowProbes(t *testing.T) {
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); hang.Close() })
	env := testEnv(t, map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": hang.URL})
	start := time.Now()
	d := Detect(context.Background(), env)
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("Detect took %v with a hanging IMDS; the budget is about 1 s", took)
	}
	if d.Platform != Workstation {
		t.Errorf("platform = %s, want workstation", d.Platform)
	}

	ecs := testEnv(t, map[string]string{"ECS_CONTAINER_METADATA_URI_V4": hang.URL + "/v4/x", "AWS_EXECUTION_ENV": "AWS_ECS_FARGATE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/c"})
	start = time.Now()
	d = Detect(context.Background(), ecs)
	if took := time.Since(start); took > 1500*time.Millisecond || d.Platform != Fargate {
		t.Errorf("hanging task metadata: %s after %v", d.Platform, took)
	}
}

func TestIMDSEndpoint(t *testing.T) {
	tests := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{}, "http://169.254.169.254"},
		{map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"}, "http://[fd00:ec2::254]"},
		{map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:8111/"}, "http://127.0.0.1:8111"},
	}
	for _, tt := range tests {
		if got := imdsEndpoint(testEnv(t, tt.vars)); got != tt.want {
			t.Errorf("imdsEndpoint(%v) = %s, want %s", tt.vars, got, tt.want)
		}
	}
}

func TestWarningDiagnosis(t *testing.T) {
	w := Warning{Code: diag.WrongCredentialSource, Summary: "s", Fix: "f"}
	if d := w.Diagnosis(); d.Code != diag.WrongCredentialSource || d.Summary != "s" || d.Fix[0] != "f" {
		t.Errorf("%+v", d)
	}
}
