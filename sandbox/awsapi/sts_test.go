package awsapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

func static(c world.Credentials) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
}

func devKeys(t *testing.T, w *world.World) world.Credentials {
	t.Helper()
	k, ok := w.UserCredentials(world.UserDev)
	if !ok {
		t.Fatal("no dev key")
	}
	return k
}

// TestGetCallerIdentityRejections drives the signature checks with the real SDK
// signer: each failure must reach the SDK with STS's code and message, and be
// logged with its real reason.
func TestGetCallerIdentityRejections(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		opts   world.Options
		region string
		creds  func(*world.World) world.Credentials
		code   string
		msg    string
		reason string // fragment of the sts log line
	}{
		{"unknown key", world.Options{}, "us-east-1",
			func(*world.World) world.Credentials {
				return world.Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN00", SecretAccessKey: strings.Repeat("x", 40)}
			},
			"InvalidClientTokenId", "The security token included in the request is invalid.", "AKIAUNKNOWNUNKNOWN00 is unknown"},
		{"wrong secret", world.Options{}, "us-east-1",
			func(w *world.World) world.Credentials {
				k := devKeys(t, w)
				k.SecretAccessKey = strings.Repeat("y", 40)
				return k
			},
			"SignatureDoesNotMatch", "The request signature we calculated does not match", "wrong secret key"},
		{"session token missing", world.Options{}, "us-east-1",
			func(w *world.World) world.Credentials {
				c, _ := w.ServiceSession("ec2.amazonaws.com", world.RoleApp, world.EC2InstanceID)
				c.SessionToken = ""
				return c
			},
			"InvalidClientTokenId", "The security token included in the request is invalid.", "without its session token"},
		{"expired session", world.Options{Knobs: world.Knobs{ExpireCredentials: true}}, "us-east-1",
			func(w *world.World) world.Credentials {
				c, _ := w.ServiceSession("lambda.amazonaws.com", world.RoleLambda, world.LambdaFunction)
				return c
			},
			"ExpiredToken", "The security token included in the request is expired", "expired at"},
		{"clock skew", world.Options{Knobs: world.Knobs{ClockSkew: 20 * time.Minute}}, "us-east-1",
			func(w *world.World) world.Credentials { return devKeys(t, w) },
			"SignatureDoesNotMatch", "Signature expired: ", "scope"},
		{"other region", world.Options{}, "eu-west-1",
			func(w *world.World) world.Credentials { return devKeys(t, w) },
			"SignatureDoesNotMatch", "Credential should be scoped to a valid region", "/eu-west-1/sts/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, endpoint := newSandbox(t, tc.opts)
			client := sts.NewFromConfig(sdkConfig(t, endpoint, tc.region, static(tc.creds(w))))
			_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			apiError(t, err, tc.code, tc.msg)
			if !logged(w, "sts", "GetCallerIdentity rejected", tc.code, tc.reason) {
				t.Fatalf("no sts log line with %q: %v", tc.reason, w.Events())
			}
			assertNoSecretsLogged(t, w)
		})
	}
}

// TestClockSkewIsCorrectedFromDate: like AWS, the sandbox dates its responses
// with its own clock, so the SDK's skew correction heals the next call.
func TestClockSkewIsCorrectedFromDate(t *testing.T) {
	ctx := context.Background()
	w, endpoint := newSandbox(t, world.Options{Knobs: world.Knobs{ClockSkew: 20 * time.Minute}})
	client := sts.NewFromConfig(sdkConfig(t, endpoint, "us-east-1", static(devKeys(t, w))))
	if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
		t.Fatal("a 20-minute skew was accepted")
	}
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("second call after the Date header: %v", err)
	}
	if *out.Arn != "arn:aws:iam::123456789012:user/dev" {
		t.Fatalf("Arn %s", *out.Arn)
	}
}

func TestAssumeRole(t *testing.T) {
	ctx := context.Background()
	w, endpoint := newSandbox(t, world.Options{})
	dev := sts.NewFromConfig(sdkConfig(t, endpoint, "us-east-1", static(devKeys(t, w))))

	_, err := dev.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/service-role/lambda-app"), RoleSessionName: aws.String("wizard")})
	apiError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/service-role/lambda-app")

	_, err = dev.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/app"), RoleSessionName: aws.String("bad name!")})
	apiError(t, err, "ValidationError", "roleSessionName")

	out, err := dev.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/app"), RoleSessionName: aws.String("wizard"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatalf("dev → app: %v", err)
	}
	if *out.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/app/wizard" || !strings.HasSuffix(*out.AssumedRoleUser.AssumedRoleId, ":wizard") {
		t.Fatalf("AssumedRoleUser %+v", out.AssumedRoleUser)
	}
	if d := time.Until(*out.Credentials.Expiration); d < 14*time.Minute || d > 16*time.Minute {
		t.Fatalf("DurationSeconds 900 gave expiry in %v", d)
	}

	// The session works, and a role session may not assume roles itself.
	session := credentials.NewStaticCredentialsProvider(*out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	app := sts.NewFromConfig(sdkConfig(t, endpoint, "us-east-1", session))
	id, err := app.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Arn != "arn:aws:sts::123456789012:assumed-role/app/wizard" {
		t.Fatalf("GetCallerIdentity with the assumed session: %v %v", id, err)
	}
	_, err = app.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/app"), RoleSessionName: aws.String("again")})
	apiError(t, err, "AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/app/wizard is not authorized to perform: sts:AssumeRole")
	assertNoSecretsLogged(t, w)
}

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	ctx := context.Background()
	w, endpoint := newSandbox(t, world.Options{})
	// The SDK calls this operation unsigned, whatever credentials the client has.
	client := sts.NewFromConfig(sdkConfig(t, endpoint, "us-east-1", aws.AnonymousCredentials{}))
	irsa := "arn:aws:iam::123456789012:role/eks/app-irsa"
	call := func(role, tok string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String(role), RoleSessionName: aws.String("pod"), WebIdentityToken: aws.String(tok)})
	}

	good := w.ServiceAccountToken(world.AudienceIRSA)
	for _, tc := range []struct {
		name, role, tok, msg string
	}{
		{"garbage token", irsa, "not-a-jwt", "Couldn't retrieve verification key"},
		{"forged signature", irsa, good[:strings.LastIndex(good, ".")+1] + "AAAA", "Couldn't retrieve verification key"},
		{"pod identity audience", irsa, w.ServiceAccountToken(world.AudiencePodIdentity), "Incorrect token audience"},
	} {
		_, err := call(tc.role, tc.tok)
		var iit *types.InvalidIdentityTokenException
		if !errors.As(err, &iit) || !strings.Contains(iit.ErrorMessage(), tc.msg) {
			t.Fatalf("%s: %v, want InvalidIdentityToken %q", tc.name, err, tc.msg)
		}
	}
	_, err := call("arn:aws:iam::123456789012:role/app", good)
	apiError(t, err, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")

	out, err := call(irsa, good)
	if err != nil {
		t.Fatal(err)
	}
	if *out.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/app-irsa/pod" ||
		*out.SubjectFromWebIdentityToken != "system:serviceaccount:default:app" || *out.Audience != "sts.amazonaws.com" {
		t.Fatalf("result %+v", out)
	}
	if !logged(w, "sts", "AssumeRoleWithWebIdentity rejected", "InvalidIdentityToken") {
		t.Fatal("token rejection not logged")
	}
	assertNoSecretsLogged(t, w, good)
}
