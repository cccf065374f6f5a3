package awsapi

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// TestPlatformIdentityThroughSDKChain runs the real default credential chain of
// aws-sdk-go-v2 in each platform's environment and checks who STS says it is.
func TestPlatformIdentityThroughSDKChain(t *testing.T) {
	const sts_ = "arn:aws:sts::123456789012:assumed-role/"
	for _, tc := range []struct {
		p          Platform
		arn        string // exact, or prefix when prefix is set
		prefix     bool
		source     string // "" → SharedConfigCredentials: <credentials file>
		roleARN    string
		accessKeyP string
	}{
		{Lambda, sts_ + "lambda-app/orders-api", false, "EnvConfigCredentials", "arn:aws:iam::123456789012:role/service-role/lambda-app", "ASIA"},
		{ECS, sts_ + "app/" + world.ECSTaskID, false, "CredentialsEndpointProvider", "arn:aws:iam::123456789012:role/app", "ASIA"},
		{Fargate, sts_ + "app/" + world.ECSTaskID, false, "CredentialsEndpointProvider", "arn:aws:iam::123456789012:role/app", "ASIA"},
		{EC2, sts_ + "app/" + world.EC2InstanceID, false, "EC2RoleProvider", "arn:aws:iam::123456789012:role/app", "ASIA"},
		{EKS, sts_ + "app-irsa/", true, "WebIdentityCredentials", "arn:aws:iam::123456789012:role/eks/app-irsa", "ASIA"},
		{EKSPodIdentity, sts_ + "app/eks-sandbox-app-7d4b9c8f6d-x2x7k-", true, "CredentialsEndpointProvider", "arn:aws:iam::123456789012:role/app", "ASIA"},
		{Workstation, "arn:aws:iam::123456789012:user/dev", false, "", "", "AKIA"},
		{WorkstationProfile, sts_ + "app/aws-go-sdk-", true, "AssumeRoleProvider", "arn:aws:iam::123456789012:role/app", "ASIA"},
	} {
		t.Run(string(tc.p), func(t *testing.T) {
			w, endpoint := newSandbox(t, world.Options{})
			env := usePlatform(t, w, endpoint, tc.p)
			ctx := context.Background()

			cfg, err := config.LoadDefaultConfig(ctx)
			if err != nil {
				t.Fatalf("LoadDefaultConfig: %v", err)
			}
			creds, err := cfg.Credentials.Retrieve(ctx)
			if err != nil {
				t.Fatalf("Retrieve: %v", err)
			}
			wantSource := tc.source
			if wantSource == "" {
				wantSource = "SharedConfigCredentials: " + env.Get("AWS_SHARED_CREDENTIALS_FILE")
			}
			if creds.Source != wantSource || !strings.HasPrefix(creds.AccessKeyID, tc.accessKeyP) {
				t.Fatalf("Source %q key %.4s…, want %q %s…", creds.Source, creds.AccessKeyID, wantSource, tc.accessKeyP)
			}
			out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatalf("GetCallerIdentity: %v", err)
			}
			got := *out.Arn
			if tc.prefix && (!strings.HasPrefix(got, tc.arn) || len(got) == len(tc.arn)) || !tc.prefix && got != tc.arn {
				t.Fatalf("Arn %s, want %s (prefix %v)", got, tc.arn, tc.prefix)
			}
			if *out.Account != world.AccountID {
				t.Fatalf("Account %s", *out.Account)
			}
			if a, err := arn.Parse(got); err != nil || strings.HasPrefix(a.Resource, "assumed-role/") && len(a.Resource[strings.LastIndex(a.Resource, "/")+1:]) > 64 {
				t.Fatalf("Arn %s is not a valid ARN with a session name of at most 64 chars (%v)", got, err)
			}

			// Expect must describe the same identity, for tests in other packages.
			x := env.Expect()
			if x.Source != creds.Source || !strings.HasPrefix(got, x.CallerARNPrefix) || x.CallerARN != "" && x.CallerARN != got || x.RoleARN != tc.roleARN {
				t.Fatalf("Expect(%s) = %+v disagrees with the SDK: source %s arn %s", tc.p, x, creds.Source, got)
			}
			assertNoSecretsLogged(t, w)
		})
	}
}

// TestPlatformEnvVariables pins the exact variables each platform gets, which
// the platform detection elsewhere relies on.
func TestPlatformEnvVariables(t *testing.T) {
	common := []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_MAX_ATTEMPTS", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
		"AWS_ENDPOINT_URL_IAM", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}
	disabled := append(slices.Clone(common), "AWS_EC2_METADATA_DISABLED")
	want := map[Platform][]string{
		Lambda: append(slices.Clone(disabled), "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
			"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
			"AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "AWS_EXECUTION_ENV"),
		ECS:     append(slices.Clone(disabled), "AWS_CONTAINER_CREDENTIALS_FULL_URI", "ECS_CONTAINER_METADATA_URI_V4", "AWS_EXECUTION_ENV"),
		Fargate: append(slices.Clone(disabled), "AWS_CONTAINER_CREDENTIALS_FULL_URI", "ECS_CONTAINER_METADATA_URI_V4", "AWS_EXECUTION_ENV"),
		EC2:     append(slices.Clone(common), "AWS_EC2_METADATA_SERVICE_ENDPOINT"),
		EKS: append(slices.Clone(disabled), "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_STS_REGIONAL_ENDPOINTS",
			"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"),
		EKSPodIdentity: append(slices.Clone(disabled), "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
			"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"),
		Workstation:        disabled,
		WorkstationProfile: append(slices.Clone(disabled), "AWS_PROFILE"),
	}
	w := world.New(world.Options{})
	dir := t.TempDir()
	for _, p := range Platforms() {
		env, err := PlatformEnv(w, "http://127.0.0.1:8111/", dir, p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(env.Names(), want[p]) {
			t.Errorf("%s variables:\n got %v\nwant %v", p, env.Names(), want[p])
		}
		if env.Get("AWS_ENDPOINT_URL_STS") != "http://127.0.0.1:8111" {
			t.Errorf("%s: STS endpoint %q", p, env.Get("AWS_ENDPOINT_URL_STS"))
		}
		for _, f := range env.Files {
			b, err := os.ReadFile(f)
			if err != nil || len(b) == 0 {
				t.Fatalf("%s: file %s: %v", p, f, err)
			}
			if strings.HasSuffix(f, "token") && strings.HasSuffix(string(b), "\n") {
				t.Errorf("%s: token file %s ends in a newline; the SDK refuses it", p, f)
			}
			if strings.HasSuffix(f, "config") || strings.HasSuffix(f, "credentials") {
				if hasProfile := strings.Contains(string(b), "["); hasProfile != (p == Workstation || p == WorkstationProfile) {
					t.Errorf("%s: %s has profiles = %v", p, f, hasProfile)
				}
			}
		}
		for i, kv := range env.Redacted() {
			if k, _, _ := strings.Cut(kv, "="); isSecretVar(k) && kv != k+"=<redacted>" || !isSecretVar(k) && kv != env.Vars[i] {
				t.Errorf("%s: Redacted %q", p, kv)
			}
		}
	}
	for p, execEnv := range map[Platform]string{ECS: "AWS_ECS_EC2", Fargate: "AWS_ECS_FARGATE", Lambda: "AWS_Lambda_nodejs22.x"} {
		env, _ := PlatformEnv(w, "http://127.0.0.1:8111", dir, p)
		if env.Get("AWS_EXECUTION_ENV") != execEnv {
			t.Errorf("%s: AWS_EXECUTION_ENV %q", p, env.Get("AWS_EXECUTION_ENV"))
		}
	}
	if _, err := PlatformEnv(w, "127.0.0.1:8111", dir, EC2); err == nil {
		t.Error("an endpoint without scheme was accepted")
	}
	if _, err := PlatformEnv(w, "http://127.0.0.1:8111", dir, "gke"); err == nil {
		t.Error("an unknown platform was accepted")
	}
}
