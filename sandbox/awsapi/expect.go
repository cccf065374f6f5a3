package awsapi

import (
	"strings"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// Credential sources as aws-sdk-go-v2 (config v1.33.18) reports them in
// aws.Credentials.Source.
const (
	SourceEnv         = "EnvConfigCredentials"
	SourceEndpoint    = "CredentialsEndpointProvider"
	SourceIMDS        = "EC2RoleProvider"
	SourceWebIdentity = "WebIdentityCredentials"
	SourceAssumeRole  = "AssumeRoleProvider"
	// sharedConfigSource is followed by the shared credentials file's path.
	sharedConfigSource = "SharedConfigCredentials: "
)

// Expectation is the identity an application on a platform resolves through the
// AWS SDK's default chain against the sandbox.
type Expectation struct {
	Platform Platform
	// CallerARN is GetCallerIdentity's Arn when the platform fixes it completely;
	// "" when the session name is chosen at run time (see CallerARNPrefix).
	CallerARN string
	// CallerARNPrefix is what every GetCallerIdentity Arn on the platform starts with.
	CallerARNPrefix string
	// RoleARN is the role's full ARN, path included; "" for an IAM user.
	RoleARN string
	// PrincipalARN is the ARN to register as the Atlas database user: for roles,
	// the role ARN without its path.
	PrincipalARN string
	// AWSIAMType is the Atlas awsIAMType: "ROLE" or "USER".
	AWSIAMType string
	// Source is aws.Credentials.Source. For Workstation it is only the prefix
	// "SharedConfigCredentials: " (the SDK appends the credentials file path);
	// Env.Expect fills in the path.
	Source string
}

func sessionARN(role, session string) string {
	return "arn:aws:sts::" + world.AccountID + ":assumed-role/" + role + "/" + session
}

func roleARN(path, name string) string {
	return "arn:aws:iam::" + world.AccountID + ":role" + path + name
}

// Expect returns the expected identity on platform p.
func Expect(p Platform) Expectation {
	app := roleARN("/", world.RoleApp)
	// Role sessions never carry the role's path, so the ARN to register is the
	// role ARN without it (mongodb-aws.md §2.4); RoleARN keeps the full one.
	role := func(full, prefix, exact, source string) Expectation {
		name := full[strings.LastIndex(full, "/")+1:]
		return Expectation{Platform: p, CallerARN: exact, CallerARNPrefix: prefix, RoleARN: full,
			PrincipalARN: roleARN("/", name), AWSIAMType: "ROLE", Source: source}
	}
	switch p {
	case Lambda:
		exact := sessionARN(world.RoleLambda, world.LambdaFunction)
		return role(roleARN("/service-role/", world.RoleLambda), exact, exact, SourceEnv)
	case ECS, Fargate:
		exact := sessionARN(world.RoleApp, world.ECSTaskID)
		return role(app, exact, exact, SourceEndpoint)
	case EC2:
		exact := sessionARN(world.RoleApp, world.EC2InstanceID)
		return role(app, exact, exact, SourceIMDS)
	case EKS:
		// The SDK names the session itself (Unix nanoseconds) when
		// AWS_ROLE_SESSION_NAME is unset, as on a real IRSA pod.
		return role(roleARN("/eks/", world.RoleIRSA), sessionARN(world.RoleIRSA, ""), "", SourceWebIdentity)
	case EKSPodIdentity:
		return role(app, sessionARN(world.RoleApp, PodIdentitySessionPrefix), "", SourceEndpoint)
	case Workstation:
		user := "arn:aws:iam::" + world.AccountID + ":user/" + world.UserDev
		return Expectation{Platform: p, CallerARN: user, CallerARNPrefix: user, PrincipalARN: user,
			AWSIAMType: "USER", Source: sharedConfigSource}
	case WorkstationProfile:
		// The session name is the SDK's own (aws-go-sdk-<nanos> in Go).
		return role(app, sessionARN(world.RoleApp, ""), "", SourceAssumeRole)
	}
	return Expectation{Platform: p}
}
