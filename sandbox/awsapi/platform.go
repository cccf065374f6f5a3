package awsapi

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// Platform is a compute environment whose AWS setup the sandbox reproduces.
type Platform string

// The platforms. WorkstationProfile is a workstation whose AWS_PROFILE names a
// profile that assumes the app role from the default profile's keys.
const (
	Lambda             Platform = "lambda"
	ECS                Platform = "ecs"
	Fargate            Platform = "fargate"
	EC2                Platform = "ec2"
	EKS                Platform = "eks"
	EKSPodIdentity     Platform = "eks-pod-identity"
	Workstation        Platform = "workstation"
	WorkstationProfile Platform = "workstation-profile"
)

// WorkstationProfileName is the profile WorkstationProfile selects with AWS_PROFILE.
const WorkstationProfileName = "app"

// Platforms lists every platform, in the wizard's order.
func Platforms() []Platform {
	return []Platform{Lambda, ECS, Fargate, EC2, EKS, EKSPodIdentity, Workstation, WorkstationProfile}
}

// ParsePlatform checks a platform name.
func ParsePlatform(s string) (Platform, error) {
	for _, p := range Platforms() {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown platform %q (want one of %v)", s, Platforms())
}

// Cluster network values an EKS pod sees.
const (
	kubernetesServiceHost = "10.100.0.1"
	kubernetesServicePort = "443"
)

// lambdaExecutionEnv is the AWS_EXECUTION_ENV of a managed Node.js runtime. Lambda
// does not set it on OS-only runtimes (provided.al2023, which Go uses); the
// sandbox emulates a managed runtime so the signal is there to detect.
const lambdaExecutionEnv = "AWS_Lambda_nodejs22.x"

// Env is the environment a platform gives an application, pointed at the sandbox.
type Env struct {
	Platform Platform
	// Vars are NAME=value pairs in a stable order, ready for exec.Cmd.Env.
	// On Lambda they hold the function's temporary keys: never log them
	// (use Redacted).
	Vars []string
	// Files are the files PlatformEnv wrote for this platform.
	Files []string
}

// Get returns a variable's value, "" when absent.
func (e Env) Get(name string) string {
	for _, kv := range e.Vars {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}

// Names lists the variable names in order.
func (e Env) Names() []string {
	names := make([]string, len(e.Vars))
	for i, kv := range e.Vars {
		names[i], _, _ = strings.Cut(kv, "=")
	}
	return names
}

// Apply sets every variable through setenv (os.Setenv, or t.Setenv in tests).
func (e Env) Apply(setenv func(key, value string)) {
	for _, kv := range e.Vars {
		k, v, _ := strings.Cut(kv, "=")
		setenv(k, v)
	}
}

// isSecretVar reports whether a variable holds a secret when present.
func isSecretVar(name string) bool {
	switch name {
	case "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN":
		return true
	}
	return false
}

// Redacted returns Vars with secret values replaced, for printing.
func (e Env) Redacted() []string {
	out := make([]string, len(e.Vars))
	for i, kv := range e.Vars {
		out[i] = kv
		if k, _, _ := strings.Cut(kv, "="); isSecretVar(k) {
			out[i] = k + "=<redacted>"
		}
	}
	return out
}

// Expect is what an application using this environment should find, with the
// exact credential source (the shared-credentials path filled in).
func (e Env) Expect() Expectation {
	x := Expect(e.Platform)
	if e.Platform == Workstation {
		x.Source = sharedConfigSource + e.Get("AWS_SHARED_CREDENTIALS_FILE")
	}
	return x
}

// PlatformEnv writes the files platform p needs under dir/<p>/ and returns the
// variables that point the AWS SDKs at the sandbox endpoint (the base URL of the
// server New returns, e.g. http://127.0.0.1:PORT) the way p would run the app:
//
//   - every platform: AWS_REGION, AWS_DEFAULT_REGION, AWS_MAX_ATTEMPTS=1, the
//     global and the STS/IAM endpoint URLs (the global one keeps every other
//     service client off real AWS too; STS must also be named explicitly, see
//     aws-environments.md §0.3), sandbox AWS_CONFIG_FILE and
//     AWS_SHARED_CREDENTIALS_FILE (empty of profiles except on workstations, so a
//     real ~/.aws never leaks in), and AWS_EC2_METADATA_DISABLED=true except on ec2;
//   - then the platform's own variables (aws-environments.md §2.2 and §4).
//
// The region is set on EC2 too, although a real instance has none by default: the
// SDK's default chain needs one to call STS.
func PlatformEnv(w *world.World, endpoint, dir string, p Platform) (Env, error) {
	if _, err := ParsePlatform(string(p)); err != nil {
		return Env{}, err
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Env{}, fmt.Errorf("sandbox endpoint %q: want a base URL like http://127.0.0.1:PORT", endpoint)
	}
	base := strings.TrimSuffix(u.String(), "/")
	e := Env{Platform: p}
	set := func(k, v string) { e.Vars = append(e.Vars, k+"="+v) }
	pdir := filepath.Join(dir, string(p))
	if err := os.MkdirAll(pdir, 0o700); err != nil {
		return Env{}, fmt.Errorf("platform %s: %w", p, err)
	}
	write := func(name, content string) (string, error) {
		path := filepath.Join(pdir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			return "", fmt.Errorf("platform %s: %w", p, err)
		}
		e.Files = append(e.Files, path)
		return path, nil
	}

	config, credentials, err := sharedFiles(w, p)
	if err != nil {
		return Env{}, err
	}
	configPath, err := write("config", config)
	if err != nil {
		return Env{}, err
	}
	credentialsPath, err := write("credentials", credentials)
	if err != nil {
		return Env{}, err
	}

	set("AWS_REGION", world.Region)
	set("AWS_DEFAULT_REGION", world.Region)
	set("AWS_MAX_ATTEMPTS", "1")
	set("AWS_ENDPOINT_URL", base)
	set("AWS_ENDPOINT_URL_STS", base)
	set("AWS_ENDPOINT_URL_IAM", base)
	set("AWS_CONFIG_FILE", configPath)
	set("AWS_SHARED_CREDENTIALS_FILE", credentialsPath)
	if p != EC2 {
		set("AWS_EC2_METADATA_DISABLED", "true")
	}

	switch p {
	case Lambda:
		c, aerr := w.ServiceSession("lambda.amazonaws.com", world.RoleLambda, world.LambdaFunction)
		if aerr != nil {
			return Env{}, fmt.Errorf("lambda execution role session: %w", aerr)
		}
		set("AWS_ACCESS_KEY_ID", c.AccessKeyID)
		set("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)
		set("AWS_SESSION_TOKEN", c.SessionToken)
		set("AWS_LAMBDA_FUNCTION_NAME", world.LambdaFunction)
		set("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
		set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
		set("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/"+world.LambdaFunction)
		// The Runtime API is not emulated; the variable is a detection signal.
		set("AWS_LAMBDA_RUNTIME_API", u.Host)
		set("LAMBDA_TASK_ROOT", "/var/task")
		set("AWS_EXECUTION_ENV", lambdaExecutionEnv)
	case ECS, Fargate:
		lt, execEnv := LaunchEC2, "AWS_ECS_EC2"
		if p == Fargate {
			lt, execEnv = LaunchFargate, "AWS_ECS_FARGATE"
		}
		// ECS sets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, which the SDKs always join
		// to 169.254.170.2; FULL_URI is the one form that can reach loopback.
		set("AWS_CONTAINER_CREDENTIALS_FULL_URI", base+"/v2/credentials/"+ECSCredentialsID)
		set("ECS_CONTAINER_METADATA_URI_V4", base+"/v4/"+ECSMetadataID(lt))
		set("AWS_EXECUTION_ENV", execEnv)
	case EC2:
		set("AWS_EC2_METADATA_SERVICE_ENDPOINT", base)
	case EKS:
		tok, err := write("token", w.ServiceAccountToken(world.AudienceIRSA)) // no trailing newline
		if err != nil {
			return Env{}, err
		}
		role, _ := w.IAMRole(world.RoleIRSA)
		set("AWS_ROLE_ARN", role.ARN)
		set("AWS_WEB_IDENTITY_TOKEN_FILE", tok)
		set("AWS_STS_REGIONAL_ENDPOINTS", "regional")
		set("KUBERNETES_SERVICE_HOST", kubernetesServiceHost)
		set("KUBERNETES_SERVICE_PORT", kubernetesServicePort)
	case EKSPodIdentity:
		// A trailing newline would make the SDK refuse the token.
		tok, err := write("eks-pod-identity-token", w.ServiceAccountToken(world.AudiencePodIdentity))
		if err != nil {
			return Env{}, err
		}
		set("AWS_CONTAINER_CREDENTIALS_FULL_URI", base+"/v1/credentials")
		set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tok)
		set("KUBERNETES_SERVICE_HOST", kubernetesServiceHost)
		set("KUBERNETES_SERVICE_PORT", kubernetesServicePort)
	case WorkstationProfile:
		set("AWS_PROFILE", WorkstationProfileName)
	}
	return e, nil
}

// sharedFiles returns the contents of the sandbox AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE. Workstations get the developer's long-term keys
// as [default] and a profile that assumes the app role; every other platform gets
// files without profiles.
func sharedFiles(w *world.World, p Platform) (config, credentials string, err error) {
	if p != Workstation && p != WorkstationProfile {
		empty := "# atlas-iam sandbox: no profiles on the " + string(p) + " platform\n"
		return empty, empty, nil
	}
	dev, ok := w.UserCredentials(world.UserDev)
	if !ok {
		return "", "", fmt.Errorf("workstation: user %s has no access key", world.UserDev)
	}
	app, _ := w.IAMRole(world.RoleApp)
	config = "[default]\nregion = " + world.Region + "\n\n" +
		"[profile " + WorkstationProfileName + "]\nrole_arn = " + app.ARN + "\nsource_profile = default\nregion = " + world.Region + "\n"
	credentials = "[default]\naws_access_key_id = " + dev.AccessKeyID + "\naws_secret_access_key = " + dev.SecretAccessKey + "\n"
	return config, credentials, nil
}
