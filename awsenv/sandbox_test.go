package awsenv

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// TestPlatformsAgainstSandbox runs the whole awsenv path on every platform the
// sandbox emulates: detect, load the chain, retrieve, GetCallerIdentity, normalise,
// recover the role's path, and check the source fits.
func TestPlatformsAgainstSandbox(t *testing.T) {
	sb := newSandbox(t, world.Options{})
	tests := []struct {
		sandbox  awsapi.Platform
		platform Platform
		sources  []string
		register string // the ARN to register (roles without their path)
		typ      IAMType
		from     string // RecoverRoleARN source; "" when no source may know it
		tried    string // what RecoverRoleARN reports when it finds nothing
	}{
		{awsapi.Lambda, Lambda, []string{"EnvVars"}, "arn:aws:iam::123456789012:role/lambda-app", TypeRole, "", "iam:GetRole is not allowed"},
		{awsapi.ECS, ECS, []string{"HTTP"}, "arn:aws:iam::123456789012:role/app", TypeRole, "ECS container credentials", ""},
		{awsapi.Fargate, Fargate, []string{"HTTP"}, "arn:aws:iam::123456789012:role/app", TypeRole, "ECS container credentials", ""},
		{awsapi.EC2, EC2, []string{"IMDS"}, "arn:aws:iam::123456789012:role/app", TypeRole, "", "iam:GetRole is not allowed"},
		{awsapi.EKS, EKS, []string{"EnvVarsSTSWebIDToken"}, "arn:aws:iam::123456789012:role/app-irsa", TypeRole, "AWS_ROLE_ARN", ""},
		{awsapi.EKSPodIdentity, EKSPodIdentity, []string{"HTTP"}, "arn:aws:iam::123456789012:role/app", TypeRole, "", "iam:GetRole is not allowed"},
		{awsapi.Workstation, Workstation, []string{"Profile"}, "arn:aws:iam::123456789012:user/dev", TypeUser, "", ""},
		{awsapi.WorkstationProfile, Workstation, []string{"ProfileSourceProfile", "Profile", "STSAssumeRole"}, "arn:aws:iam::123456789012:role/app", TypeRole, "", "iam:GetRole is not allowed"},
	}
	for _, tt := range tests {
		t.Run(string(tt.sandbox), func(t *testing.T) {
			env := sb.use(t, tt.sandbox)
			want := env.Expect()
			ctx := context.Background()

			d := Detect(ctx, Env{Root: t.TempDir()})
			if d.Platform != tt.platform {
				t.Fatalf("Detect = %s, want %s: %+v", d.Platform, tt.platform, d)
			}
			if len(d.Warnings) != 0 {
				t.Errorf("Detect warnings on a well-configured %s: %+v", tt.platform, d.Warnings)
			}

			c := load(t, ChainOptions{Platform: d.Platform})
			if got := strings.Join(c.Sources(), ","); !strings.Contains(got, strings.Join(tt.sources, ",")) {
				t.Errorf("Sources = %v, want %v", c.Sources(), tt.sources)
			}
			info, err := c.Check(ctx)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if info.Source != want.Source || info.AccessKeyID == "" || (info.Profile != "") != (tt.platform == Workstation) {
				t.Errorf("Check = %+v, want source %q", info, want.Source)
			}
			if info.Temporary != (tt.typ == TypeRole) {
				t.Errorf("Temporary = %v for a %s", info.Temporary, tt.typ)
			}
			if info.Temporary && info.Source != "EnvConfigCredentials" && info.Expires.IsZero() {
				t.Errorf("temporary credentials without Expires: %+v", info)
			}
			if ws := CheckSourceFit(d.Platform, info.Source); len(ws) != 0 {
				t.Errorf("CheckSourceFit(%s, %s) = %+v", d.Platform, info.Source, ws)
			}

			id, err := c.CallerIdentity(ctx)
			if err != nil {
				t.Fatalf("CallerIdentity: %v", err)
			}
			if !strings.HasPrefix(id.ARN, want.CallerARNPrefix) || want.CallerARN != "" && id.ARN != want.CallerARN {
				t.Errorf("CallerIdentity.ARN = %s, want %s (prefix %s)", id.ARN, want.CallerARN, want.CallerARNPrefix)
			}
			if id.Account != world.AccountID || id.Partition != "aws" || id.UserID == "" {
				t.Errorf("CallerIdentity = %+v", id)
			}

			p, err := Normalize(id.ARN, Discovered)
			if err != nil {
				t.Fatalf("Normalize(%s): %v", id.ARN, err)
			}
			if p.ARN != tt.register || p.Type != tt.typ {
				t.Errorf("Normalize = %s %s, want %s %s", p.Type, p.ARN, tt.typ, tt.register)
			}
			if string(p.Type) != want.AWSIAMType {
				t.Errorf("type %s, sandbox expects %s", p.Type, want.AWSIAMType)
			}

			rec, err := c.RecoverRoleARN(ctx, OSEnv(), p)
			if err != nil {
				t.Fatal(err)
			}
			if tt.from != "" && (rec.ARN != want.RoleARN || rec.From != tt.from) {
				t.Errorf("RecoverRoleARN = %+v, want %s from %s", rec, want.RoleARN, tt.from)
			}
			if tt.from == "" && rec.ARN != "" {
				t.Errorf("RecoverRoleARN found %+v where no source should know the role", rec)
			}
			if tt.tried != "" && !strings.Contains(strings.Join(rec.Tried, "\n"), tt.tried) {
				t.Errorf("RecoverRoleARN.Tried = %q, want %q", rec.Tried, tt.tried)
			}
			if rec.ARN != "" {
				a, _ := arn.Parse(want.RoleARN)
				if !strings.HasSuffix(a.Resource, rec.Path+p.Name) {
					t.Errorf("recovered path %q does not match %s", rec.Path, want.RoleARN)
				}
			}
			sb.assertNoSecrets(t, d, info, id, p, rec)
		})
	}
}

func TestAssumableRolesAgainstSandbox(t *testing.T) {
	sb := newSandbox(t, world.Options{})
	sb.use(t, awsapi.Workstation)
	c := load(t, ChainOptions{})
	c.listRolesPageSize = 1 // every role on its own page
	tests := []struct {
		platform Platform
		names    []string
	}{
		{Lambda, []string{"lambda-app"}},
		{ECS, []string{"app"}},
		{Fargate, []string{"app"}},
		{EC2, []string{"app"}},
		{EKS, []string{"app-irsa"}},
		{EKSPodIdentity, []string{"app"}},
		{Workstation, []string{"app"}},
	}
	for _, tt := range tests {
		roles, err := c.AssumableRoles(context.Background(), tt.platform)
		if err != nil {
			t.Fatalf("AssumableRoles(%s): %v", tt.platform, err)
		}
		var names []string
		for _, r := range roles {
			names = append(names, r.Name)
			want, _ := sb.w.IAMRole(r.Name)
			if r.ARN != want.ARN || r.Path != want.Path || len(r.TrustedBy) == 0 {
				t.Errorf("%s: role %+v, want ARN %s path %s", tt.platform, r, want.ARN, want.Path)
			}
			if r.TrustsCaller != (r.Name == world.RoleApp) {
				t.Errorf("%s: %s TrustsCaller = %v", tt.platform, r.Name, r.TrustsCaller)
			}
		}
		if strings.Join(names, ",") != strings.Join(tt.names, ",") {
			t.Errorf("AssumableRoles(%s) = %v, want %v", tt.platform, names, tt.names)
		}
	}
	roles, _ := c.AssumableRoles(context.Background(), ECS)
	if len(roles) == 1 && !strings.Contains(strings.Join(roles[0].TrustedBy, ","), "Service ecs-tasks.amazonaws.com") {
		t.Errorf("TrustedBy = %v", roles[0].TrustedBy)
	}
}

func TestAssumableRolesDeniedForWorkloads(t *testing.T) {
	sb := newSandbox(t, world.Options{})
	sb.use(t, awsapi.ECS)
	c := load(t, ChainOptions{Platform: ECS})
	_, err := c.AssumableRoles(context.Background(), EC2)
	var denied *AccessDeniedError
	if !errors.As(err, &denied) || denied.Action != "iam:ListRoles" || !strings.Contains(denied.Message, "assumed-role/app/") {
		t.Fatalf("err = %v, want *AccessDeniedError for iam:ListRoles", err)
	}
	if denied.Diagnosis() != nil {
		t.Error("a denied IAM read is not a diagnosis by itself")
	}
}

func TestAssumeRoleAgainstSandbox(t *testing.T) {
	sb := newSandbox(t, world.Options{})
	sb.use(t, awsapi.Workstation)
	c := load(t, ChainOptions{})
	app, _ := sb.w.IAMRole(world.RoleApp)
	lambda, _ := sb.w.IAMRole(world.RoleLambda)
	ctx := context.Background()

	p, id, err := c.AssumeRole(ctx, app.ARN, DefaultSessionName)
	if err != nil {
		t.Fatalf("AssumeRole(app): %v", err)
	}
	if id.ARN != "arn:aws:sts::123456789012:assumed-role/app/atlas-iam" {
		t.Errorf("assumed identity = %s", id.ARN)
	}
	creds, err := p.Retrieve(ctx)
	if err != nil || creds.Source != "AssumeRoleProvider" || creds.SessionToken == "" {
		t.Errorf("provider Retrieve = %s, %v", creds.Source, err)
	}

	_, _, err = c.AssumeRole(ctx, lambda.ARN, DefaultSessionName)
	var denied *AccessDeniedError
	if !errors.As(err, &denied) || denied.Action != "sts:AssumeRole" || denied.Resource != lambda.ARN {
		t.Fatalf("AssumeRole(lambda-app) err = %v, want *AccessDeniedError", err)
	}
	if d := denied.Diagnosis(); d == nil || d.Code != diag.AssumeRoleDenied {
		t.Errorf("Diagnosis = %+v", d)
	}

	if _, _, err := c.AssumeRole(ctx, app.ARN, "x"); err == nil {
		t.Error("a one-character session name was accepted")
	}
	var ae *ARNError
	if _, _, err := c.AssumeRole(ctx, "arn:aws:iam::123456789012:user/dev", DefaultSessionName); !errors.As(err, &ae) {
		t.Errorf("assuming a user: %v", err)
	}
	sb.assertNoSecrets(t, id, err)
}

// TestSTSFailuresAgainstSandbox drives each STS refusal through the real chain.
func TestSTSFailuresAgainstSandbox(t *testing.T) {
	tests := []struct {
		name  string
		opts  world.Options
		setup func(t *testing.T, sb *sandbox)
		cause STSCause
	}{
		{"expired session token", world.Options{Knobs: world.Knobs{ExpireCredentials: true}},
			func(t *testing.T, sb *sandbox) { sb.use(t, awsapi.Lambda) }, CauseExpiredToken},
		{"clock 20 minutes behind", world.Options{Knobs: world.Knobs{ClockSkew: 20 * time.Minute}},
			func(t *testing.T, sb *sandbox) { sb.use(t, awsapi.Workstation) }, CauseClockSkew},
		{"clock 20 minutes ahead", world.Options{Knobs: world.Knobs{ClockSkew: -20 * time.Minute}},
			func(t *testing.T, sb *sandbox) { sb.use(t, awsapi.Workstation) }, CauseClockSkew},
		{"unknown access key", world.Options{},
			func(t *testing.T, sb *sandbox) {
				sb.use(t, awsapi.EKS) // an environment with no keys of its own
				unsetenv(t, "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN")
				t.Setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000000")
				t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret-at-all-0000000000000000")
			}, CauseUnknownKey},
		{"session token missing", world.Options{},
			func(t *testing.T, sb *sandbox) {
				sb.use(t, awsapi.Lambda)
				unsetenv(t, "AWS_SESSION_TOKEN")
			}, CauseUnknownKey},
		{"wrong secret", world.Options{},
			func(t *testing.T, sb *sandbox) {
				sb.use(t, awsapi.EKS)
				unsetenv(t, "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN")
				dev, _ := sb.w.UserCredentials(world.UserDev)
				t.Setenv("AWS_ACCESS_KEY_ID", dev.AccessKeyID)
				t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong"+dev.SecretAccessKey[5:])
			}, CauseWrongSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newSandbox(t, tt.opts)
			tt.setup(t, sb)
			c := load(t, ChainOptions{})
			if _, err := c.Check(context.Background()); err != nil {
				t.Fatalf("Check: %v", err)
			}
			_, err := c.CallerIdentity(context.Background())
			var se *STSError
			if !errors.As(err, &se) || se.Cause != tt.cause {
				t.Fatalf("CallerIdentity err = %v, want cause %s", err, tt.cause)
			}
			if se.AccessKeyID == "" || se.Diagnosis().Code != diag.AuthFailed {
				t.Errorf("STSError = %+v", se)
			}
			sb.assertNoSecrets(t, err, se.Diagnosis())
		})
	}
}

func TestWebIdentityFailureAgainstSandbox(t *testing.T) {
	sb := newSandbox(t, world.Options{})
	sb.use(t, awsapi.EKS)
	app, _ := sb.w.IAMRole(world.RoleApp) // trusts no OIDC provider
	t.Setenv("AWS_ROLE_ARN", app.ARN)
	c := load(t, ChainOptions{Platform: EKS})
	_, err := c.Check(context.Background())
	var ce *CredentialError
	if !errors.As(err, &ce) || ce.Problem != WebIdentityFailed || !strings.Contains(ce.Fix, "trust policy") {
		t.Fatalf("err = %v, want WebIdentityFailed", err)
	}
	if d := ce.Diagnosis(); d.Code != diag.NoAWSCredentials || !strings.Contains(strings.Join(d.Evidence, " "), "AccessDenied") {
		t.Errorf("Diagnosis = %+v", d)
	}
	sb.assertNoSecrets(t, err)
}

func TestRegionFallback(t *testing.T) {
	sb := newSandbox(t, world.Options{})
	ctx := context.Background()

	// EC2 without a region: read it from the instance metadata.
	sb.use(t, awsapi.EC2)
	unsetenv(t, "AWS_REGION", "AWS_DEFAULT_REGION")
	c := load(t, ChainOptions{Platform: EC2})
	if c.Region != world.Region || !strings.Contains(c.RegionNote, "instance metadata") {
		t.Errorf("EC2 region = %q (%s)", c.Region, c.RegionNote)
	}
	if _, err := c.CallerIdentity(ctx); err != nil {
		t.Errorf("CallerIdentity with the IMDS region: %v", err)
	}

	// Anywhere else: us-east-1 for STS, and say so.
	sb.use(t, awsapi.Lambda)
	unsetenv(t, "AWS_REGION", "AWS_DEFAULT_REGION")
	c = load(t, ChainOptions{Platform: Lambda})
	if c.Region != DefaultRegion || !strings.Contains(c.RegionNote, "no region configured") {
		t.Errorf("default region = %q (%s)", c.Region, c.RegionNote)
	}
	if _, err := c.CallerIdentity(ctx); err != nil {
		t.Errorf("CallerIdentity with the default region: %v", err)
	}

	// A configured region is used silently; an explicit one wins.
	sb.use(t, awsapi.Lambda)
	t.Setenv("AWS_REGION", "eu-west-1")
	if c = load(t, ChainOptions{}); c.Region != "eu-west-1" || c.RegionNote != "" {
		t.Errorf("configured region = %q (%s)", c.Region, c.RegionNote)
	}
	if c = load(t, ChainOptions{Region: "ap-south-1"}); c.Region != "ap-south-1" {
		t.Errorf("explicit region = %q", c.Region)
	}
}

// TestProviderIsShared checks the provider handed out is the one STS used: the
// driver must log in with exactly these credentials.
func TestProviderIsShared(t *testing.T) {
	sb := newSandbox(t, world.Options{})
	sb.use(t, awsapi.Fargate)
	c := load(t, ChainOptions{Platform: Fargate})
	info, err := c.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var p aws.CredentialsProvider = c.Provider()
	creds, err := p.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != info.AccessKeyID {
		t.Fatalf("provider gave %s, Check saw %s (%v)", creds.AccessKeyID, info.AccessKeyID, err)
	}
	k, ok := sb.w.LookupKey(creds.AccessKeyID)
	if !ok || k.SecretAccessKey != creds.SecretAccessKey {
		t.Error("the provider's key is not the one the sandbox issued")
	}
}
